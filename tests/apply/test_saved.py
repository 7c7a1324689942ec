"""Saved plans: what is written is what is read back, and the schedule's unit behaviour."""

from __future__ import annotations

from sgplan.apply import Limits, build_schedule
from sgplan.apply.saved import fingerprint, read_saved, write_saved
from sgplan.model.group import Member
from sgplan.plan import PlanOptions, plan_stack
from sgplan.render import render_json
from tests.apply.helpers import group_data, live_state, numbered, stack_of
from tests.live.helpers import prod_state


def test_a_saved_plan_reads_back_as_the_same_plan(tmp_path):
    from sgplan.load import load_stack

    stack = load_stack("prod")
    state = prod_state()
    plan = plan_stack(stack, state, PlanOptions())
    path = tmp_path / "plan.json"
    write_saved(path, plan, stack, "prod", state.members)
    saved = read_saved(path)
    back = saved.plan
    assert render_json(back) == render_json(_only_changed(plan))
    assert saved.fingerprints == {g.name: fingerprint(g.live) for g in plan.groups if g.changed}
    assert {m.nic for m in saved.members} <= {m.nic for m in state.members}
    assert build_schedule(back).ops == build_schedule(_only_changed(plan)).ops


def _only_changed(plan):
    from dataclasses import replace

    return replace(plan, groups=[g for g in plan.groups if g.changed])


def test_fingerprints_change_with_any_rule_id_description_or_attribute():
    state = live_state(group_data("test-web-sg", numbered(3)))
    g = state.groups[0]
    base = fingerprint(g)
    rules = list(g.rules)
    assert fingerprint(g.model_copy(update={"rules": tuple(rules[:2])})) != base
    assert (
        fingerprint(
            g.model_copy(
                update={"rules": (rules[0].model_copy(update={"description": "x"}), *rules[1:])}
            )
        )
        != base
    )
    assert (
        fingerprint(
            g.model_copy(
                update={"rules": (rules[0].model_copy(update={"rule_id": "sgr-x"}), *rules[1:])}
            )
        )
        != base
    )
    assert fingerprint(g.model_copy(update={"tags": {"a": "b"}})) != base
    assert fingerprint(g.model_copy(update={"rules": tuple(reversed(rules))})) == base
    assert fingerprint(None) == "absent"


def test_a_nic_near_1000_rules_interleaves_its_groups_in_one_lane():
    n_groups, size, swap = 6, 166, 3  # 996 rules on the NIC; adding first would make 1,014
    ids = [f"sg-bp1test{n:012d}" for n in range(n_groups)]
    groups = [group_data(f"test-g{n}-sg", numbered(size, start=n * 1000)) for n in range(n_groups)]
    members = [Member(nic="eni-bp1six", groups=tuple(ids))]
    state = live_state(*groups, members=[m.model_dump() for m in members])
    want = [group_data(g["name"], numbered(size - swap, start=n * 1000 + swap)
                       + numbered(swap, start=n * 1000 + 500, port=8443))
            for n, g in enumerate(groups)]  # fmt: skip
    plan = plan_stack(stack_of(*want), state, PlanOptions(max_remove_share=1.0))
    assert build_schedule(plan).interleaved == []  # without the NIC, nothing to interleave
    schedule = build_schedule(plan, members, Limits())
    assert sorted(schedule.interleaved) == sorted(g["name"] for g in groups)
    assert {op.lane_key for op in schedule.ops if op.kind in ("authorize", "revoke")} == {
        "interleaved"
    }
    counts = dict.fromkeys(ids, size)
    for op in schedule.ops:  # the NIC never carries more than 1,000 rules
        sg = plan.groups[op.group].live.id
        counts[sg] += len(op.rules) if op.kind == "authorize" else -len(op.rules)
        assert sum(counts.values()) <= 1000
    assert all(v == size for v in counts.values())
