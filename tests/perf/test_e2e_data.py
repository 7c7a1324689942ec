"""The benchmarks' estates are valid: bench_e2e's stack and snapshot load and plan with
exactly the intended share of changes, and bench_model's addresses stay valid past 4,096
groups."""

from __future__ import annotations

import ipaddress
import sys

from sgplan.formats.current import load_current
from sgplan.load import load_stack
from sgplan.plan import PlanOptions, plan_stack
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import bench_model
from e2e_data import RULES_PER_GROUP, write_estate


def test_e2e_estate_validates_and_changes_about_five_percent(tmp_path):
    stack_path, state_path = write_estate(tmp_path, 7)
    stack = load_stack(stack_path)
    state = load_current([state_path]).state
    assert state.rule_count == 7 * RULES_PER_GROUP
    plan = plan_stack(stack, state, PlanOptions(max_remove_share=1))
    add, change, destroy = plan.counts
    assert 0.02 <= (add + change + destroy) / state.rule_count <= 0.10
    assert not plan.blocked


def test_bench_model_hosts_stay_valid_and_distinct_past_4096_groups():
    hosts = [bench_model.own_host(g, 254) for g in range(0, 20_480, 7)]
    for h in hosts:
        ipaddress.ip_address(h)
    assert len(set(hosts)) == len(hosts)
