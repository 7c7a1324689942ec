"""Property: for random valid groups the generated module declares exactly the live rule set
(services, CIDR, group and prefix-list peers, priorities, policies, unicode descriptions),
and ruff leaves it as it is."""

from __future__ import annotations

import ipaddress
import subprocess
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sgplan.codegen import render_stack_module, stack_from_text
from sgplan.model.build import build_state
from sgplan.model.services import CATALOG
from sgplan.model.stack import Stack, State
from sgplan.plan.planner import Resolver
from tests.codegen.helpers import ROOT, assert_no_changes, ruff, sync_plan

VPCS = ("vpc-bp1prop0a", "vpc-bp1prop0b")
LISTS = [
    {"id": "pl-bp1prop4", "name": "prod-office-nets", "max_entries": 3,
     "entries": ["203.0.113.0/27"]},
    {"id": "pl-bp1prop6", "name": "prod-v6-nets", "max_entries": 3, "address_family": "IPv6",
     "entries": ["2001:db8::/32"]},
]  # fmt: skip
NAMES = st.one_of(
    st.from_regex(r"(prod-)?[a-z][a-z0-9]{1,8}(-[a-z0-9]{1,6}){0,2}(-sg)?", fullmatch=True),
    st.sampled_from(["生产-web", "prod-网关-sg", "Web.Tier_1", "prod:cache"]),
)
TEXT = st.text(min_size=1, max_size=80)
TAG_TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12)


@st.composite
def v4_cidr(draw: st.DrawFn) -> str:
    plen = draw(st.sampled_from((0, 8, 16, 24, 27, 32)))
    net = ipaddress.IPv4Network((draw(st.integers(0, 2**32 - 1)), plen), strict=False)
    return str(net)


@st.composite
def v6_cidr(draw: st.DrawFn) -> str:
    plen = draw(st.sampled_from((0, 32, 48, 64, 128)))
    net = ipaddress.IPv6Network((draw(st.integers(0, 2**128 - 1)), plen), strict=False)
    return net.compressed


@st.composite
def parts(draw: st.DrawFn) -> list[tuple[str, str]]:
    if draw(st.booleans()):
        svc = draw(st.sampled_from(list(CATALOG.values())))
        return [(proto, str(ports)) for proto, ports in svc.parts]
    start = draw(st.integers(1, 65535))
    end = draw(st.integers(start, min(65535, start + 2000)))
    return [(draw(st.sampled_from(("tcp", "udp"))), f"{start}/{end}")]


@st.composite
def rule_dicts(draw: st.DrawFn, group_peers: list[str]) -> list[dict[str, Any]]:
    kinds = ["v4", "v6", "list", "owner"] + (["group"] * 2 if group_peers else [])
    kind = draw(st.sampled_from(kinds))
    v6 = False
    if kind == "v4":
        peer = draw(v4_cidr())
    elif kind == "v6":
        peer, v6 = draw(v6_cidr()), True
    elif kind == "list":
        pl = draw(st.sampled_from(LISTS))
        peer, v6 = pl["id"], pl.get("address_family") == "IPv6"
    elif kind == "owner":
        peer = "1234567890123456/sg-bp1other"
    else:
        peer = draw(st.sampled_from(group_peers))
    base: dict[str, Any] = {
        "direction": draw(st.sampled_from(("ingress", "egress"))),
        "peer": peer,
        "policy": draw(st.sampled_from(("accept", "drop"))),
        "priority": draw(st.integers(1, 100)),
        "description": draw(st.none() | TEXT),
    }
    out = []
    for protocol, ports in draw(parts()):
        if protocol in ("icmp", "icmpv6"):
            protocol = "icmpv6" if v6 else "icmp"
        out.append({**base, "protocol": protocol, "ports": ports})
    return out


@st.composite
def states(draw: st.DrawFn) -> State:
    names = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    groups: list[dict[str, Any]] = []
    vpcs = [draw(st.sampled_from(VPCS)) for _ in names]
    for n, name in enumerate(names):
        peers = [f"sg-bp1prop{m}" for m in range(len(names)) if vpcs[m] == vpcs[n]]
        rules: dict[Any, dict[str, Any]] = {}
        for batch in draw(st.lists(rule_dicts(peers), max_size=8)):
            for r in batch:
                key = tuple(sorted((k, str(v)) for k, v in r.items() if k != "description"))
                rules.setdefault(key, r)
        groups.append({
            "id": f"sg-bp1prop{n}", "name": name, "vpc_id": vpcs[n],
            "description": draw(st.none() | TEXT.filter(
                lambda t: len(t) >= 2 and not t.startswith(("http://", "https://")))),
            "inner_access_policy": draw(st.sampled_from(("accept", "drop"))),
            "tags": draw(st.dictionaries(TAG_TEXT, TAG_TEXT, max_size=2)),
            "rules": list(rules.values()),
        })  # fmt: skip
    members = [{"nic": "eni-bp1prop", "groups": [groups[0]["id"]]}]
    return build_state(
        {"region": "cn-hangzhou", "groups": groups, "prefix_lists": LISTS, "members": members}
    )


def declared_rules(stack: Stack, state: State) -> dict[str, set[tuple[Any, str | None]]]:
    """Each group's rules as the cloud would key them: stack names resolved to live IDs."""
    ids = {g.name: g.id for g in stack.groups if g.id}
    lists = {p.name: p.id for p in stack.prefix_lists if p.id}
    resolver = Resolver(ids, lists)  # type: ignore[arg-type]
    return {str(g.id): {(resolver.key(r), r.description) for r in g.rules} for g in stack.groups}


def live_rules(state: State) -> dict[str, set[tuple[Any, str | None]]]:
    return {str(g.id): {(r.key, r.description) for r in g.rules} for g in state.groups}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states())
def test_generated_module_declares_exactly_the_live_rules(state):
    text = render_stack_module(state, stack_name="prod", source="hypothesis")
    stack = stack_from_text(text)
    assert declared_rules(stack, state) == live_rules(state)
    assert_no_changes(sync_plan(stack, state))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states())
def test_ruff_leaves_generated_modules_alone(state):
    text = render_stack_module(state, stack_name="prod")
    config = str(ROOT / "pyproject.toml")
    for args in (["--config", config], ["--line-length", "88", "--isolated"]):
        done = subprocess.run(
            [ruff(), "format", *args, "--stdin-filename", "gen.py", "-"],
            input=text, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stdout == text
    checked = subprocess.run(
        [ruff(), "check", "--config", config, "--stdin-filename", "gen.py", "-"],
        input=text, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout
