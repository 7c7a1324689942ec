"""Small builders for evaluation tests: groups from rule dicts, packets from text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sgplan.evaluate.catalog import Context
from sgplan.evaluate.evaluator import Evaluator
from sgplan.evaluate.packet import Packet, Verdict, parse_endpoint
from sgplan.model import PrefixList, SecurityGroup, build_rules


def sg(name: str, *rules: dict[str, Any], **fields: Any) -> SecurityGroup:
    """A VPC group with rules written as the console's table rows (dicts)."""
    fields.setdefault("vpc_id", "vpc-1")
    if fields.get("type") == "enterprise":
        fields.setdefault("inner_access_policy", "drop")
    return SecurityGroup(name=name, rules=tuple(build_rules(list(rules))), **fields)


def rule(
    direction: str, policy: str, priority: int, protocol: str, ports: Any, peer: str
) -> dict[str, Any]:
    """One row of the docs' tables: direction, policy, priority, protocol, ports, peer."""
    row: dict[str, Any] = {
        "direction": direction, "policy": policy, "priority": priority,
        "protocol": protocol, "peer": peer,
    }  # fmt: skip
    if ports is not None:
        row["ports"] = ports
    return row


def decide(
    groups: Sequence[SecurityGroup],
    direction: str,
    protocol: str,
    port: int | None,
    peer: str,
    prefix_lists: Sequence[PrefixList] = (),
    nic_type: str = "intranet",
) -> Verdict:
    address, members = parse_endpoint(peer)
    ev = Evaluator(groups, Context.of(groups, prefix_lists))
    return ev.decide(Packet(direction, protocol, port, address, members, nic_type))  # type: ignore[arg-type]


def decided_by(v: Verdict) -> tuple[str, int] | str:
    """``(group, rule position)`` of the deciding rule, or ``default`` / ``intra-group``."""
    if v.rule is None:
        return v.decided_by
    return (v.rule.group, v.rule.position)
