"""Replay a local endpoint's write log step by step and check every intermediate state: no
flow that both the first and the last state allow is denied, and no limit is broken."""

from __future__ import annotations

from collections.abc import Iterator

from sgplan.apply import Guard
from sgplan.localecs import EcsStore
from sgplan.localecs.writes import WriteRecord, state_of
from sgplan.model import limits as L
from sgplan.model.stack import State
from sgplan.model.validate import prefix_list_index, rule_cost


def replay(initial: State, log: list[WriteRecord]) -> Iterator[tuple[WriteRecord, State]]:
    """Each successful write applied in order to a fresh store holding ``initial``."""
    store = EcsStore.from_state(initial, quirks=False)
    store.rule_quota = 10**6  # the replay checks the limits itself
    for record in log:
        if record.ok:
            store.call(record.action, record.params)
            yield record, state_of(store)


def check_replay(
    initial: State, log: list[WriteRecord], final: State, rules_per_group: int = L.RULES_PER_GROUP
) -> int:
    """Assert the no-lapse and limit invariants at every step; returns the steps checked."""
    before = {g.id: g for g in initial.groups}
    after = {g.id: g for g in final.groups}
    guards = {
        gid: Guard(g, g.rules, after[gid].rules, [*initial.prefix_lists, *final.prefix_lists])
        for gid, g in before.items()
        if gid in after
        and {(r.key, r.description) for r in g.rules}
        != {(r.key, r.description) for r in after[gid].rules}
    }
    steps = 0
    for record, state in replay(initial, log):
        steps += 1
        lists = prefix_list_index(state.prefix_lists)
        for g in state.groups:
            cost = sum(rule_cost(r, lists) for r in g.rules)
            assert cost <= rules_per_group, f"step {steps} {record.action}: {g.name} holds {cost}"
            peers = sum(1 for r in g.rules if r.peer.is_group)
            assert peers <= L.GROUP_PEER_RULES_PER_NORMAL_GROUP, f"step {steps}: {g.name} peers"
            guard = guards.get(g.id)
            if guard is not None:
                lapse = guard.lapsed(g.rules)
                assert lapse is None, (
                    f"step {steps} ({record.action} {record.group}): {g.name} denies "
                    f"{guard.describe(lapse)} that both versions allow"
                )
        by_id = {g.id: g for g in state.groups}
        for m in state.members:
            total = sum(
                sum(rule_cost(r, lists) for r in by_id[x].rules) for x in m.groups if x in by_id
            )
            assert total <= L.RULES_PER_NIC, f"step {steps}: NIC {m.nic} carries {total}"
    return steps
