"""Property tests on random multi-group NICs with port lists (known and unknown entries)
and classic groups on both NIC types: the evaluator agrees with the reference judge, and
lint never calls a rule redundant or shadowed when removing it changes a verdict on the
group alone or on the NIC."""

from __future__ import annotations

import dataclasses
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from sgplan.evaluate.catalog import Context
from sgplan.evaluate.evaluator import Evaluator
from sgplan.evaluate.packet import Packet
from sgplan.evaluate.reference import judge
from sgplan.lint import LintInput, lint
from sgplan.model import Member, PortRangeList, Rule, SecurityGroup
from tests.evaluate.strategies import GROUP_NAMES, PREFIX_LISTS, packets, rules

SETTINGS = settings(max_examples=120, deadline=None)
PORT_LISTS = (
    PortRangeList(name="web", id="prl-web01", max_entries=4, entries=("80/80", "443/443")),
    PortRangeList(name="admin", max_entries=4, entries=("20/23", "22/22", "3306/3306")),
    PortRangeList(name="gone", id="prl-gone01", max_entries=4, entries=None),
)
PORT_LIST_REFS = ("prl-web01", "port-list:admin", "prl-gone01", "prl-unknown01")


@st.composite
def port_rules(draw: st.DrawFn, classic: bool, group_peers: bool) -> Rule:
    rule = draw(rules(group_peers=group_peers))
    data = rule.model_dump(exclude_none=True)
    if rule.protocol in ("tcp", "udp") and draw(st.booleans()):
        data.pop("ports", None)
        data["port_list"] = draw(st.sampled_from(PORT_LIST_REFS))
    if classic and not rule.peer.is_group and not rule.peer.is_prefix_list:
        data["nic_type"] = draw(st.sampled_from(("intranet", "internet")))
    if classic and rule.peer.is_prefix_list:
        data["peer"] = "0.0.0.0/0"
    return Rule.model_validate(data)


@st.composite
def nic_groups(draw: st.DrawFn) -> list[SecurityGroup]:
    classic = draw(st.booleans())
    kind = "normal" if classic else draw(st.sampled_from(("normal", "normal", "enterprise")))
    out = []
    for i in range(draw(st.integers(1, 3))):
        found = draw(st.lists(port_rules(classic, kind == "normal"), max_size=7))
        unique = tuple({r.key: r for r in found}.values())
        out.append(
            SecurityGroup(
                name=GROUP_NAMES[i],
                id=f"sg-{GROUP_NAMES[i]}0001",
                network="classic" if classic else "vpc",
                vpc_id=None if classic else "vpc-1",
                type=kind,
                inner_access_policy="drop"
                if kind == "enterprise"
                else draw(st.sampled_from(("accept", "drop"))),
                rules=unique,
            )
        )
    return out


def _with_nic_type(pk: Packet, nic_type: str) -> Packet:
    if nic_type == "internet" and pk.groups:
        return pk
    return dataclasses.replace(pk, nic_type=nic_type)  # type: ignore[arg-type]


@SETTINGS
@given(nic=nic_groups(), pks=st.lists(packets(), min_size=1, max_size=25), data=st.data())
def test_evaluator_agrees_with_the_reference_judge_on_port_lists_and_nic_types(nic, pks, data):
    ctx = Context.of(nic, PREFIX_LISTS, PORT_LISTS)
    ev = Evaluator(nic, ctx)
    for pk in pks:
        pk = _with_nic_type(pk, data.draw(st.sampled_from(("intranet", "internet"))))
        got = ev.decide(pk)
        want = judge(nic, pk, ctx)
        assert got.outcome == want.outcome, (pk.text(), pk.nic_type, got.reason)


def _verdicts(groups: list[SecurityGroup], pks: list[Packet], ctx: Context) -> list[str]:
    return [judge(groups, pk, ctx).outcome for pk in pks]


@SETTINGS
@given(nic=nic_groups(), pks=st.lists(packets(), min_size=5, max_size=40), data=st.data())
def test_lint_never_advises_deleting_a_rule_that_decides_somewhere(nic, pks, data):
    pks = [_with_nic_type(pk, data.draw(st.sampled_from(("intranet", "internet")))) for pk in pks]
    members = (Member(nic="eni-1", groups=tuple(g.name for g in nic)),) if len(nic) > 1 else ()
    found = lint(
        LintInput(tuple(nic), PREFIX_LISTS, members, None, PORT_LISTS),
        date(2026, 1, 1),
        ["redundant-rule", "shadowed-rule"],
    )
    ctx = Context.of(nic, PREFIX_LISTS, PORT_LISTS)
    for f in found:
        assert f.rule is not None
        assert f"{f.rule.group} rule {f.rule.position} " not in f.message  # never itself
        views = [[g for g in nic if g.name == f.group], nic]
        for view in views:
            pos = f.rule.position
            without = [_without(g, f.group, pos) for g in view]
            # its removal changes no verdict anywhere a reviewer could look
            assert _verdicts(view, pks, ctx) == _verdicts(without, pks, ctx), f.text()


def _without(g: SecurityGroup, group: str, position: int) -> SecurityGroup:
    if g.name != group:
        return g
    kept = tuple(r for i, r in enumerate(g.rules, 1) if i != position)
    return g.model_copy(update={"rules": kept})
