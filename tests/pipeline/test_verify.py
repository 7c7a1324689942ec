"""`sgplan verify`: drift, intents and lint judged on a live state; golden reports."""

from __future__ import annotations

import json
from datetime import date

import pytest

from sgplan.load import load_stack
from sgplan.model.build import build_stack
from sgplan.model.rule import Rule
from sgplan.verify import render_json, render_markdown, render_text, verify_stack
from tests.golden_files import check_golden

from .helpers import landed, prod_snapshot

DAY = date(2026, 6, 1)


def _render_all(name: str, v) -> None:
    check_golden(f"verify/{name}.txt", render_text(v))
    check_golden(f"verify/{name}.md", render_markdown(v))
    check_golden(f"verify/{name}.json", render_json(v))


def test_a_landed_change_verifies():
    prod = load_stack("prod")
    v = verify_stack(prod, landed(prod, prod_snapshot()), today=DAY, sources=["live cn-hangzhou"])
    assert v.passed and v.failed_checks() == []
    assert len(v.intents) == len(prod.intents) == 7
    _render_all("prod-landed", v)


def test_the_brownfield_snapshot_fails_every_check_and_says_why():
    v = verify_stack(load_stack("prod"), prod_snapshot(), today=DAY, sources=["state/prod.json"])
    assert v.failed_checks() == ["drift", "intents", "lint"]
    assert v.plan.counts == (7, 4, 8)
    failed = {r.intent.name: r.detail for r in v.intents if not r.passed}
    # an intent about a group that is not live is not skipped: it fails with the reason
    assert failed["Redis never public"].startswith("cannot be judged: group prod-redis-cache-sg")
    assert "accepts ingress tcp/3306 from" in failed["MySQL never public"]
    assert {f.check for f in v.blocking} >= {"open-admin-port", "open-database-port"}
    _render_all("prod-snapshot", v)
    doc = json.loads(render_json(v))
    assert doc["format"] == "sgplan-verify" and doc["passed"] is False
    assert doc["failed"] == ["drift", "intents", "lint"]


def _with_rule(stack, group: str, rule: dict) -> object:
    data = stack.model_dump(mode="json")
    for g in data["groups"]:
        if g["name"] == group:
            g["rules"].append(rule)
    return build_stack(data)


SSH_ANY = {"direction": "ingress", "protocol": "tcp", "ports": "22/22", "peer": "0.0.0.0/0",
           "priority": 1, "description": "vendor jump host"}  # fmt: skip


def test_a_waiver_in_the_stack_covers_the_live_rule_it_declares():
    staging = load_stack("staging")
    waived = {**SSH_ANY, "waivers": [{"check": "open-admin-port", "reason": "vendor box",
                                      "expires": "2026-12-31"}]}  # fmt: skip
    stack = _with_rule(staging, "staging-shop-app-sg", waived)
    live = landed(stack)
    v = verify_stack(stack, live, today=DAY)
    assert v.passed, render_text(v)
    assert [f.check for f in v.findings if f.waived] == ["open-admin-port"]
    assert "waived until 2026-12-31: vendor box" in render_text(v)
    # the same live rule, once the waiver expired, blocks
    expired = verify_stack(stack, live, today=date(2027, 1, 1))
    assert expired.failed_checks() == ["lint"]
    assert "[waiver expired 2026-12-31]" in render_text(expired)


def test_a_live_rule_the_stack_does_not_declare_has_no_waiver():
    staging = load_stack("staging")
    live = landed(_with_rule(staging, "staging-shop-app-sg", SSH_ANY))  # added outside
    additive = verify_stack(staging, live, mode="additive", today=DAY)
    assert additive.drift_ok  # additive mode tolerates it as drift...
    assert additive.failed_checks() == ["lint"]  # ...but lint on the live groups does not
    sync = verify_stack(staging, live, today=DAY)
    assert sync.failed_checks() == ["drift", "lint"]
    assert "- ingress accept tcp 22 from 0.0.0.0/0 priority 1" in render_text(sync)


def test_a_description_changed_outside_is_drift():
    staging = load_stack("staging")
    live = landed(staging)
    g = live.groups[0]
    first: Rule = g.rules[0].model_copy(update={"description": "edited in the console"})
    edited = g.model_copy(update={"rules": (first, *g.rules[1:])})
    changed = live.model_copy(update={"groups": (edited, *live.groups[1:])})
    v = verify_stack(staging, changed, today=DAY)
    assert v.failed_checks() == ["drift"]
    assert 'description: "edited in the console" ->' in render_text(v)


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_bundled_stack_verifies_once_landed(stack):
    desired = load_stack(stack)
    assert verify_stack(desired, landed(desired), today=DAY).passed
