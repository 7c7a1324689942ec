"""The plan: what changes, group by group, in the order it is applied.

A plan is data, computed once and rendered many ways (terminal, Markdown, JSON) and consumed
by the Pulumi program (which rules to adopt). Nothing here re-validates or re-parses rules:
they are the canonical model's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..model.group import PrefixList, SecurityGroup
from ..model.rule import Rule

Mode = Literal["sync", "additive"]
GroupAction = Literal["create", "update", "delete", "replace", "no-op", "read-only", "ignored"]

KNOWN_AFTER_APPLY = "known after apply"
DIFF = "diff"  # the stack name of a plan between two states (``sgplan diff``)


@dataclass(frozen=True)
class AttrChange:
    """One attribute of a group or prefix list, before and after (``None`` = absent)."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class DescriptionChange:
    """A rule kept as it is but for its description: updated in place, never remove+add."""

    rule: Rule  # the desired rule (its description is the new one)
    live: Rule  # the live rule (its description is the old one)


@dataclass(frozen=True)
class Finding:
    """A reason the plan cannot be applied as it is (refusal) or needs consent (gate)."""

    kind: Literal["refusal", "gate"]
    name: str
    message: str
    group: str | None = None
    allowed: bool = False  # a gate the user explicitly allowed (still shown)

    @property
    def blocks(self) -> bool:
        return not self.allowed


@dataclass
class GroupPlan:
    """Everything that happens to one group. Rules carry live IDs where they are live.

    ``add`` holds desired rules (peers as the stack names them); ``remove``, ``drift`` and
    ``adopt`` live rules, keyed as the cloud knows them; ``adopt_pairs`` pairs each adopted
    desired rule with the live rule it adopts.
    """

    name: str
    action: GroupAction
    desired: SecurityGroup | None
    live: SecurityGroup | None
    reason: str | None = None
    attributes: list[AttrChange] = field(default_factory=list)
    add: list[Rule] = field(default_factory=list)
    remove: list[Rule] = field(default_factory=list)
    update: list[DescriptionChange] = field(default_factory=list)
    adopt_pairs: list[tuple[Rule, Rule]] = field(default_factory=list)
    drift: list[Rule] = field(default_factory=list)
    effects: Any = None  # the evaluator's GroupFlowChange: flows newly allowed / denied

    @property
    def id(self) -> str | None:
        return (
            self.live.id if self.live is not None else (self.desired.id if self.desired else None)
        )

    @property
    def label(self) -> str:
        ident = self.id or (KNOWN_AFTER_APPLY if self.action == "create" else None)
        return f"{self.name} ({ident})" if ident and self.name else (self.name or ident or "?")

    @property
    def adopt(self) -> list[Rule]:
        return [live for _, live in self.adopt_pairs]

    @property
    def changed(self) -> bool:
        return bool(
            self.action in ("create", "delete", "replace")
            or self.attributes or self.add or self.remove or self.update
        )  # fmt: skip

    @property
    def counts(self) -> tuple[int, int, int]:
        """(to add, to change, to destroy) as the summary line counts them."""
        add = len(self.add) + (1 if self.action in ("create", "replace") else 0)
        change = len(self.update) + (1 if self.attributes else 0)
        destroy = len(self.remove) + (1 if self.action in ("delete", "replace") else 0)
        return add, change, destroy


@dataclass
class PrefixListPlan:
    name: str
    action: Literal["create", "update", "delete", "replace", "no-op"]
    desired: PrefixList | None
    live: PrefixList | None
    add_entries: list[str] = field(default_factory=list)
    remove_entries: list[str] = field(default_factory=list)
    attributes: list[AttrChange] = field(default_factory=list)
    reason: str | None = None

    @property
    def id(self) -> str | None:
        return self.live.id if self.live is not None else None

    @property
    def changed(self) -> bool:
        return self.action != "no-op"

    @property
    def counts(self) -> tuple[int, int, int]:
        if self.action == "create":
            return 1, 0, 0
        if self.action == "delete":
            return 0, 0, 1
        if self.action == "replace":
            return 1, 0, 1
        return 0, (1 if self.changed else 0), 0


@dataclass(frozen=True)
class Step:
    """One stage of applying the plan; stages run in order (additions before removals)."""

    order: int
    action: str
    target: str
    count: int


@dataclass
class Plan:
    stack: str
    region: str | None
    mode: Mode
    sources: list[str]
    groups: list[GroupPlan]
    prefix_lists: list[PrefixListPlan] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # live ID -> name, for display

    @property
    def changed(self) -> list[GroupPlan]:
        return [g for g in self.groups if g.changed]

    @property
    def counts(self) -> tuple[int, int, int]:
        totals = [0, 0, 0]
        items: list[GroupPlan | PrefixListPlan] = [*self.groups, *self.prefix_lists]
        for item in items:
            for i, n in enumerate(item.counts):
                totals[i] += n
        return totals[0], totals[1], totals[2]

    @property
    def has_changes(self) -> bool:
        return any(self.counts)

    @property
    def blocked(self) -> bool:
        return any(f.blocks for f in self.findings)

    @property
    def adopted(self) -> int:
        return sum(len(g.adopt_pairs) for g in self.groups)

    @property
    def drifted(self) -> int:
        return sum(len(g.drift) for g in self.groups)

    def steps(self) -> list[Step]:
        """The order of application: create, add, change, then remove, then delete."""
        out: list[Step] = []

        def push(action: str, target: str, count: int) -> None:
            if count:
                out.append(Step(len(out) + 1, action, target, count))

        for p in self.prefix_lists:
            if p.action in ("create", "replace"):
                push("create-prefix-list", p.name, 1)
        for g in self.groups:
            if g.action in ("create", "replace"):
                push("create-group", g.name, 1)
        for p in self.prefix_lists:
            if p.action == "update":
                push("update-prefix-list", p.name, len(p.add_entries) + len(p.remove_entries) or 1)
        for g in self.groups:
            push("add-rules", g.name, len(g.add))
        for g in self.groups:
            push("update-group", g.name, 1 if g.attributes else 0)
            push("update-descriptions", g.name, len(g.update))
        for g in self.groups:
            push("remove-rules", g.name, len(g.remove))
        for g in self.groups:
            if g.action in ("delete", "replace"):
                push("delete-group", g.name, 1)
        for p in self.prefix_lists:
            if p.action in ("delete", "replace"):
                push("delete-prefix-list", p.name, 1)
        return out

    def peer_label(self, rule: Rule) -> str:
        """A rule's peer as reviewers read it: group names beside their IDs."""
        peer = rule.peer
        if peer.kind == "group_name" or peer.kind == "prefix_list_name":
            return peer.value
        if peer.kind in ("group_id", "prefix_list_id"):
            name = self.ids.get(peer.value)
            text = str(peer)
            return f"{name} ({text})" if name else text
        return peer.value
