"""The order of the calls that apply a plan, worked out before the first call is made.

Phases run across all groups, each phase group by group (plan order):

====  ==============================================================================
0     create prefix lists
1     create groups (name, description, VPC, type, tags; then the inner access policy)
3     add accept rules (per group and direction, 100 a call)
4     add prefix-list entries, rename prefix lists
5     add drop rules
6     rule descriptions (one call each), group attributes, policy and tags
7     remove drop rules (by rule ID, 100 a call)
8     remove accept rules
9     remove prefix-list entries
10    delete groups
11    delete prefix lists
====  ==============================================================================

Why this order keeps every flow allowed before *and* after allowed throughout: adding an
accept rule or removing a drop rule can only allow more, so phases 3 and 7 are safe; while
drops are added (5) every accept of both versions is present, so an added drop never beats
the accept that decides a kept flow in the new version; while accepts are removed (8) every
rule of the new version is present and the old drops are gone.

When adding before removing would take a group over a limit even for a moment (200 rules,
prefix lists at ``max_entries``; 20 group peers; 1,000 rules on a NIC), that group's rules
are interleaved instead: add what fits, then make room by removing first drops (always safe)
and then accepts the evaluator shows no kept flow needs at that moment, and repeat. If no
rule can go without a kept flow lapsing, the schedule names the group and the flows and
nothing is called.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..evaluate.access import FlowSet
from ..model import limits as L
from ..model.group import Member, PrefixList
from ..model.rule import Rule
from ..plan.model import AttrChange, DescriptionChange, Finding, GroupPlan, Plan
from ..plan.planner import Resolver
from .guard import Guard

OpKind = Literal[
    "create-prefix-list", "create-group", "authorize", "modify-prefix-list", "describe",
    "group-attributes", "revoke", "delete-group", "delete-prefix-list",
]  # fmt: skip
CALLS_PER_BATCH = L.PERMISSIONS_PER_CALL
DIRECTIONS = ("ingress", "egress")


@dataclass(frozen=True)
class Limits:
    """The quotas the schedule keeps under at every step (overridable: newer docs bind only
    the NIC-wide figure)."""

    rules_per_group: int = L.RULES_PER_GROUP
    group_peers: int = L.GROUP_PEER_RULES_PER_NORMAL_GROUP
    rules_per_nic: int = L.RULES_PER_NIC


@dataclass(frozen=True)
class Op:
    """One call (or, for attributes, the few calls of one group's attribute change)."""

    phase: int
    kind: OpKind
    group: int | None = None
    """index into ``plan.groups``"""
    prefix_list: int | None = None
    """index into ``plan.prefix_lists``"""
    direction: str | None = None
    rules: tuple[Rule, ...] = ()
    change: DescriptionChange | None = None
    attributes: tuple[AttrChange, ...] = ()
    add_entries: tuple[str, ...] = ()
    remove_entries: tuple[str, ...] = ()
    seq: int = 0
    lane: str | None = None
    """ops of one lane run one after another; lanes of a phase may run at once (default: one
    lane per group or prefix list; interleaved groups share one, since they share NICs)"""

    @property
    def lane_key(self) -> str:
        if self.lane is not None:
            return self.lane
        return f"g{self.group}" if self.group is not None else f"p{self.prefix_list}"


@dataclass
class Schedule:
    ops: list[Op] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    interleaved: list[str] = field(default_factory=list)
    """groups whose additions and removals are interleaved to stay under a limit"""

    @property
    def calls(self) -> int:
        return len(self.ops)


def rule_costs(plan: Plan, extra: Iterable[PrefixList] = ()) -> dict[str, int]:
    """Quota cost of a prefix-list peer, by ``prefix-list:NAME`` and by ID."""
    out: dict[str, int] = {}
    lists = [*extra]
    for p in plan.prefix_lists:
        lists += [x for x in (p.live, p.desired) if x is not None]
    for pl in lists:
        out[f"prefix-list:{pl.name}"] = pl.max_entries
        if pl.id:
            out[pl.id] = pl.max_entries
    return out


_LIST_KINDS = frozenset({"prefix_list_name", "prefix_list_id"})


class _Cost:
    def __init__(self, lists: dict[str, int]) -> None:
        self.lists = lists

    def __call__(self, rule: Rule) -> int:
        if rule.peer.is_prefix_list:
            return self.lists.get(str(rule.peer), self.lists.get(rule.peer.value, 1))
        return 1

    def total(self, rules: Iterable[Rule]) -> int:
        n = 0
        for r in rules:  # 1 a rule but prefix lists: asked for every step of every group
            n += 1 if r.peer.kind not in _LIST_KINDS else self(r)
        return n


def _peers(rules: Iterable[Rule]) -> int:
    return sum(1 for r in rules if r.peer.is_group)


def _chunks(rules: Sequence[Rule]) -> list[tuple[str, tuple[Rule, ...]]]:
    out = []
    for d in DIRECTIONS:
        mine = [r for r in rules if r.direction == d]
        out += [
            (d, tuple(mine[i : i + CALLS_PER_BATCH])) for i in range(0, len(mine), CALLS_PER_BATCH)
        ]
    return out


def resolver_of(plan: Plan) -> Resolver:
    groups = {g.desired.name: g.live.id for g in plan.groups
              if g.desired is not None and g.live is not None and g.live.id
              and g.action not in ("replace", "delete")}  # fmt: skip
    lists = {p.desired.name: p.live.id for p in plan.prefix_lists
             if p.desired is not None and p.live is not None and p.live.id
             and p.action not in ("replace", "delete")}  # fmt: skip
    return Resolver(groups, lists)


def _resolved(rules: Iterable[Rule], resolver: Resolver) -> list[Rule]:
    out = []
    for r in rules:
        peer = resolver.peer(r.peer)
        out.append(r if peer is r.peer else r.model_copy(update={"peer": peer}))
    return out


def _accept_first(rules: Sequence[Rule]) -> list[Rule]:
    return [r for p in ("accept", "drop") for d in DIRECTIONS for r in rules
            if r.policy == p and r.direction == d]  # fmt: skip


class _Planner:
    def __init__(self, plan: Plan, members: Sequence[Member], limits: Limits,
                 lists: Iterable[PrefixList]) -> None:  # fmt: skip
        self.plan = plan
        self.limits = limits
        self.cost = _Cost(rule_costs(plan, lists))
        self.resolver = resolver_of(plan)
        self.schedule = Schedule()
        self.seq = 0
        self.members = [m for m in members if m.groups]
        self.live_cost: dict[str, int] = {}
        for g in plan.groups:
            if g.live is not None and g.live.id:
                self.live_cost[g.live.id] = self.cost.total(g.live.rules)

    def op(self, phase: int, kind: OpKind, **fields: object) -> None:
        self.seq += 1
        self.schedule.ops.append(Op(phase, kind, seq=self.seq, **fields))  # type: ignore[arg-type]

    def problem(self, g: GroupPlan, text: str) -> None:
        self.schedule.problems.append(f"group {g.label}: {text}")

    # -- the plan's groups -----------------------------------------------------------------

    def build(self) -> Schedule:
        plan = self.plan
        for i, p in enumerate(plan.prefix_lists):
            if p.action in ("create", "replace"):
                self.op(0, "create-prefix-list", prefix_list=i)
            elif p.action == "update":
                if p.add_entries or p.attributes:
                    self.op(4, "modify-prefix-list", prefix_list=i,
                            add_entries=tuple(p.add_entries), attributes=tuple(p.attributes))  # fmt: skip
                if p.remove_entries:
                    self.op(9, "modify-prefix-list", prefix_list=i,
                            remove_entries=tuple(p.remove_entries))  # fmt: skip
            if p.action in ("delete", "replace"):
                self.op(11, "delete-prefix-list", prefix_list=i)
                self._list_still_used(p.live)
        constrained = self._constrained()
        for i, g in enumerate(plan.groups):
            if g.action in ("no-op", "ignored") or not g.changed:
                continue
            if g.action == "read-only":
                self.problem(g, "is managed by a cloud product and read-only; nothing is written")
                continue
            if g.action in ("create", "replace"):
                self.op(1, "create-group", group=i)
                self._rules_in_order(i, g, [])
            elif g.action == "update":
                self._attributes(i, g)
                if i in constrained:
                    self._interleave(i, g)
                else:
                    self._rules_in_order(i, g, g.remove)
            if g.action in ("delete", "replace"):
                self.op(10, "delete-group", group=i)
        self.schedule.ops.sort(
            key=lambda o: (o.phase, o.group if o.group is not None else -1, o.seq)
        )
        return self.schedule

    def _list_still_used(self, pl: PrefixList | None) -> None:
        if pl is None or not pl.id:
            return
        for g in self.plan.groups:
            if g.action in ("delete", "replace") or g.live is None:
                continue
            gone = {r.key for r in g.remove}
            if any(r.peer.value == pl.id and r.key not in gone for r in g.live.rules):
                self.schedule.problems.append(
                    f"prefix list {pl.name} ({pl.id}): cannot be deleted while rules of "
                    f"{g.name} use it (InvalidOperation.PrefixListInUse); declare it in the "
                    "stack or remove those rules first"
                )
                return

    def _attributes(self, i: int, g: GroupPlan) -> None:
        if not g.attributes:
            pass
        elif any(a.field.split(".")[0] == "resource_group_id" for a in g.attributes):
            self.problem(g, "moving a group to another resource group is not done by sgplan "
                         "apply (JoinResourceGroup); move it in the console or drop "
                         "resource_group_id from the stack")  # fmt: skip
        else:
            self.op(6, "group-attributes", group=i, attributes=tuple(g.attributes))
        for change in g.update:
            self.op(6, "describe", group=i, direction=change.live.direction, change=change)

    def _rules_in_order(self, i: int, g: GroupPlan, remove: Sequence[Rule]) -> None:
        adds = g.add
        for phase, policy in ((3, "accept"), (5, "drop")):
            for d, chunk in _chunks([r for r in adds if r.policy == policy]):
                self.op(phase, "authorize", group=i, direction=d, rules=chunk)
        if g.action == "create" or g.action == "replace":
            for change in g.update:
                self.op(6, "describe", group=i, direction=change.live.direction, change=change)
        for phase, policy in ((7, "drop"), (8, "accept")):
            for d, chunk in _chunks([r for r in remove if r.policy == policy]):
                self.op(phase, "revoke", group=i, direction=d, rules=chunk)

    # -- limits ----------------------------------------------------------------------------

    def _peak(self, g: GroupPlan) -> tuple[int, int]:
        live = list(g.live.rules) if g.live is not None and g.action == "update" else []
        rules = [*live, *g.add]
        return self.cost.total(rules), _peers(rules)

    def _constrained(self) -> set[int]:
        """Groups whose add-then-remove order would break a limit at its peak."""
        out: set[int] = set()
        peaks: dict[str, int] = dict(self.live_cost)
        by_id: dict[str, int] = {}
        for i, g in enumerate(self.plan.groups):
            if g.action != "update" or not (g.add and g.remove):
                continue
            rules, peers = self._peak(g)
            peer_cap = self._peer_cap(g)
            if rules > self.limits.rules_per_group or peers > peer_cap:
                out.add(i)
            if g.live is not None and g.live.id:
                peaks[g.live.id] = rules
                by_id[g.live.id] = i
        for m in self.members:
            if sum(peaks.get(sg, 0) for sg in m.groups) > self.limits.rules_per_nic:
                out.update(by_id[sg] for sg in m.groups if sg in by_id)
        return out

    def _room(self, g: GroupPlan, rules: Sequence[Rule]) -> tuple[int, int]:
        """(quota room, group-peer room) for ``g`` holding ``rules`` now."""
        cost = self.cost.total(rules)
        room = self.limits.rules_per_group - cost
        sg = g.live.id if g.live is not None else None
        for m in self.members:
            if sg in m.groups:
                others = sum(self.live_cost.get(x, 0) for x in m.groups if x != sg)
                room = min(room, self.limits.rules_per_nic - others - cost)
        return room, self._peer_cap(g) - _peers(rules)

    def _peer_cap(self, g: GroupPlan) -> int:
        either = g.desired or g.live
        return 0 if either is not None and either.type == "enterprise" else self.limits.group_peers

    def _make_room(
        self, guard: Guard, now: list[Rule], removable: list[Rule], want: int, need_peers: int
    ) -> tuple[list[Rule], int, int, tuple[Rule, tuple[str, FlowSet]] | None]:
        """Rules the plan removes anyway, to remove now for ``want`` quota and ``need_peers``
        group-peer room: drops freely, accepts only when no kept flow lapses. Returns them,
        the room they free and the first lapse met. Tried first without a check per rule,
        then checked once all together (removing accepts never lets more through, so each
        smaller step holds too); only if that fails is each accept checked on its own."""
        picked, freed, freed_peers, _ = self._pick(removable, want, need_peers, None)
        if not any(r.policy == "accept" for r in picked):
            return picked, freed, freed_peers, None
        if guard.lapsed_removing(now, picked) is None:
            return picked, freed, freed_peers, None
        return self._pick(
            removable, want, need_peers, lambda taken, r: guard.lapsed_removing(now, [*taken, r])
        )

    def _pick(
        self,
        removable: list[Rule],
        want: int,
        need_peers: int,
        lapses: Callable[[list[Rule], Rule], tuple[str, FlowSet] | None] | None,
    ) -> tuple[list[Rule], int, int, tuple[Rule, tuple[str, FlowSet]] | None]:
        picked: list[Rule] = []
        freed = freed_peers = 0
        lapse = None
        for r in removable:
            if freed >= want and freed_peers >= need_peers:
                break
            if need_peers > freed_peers and freed >= want and not r.peer.is_group:
                continue
            if lapses is not None and r.policy == "accept":
                found = lapses(picked, r)
                if found is not None:
                    lapse = lapse or (r, found)
                    continue
            picked.append(r)
            freed, freed_peers = freed + self.cost(r), freed_peers + int(r.peer.is_group)
        return picked, freed, freed_peers, lapse

    def _interleave(self, i: int, g: GroupPlan) -> None:
        assert g.live is not None
        self.schedule.interleaved.append(g.name)
        live = list(g.live.rules)
        adds = _resolved(_accept_first(g.add), self.resolver)
        gone = {r.key for r in g.remove}
        final = [r for r in live if r.key not in gone] + adds
        lists = [p for p in (x.live or x.desired for x in self.plan.prefix_lists) if p is not None]
        guard = Guard(g.live, live, final, lists)
        now = list(live)
        pending = list(adds)
        removable = sorted(g.remove, key=lambda r: r.policy != "drop")
        while pending:
            room, peer_room = self._room(g, now)
            direction = pending[0].direction
            batch: list[Rule] = []
            used = used_peers = 0
            for r in pending:
                c, p = self.cost(r), int(r.peer.is_group)
                if r.direction != direction or len(batch) == CALLS_PER_BATCH:
                    break
                if used + c > room or used_peers + p > peer_room:
                    break
                batch.append(r)
                used, used_peers = used + c, used_peers + p
            if batch:
                self.op(
                    3,
                    "authorize",
                    group=i,
                    direction=direction,
                    rules=tuple(batch),
                    lane="interleaved",
                )
                now += batch
                pending = pending[len(batch) :]
                continue
            nxt = [r for r in pending if r.direction == direction][:CALLS_PER_BATCH]
            need = self.cost(pending[0]) - room
            want = max(need, self.cost.total(nxt) - room)
            need_peers = int(pending[0].peer.is_group) - peer_room
            picked, freed, freed_peers, lapse = self._make_room(
                guard, now, removable, want, need_peers
            )
            if freed < need or freed_peers < need_peers:
                why = ""
                if lapse is not None:
                    why = (f"; removing {lapse[0]} first would cut {guard.describe(lapse[1])}, "
                           "which both the old and the new rules allow")  # fmt: skip
                self.problem(g, f"no order of calls keeps it under its limits ({len(now)} rules "
                             f"now, {len(pending)} still to add) without an access lapse{why}; "
                             "split the change into two plans or raise the quota")  # fmt: skip
                return
            for d, chunk in _chunks(picked):
                self.op(3, "revoke", group=i, direction=d, rules=chunk, lane="interleaved")
            taken = {r.key for r in picked}
            now = [r for r in now if r.key not in taken]
            removable = [r for r in removable if r.key not in taken]
            self.live_cost[g.live.id or ""] = self.cost.total(now)
        for policy in ("drop", "accept"):
            for d, chunk in _chunks([r for r in removable if r.policy == policy]):
                self.op(3, "revoke", group=i, direction=d, rules=chunk, lane="interleaved")
        if g.live.id:
            self.live_cost[g.live.id] = self.cost.total(final)


def build_schedule(
    plan: Plan,
    members: Sequence[Member] = (),
    limits: Limits | None = None,
    prefix_lists: Iterable[PrefixList] = (),
) -> Schedule:
    """Every call the plan needs, in order; ``problems`` lists what cannot be done safely."""
    return _Planner(plan, members, limits or Limits(), prefix_lists).build()


def order_findings(
    plan: Plan, members: Sequence[Member] = (), prefix_lists: Iterable[PrefixList] = ()
) -> list[Finding]:
    """What the apply engine could not do safely, as refusals the plan shows before any call."""
    schedule = build_schedule(plan, members, None, prefix_lists)
    out = []
    for problem in schedule.problems:
        if "managed by a cloud product" in problem:
            continue  # the planner's own managed-group refusal says it already
        group = problem.split(":", 1)[0].removeprefix("group ").split(" (")[0]
        out.append(
            Finding(
                "refusal", "apply-order", problem, group if problem.startswith("group ") else None
            )
        )
    return out
