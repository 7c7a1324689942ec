"""Prove a change landed: the live groups of a stack equal what it declares, its intents hold
on them, and lint finds nothing critical that the stack does not waive.

All three checks judge the *live* state (a fresh read, or a snapshot the user names):

* **drift**: the planner (the same one ``sgplan plan`` and the provider use), in the stack's
  mode, finds nothing to add, remove or re-describe and nothing it would refuse;
* **intents**: every ``allows``/``denies`` of the stack holds on the live groups and NICs;
* **lint**: the checks of ``sgplan lint`` on the live groups of the stack. Waivers are written
  in the stack, so each live rule carries the waivers of the desired rule it is (paired by the
  planner); a live rule the stack does not declare has none.

A check that cannot be judged (an intent about a group that is not live) fails with the
reason; nothing is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from ..intents import IntentResult, intent_text, not_checkable_note, run_intents
from ..lint import Finding, blocking, lint
from ..lint.run import LintInput
from ..model.group import SecurityGroup
from ..model.issues import InputError
from ..model.rule import Rule
from ..model.stack import Stack, State
from ..plan import Plan, PlanOptions, plan_stack
from ..plan.model import Mode


@dataclass
class Verification:
    """The outcome of ``sgplan verify`` for one stack against one live state."""

    stack: str
    region: str | None
    mode: Mode
    sources: list[str]
    today: date
    plan: Plan
    intents: list[IntentResult]
    findings: list[Finding]
    warnings: list[str] = field(default_factory=list)

    @property
    def drift_ok(self) -> bool:
        return not self.plan.has_changes and not self.plan.blocked

    @property
    def intents_ok(self) -> bool:
        return all(r.passed for r in self.intents)

    @property
    def blocking(self) -> list[Finding]:
        return blocking(self.findings)

    @property
    def lint_ok(self) -> bool:
        return not self.blocking

    @property
    def passed(self) -> bool:
        return self.drift_ok and self.intents_ok and self.lint_ok

    def failed_checks(self) -> list[str]:
        named = (("drift", self.drift_ok), ("intents", self.intents_ok), ("lint", self.lint_ok))
        return [name for name, ok in named if not ok]


def verify_stack(
    stack: Stack,
    live: State,
    *,
    mode: Mode = "sync",
    today: date | None = None,
    sources: Sequence[str] = (),
    scope_prefix: str | None = None,
) -> Verification:
    """Judge ``live`` against ``stack``: drift, intents, lint (see the module docstring)."""
    day = today or date.today()
    options = PlanOptions(mode=mode, scope_prefix=scope_prefix, max_remove_share=1.0)
    plan = plan_stack(stack, live, options, list(sources))
    intents = _intents(stack, live)
    findings = lint(_live_lint_input(stack, live, plan), day)
    return Verification(stack.name, stack.region, mode, list(sources), day, plan, intents,
                        findings)  # fmt: skip


def _intents(stack: Stack, live: State) -> list[IntentResult]:
    """Every intent judged on the live state; one that cannot be judged fails, with why
    (``sgplan test`` lists a group that is not live as not checkable; verify fails on it)."""
    try:
        return [_judged(stack, r) for r in run_intents(stack, live)]
    except InputError:
        pass  # judge one by one so that each intent gets its own verdict or reason
    out: list[IntentResult] = []
    for number, intent in enumerate(stack.intents, start=1):
        single = stack.model_copy(update={"intents": (intent,)})
        try:
            result = run_intents(single, live)[0]
            out.append(_judged(stack, replace(result, number=number)))
        except InputError as exc:
            reason = str(exc).removeprefix("intent 1: ")
            out.append(IntentResult(number, intent, False, f"cannot be judged: {reason}"))
    return out


def _judged(stack: Stack, result: IntentResult) -> IntentResult:
    """An intent about a group that is not live fails: it cannot be judged, and says why
    (after a failure on a live group; before what held on the groups that are live)."""
    if result.checkable:
        return result
    names = result.not_live
    which = (
        f"group {names[0]} of stack {stack.name} is"
        if len(names) == 1
        else (f"groups {', '.join(names)} of stack {stack.name} are")
    )
    reason = (
        f"cannot be judged: {which} not in the current state "
        "(not live yet; pin its live ID with id= if it was renamed)"
    )
    rest = result.detail.removesuffix(not_checkable_note(names)).removesuffix("; ")
    # a failure on a live group comes first; what held is said after why it is not enough
    parts = [rest, reason] if not result.passed else [reason, *([rest] if rest else [])]
    detail = "; ".join(parts)
    return replace(result, passed=False, detail=detail)


def _live_lint_input(stack: Stack, live: State, plan: Plan) -> LintInput:
    """The stack's live groups, each live rule carrying its desired rule's waivers."""
    groups: list[SecurityGroup] = []
    for g in plan.groups:
        if g.desired is None or g.live is None:
            continue
        waivers = {id(have): want.waivers for want, have in g.adopt_pairs if want.waivers}
        rules: list[Rule] = [
            r.model_copy(update={"waivers": waivers[id(r)]}) if id(r) in waivers else r
            for r in g.live.rules
        ]
        groups.append(g.live.model_copy(update={"rules": tuple(rules)}))
    refs = {ref for grp in groups for ref in (grp.id, grp.name) if ref}
    members = tuple(m for m in live.members if refs & set(m.groups))
    return LintInput(tuple(groups), live.prefix_lists, members, stack.env)


__all__ = ["Verification", "intent_text", "verify_stack"]
