"""Estates for the end-to-end benchmarks: a JSON stack and its sgplan snapshot, written as
files the real CLI reads.

``write_estate(folder, groups)`` writes ``stack.json`` (the desired state, 200 rules per group)
and ``state.json`` (what is live, in the snapshot format ``sgplan pull`` writes) with 5% of
the rules changed between them: new rules, removed rules, description edits and rewrites (a
port changed: a remove plus an add). The rules vary the way real estates do: 16 group peers
per group (the limit is 20), shared networks, per-group IPv4 and IPv6 blocks, tcp/udp ranges,
icmp and all, ingress and egress, accept and drop, 100 priorities. Every group stays within
the provider's limits, so both files validate at every size (1,000 to 1,000,000 rules).

Plain dicts and the standard library only: generating is no part of what is measured.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

RULES_PER_GROUP = 200
CHANGED_SHARE = 0.05
VPC = "vpc-bench"
REGION = "cn-hangzhou"
STACK = "bench"
SEED = 15


def group_name(g: int) -> str:
    return f"bench-app{g:05d}-sg"


def group_id(g: int) -> str:
    return f"sg-bench{g:05d}"


def _rule(rng: random.Random, g: int, i: int, groups: int) -> dict[str, Any]:
    """Rule ``i`` of group ``g`` as the snapshot holds it (group peers by ID); unique within
    its group because its ports (or, for icmp/all, its peer) depend on ``i``."""
    rule: dict[str, Any] = {
        "direction": "ingress" if i % 3 else "egress",
        "policy": "drop" if i % 17 == 0 else "accept",
        "priority": 1 + i % 100,
        "description": f"rule {i} of group {g}",
        "rule_id": f"sgr-{g:05d}{i:04d}",
    }
    octet = (g // 250) % 256
    if i % 13 == 0:
        rule.update(protocol="tcp", ports=f"{1000 + i}/{1000 + i}",
                    peer=group_id((g + 1 + i) % groups))  # fmt: skip
    elif i % 29 == 0:
        rule.update(protocol=rng.choice(["icmp", "all"]), peer=f"10.{g % 250}.{i}.{octet}/32")
    else:
        peer = rng.choice(
            [
                f"10.{g % 250}.{i}.{octet}/32",
                "0.0.0.0/0",
                "192.168.0.0/16",
                f"2001:db8:{g:x}::/48",
            ]
        )
        start = 1000 + i
        rule.update(protocol=rng.choice(["tcp", "tcp", "udp"]), peer=peer,
                    ports=f"{start}/{start + rng.randrange(3)}")  # fmt: skip
    return rule


def _desired(rule: dict[str, Any], groups_by_id: dict[str, str]) -> dict[str, Any]:
    """The stack's spelling of a live rule: group peers by name, no live rule ID."""
    out = {k: v for k, v in rule.items() if k != "rule_id"}
    peer = out["peer"]
    if peer in groups_by_id:
        out["peer"] = f"group:{groups_by_id[peer]}"
    return out


def estate(groups: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(stack document, snapshot document) of ``groups`` groups x 200 rules."""
    rng = random.Random(SEED)
    names = {group_id(g): group_name(g) for g in range(groups)}
    live_groups: list[dict[str, Any]] = []
    want_groups: list[dict[str, Any]] = []
    for g in range(groups):
        live = [_rule(rng, g, i, groups) for i in range(RULES_PER_GROUP)]
        want: list[dict[str, Any]] = []
        new: list[dict[str, Any]] = []
        for i, r in enumerate(live):
            d = _desired(r, names)
            if rng.random() >= CHANGED_SHARE:
                want.append(d)
                continue
            kind = rng.randrange(4)
            if kind == 0:
                want.append({**d, "description": "edited"})
            elif kind == 1 and d["protocol"] in ("tcp", "udp"):
                want.append({**d, "ports": f"{30000 + i}/{30000 + i}"})
            elif kind == 2:
                continue
            else:
                want.append(d)
                new.append({**d, "protocol": "tcp", "ports": f"{40000 + i}/{40000 + i}",
                            "peer": "172.16.0.0/12"})  # fmt: skip
        want += new[: max(0, RULES_PER_GROUP - len(want))]
        live_groups.append({"name": group_name(g), "description": "bench", "vpc_id": VPC,
                            "id": group_id(g), "rules": live})  # fmt: skip
        want_groups.append({"name": group_name(g), "description": "bench", "rules": want})
    stack = {"name": STACK, "region": REGION, "vpc_id": VPC, "groups": want_groups}
    state = {"version": 1, "region": REGION, "groups": live_groups,
             "prefix_lists": [], "members": []}  # fmt: skip
    return stack, state


def _dump(doc: dict[str, Any], path: Path) -> None:
    """Pretty JSON with one rule per line, as sgplan writes snapshots."""
    head = {k: v for k, v in doc.items() if k != "groups"}
    lines = ["{"]
    lines += [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    lines.append('  "groups": [')
    for n, g in enumerate(doc["groups"]):
        top = {k: v for k, v in g.items() if k != "rules"}
        body = json.dumps(top)[1:-1]
        rules = ",\n".join("      " + json.dumps(r) for r in g["rules"])
        end = "," if n < len(doc["groups"]) - 1 else ""
        lines.append(f'    {{{body}, "rules": [\n{rules}\n    ]}}{end}')
    lines += ["  ]", "}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_estate(folder: Path, groups: int) -> tuple[Path, Path]:
    """Write ``stack.json`` and ``state.json`` into ``folder`` (reused when present)."""
    folder.mkdir(parents=True, exist_ok=True)
    stack_path, state_path = folder / "stack.json", folder / "state.json"
    if not (stack_path.is_file() and state_path.is_file()):
        stack, state = estate(groups)
        _dump(stack, stack_path)
        _dump(state, state_path)
    return stack_path, state_path
