"""Check a generated module: it builds a valid stack, and planning that stack against the
state it came from (sync mode) changes nothing but what the generator said it left out."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.stack import Stack, State
from ..plan import Plan, PlanOptions, plan_stack

GENERATED_MODULE = "sgplan_generated_stack"


def stack_from_text(text: str, filename: str = "<generated stack>") -> Stack:
    """Run a stack module's text and return what its ``build()`` returns."""
    namespace: dict[str, object] = {"__name__": GENERATED_MODULE}
    exec(compile(text, filename, "exec"), namespace)
    build = namespace.get("build")
    if not callable(build):
        raise TypeError(f"{filename} defines no build()")
    stack = build()
    if not isinstance(stack, Stack):
        raise TypeError(f"{filename}: build() returned {type(stack).__name__}, not a Stack")
    return stack


@dataclass
class RoundTrip:
    """The sync plan of a generated stack against its source, and its changes as lines."""

    plan: Plan
    changes: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return not self.changes


def round_trip(stack: Stack, state: State) -> RoundTrip:
    """Plan ``stack`` against ``state`` in sync mode and list every change it would make."""
    plan = plan_stack(stack, state, PlanOptions(mode="sync"))
    changes: list[str] = []
    for g in plan.groups:
        label = g.label
        if g.action in ("create", "delete", "replace"):
            changes.append(f"group {label}: {g.action}" + (f" ({g.reason})" if g.reason else ""))
            continue
        changes.extend(
            f"group {label}: {a.field} {a.before!r} -> {a.after!r}" for a in g.attributes
        )
        changes.extend(f"group {label}: add {r.text(plan.peer_label(r))}" for r in g.add)
        changes.extend(f"group {label}: remove {r.text(plan.peer_label(r))}" for r in g.remove)
        changes.extend(
            f"group {label}: description of {u.live.text(plan.peer_label(u.live))}"
            for u in g.update
        )
        changes.extend(f"group {label}: drift {r.text(plan.peer_label(r))}" for r in g.drift)
    for p in plan.prefix_lists:
        if p.changed:
            changes.append(f"prefix list {p.name}: {p.action}")
    return RoundTrip(plan, changes)
