"""Each check: what fires it, what does not, its message (naming group and rule), severity and
remediation; waivers with a given today; the gate; lint on current states."""

from __future__ import annotations

import json
from datetime import date

import pytest

from sgplan.evaluate.catalog import Context
from sgplan.evaluate.packet import Packet
from sgplan.evaluate.reference import judge
from sgplan.evaluate.sources import load_current
from sgplan.formats import console, snapshot
from sgplan.formats.api import attribute_body
from sgplan.lint import CHECKS, LintInput, gate, lint
from sgplan.model import Member, PrefixList, SecurityGroup, State, build_rules, build_stack
from sgplan.model.issues import InputError

TODAY = date(2026, 3, 1)
ANY4 = "0.0.0.0/0"


def g(name: str, *rules: dict, **fields) -> SecurityGroup:
    fields.setdefault("vpc_id", "vpc-1")
    fields.setdefault("description", "a group for tests")
    return SecurityGroup(name=name, rules=tuple(build_rules(list(rules))), **fields)


def r(
    protocol: str, ports, peer: str, policy="accept", priority=1, direction="ingress", **kw
) -> dict:
    row = {"direction": direction, "protocol": protocol, "peer": peer, "policy": policy,
           "priority": priority, "description": "why", **kw}  # fmt: skip
    if ports is not None:
        row["ports"] = ports
    return row


def found(*groups: SecurityGroup, lists=(), checks=None, members=(), env=None) -> list[tuple]:
    data = LintInput(tuple(groups), tuple(lists), tuple(members), env)
    return [
        (f.check, f.severity, f.group, f.rule.position if f.rule else None)
        for f in lint(data, TODAY, checks)
    ]


EXPOSURE = ["open-all", "open-admin-port", "open-database-port", "open-risky-port"]


def test_every_check_has_a_severity_and_a_remediation():
    assert list(CHECKS) == [
        "open-all", "open-admin-port", "open-database-port", "open-risky-port",
        "open-public-service", "open-to-classic-network", "unreadable-rule", "cannot-judge",
        "shadowed-rule", "redundant-rule", "limit-exceeded", "naming-convention",
        "environment-mixing", "missing-description",
    ]  # fmt: skip
    for c in CHECKS.values():
        assert c.severity in ("critical", "warning", "info") and len(c.remediation) > 20


@pytest.mark.parametrize(
    ("rules", "lists", "want"),
    [
        # SSH from anywhere, IPv4 or IPv6, by a port, a range or protocol all
        ([r("tcp", 22, ANY4)], (), [("open-admin-port", 1)]),
        ([r("tcp", 3389, "::/0")], (), [("open-admin-port", 1)]),
        ([r("tcp", "20-25", ANY4)], (), [("open-admin-port", 1), ("open-risky-port", 1)]),
        ([r("tcp", 22, "prefix-list:world")], [PrefixList(name="world", max_entries=1, entries=(ANY4,))],
         [("open-admin-port", 1)]),
        # two halves of the internet are the internet
        ([r("tcp", 22, "0.0.0.0/1"), r("tcp", 22, "128.0.0.0/1")], (),
         [("open-admin-port", 1), ("open-admin-port", 2)]),
        # a /0 with a few stronger drops is still open
        ([r("tcp", 22, "8.8.8.0/24", "drop"), r("tcp", 22, ANY4, priority=2)], (), [("open-admin-port", 2)]),
        # databases and caches; SQL Server browser is UDP
        ([r("tcp", 6379, ANY4)], (), [("open-database-port", 1)]),
        ([r("udp", 1434, ANY4)], (), [("open-database-port", 1)]),
        ([r("tcp", 1434, ANY4)], (), []),
        ([r("udp", "137-138", ANY4)], (), [("open-risky-port", 1)]),
        # what is not exposure
        ([r("tcp", 22, ANY4, "drop")], (), []),
        ([r("tcp", 22, ANY4, "drop"), r("tcp", 22, ANY4, priority=2)], (), []),
        ([r("udp", 22, ANY4)], (), []),
        ([r("tcp", 22, "161.117.0.0/16")], (), []),
        ([r("tcp", 22, "10.0.0.0/8")], (), []),
        ([r("tcp", 22, ANY4, direction="egress")], (), []),
    ],
)  # fmt: skip
def test_exposure_is_judged_on_reachability(rules, lists, want):
    got = [(c, pos) for c, _, _, pos in found(g("t", *rules), lists=lists, checks=EXPOSURE)]
    assert got == want


