"""The flows a group must keep at every step of a change: those allowed before *and* after.

A :class:`Guard` is built from a group's rules before and after a change (the group judged
alone, as the plan's effects are) and answers whether an intermediate rule set still allows
every such flow. The apply engine asks it before removing a rule early to make room under a
quota; the replay test asks it about every state the write log passes through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..evaluate.access import FlowSet, effective_access
from ..evaluate.catalog import Context, Directory
from ..evaluate.evaluator import Evaluator
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
        old = self._allowed(before)
        new = self._allowed(after)
        self.kept: dict[tuple[str, str], FlowSet] = {
            case: old[case] - (old[case] - new[case]) for case in self.cases
        }

    def _allowed(self, rules: Sequence[Rule]) -> dict[tuple[str, str], FlowSet]:
        version = self.group.model_copy(update={"rules": tuple(rules)})
        ev = Evaluator([version], self.context)
        return {(d, n): effective_access(ev.decision_map(d, n)).allowed for d, n in self.cases}

    def lapsed(self, rules: Sequence[Rule]) -> tuple[str, FlowSet] | None:
        """The first direction whose kept flows ``rules`` would deny, and those flows (None
        when every kept flow is still allowed)."""
        now = self._allowed(rules)
        for case in self.cases:
            missing = self.kept[case] - now[case]
            if missing:
                return case[0], missing
        return None

    def holds(self, rules: Sequence[Rule]) -> bool:
        return self.lapsed(rules) is None

    def describe(self, lapse: tuple[str, FlowSet]) -> str:
        direction, missing = lapse
        flows = missing.flows(self.context.index)
        text = "; ".join(f"{direction} {f.text(direction)}" for f in flows[:3])
        return text or "some flows"
