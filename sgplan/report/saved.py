"""A saved plan (what ``sgplan plan --out plan.json`` writes) applied to the current state:
the groups as they will be.

The file is read by the apply engine's own reader (:func:`sgplan.apply.saved.read_saved`:
format, schema version and checksum checked), so the report sees exactly the plan
``sgplan apply`` would apply. Its groups are then matched to the current state given to
the report and applied in memory as ``--plan`` does; the flows are recomputed with the
evaluator, never taken from the file (the state may have been re-read since). A touched
group that changed since the plan is reported in a note.
"""

from __future__ import annotations

from pathlib import Path

from ..model.issues import InputError
from ..model.stack import Stack, State
from ..plan.apply import apply_plan
from ..plan.effects import attach_effects
from ..plan.model import Plan

_APPLY_ONLY = (
    "; nothing was applied"  # the reader speaks to `sgplan apply`; a report applies nothing
)


def apply_saved_plan(path: Path, stack: Stack, state: State) -> tuple[State, Plan, list[str]]:
    """The state after the saved plan, the plan (its groups bound to ``state``'s, effects
    recomputed), and notes on touched groups that changed since the plan was made."""
    # Lazy: the apply package loads the Alibaba SDK, which only this option needs.
    from ..apply.saved import ABSENT, PlanFileError, fingerprint, read_saved
    from ..apply.stale import _what_changed

    try:
        saved = read_saved(path)
    except PlanFileError as exc:
        raise InputError(str(exc).replace(_APPLY_ONLY, "")) from None
    plan = saved.plan
    if plan.stack != stack.name:
        raise InputError(f"{path}: the plan file is for stack {plan.stack}, not {stack.name}")
    by_id = {g.id: g for g in state.groups if g.id}
    by_name = {g.name: g for g in state.groups}
    notes: list[str] = []
    for g in plan.groups:
        expected = saved.fingerprints.get(g.name, ABSENT)
        if g.live is None:
            if g.name in by_name:
                notes.append(
                    f"{g.name} changed since the plan: {_what_changed(None, by_name[g.name])}"
                )
            continue
        now = by_id.get(g.live.id or "") or by_name.get(g.live.name)
        if now is None:
            raise InputError(
                f"{path}: group {g.label} is not in the current state; was the plan made "
                "against it?"
            )
        if fingerprint(now) != expected:
            notes.append(f"{g.name} changed since the plan: {_what_changed(g.live, now)}")
        g.live = now  # apply_plan replaces the state's own group object
    lists_by_id = {p.id: p for p in state.prefix_lists if p.id}
    lists_by_name = {p.name: p for p in state.prefix_lists}
    for p in plan.prefix_lists:
        if p.live is not None:
            live = lists_by_id.get(p.live.id or "") or lists_by_name.get(p.live.name)
            if live is None:
                raise InputError(
                    f"{path}: prefix list {p.name} is not in the current state; was the plan "
                    "made against it?"
                )
            p.live = live
    after = apply_plan(plan, state)
    attach_effects(plan, state)
    return _in_plan_order(after, stack), plan, notes


def _in_plan_order(after: State, stack: Stack) -> State:
    """The groups in the order ``--plan`` shows them (a plan lists every group, a saved plan
    only the changed ones): the stack's in its order, then the others by name and ID."""
    rank = {g.name: n for n, g in enumerate(stack.groups)}
    ordered = sorted(
        after.groups,
        key=lambda g: (0, rank[g.name], "", "") if g.name in rank else (1, 0, g.name, g.id or ""),
    )
    return after.model_copy(update={"groups": tuple(ordered)})