def test_anything_from_anywhere():
    got = found(g("t", r("all", None, ANY4)), checks=EXPOSURE)
    assert got == [
        ("open-all", "critical", "t", 1), ("open-admin-port", "critical", "t", 1),
        ("open-database-port", "critical", "t", 1), ("open-risky-port", "warning", "t", 1),
    ]  # fmt: skip
    # every TCP port is "anything" too, half of them each is still everything together
    assert [x[0] for x in found(g("t", r("tcp", "1-65535", "::/0")), checks=["open-all"])] == [
        "open-all"
    ]
    split = g("t", r("tcp", "1-32768", ANY4), r("tcp", "32769-65535", ANY4))
    assert [x[3] for x in found(split, checks=["open-all"])] == [1, 2]
    assert found(g("t", r("tcp", "1-1000", ANY4)), checks=["open-all"]) == []


def test_exposure_message_names_group_rule_and_share():
    (f,) = lint(LintInput((g("web", r("tcp", 22, ANY4)),)), TODAY, ["open-admin-port"])
    assert f.text() == (
        "critical open-admin-port: group web, rule 1 `ingress accept tcp 22 from 0.0.0.0/0 "
        "priority 1`: lets in tcp/22 (SSH) from all of the public IPv4 internet"
    )
    assert "Workbench" in f.remediation


def test_shadowed_and_redundant_rules():
    grp = g(
        "t",
        r("all", None, ANY4, "drop", 1),
        r("tcp", 22, "10.0.0.0/8", "accept", 5),  # never decides: rule 1 drops it all first
        r("tcp", 80, ANY4, "drop", 100),  # decides nothing new either
        r("tcp", 443, "10.0.0.0/8", direction="egress"),  # egress is allowed anyway
        r("all", None, ANY4, direction="egress", policy="drop", priority=100),
    )
    got = found(grp, checks=["shadowed-rule", "redundant-rule"])
    assert got == [("shadowed-rule", "warning", "t", 2), ("shadowed-rule", "warning", "t", 3)]
    (first, _) = lint(LintInput((grp,)), TODAY, ["shadowed-rule"])
    assert "decide every packet it matches: t rule 1" in first.message
    assert "t rule 2" not in first.message  # names what shadows it, never itself


def test_a_rule_about_one_group_is_not_redundant_for_a_member_of_two():
    # A peer may be a member of web and of db at once: for it, rule 1 accepts where rule 2
    # would drop. Judged one group at a time, rule 1 looks like the default (egress accept).
    grp = g(
        "t",
        r("all", None, "group:web", direction="egress"),
        r("all", None, "group:db", "drop", 50, direction="egress"),
    )
    web, db = g("web"), g("db")
    assert found(grp, web, db, checks=["redundant-rule", "shadowed-rule"]) == []
    ctx = Context.of([grp, web, db])
    packet = Packet("egress", "tcp", 1, None, ("web", "db"))
    without = grp.model_copy(update={"rules": grp.rules[1:]})
    assert judge([grp], packet, ctx).outcome == "accept"
    assert judge([without], packet, ctx).outcome == "drop"


def test_redundant_rule_says_who_would_decide_instead():
    grp = g("t", r("tcp", 22, "10.1.0.0/16"), r("tcp", 22, "10.0.0.0/8", priority=2))
    (f,) = lint(LintInput((grp,)), TODAY, ["redundant-rule", "shadowed-rule"])
    assert (f.check, f.severity, f.rule.position if f.rule else None) == (
        "redundant-rule",
        "info",
        1,
    )
    assert (
        "t rule 2 `ingress accept tcp 22 from 10.0.0.0/8 priority 2` would decide the same"
        in f.message
    )


