"""The semantic diff for plans: desired groups (by name) against current ones (by ID), each
change exact, a rewrite that changes nothing said so, and the three renderers golden."""

from __future__ import annotations

import json

from sgplan.evaluate.diff import group_flow_changes
from sgplan.evaluate.render import changes_json, render_markdown, render_text
from sgplan.model import PrefixList, build_rules

from .golden import check_golden
from .helpers import rule, sg

ANY4, ANY6 = "0.0.0.0/0", "::/0"

CURRENT = [
    sg(
        "shop-web",
        rule("ingress", "accept", 1, "tcp", "80", ANY4),
        rule("ingress", "accept", 1, "tcp", "443", ANY4),
        rule("ingress", "accept", 1, "tcp", "22", "sg-bastion01"),
        id="sg-web01",
    ),
    sg(
        "shop-app",
        rule("ingress", "accept", 1, "tcp", "8080", "sg-web01"),
        rule("egress", "accept", 1, "tcp", "3306", "sg-db01"),
        rule("egress", "drop", 100, "all", None, ANY4),
        id="sg-app01",
    ),
    sg("shop-db", rule("ingress", "accept", 1, "tcp", "3306", "sg-app01"), id="sg-db01"),
    sg("old-batch", rule("ingress", "accept", 1, "tcp", "9000", "10.0.0.0/8"), id="sg-batch01"),
    sg("ops-bastion", id="sg-bastion01"),
]
DESIRED = [
    sg(
        "prod-shop-web-sg",
        rule("ingress", "accept", 1, "tcp", "80", ANY4),
        rule("ingress", "accept", 1, "tcp", "443", ANY4),
        rule("ingress", "accept", 1, "tcp", "443", ANY6),
        rule("ingress", "accept", 1, "tcp", "8443", "prefix-list:office"),
        id="sg-web01",
    ),
    sg(
        "prod-shop-app-sg",
        rule("ingress", "accept", 1, "tcp", "8080", "group:prod-shop-web-sg"),
        rule("egress", "accept", 1, "tcp", "3306", "group:prod-shop-db-sg"),
        rule("egress", "drop", 100, "all", None, "0.0.0.0/1"),
        rule("egress", "drop", 100, "all", None, "128.0.0.0/1"),
        id="sg-app01",
    ),
    sg(
        "prod-shop-db-sg",
        rule("ingress", "accept", 1, "tcp", "3306", "group:prod-shop-app-sg"),
        id="sg-db01",
    ),
    sg(
        "prod-shop-cache-sg",
        rule("ingress", "accept", 1, "tcp", "6379", "group:prod-shop-app-sg"),
        rule("ingress", "accept", 1, "tcp", "6380", "pl-0000unknown"),
    ),
    sg("ops-bastion", id="sg-bastion01"),
]
OFFICE = PrefixList(name="office", max_entries=10, entries=("203.0.113.0/27",))


def _changes():
    return group_flow_changes(DESIRED, CURRENT, desired_lists=[OFFICE])


def test_each_changed_group_once_with_its_status():
    got = {c.group: (c.status, c.rules_changed, c.effective) for c in _changes()}
    assert got == {
        "prod-shop-web-sg": ("changed", True, True),
        "prod-shop-app-sg": ("changed", True, False),
        "prod-shop-cache-sg": ("new", True, True),
        "old-batch": ("removed", True, True),
    }


def test_flows_newly_allowed_and_denied_are_exact():
    web = next(c for c in _changes() if c.group == "prod-shop-web-sg")
    ingress = web.changes[0]
    assert [f.text("ingress") for f in ingress.allowed_flows] == [
        "tcp 443 from ::/0",
        "tcp 8443 from 203.0.113.0/27",
    ]
    assert [f.text("ingress") for f in ingress.denied_flows] == ["tcp 22 from group:ops-bastion"]
    assert not web.changes[1]  # egress unchanged


def test_a_prefix_list_change_alone_shows_up():
    wider = PrefixList(name="office", max_entries=10, entries=("203.0.113.0/26",))
    changes = group_flow_changes(DESIRED, DESIRED, desired_lists=[wider], current_lists=[OFFICE])
    assert [c.group for c in changes] == ["prod-shop-web-sg"]
    assert [f.text("ingress") for f in changes[0].changes[0].allowed_flows] == [
        "tcp 8443 from 203.0.113.32/27"
    ]


def test_no_difference_no_changes():
    assert group_flow_changes(CURRENT, CURRENT) == []
    assert render_text([]) == []
    assert render_markdown([]) == ""


def test_rule_descriptions_alone_change_nothing():
    described = [
        g.model_copy(
            update={"rules": tuple(r.model_copy(update={"description": "why"}) for r in g.rules)}
        )
        for g in CURRENT
    ]
    assert group_flow_changes(described, CURRENT) == []


def test_a_new_group_without_rules_says_it_reaches_nothing_new():
    empty = sg("prod-empty-x-sg")
    (change,) = group_flow_changes([*CURRENT, empty], CURRENT)
    assert (change.status, change.effective) == ("new", False)
    assert render_text([change]) == [
        "prod-empty-x-sg: new group, reaches nothing beyond the defaults"
    ]


def test_classic_groups_diff_public_and_private_sides():
    before = sg("classic", network="classic", vpc_id=None)
    after = before.model_copy(
        update={"rules": tuple(build_rules([{"direction": "ingress", "protocol": "tcp", "ports": 80,
                                              "peer": "8.8.8.8", "nic_type": "internet"}]))}
    )  # fmt: skip
    (change,) = group_flow_changes([after], [before])
    labels = [(d.label, bool(d)) for d in change.changes]
    assert labels == [
        ("ingress", False), ("egress", False), ("internet ingress", True), ("internet egress", False),
    ]  # fmt: skip


def test_renderers_golden():
    changes = _changes()
    check_golden("diff.txt", "\n".join(render_text(changes)) + "\n")
    check_golden("diff.md", render_markdown(changes))
    check_golden("diff.json", json.dumps(changes_json(changes), indent=2) + "\n")


def test_a_list_change_without_effect_is_named_as_such():
    same = PrefixList(name="office", max_entries=10, entries=("203.0.113.0/28", "203.0.113.16/28"))
    web = [g for g in DESIRED if g.name == "prod-shop-web-sg"]
    (change,) = group_flow_changes(web, web, desired_lists=[same], current_lists=[OFFICE])
    assert render_text([change]) == [
        "prod-shop-web-sg (sg-web01): prefix lists it uses change, reachability does not"
    ]
