"""Live states for the pipeline tests: what the cloud holds once a stack has landed."""

from __future__ import annotations

from pathlib import Path

from sgplan.formats import snapshot
from sgplan.load import load_stack
from sgplan.model.group import Member
from sgplan.model.stack import Stack, State
from sgplan.plan import PlanOptions, plan_stack
from sgplan.plan.apply import apply_plan

ROOT = Path(__file__).resolve().parents[2]
REGION = "cn-hangzhou"


def prod_snapshot() -> State:
    return snapshot.read(ROOT / "state" / "prod.json")


def landed(stack: Stack | str, state: State | None = None) -> State:
    """``state`` (default: nothing live) after the stack's sync plan was applied; the
    stack's NICs join the applied groups by ID when the state knows none of them."""
    desired = load_stack(stack) if isinstance(stack, str) else stack
    before = state if state is not None else State(region=desired.region)
    options = PlanOptions(max_remove_share=1.0, allow_destroy=True, allow_no_ingress=True)
    after = apply_plan(plan_stack(desired, before, options), before)
    known = {m.nic for m in after.members}
    ids = {g.name: g.id for g in after.groups if g.id}
    extra = [
        Member(nic=m.nic, instance=m.instance, groups=tuple(ids[g] for g in m.groups))
        for m in desired.members
        if m.nic not in known and all(g in ids for g in m.groups)
    ]
    return after.model_copy(update={"members": (*after.members, *extra)})


def write_state(state: State, path: Path) -> Path:
    snapshot.write(state, path)
    return path