def test_a_whitelist_drop_on_ingress_is_never_called_redundant():
    # alone it decides nothing the default would not, yet it is the documented safeguard
    # for when the NIC also joins a group that accepts more (issue 11)
    grp = g("t", r("tcp", 443, ANY4), r("all", None, ANY4, "drop", 100))
    assert found(grp, checks=["redundant-rule", "shadowed-rule"]) == []


def test_a_rule_that_matters_only_for_group_members_is_not_redundant():
    grp = g(
        "t",
        r("tcp", 22, "10.0.0.0/8", priority=1),
        r("tcp", 22, "group:ops", "drop", priority=10),
        r("tcp", 22, ANY4, priority=50),
    )
    assert found(grp, checks=["redundant-rule", "shadowed-rule"]) == []


def test_limits_on_a_current_state():
    big = g("prod-big-x-sg", *[r("tcp", p, ANY4) for p in range(1000, 1201)], id="sg-big")
    peers = g(
        "prod-peers-x-sg", *[r("tcp", 22, f"sg-peer{i:04d}") for i in range(21)], id="sg-peers"
    )
    many = [g(f"prod-m{i}-x-sg", id=f"sg-m{i}") for i in range(11)]
    nic = Member(nic="eni-1", groups=tuple(x.id for x in many if x.id))
    heavy = Member(nic="eni-2", groups=("sg-big", "sg-big2", "sg-big3", "sg-big4", "sg-big5"))
    more = [
        big.model_copy(update={"id": f"sg-big{i}", "name": f"prod-big{i}-x-sg"})
        for i in range(2, 6)
    ]
    state = State(groups=(big, peers, *many, *more), members=(nic, heavy))
    got = [(f.group, f.where, f.message) for f in lint(state, TODAY, ["limit-exceeded"])]
    assert (
        "prod-big-x-sg",
        None,
        "uses 201 rules (prefix lists count their max_entries); allowed: 200 per group",
    ) in got
    assert (
        "prod-peers-x-sg",
        None,
        "has 21 rules whose peer is a group; allowed: 20 in a normal group",
    ) in got
    assert ("prod-m0-x-sg", "NIC eni-1", "the NIC joins 11 groups; allowed: 10") in got
    assert (
        "prod-big-x-sg",
        "NIC eni-2",
        "the NIC carries 1005 rules across its groups; allowed: 1000",
    ) in got


def test_naming_convention():
    names = [
        "prod-shop-web-sg",
        "prod-web-sg",
        "shop-web-app-sg",
        "prod-shop-web-group",
        "dev-shop-web-sg",
    ]
    got = [x[2] for x in found(*[g(n) for n in names], checks=["naming-convention"], env="prod")]
    assert got == ["prod-web-sg", "shop-web-app-sg", "prod-shop-web-group", "dev-shop-web-sg"]
    # without a stack environment, any known environment first is fine
    assert found(g("dev-shop-web-sg"), g("qa-shop-web-sg"), checks=["naming-convention"]) == []


def test_environment_mixing():
    prod_db = g("prod-shop-db-sg", r("tcp", 3306, "group:test-shop-app-sg"))
    test_app = g("test-shop-app-sg", tags={"env": "test"})
    member = Member(nic="eni-9", groups=("prod-shop-db-sg", "test-shop-app-sg"))
    got = lint(
        LintInput((prod_db, test_app), members=(member,), environment="prod"),
        TODAY,
        ["environment-mixing"],
    )
    texts = [f.text() for f in got]
    assert texts == [
        "warning environment-mixing: group prod-shop-db-sg, NIC eni-9: the NIC joins prod and "
        "non-prod groups: prod-shop-db-sg (prod), test-shop-app-sg (test)",
        "warning environment-mixing: group prod-shop-db-sg, rule 1 `ingress accept tcp 3306 from "
        "group:test-shop-app-sg priority 1`: a prod group grants group:test-shop-app-sg (test) access",
        "warning environment-mixing: group test-shop-app-sg: the group is test but stack environment is prod",
    ]


