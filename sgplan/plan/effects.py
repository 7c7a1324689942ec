"""The semantic diff of a plan: per group, the flows it newly allows or blocks.

Compares each changed group as it is live with the same group once the plan is applied
(:func:`apply_plan`), so additive mode's kept drift counts and new groups are compared with
nothing. The evaluator (:mod:`sgplan.evaluate`) does the judging.
"""

from __future__ import annotations

from dataclasses import replace

from ..evaluate.diff import group_flow_changes
from ..model.stack import State
from .apply import apply_plan
from .model import Plan


def attach_effects(plan: Plan, state: State) -> None:
    """Fill ``effects`` of every changed group with its flow changes (in place)."""
    changed = [g for g in plan.groups if g.changed]
    if not changed:
        return
    after = apply_plan(plan, state)
    after_by_id = {g.id: g for g in after.groups if g.id}
    after_by_name = {g.name: g for g in after.groups if g.name}
    before, later = [], []
    for g in changed:
        if g.live is not None and g.action not in ("replace",):
            before.append(g.live)
        if g.action == "delete":
            continue
        found = after_by_id.get(g.live.id) if g.live is not None and g.live.id else None
        found = found or after_by_name.get(g.name)
        if found is not None:
            later.append(found)
    changes = group_flow_changes(
        later,
        before,
        desired_lists=after.prefix_lists,
        current_lists=state.prefix_lists,
        desired_port_lists=after.port_lists,
        current_port_lists=state.port_lists,
    )
    by_key = {}
    for g in changed:
        if g.live is not None and g.live.id:
            by_key[g.live.id] = g
        by_key.setdefault(g.name, g)
    for change in changes:
        target = by_key.get(change.group_id or "") or by_key.get(change.group)
        if target is not None:
            if target.action in ("create", "replace"):
                change = replace(change, group_id=None)  # its ID is known after apply
            target.effects = change
