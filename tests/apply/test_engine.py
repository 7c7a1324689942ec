"""The apply engine against the local endpoint through the SDK: batching, order, quota-safe
interleaving, cloud semantics, partial failure and convergence."""

from __future__ import annotations

import contextlib

import pytest

from sgplan.apply import ApplyFailed, ApplyImpossible, ApplyRefused, apply_plan, build_schedule
from sgplan.localecs import Faults
from tests.apply.helpers import (
    desired_from,
    group_data,
    live_of,
    live_state,
    numbered,
    plan_for,
    rule,
    served,
    stack_of,
    writes,
)
from tests.apply.replay import check_replay

WEB = "sg-bp1test000000000000"


def _apply(plan, w, **kw):
    return apply_plan(plan, w, **kw)


def test_150_new_ingress_rules_in_one_group_are_two_authorize_calls():
    start = live_state(group_data("test-web-sg", []))
    with served(start) as (ecs, w):
        stack = stack_of(group_data("test-web-sg", numbered(150)))
        plan = plan_for(stack, ecs)
        result = _apply(plan, w)
        assert writes(ecs) == ["AuthorizeSecurityGroup", "AuthorizeSecurityGroup"]
        assert [c.rules for c in result.calls] == [100, 50]
        assert len(result.groups["test-web-sg"].rule_ids) == 150
        assert not plan_for(stack, ecs).has_changes


def test_a_new_estate_is_created_with_the_minimum_calls_and_rule_ids_come_back():
    groups = [
        group_data(
            f"test-g{n}-sg",
            [*numbered(120), rule("egress", "udp", "53", "100.100.2.136")],
            tags={"env": "test"},
            inner_access_policy="drop",
        )
        for n in range(3)
    ]
    groups[1]["rules"].append(rule(ports="8080", peer="group:test-g0-sg", description="from g0"))
    with served(live_state()) as (ecs, w):
        stack = stack_of(*groups)
        result = _apply(plan_for(stack, ecs), w)
        # per group: create + policy + 2 ingress + 1 egress (g1: 121 ingress -> 2 calls)
        assert writes(ecs).count("CreateSecurityGroup") == 3
        assert writes(ecs).count("ModifySecurityGroupPolicy") == 3
        assert writes(ecs).count("AuthorizeSecurityGroup") == 6
        assert writes(ecs).count("AuthorizeSecurityGroupEgress") == 3
        g1 = stack.group("test-g1-sg")
        peer_rule = next(r for r in g1.rules if r.description == "from g0")
        rid = result.rule_id("test-g1-sg", peer_rule)
        assert rid and rid.startswith("sgr-")
        assert result.groups["test-g1-sg"].group.inner_access_policy == "drop"
        assert not plan_for(stack, ecs).has_changes


def test_order_is_creations_accepts_drops_descriptions_then_removals_then_deletions():
    start = live_state(
        group_data("test-web-sg", [rule(ports="22", peer="0.0.0.0/0", description="old"),
                                   rule(ports="80", peer="0.0.0.0/0"),
                                   rule(protocol="all", peer="10.9.0.0/16", policy="drop", priority=50)]),
        group_data("test-old-sg", []),
    )  # fmt: skip
    with served(start) as (ecs, w):
        web = next(g for g in live_of(ecs).groups if g.name == "test-web-sg")
        stack = stack_of(
            desired_from(web, lambda rs: [
                {**rs[0], "description": "new"},
                rule(ports="443", peer="0.0.0.0/0"),
                rule(protocol="all", peer="10.8.0.0/16", policy="drop", priority=50),
            ]),
            group_data("test-new-sg", [rule(ports="5432", peer="group:test-web-sg")]),
        )  # fmt: skip
        plan = plan_for(stack, ecs, allow_destroy=True)
        _apply(plan, w)
        log = [(r.action, r.params.get("Permissions.1.Policy", "")) for r in ecs.store.writes.log]
    assert log == [
        ("CreateSecurityGroup", ""),
        ("AuthorizeSecurityGroup", "Accept"),  # web: 443
        ("AuthorizeSecurityGroup", "Accept"),  # new group's rule (group:test-web-sg resolved)
        ("AuthorizeSecurityGroup", "Drop"),
        ("ModifySecurityGroupRule", ""),
        ("RevokeSecurityGroup", ""),  # the old drop first
        ("RevokeSecurityGroup", ""),  # then the accept
        ("DeleteSecurityGroup", ""),
    ]