def test_missing_descriptions():
    bare = SecurityGroup(
        name="prod-a-b-sg",
        vpc_id="v",
        rules=tuple(
            build_rules(
                [{"direction": "ingress", "protocol": "tcp", "ports": 80, "peer": "10.0.0.0/8"}]
            )
        ),
    )
    got = [
        (f.rule.position if f.rule else None, f.message)
        for f in lint(LintInput((bare,)), TODAY, ["missing-description"])
    ]
    assert got == [(None, "the group has no description"), (1, "the rule has no description")]


def _waived(expires: str, check: str = "open-admin-port") -> SecurityGroup:
    waiver = {"check": check, "reason": "vendor appliance until migration", "expires": expires}
    return g("prod-vendor-x-sg", r("tcp", 22, ANY4, waivers=[waiver]))


def test_an_active_waiver_waives_and_the_gate_lets_it_through():
    (f,) = lint(LintInput((_waived("2026-03-01"),)), TODAY, ["open-admin-port"])
    assert f.waived and f.text().endswith(
        "[waived until 2026-03-01: vendor appliance until migration]"
    )
    stack = build_stack({"name": "prod", "region": "cn-hangzhou", "vpc_id": "vpc-1",
                         "groups": [_waived("2026-03-01")]})  # fmt: skip
    assert gate(stack, TODAY) == []
    assert [f.check for f in gate(stack, date(2026, 3, 2))] == ["open-admin-port"]


def test_an_expired_or_misnamed_waiver_does_not_count():
    (f,) = lint(LintInput((_waived("2026-02-28"),)), TODAY, ["open-admin-port"])
    assert not f.waived and f.text().endswith("[waiver expired 2026-02-28]")
    (f,) = lint(
        LintInput((_waived("2027-01-01", "open-database-port"),)), TODAY, ["open-admin-port"]
    )
    assert not f.waived


def test_unknown_check_names_are_refused():
    with pytest.raises(InputError, match="unknown check"):
        lint(LintInput(()), TODAY, ["open-everything"])


def test_lint_reads_snapshots_and_api_bodies(tmp_path):
    grp = g("prod-api-x-sg", r("tcp", 3389, ANY4), id="sg-api01")
    state = State(region="cn-hangzhou", groups=(grp,))
    snap = tmp_path / "prod.json"
    snapshot.write(state, snap)
    body = tmp_path / "body.json"
    body.write_text(json.dumps(attribute_body(grp, "cn-hangzhou")))
    folder = tmp_path / "console"
    folder.mkdir()
    console.write_json(grp, "cn-hangzhou", folder)  # a console export folder reads too
    for path in (snap, body, folder):
        got = [(f.check, f.group_id) for f in lint(load_current(path), TODAY, ["open-admin-port"])]
        assert got == [("open-admin-port", "sg-api01")]
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    with pytest.raises(InputError, match="format not recognised; expected an sgplan snapshot"):
        load_current(bad)


def test_a_group_rule_whose_removal_would_let_an_address_rule_decide_matters():
    grp = g(
        "t",
        r("tcp", 22, "group:ops", priority=1),
        r("tcp", 22, "10.0.0.0/8", "drop", priority=10),
        r("tcp", 22, "group:ops", priority=20),
    )
    # without rule 1, members of ops in 10.0.0.0/8 would be dropped by rule 2: rule 1 matters;
    # rule 2 stands in for the default deny (a safeguard on a NIC with other groups)
    assert found(grp, checks=["redundant-rule", "shadowed-rule"]) == [
        ("shadowed-rule", "warning", "t", 3),
    ]


def test_a_finding_reads_as_a_validation_issue():
    (f,) = lint(LintInput((g("web", r("tcp", 22, ANY4)),)), TODAY, ["open-admin-port"])
    assert str(f.issue("prod")) == (
        "stack prod, group web, rule 1 `ingress accept tcp 22 from 0.0.0.0/0 priority 1`: "
        "open-admin-port (critical): lets in tcp/22 (SSH) from all of the public IPv4 internet; "
        f"fix: {CHECKS['open-admin-port'].remediation}"
    )
