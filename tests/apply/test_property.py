"""No access lapse, proved by replay: random old and new rule sets are applied to the local
endpoint through the SDK, then the endpoint's write log is replayed call by call and every
intermediate state is judged by the evaluator (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sgplan.apply import ApplyImpossible, Limits, apply_plan, build_schedule, connect
from sgplan.localecs import EcsStore, LocalEcs
from tests.apply.helpers import group_data, live_of, live_state, plan_for, stack_of
from tests.apply.replay import check_replay
from tests.live.helpers import config

NAMES = ("test-a-sg", "test-b-sg")
IDS = ("sg-bp1test000000000000", "sg-bp1test000000000001")
PEERS = ["0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.3/32", "192.168.0.0/24", "::/0"]

rules = st.fixed_dictionaries(
    {
        "direction": st.sampled_from(["ingress", "egress"]),
        "protocol": st.sampled_from(["tcp", "tcp", "udp", "all"]),
        "ports": st.sampled_from(["22", "80", "443", "1-1024"]),
        "peer": st.sampled_from([*PEERS, "other"]),
        "priority": st.sampled_from([1, 2, 50, 100]),
        "policy": st.sampled_from(["accept", "accept", "drop"]),
        "description": st.sampled_from([None, "a", "b"]),
    }
)


def _rules(items: list[dict], me: int, live: bool) -> list[dict]:
    out, seen = [], set()
    for item in items:
        r = {k: v for k, v in item.items() if v is not None}
        if r["protocol"] == "all":
            del r["ports"]
        if r["peer"] == "other":
            r["peer"] = IDS[1 - me] if live else f"group:{NAMES[1 - me]}"
        key = tuple(sorted((k, str(v)) for k, v in r.items() if k != "description"))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


@pytest.fixture(scope="module")
def endpoint():
    store = EcsStore.from_state(live_state(), quirks=False)
    with LocalEcs(store) as ecs:
        yield ecs, connect(config(ecs.endpoint))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    old=st.tuples(st.lists(rules, max_size=14), st.lists(rules, max_size=14)),
    new=st.tuples(st.lists(rules, max_size=14), st.lists(rules, max_size=14)),
    quota=st.sampled_from([6, 10, 200]),
)
def test_every_intermediate_state_keeps_the_flows_both_versions_allow(endpoint, old, new, quota):
    ecs, writer = endpoint
    old_rules = [_rules(old[i], i, live=True)[:quota] for i in range(2)]
    new_rules = [_rules(new[i], i, live=False)[:quota] for i in range(2)]
    start = live_state(*[group_data(NAMES[i], old_rules[i]) for i in range(2)])
    ecs.store = EcsStore.from_state(start, quirks=False)
    ecs.store.rule_quota = quota
    stack = stack_of(*[group_data(NAMES[i], new_rules[i]) for i in range(2)])
    plan = plan_for(stack, ecs)
    limits = Limits(rules_per_group=quota)
    try:
        apply_plan(plan, writer, limits=limits, read_back=False)
    except ApplyImpossible:
        event("no safe order: refused before any call")
        assert ecs.store.writes.log == []  # said before any call
        return
    if build_schedule(plan, limits=limits).interleaved:
        event("interleaved to stay under the quota")
    final = live_of(ecs)
    assert not plan_for(stack, ecs).has_changes
    steps = check_replay(start, ecs.store.writes.log, final, rules_per_group=quota)
    event(f"{min(steps, 5)}+ calls replayed" if steps >= 5 else f"{steps} calls replayed")


def test_the_replay_check_catches_a_lapse_in_a_naive_order(endpoint):
    """Control: removing first and adding after (what delete-before-create tools do) lets a
    flow both versions allow lapse, and the replay check says so."""
    ecs, writer = endpoint
    start = live_state(group_data(NAMES[0], [{"direction": "ingress", "protocol": "tcp", "ports": "22",
                                              "peer": "10.0.0.0/8", "priority": 1}]))  # fmt: skip
    ecs.store = EcsStore.from_state(start, quirks=False)
    plan = plan_for(stack_of(group_data(NAMES[0], [{"direction": "ingress", "protocol": "tcp",
                    "ports": "22", "peer": "10.0.0.0/8", "priority": 2}])), ecs)  # fmt: skip
    group = plan.groups[0]
    writer.revoke_ids(IDS[0], "ingress", [r.rule_id or "" for r in group.remove])
    writer.authorize(IDS[0], "ingress", group.add)
    with pytest.raises(AssertionError, match=r"denies ingress tcp 22 from 10\.0\.0\.0/8"):
        check_replay(start, ecs.store.writes.log, live_of(ecs))
