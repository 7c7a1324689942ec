"""The semantic diff: which flows a change newly allows and newly blocks.

Only the area some changed rule covers can change: outside every box that differs between
the two versions, both see the same boxes with the same priorities and policies, so the
same verdicts. The diff therefore evaluates both versions inside that area only, and is
exact. A change to what decides when nothing matches (the group's kind) widens the area to
everything.

    changes = group_flow_changes(desired_groups, current_groups,
                                 desired_lists=stack.prefix_lists, current_lists=state.prefix_lists)
    render_text(changes); render_markdown(changes); changes_json(changes)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..model.group import PortRangeList, PrefixList, SecurityGroup
from ..model.rule import Rule
from .access import EVERYWHERE, Flow, FlowSet, Region, effective_access, region_of
from .catalog import Context, Directory, GroupIndex
from .compile import Box, Compiled
from .evaluator import Evaluator
from .narrow import Area
from .space import GROUP_HI, GROUP_LO, MEMBER_SPACE, PROTOCOLS, intersect

Status = Literal["new", "changed", "removed"]
DIRECTIONS: tuple[str, str] = ("ingress", "egress")


@dataclass(frozen=True)
class DirectionChange:
    """Flows of one direction that a change newly allows, newly denies, or makes depend on a
    prefix list not defined here (as exact sets and as rendered lines)."""

    direction: str
    nic_type: str
    allowed: FlowSet
    denied: FlowSet
    undetermined: FlowSet
    allowed_flows: tuple[Flow, ...]
    denied_flows: tuple[Flow, ...]
    undetermined_flows: tuple[Flow, ...]

    def __bool__(self) -> bool:
        return bool(self.allowed or self.denied or self.undetermined)

    @property
    def label(self) -> str:
        """``ingress``, or ``internet ingress`` for the public side of a classic group."""
        return self.direction if self.nic_type == "intranet" else f"internet {self.direction}"


def access_change(
    old: Evaluator, new: Evaluator, direction: str, nic_type: str = "intranet"
) -> DirectionChange:
    """Exact flow changes of one direction between two evaluators sharing one group index."""
    if old.context.index is not new.context.index:
        raise ValueError("both versions must share one Context (directory and group index)")
    a = old.decision_map(direction, nic_type)
    b = new.decision_map(direction, nic_type)
    region = changed_region(a.compiled, b.compiled)
    before = effective_access(a, region)
    after = effective_access(b, region)
    allowed = after.allowed - before.allowed - before.undetermined
    denied = before.allowed - after.allowed - after.undetermined
    undetermined = after.undetermined - before.undetermined
    index = new.context.index
    return DirectionChange(
        direction,
        nic_type,
        allowed,
        denied,
        undetermined,
        tuple(allowed.flows(index)),
        tuple(denied.flows(index)),
        tuple(undetermined.flows(index)),
    )


def changed_region(old: Compiled, new: Compiled) -> Region:
    """Where the two versions can judge differently: the boxes one has and the other lacks."""
    if old.default_accept != new.default_accept:
        return EVERYWHERE
    changed: dict[str, list[Box]] = {}
    for proto in PROTOCOLS:
        before = Counter(_identity(old, b) for b in old.boxes[proto])
        after = Counter(_identity(new, b) for b in new.boxes[proto])
        diff = (before - after) + (after - before)
        boxes = [Box(k[2], k[3], k[4], k[5], 0) for k in diff.elements()]
        # a changed address rule over private addresses changes what members may get
        boxes += [
            Box(b.plo, b.phi, GROUP_LO, GROUP_HI, 0)
            for b in boxes
            if intersect(((b.alo, b.ahi),), MEMBER_SPACE)
        ]
        changed[proto] = boxes
    return region_of(changed)


def _identity(compiled: Compiled, box: Box) -> tuple[int, bool, int, int, int, int, bool]:
    """What a box means, whatever its rank: priority (-1 for intra-group access), policy,
    ports, peers, and whether it goes through an unknown prefix list."""
    d = compiled.deciders[box.rank]
    priority = d.ref.rule.priority if d.ref is not None else -1
    return (priority, d.accept, box.plo, box.phi, box.alo, box.ahi, box.unknown)


# -- per group, for plans ------------------------------------------------------------------


@dataclass(frozen=True)
class GroupFlowChange:
    """The reachability change of one group (evaluated alone, as on a NIC in it only)."""

    group: str
    group_id: str | None
    status: Status
    rules_changed: bool
    changes: tuple[DirectionChange, ...]

    @property
    def effective(self) -> bool:
        """Whether any flow changes (False: a rewrite that changes nothing effective)."""
        return any(self.changes)


def group_flow_changes(
    desired: Iterable[SecurityGroup],
    current: Iterable[SecurityGroup],
    *,
    desired_lists: Iterable[PrefixList] = (),
    current_lists: Iterable[PrefixList] = (),
    desired_port_lists: Iterable[PortRangeList] = (),
    current_port_lists: Iterable[PortRangeList] = (),
) -> list[GroupFlowChange]:
    """Per group whose rules, kind or prefix lists differ: the flows newly allowed and denied.

    Groups pair up by pinned ID, else by name. A new group is compared with an empty group
    of its kind, a removed one likewise (what its members lose). Groups with no difference
    are left out; a group whose rules differ but whose reachability does not is kept with
    ``effective`` False.
    """
    want = list(desired)
    have = list(current)
    pairs, added, removed = _pair(want, have)
    # one token per group, the desired name; live IDs lead to it
    named = [d.model_copy(update={"id": d.id or c.id}) for d, c in pairs]
    directory = Directory([*named, *added, *removed])
    old_ctx = Context(directory, GroupIndex()).with_lists(current_lists, current_port_lists)
    new_ctx = old_ctx.with_lists(desired_lists, [*current_port_lists, *desired_port_lists])
    out: list[GroupFlowChange] = []
    for d, c in pairs:
        md, mc = _meanings(d, directory), _meanings(c, directory)
        rules_changed = _settings(d) != _settings(c) or frozenset(md) != frozenset(mc)
        if rules_changed or _lists_changed((*d.rules, *c.rules), old_ctx, new_ctx):
            old, new = _narrowed(c, d, old_ctx, new_ctx, mc, md)
            out.append(_change(old, new, old_ctx, new_ctx, "changed", rules_changed))
    for d in added:
        out.append(_change(_emptied(d), d, old_ctx, new_ctx, "new", bool(d.rules)))
    for c in removed:
        out.append(_change(c, _emptied(c), old_ctx, new_ctx, "removed", bool(c.rules)))
    return out


def _pair(
    want: Sequence[SecurityGroup], have: Sequence[SecurityGroup]
) -> tuple[list[tuple[SecurityGroup, SecurityGroup]], list[SecurityGroup], list[SecurityGroup]]:
    by_id = {g.id: g for g in have if g.id}
    by_name: dict[str, SecurityGroup] = {}
    for g in have:
        by_name.setdefault(g.name, g)
    used: set[int] = set()
    pairs: list[tuple[SecurityGroup, SecurityGroup]] = []
    added: list[SecurityGroup] = []
    for d in want:
        c = by_id.get(d.id) if d.id else None
        if c is None:
            c = by_name.get(d.name)
        if c is None or id(c) in used:
            added.append(d)
            continue
        used.add(id(c))
        pairs.append((d, c))
    removed = [g for g in have if id(g) not in used]
    return pairs, added, removed


def _settings(g: SecurityGroup) -> tuple[str, str, str]:
    """What decides reachability besides the rules: kind, inner policy, network."""
    return (g.type, g.inner_access_policy, g.network)


def _meanings(g: SecurityGroup, directory: Directory) -> list[object]:
    """The rules' identities, group peers by token (``group:web`` and web's live ID are
    the same peer)."""
    out: list[object] = []
    for r in g.rules:
        if r.peer.is_group:
            out.append((*r.key[:7], directory.of_peer(r.peer), *r.key[8:]))
        else:
            out.append(r.key)
    return out


def _lists_changed(rules: Iterable[Rule], old: Context, new: Context) -> bool:
    """Whether a prefix list these rules use holds other blocks in the new version."""
    for r in rules:
        if r.peer.is_prefix_list:
            a, b = old.prefix_list(r.peer), new.prefix_list(r.peer)
            if (a and sorted(a.cidrs)) != (b and sorted(b.cidrs)):
                return True
    return False


def _narrowed(
    old: SecurityGroup,
    new: SecurityGroup,
    old_ctx: Context,
    new_ctx: Context,
    old_meanings: list[object],
    new_meanings: list[object],
) -> tuple[SecurityGroup, SecurityGroup]:
    """Both versions cut down to the rules whose ports meet a rule that differs between them.

    Exact (see :mod:`.narrow`): the flows can only change inside the ports of the rules that
    differ, and there both versions judge as their cut-down selves. Kept whole when what
    decides without a rule differs (kind, inner policy, network) or a list the rules use
    holds other entries in the two versions (then every rule using it may judge anew)."""
    if not old.rules or not new.rules:
        return old, new
    if _settings(old) != _settings(new):
        return old, new
    both = (*old.rules, *new.rules)
    if _lists_changed(both, old_ctx, new_ctx) or _port_lists_changed(both, old_ctx, new_ctx):
        return old, new
    directory = new_ctx.directory
    gone = Counter(old_meanings) - Counter(new_meanings)
    came = Counter(new_meanings) - Counter(old_meanings)
    changed = [r for r, m in zip(old.rules, old_meanings, strict=True) if m in gone]
    changed += [r for r, m in zip(new.rules, new_meanings, strict=True) if m in came]
    area = Area.of(changed, new_ctx)
    # the groups the whole versions name stay known, so flows read as they would unnarrowed
    for r in both:
        if r.peer.is_group:
            new_ctx.index.point(directory.of_peer(r.peer))
    return (
        old.model_copy(update={"rules": area.narrow(old.rules, old_ctx)}),
        new.model_copy(update={"rules": area.narrow(new.rules, new_ctx)}),
    )


def _port_lists_changed(rules: Iterable[Rule], old: Context, new: Context) -> bool:
    """Whether a port list these rules use holds other ranges in the new version."""
    for r in rules:
        if r.port_list:
            a, b = old.port_list(r.port_list), new.port_list(r.port_list)
            if (a and sorted(a.ranges)) != (b and sorted(b.ranges)):
                return True
    return False


def _emptied(g: SecurityGroup) -> SecurityGroup:
    return g.model_copy(update={"rules": ()})


def _change(
    old: SecurityGroup,
    new: SecurityGroup,
    old_ctx: Context,
    new_ctx: Context,
    status: Status,
    rules_changed: bool,
) -> GroupFlowChange:
    name = new_ctx.directory.of_group(new)
    before = Evaluator([old], old_ctx)
    after = Evaluator([new], new_ctx)
    nics = ("intranet", "internet") if "classic" in (old.network, new.network) else ("intranet",)
    return GroupFlowChange(
        name,
        new.id or old.id,
        status,
        rules_changed,
        tuple(access_change(before, after, d, n) for n in nics for d in DIRECTIONS),
    )
