"""What an apply did: every call made, what it created, the groups as read back; and the
errors that stop an apply (each says what had already been done)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..live.errors import CallFailure
from ..model.group import SecurityGroup
from ..model.issues import InputError
from ..model.rule import Rule, RuleKey
from ..plan.planner import Resolver


@dataclass(frozen=True)
class CallRecord:
    """One write call: its action, the group or prefix list, how many rules, and outcome."""

    action: str
    target: str
    rules: int = 0
    ok: bool = True
    note: str = ""

    def __str__(self) -> str:
        what = f" ({self.rules} rule{'s' if self.rules != 1 else ''})" if self.rules else ""
        note = f": {self.note}" if self.note else ""
        return f"{'ok' if self.ok else 'FAILED'} {self.action} {self.target}{what}{note}"


@dataclass
class GroupOutcome:
    """A group after the apply, as read back from the cloud."""

    name: str
    id: str
    group: SecurityGroup

    @property
    def rule_ids(self) -> dict[RuleKey, str]:
        """Each rule's cloud ID by identity (peers as the cloud holds them: by ID)."""
        return {r.key: r.rule_id for r in self.group.rules if r.rule_id}


@dataclass
class ApplyResult:
    calls: list[CallRecord] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    """group and prefix-list names -> IDs (existing and created)"""
    created: dict[str, str] = field(default_factory=dict)
    """names of groups and prefix lists created -> their new IDs"""
    groups: dict[str, GroupOutcome] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """rules that had vanished before their removal (re-read and skipped)"""
    seconds: float = 0.0
    retries: int = 0

    @property
    def ok_calls(self) -> list[CallRecord]:
        return [c for c in self.calls if c.ok]

    def rule_id(self, group: str, rule: Rule) -> str | None:
        """The cloud ID of a desired rule of ``group`` (its peer named as the stack names it)."""
        outcome = self.groups.get(group)
        if outcome is None:
            return None
        lists = {k[len("prefix-list:"):]: v for k, v in self.ids.items() if k.startswith("prefix-list:")}  # fmt: skip
        key = Resolver(self.ids, lists).key(rule)
        return outcome.rule_ids.get(key)

    def summary(self) -> str:
        added = sum(c.rules for c in self.ok_calls if c.action.startswith("Authorize"))
        removed = sum(c.rules for c in self.ok_calls if c.action.startswith("Revoke"))
        changed = sum(
            1
            for c in self.ok_calls
            if c.action.startswith("ModifySecurityGroup") and "Rule" in c.action
        )
        text = (f"Applied: {added} rules added, {changed} changed, {removed} removed, "
                f"{len(self.created)} created, {len(self.deleted)} deleted "
                f"in {len(self.ok_calls)} calls ({self.retries} retries, {self.seconds:.1f} s).")  # fmt: skip
        if self.skipped:
            text += f" {len(self.skipped)} rules had already gone and were skipped."
        return text


class ApplyError(InputError):
    """An apply that could not start or did not finish; the message says what was done."""


class ApplyRefused(ApplyError):
    """The plan has refusals or unconsented gates: nothing was called."""


class ApplyImpossible(ApplyError):
    """No order of calls keeps every limit and every kept flow: nothing was called."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = ["the plan cannot be applied safely; nothing was changed:"]
        lines += [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


class ApplyFailed(ApplyError):
    """A call failed for good: the apply stopped there. ``result`` holds what succeeded."""

    def __init__(
        self, what: str, failure: CallFailure | None, result: ApplyResult, message: str
    ) -> None:
        self.what = what
        self.failure = failure
        self.result = result
        done = result.ok_calls
        lines = [f"apply stopped: {what} failed: {message}"]
        lines.append(
            f"{len(done)} earlier call{'s' if len(done) != 1 else ''} succeeded and stay applied:"
        )
        lines += [f"  - {c}" for c in done[-20:]]
        if len(done) > 20:
            lines.insert(2, f"  - ... {len(done) - 20} more before these")
        lines.append("nothing after it was called; fix the cause, then run `sgplan plan` and "
                     "apply again (the new plan starts from what is live now)")  # fmt: skip
        super().__init__("\n".join(lines))