def _near_quota(now: int = 195, swap: int = 20):
    """A group at ``now`` of 200 rules; the stack swaps ``swap`` of them: half for rules
    allowing the same flows at another priority (those must not lapse), half for new ones."""
    old = numbered(now)
    keep = old[swap:]
    same_flows = [{**r, "priority": 2} for r in old[: swap // 2]]
    fresh = numbered(swap - swap // 2, start=1000, port=8443)
    return live_state(group_data("test-web-sg", old)), keep + same_flows + fresh


def test_quota_interleaving_at_195_of_200_swapping_20_rules():
    start, want = _near_quota()
    with served(start) as (ecs, w):
        stack = stack_of(group_data("test-web-sg", want))
        plan = plan_for(stack, ecs)
        schedule = build_schedule(plan)
        assert schedule.interleaved == ["test-web-sg"]
        result = _apply(plan, w)
        final = live_of(ecs)
        assert not plan_for(stack, ecs).has_changes
        steps = check_replay(start, ecs.store.writes.log, final)
    assert steps == len(result.calls) >= 3
    actions = [c.action for c in result.calls]
    first_revoke = actions.index("RevokeSecurityGroup")
    assert "AuthorizeSecurityGroup" in actions[first_revoke:]  # removed some, then added more


def test_no_safe_order_is_refused_before_any_call():
    old = numbered(200)
    want = [*old[1:], {**old[0], "priority": 2}]  # same flow at another priority, no room
    start = live_state(group_data("test-web-sg", old))
    with served(start) as (ecs, w):
        plan = plan_for(stack_of(group_data("test-web-sg", want)), ecs)
        with pytest.raises(ApplyImpossible) as exc:
            _apply(plan, w)
        assert ecs.store.writes.log == []
    text = str(exc.value)
    assert "test-web-sg" in text and "no order of calls keeps it under its limits" in text
    assert "tcp 443 from 10.0.0.1/32" in text


def test_a_rule_removed_meanwhile_is_re_read_and_skipped():
    start = live_state(group_data("test-web-sg", numbered(5)))
    with served(start) as (ecs, w):
        plan = plan_for(stack_of(group_data("test-web-sg", numbered(2))), ecs)
        gone = ecs.store.groups[WEB]["perms"][-1]["SecurityGroupRuleId"]
        w.revoke_ids(WEB, "ingress", [gone])  # someone removes one by hand
        result = _apply(plan, w)
        assert len(result.skipped) == 1 and gone in result.skipped[0]
        assert len(live_of(ecs).groups[0].rules) == 2


def test_lost_answers_and_throttling_are_retried_without_harm():
    names = [f"test-g{n}-sg" for n in range(4)]
    start = live_state(*[group_data(n, numbered(150)) for n in names])
    faults = Faults(lost_answer_rate=0.5, throttle_rate=0.2, seed=3)
    with served(start, faults) as (ecs, w):
        stack = stack_of(*[group_data(n, numbered(120, start=80)) for n in names])
        _apply(plan_for(stack, ecs), w)
        dropped = sum(n for (_, outcome), n in ecs.calls.items() if outcome == "dropped")
        assert dropped > 0 and w.stats.retry_count > 0
        faults.lost_answer_rate = faults.throttle_rate = 0
        assert not plan_for(stack, ecs).has_changes


def test_first_permanent_error_stops_and_reports_what_succeeded_then_a_new_plan_converges():
    start = live_state(
        group_data("test-web-sg", numbered(3)), group_data("test-db-sg", numbered(3))
    )
    faults = Faults(action_errors={"RevokeSecurityGroup": "Forbidden.RAM"})
    with served(start, faults) as (ecs, w):
        stack = stack_of(group_data("test-web-sg", numbered(2, start=50)),
                         group_data("test-db-sg", numbered(2, start=60)))  # fmt: skip
        with pytest.raises(ApplyFailed) as exc:
            _apply(plan_for(stack, ecs), w)
        text = str(exc.value)
        assert (
            "RevokeSecurityGroup on test-db-sg" in text
            or "RevokeSecurityGroup on test-web-sg" in text
        )
        assert "Forbidden.RAM (HTTP 403)" in text and "grant ecs:AuthorizeSecurityGroup" in text
        assert "2 earlier calls succeeded" in text
        assert [c.action for c in exc.value.result.ok_calls] == ["AuthorizeSecurityGroup"] * 2
        faults.action_errors.clear()
        _apply(plan_for(stack, ecs), w)
        assert not plan_for(stack, ecs).has_changes


@pytest.mark.parametrize("code", ["AuthorizationLimitExceed", "InvalidSecurityGroupId.NotFound",
                                  "InvalidOperation.ResourceManagedByCloudProduct"])  # fmt: skip
def test_quota_not_found_and_managed_errors_stop_with_a_message_naming_group_and_rule(code):
    start = live_state(group_data("test-web-sg", []))
    with served(start, Faults(group_errors={WEB: code})) as (ecs, w):
        plan = plan_for(
            stack_of(group_data("test-web-sg", [rule(ports="22", peer="1.2.3.4")])), ecs
        )
        ecs.faults.group_errors[WEB] = code
        with pytest.raises(ApplyFailed) as exc:
            _apply(plan, w)
    text = str(exc.value)
    assert f"AuthorizeSecurityGroup on test-web-sg ({WEB}) failed: {code}" in text
    assert "ingress accept tcp 22 from 1.2.3.4/32 priority 1" in text


def test_refused_plans_call_nothing():
    start = live_state(group_data("test-cfw-sg", [rule()], live={"service_managed": True}))
    with served(start) as (ecs, w):
        plan = plan_for(stack_of(group_data("test-cfw-sg", [rule(ports="23")])), ecs)
        with pytest.raises(ApplyRefused, match="managed"):
            _apply(plan, w)
        assert ecs.store.writes.log == []


@pytest.mark.parametrize("k", range(1, 9))
def test_a_crash_after_the_kth_call_then_plan_and_apply_converge(k):
    start = live_state(
        group_data("test-web-sg", [*numbered(130), rule(protocol="all", peer="0.0.0.0/0", policy="drop", priority=100)],
                   tags={"env": "test", "old": "x"}),
        group_data("test-gone-sg", []),
    )  # fmt: skip
    want = stack_of(
        group_data("test-web-sg", [*numbered(110, start=60), rule(ports="22", peer="group:test-new-sg")],
                   tags={"env": "test", "owner": "net"}, description="web tier"),
        group_data("test-new-sg", numbered(3, start=900), inner_access_policy="drop"),
    )  # fmt: skip

    class Crash(Exception):
        pass

    def crash(done, total, call):
        if done == k:
            raise Crash

    with served(start) as (ecs, w):
        first = plan_for(want, ecs, allow_destroy=True)
        with contextlib.suppress(Crash):
            _apply(first, w, progress=crash)
        again = plan_for(want, ecs, allow_destroy=True)
        _apply(again, w)
        final = plan_for(want, ecs, allow_destroy=True)
        assert not final.has_changes, [g.label for g in final.changed]
        web = next(g for g in live_of(ecs).groups if g.name == "test-web-sg")
        assert len(web.rules) == 111  # nothing lost, nothing extra
