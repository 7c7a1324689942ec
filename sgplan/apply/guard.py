"""The flows a group must keep at every step of a change: those allowed before *and* after.

A :class:`Guard` is built from a group's rules before and after a change (the group judged
alone, as the plan's effects are) and answers whether an intermediate rule set still allows
every such flow. The apply engine asks it before removing a rule early to make room under a
quota; the replay test asks it about every state the write log passes through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

from ..evaluate.access import FlowSet, Region, effective_access
from ..evaluate.catalog import Context, Directory
from ..evaluate.diff import changed_region
from ..evaluate.engine import DecisionMap
from ..evaluate.evaluator import Evaluator
from ..evaluate.narrow import Area
from ..model.group import PrefixList, SecurityGroup
from ..model.rule import Rule

DIRECTIONS = ("ingress", "egress")


class Guard:
    """Answers "does this rule set still allow every flow both versions allow?"."""

    def __init__(
        self,
        group: SecurityGroup,
        before: Sequence[Rule],
        after: Sequence[Rule],
        prefix_lists: Iterable[PrefixList] = (),
    ) -> None:
        self.group = group
        self.context = Context(Directory([group])).with_lists(tuple(prefix_lists))
        nics = ("intranet", "internet") if group.network == "classic" else ("intranet",)
        self.cases = [(d, n) for n in nics for d in DIRECTIONS]
        self.rules_before = tuple(before)
        self.rules_after = tuple(after)

    @cached_property
    def before(self) -> dict[tuple[str, str], DecisionMap]:
        return self._maps(self.rules_before)

    @cached_property
    def after(self) -> dict[tuple[str, str], DecisionMap]:
        return self._maps(self.rules_after)

    def _maps(self, rules: Sequence[Rule]) -> dict[tuple[str, str], DecisionMap]:
        version = self.group.model_copy(update={"rules": tuple(rules)})
        ev = Evaluator([version], self.context)
        return {(d, n): ev.decision_map(d, n) for d, n in self.cases}

    def lapsed(self, rules: Sequence[Rule]) -> tuple[str, FlowSet] | None:
        """The first direction whose kept flows ``rules`` would deny, and those flows (None
        when every kept flow is still allowed).

        Only where ``rules`` differ from the rules before the change can a kept flow be
        lost (elsewhere both judge alike, and a kept flow was allowed before), so each
        version is evaluated inside that area only: exact, and cheap for the few rules an
        interleaved apply has touched."""
        now = self._maps(rules)
        for case in self.cases:
            region = changed_region(self.before[case].compiled, now[case].compiled)
            if not any(region.values()):
                continue
            old = effective_access(self.before[case], region).allowed
            new = effective_access(self.after[case], region).allowed
            kept = old - (old - new)
            missing = kept - effective_access(now[case], region).allowed
            if missing:
                return case[0], missing
        return None

    def lapsed_removing(
        self, now: Sequence[Rule], removing: Sequence[Rule]
    ) -> tuple[str, FlowSet] | None:
        """:meth:`lapsed` for ``now`` less ``removing``, given that ``now`` keeps every kept
        flow (the interleaved apply keeps that true at every step: it adds accepts before
        drops and removes an accept only after asking this).

        Then only the removed rules' ports can lose a kept flow, and there each version
        judges as the version cut down to the rules meeting those ports (see
        :mod:`sgplan.evaluate.narrow`): a few small evaluations instead of whole groups."""
        ctx = self.context
        area = Area.of(removing, ctx)
        gone = {r.key for r in removing}
        trial = [x for x in now if x.key not in gone]
        region = area.region
        directions = {r.direction for r in removing}
        cases = [c for c in self.cases if c[0] in directions]
        old = self._allowed(area.narrow(self.rules_before, ctx), region, cases)
        if not any(old.values()):
            return None  # nothing was allowed there: nothing to keep
        new = self._allowed(area.narrow(self.rules_after, ctx), region, cases)
        kept = {case: old[case] - (old[case] - new[case]) for case in cases}
        if not any(kept.values()):
            return None
        left = self._allowed(area.narrow(trial, ctx), region, cases)
        for case in cases:
            missing = kept[case] - left[case]
            if missing:
                return case[0], missing
        return None

    def _allowed(
        self, rules: Sequence[Rule], region: Region, cases: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], FlowSet]:
        version = self.group.model_copy(update={"rules": tuple(rules)})
        ev = Evaluator([version], self.context)
        return {(d, n): effective_access(ev.decision_map(d, n), region).allowed for d, n in cases}

    def holds(self, rules: Sequence[Rule]) -> bool:
        return self.lapsed(rules) is None

    def describe(self, lapse: tuple[str, FlowSet]) -> str:
        direction, missing = lapse
        flows = missing.flows(self.context.index)
        text = "; ".join(f"{direction} {f.text(direction)}" for f in flows[:3])
        return text or "some flows"
