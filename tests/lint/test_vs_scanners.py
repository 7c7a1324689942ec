"""Where judging reachability is right and string-matching scanners are wrong.

checkov's only Alibaba checks, CKV_ALI_2 (port 22) and CKV_ALI_3 (port 3389), look for the
literal ``0.0.0.0/0`` on an ingress rule whose port range covers the port, ignoring policy,
priority, protocol, IPv6 and prefix lists (SPEC 7). ``string_scanner`` below does exactly
that; sgplan's ``open-admin-port`` asks the evaluator what is reachable.
"""

from __future__ import annotations

from datetime import date

import pytest

from sgplan.lint import LintInput, lint
from sgplan.model import PrefixList, Rule, SecurityGroup, build_rules

WORLD = PrefixList(name="world", max_entries=5, entries=("0.0.0.0/0",))


def string_scanner(rules: list[Rule]) -> set[int]:
    """Rule positions a CKV_ALI_2/3-style scanner flags."""
    return {
        pos
        for pos, rule in enumerate(rules, start=1)
        if rule.direction == "ingress"
        and str(rule.peer) == "0.0.0.0/0"
        and any(rule.ports.start <= port <= rule.ports.end for port in (22, 3389))
    }


def sgplan_flags(rules: list[Rule]) -> set[int]:
    group = SecurityGroup(name="t", vpc_id="vpc-1", rules=tuple(rules))
    findings = lint(LintInput((group,), (WORLD,)), date(2026, 1, 1), ["open-admin-port"])
    return {f.rule.position for f in findings if f.rule}


def rules(*rows: str) -> list[Rule]:
    """``"accept tcp 22 0.0.0.0/0 1"``: policy, protocol, ports, peer, priority."""
    out = []
    for row in rows:
        policy, protocol, ports, peer, priority = row.split()
        out.append({"direction": "ingress", "policy": policy, "protocol": protocol,
                    "ports": ports, "peer": peer, "priority": int(priority)})  # fmt: skip
    return build_rules(out)


CASES = [
    # (what, rules, scanner flags, sgplan flags)
    ("a drop rule exposes nothing", rules("drop tcp 22 0.0.0.0/0 1"), {1}, set()),
    ("an accept shadowed by a stronger drop",
     rules("drop tcp 22 0.0.0.0/0 1", "accept tcp 22 0.0.0.0/0 50"), {1, 2}, set()),
    ("UDP on 22 is not SSH", rules("accept udp 22 0.0.0.0/0 1"), {1}, set()),
    ("IPv6 anywhere is anywhere", rules("accept tcp 22 ::/0 1"), set(), {1}),
    ("protocol all covers every port", rules("accept all -1/-1 0.0.0.0/0 1"), set(), {1}),
    ("a prefix list holding 0.0.0.0/0", rules("accept tcp 3389 prefix-list:world 1"), set(), {1}),
    ("two halves make the whole", rules("accept tcp 22 0.0.0.0/1 1", "accept tcp 22 128.0.0.0/1 1"),
     set(), {1, 2}),
    ("both agree on the plain case", rules("accept tcp 20-30 0.0.0.0/0 1"), {1}, {1}),
]  # fmt: skip


@pytest.mark.parametrize(("what", "rows", "scanner", "ours"), CASES, ids=[c[0] for c in CASES])
def test_reachability_beats_string_matching(what, rows, scanner, ours):
    assert string_scanner(rows) == scanner
    assert sgplan_flags(rows) == ours
