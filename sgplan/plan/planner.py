"""Compute a plan: desired groups against live ones, rule sets as keyed set differences.

Rules are compared by identity (``rule.key``) after resolving the stack's own names
(``group:NAME``, ``prefix-list:NAME``) to the live IDs they stand for; the description is the
only attribute and changes in place. Group attributes are compared field by field with
deepdiff. Gates and refusals are added by :mod:`sgplan.plan.checks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..gcpause import without_gc
from ..model.group import PrefixList, SecurityGroup
from ..model.issues import InputError
from ..model.peers import Peer
from ..model.rule import Rule, RuleKey
from ..model.stack import Stack, State
from .checks import check_plan
from .match import match_groups, match_prefix_lists
from .model import DIFF, AttrChange, DescriptionChange, GroupPlan, Mode, Plan, PrefixListPlan


@dataclass(frozen=True)
class PlanOptions:
    """How to plan. ``scope_prefix``: live groups whose name starts with it belong to the
    stack (deleted in sync mode when the stack no longer declares them); by default the
    stack's environment followed by a dash (``prod-``)."""

    mode: Mode = "sync"
    max_remove_share: float = 0.5
    allow_destroy: bool = False
    allow_no_ingress: bool = False
    scope_prefix: str | None = None


class Resolver:
    """Maps a desired rule's identity to the identity it has once live."""

    def __init__(
        self,
        group_ids: Mapping[str, str],
        list_ids: Mapping[str, str],
        port_list_ids: Mapping[str, str] | None = None,
    ):
        self.group_ids = group_ids
        self.list_ids = list_ids
        self.port_list_ids = port_list_ids or {}

    def port_list(self, ref: str | None) -> str | None:
        """``port-list:NAME`` as its live ``prl-...`` ID where known."""
        if ref and ref.startswith("port-list:"):
            return self.port_list_ids.get(ref.removeprefix("port-list:"), ref)
        return ref

    def peer(self, peer: Peer) -> Peer:
        if peer.kind == "group_name":
            gid = self.group_ids.get(peer.value)
            return Peer("group_id", gid) if gid else peer
        if peer.kind == "prefix_list_name":
            pid = self.list_ids.get(peer.value)
            return Peer("prefix_list_id", pid) if pid else peer
        return peer

    def key(self, rule: Rule) -> RuleKey:
        kind = rule.peer.kind
        named_ports = rule.port_list is not None and rule.port_list.startswith("port-list:")
        if kind != "group_name" and kind != "prefix_list_name" and not named_ports:
            return rule.key
        key = rule.key
        return (*key[:7], self.peer(rule.peer), key[8], self.port_list(rule.port_list))


IDENTITY = Resolver({}, {})


def _attrs(group: SecurityGroup, *, tags: Mapping[str, str] | None = None) -> dict[str, object]:
    out: dict[str, object] = {
        "name": group.name,
        "description": group.description,
        "inner_access_policy": group.inner_access_policy,
        "tags": dict(group.tags if tags is None else tags),
    }
    return out


def attribute_changes(desired: SecurityGroup, live: SecurityGroup, mode: Mode) -> list[AttrChange]:
    """Field-by-field changes of the group's own attributes (deepdiff on plain dicts)."""
    want_tags = desired.tags if mode == "sync" else {**live.tags, **desired.tags}
    before = _attrs(live)
    after = _attrs(desired, tags=want_tags)
    if desired.resource_group_id is not None:
        before["resource_group_id"] = live.resource_group_id
        after["resource_group_id"] = desired.resource_group_id
    if before == after:
        return []  # the common case, without building (or importing) DeepDiff
    from deepdiff import DeepDiff

    diff = DeepDiff(before, after, view="tree")
    changes: list[AttrChange] = []
    for levels in diff.values():
        for level in levels:
            path = ".".join(str(p) for p in level.path(output_format="list"))
            old = None if _absent(level.t1) else level.t1
            new = None if _absent(level.t2) else level.t2
            changes.append(AttrChange(path, old, new))
    return sorted(changes, key=lambda c: c.field)


def _absent(value: object) -> bool:
    return type(value).__name__ == "NotPresent"


def _rule_changes(
    plan: GroupPlan, desired: Sequence[Rule], live: Sequence[Rule], resolver: Resolver, mode: Mode
) -> None:
    live_by_key = {r.key: r for r in live}
    key = resolver.key
    wanted = {key(r) if r.peer.kind in _NAMED else r.key: r for r in desired}
    found = live_by_key.get
    pairs = [(r, found(k)) for k, r in wanted.items()]
    plan.add = [want for want, have in pairs if have is None]
    plan.adopt_pairs = [(want, have) for want, have in pairs if have is not None]
    plan.update = [
        DescriptionChange(want, have)
        for want, have in plan.adopt_pairs
        if want.description != have.description and (mode == "sync" or want.description)
    ]
    if len(plan.adopt_pairs) == len(live_by_key):
        return  # every live rule is wanted
    gone = [r for k, r in live_by_key.items() if k not in wanted]
    if mode == "sync":
        plan.remove = gone
    else:
        plan.drift = gone


_NAMED = frozenset({"group_name", "prefix_list_name"})


def _managed_reason(live: SecurityGroup) -> str:
    owner = str(live.live.service_id) if live.live and live.live.service_id else "a cloud product"
    return f"managed by {owner}; read-only"


def _replacement_reason(desired: SecurityGroup, live: SecurityGroup) -> str | None:
    if desired.type != live.type:
        return f"type changes from {live.type} to {desired.type}, which forces a new group"
    if desired.vpc_id != live.vpc_id:
        return f"VPC changes from {live.vpc_id} to {desired.vpc_id}, which forces a new group"
    return None


def plan_group(
    desired: SecurityGroup | None,
    live: SecurityGroup | None,
    resolver: Resolver,
    options: PlanOptions,
    *,
    in_scope: bool = True,
    attributes: bool = True,
) -> GroupPlan:
    """The plan of one desired/live pair (either may be absent)."""
    name = desired.name if desired is not None else (live.name if live is not None else "")
    if desired is None:
        assert live is not None
        if live.managed:
            return GroupPlan(
                name or live.id or "?", "read-only", None, live, reason=_managed_reason(live)
            )
        if options.mode == "additive":
            return GroupPlan(name or live.id or "?", "ignored", None, live,
                             reason="not declared in the stack; additive mode never deletes groups")  # fmt: skip
        if not in_scope:
            return GroupPlan(name or live.id or "?", "ignored", None, live,
                             reason="not declared and outside the stack's scope; left alone")  # fmt: skip
        plan = GroupPlan(name or live.id or "?", "delete", None, live,
                         reason="declared nowhere in the stack (sync mode deletes it, with all its rules)")  # fmt: skip
        plan.remove = []  # a deleted group's rules go with it
        return plan
    if live is None:
        plan = GroupPlan(name, "create", desired, None)
        plan.add = list(desired.rules)
        return plan
    reason = _replacement_reason(desired, live)
    if reason is not None:
        plan = GroupPlan(name, "replace", desired, live, reason=reason)
        plan.add = list(desired.rules)
        return plan
    plan = GroupPlan(name, "update", desired, live)
    if attributes:
        plan.attributes = attribute_changes(desired, live, options.mode)
    _rule_changes(plan, desired.rules, live.rules, resolver, options.mode)
    if live.managed:
        plan.action = "read-only"
        plan.reason = _managed_reason(live)
    elif not plan.changed:
        plan.action = "no-op"
    return plan


def _prefix_list_plan(
    desired: PrefixList | None, live: PrefixList | None, mode: Mode
) -> PrefixListPlan:
    if desired is None:
        assert live is not None
        return PrefixListPlan(
            live.name, "delete", None, live, reason="declared nowhere in the stack"
        )
    if live is None:
        return PrefixListPlan(
            desired.name, "create", desired, None, add_entries=list(desired.cidrs)
        )
    if desired.max_entries != live.max_entries or desired.address_family != live.address_family:
        return PrefixListPlan(desired.name, "replace", desired, live,
                              reason="max_entries and address_family are fixed at creation")  # fmt: skip
    want, have = set(desired.cidrs), set(live.cidrs)
    plan = PrefixListPlan(desired.name, "update", desired, live)
    plan.add_entries = sorted(want - have)
    plan.remove_entries = sorted(have - want) if mode == "sync" else []
    if desired.description is not None and desired.description != live.description:
        plan.attributes.append(AttrChange("description", live.description, desired.description))
    if desired.name != live.name:
        plan.attributes.append(AttrChange("name", live.name, desired.name))
    if not (plan.add_entries or plan.remove_entries or plan.attributes):
        plan.action = "no-op"
    return plan


def _id_names(groups: Iterable[SecurityGroup], lists: Iterable[PrefixList]) -> dict[str, str]:
    out = {g.id: g.name for g in groups if g.id and g.name}
    out.update({p.id: p.name for p in lists if p.id and p.name})
    return out


@without_gc
def plan_stack(
    stack: Stack, state: State, options: PlanOptions | None = None, sources: Sequence[str] = ()
) -> Plan:
    """The plan that makes ``state`` what ``stack`` declares (in sync or additive mode).

    A state read from another region than the stack's is refused (:class:`InputError`):
    planned against it, every group of the stack would look new and every live one unknown.
    """
    if state.region and state.region != stack.region:
        where = f" ({', '.join(sources)})" if sources else ""
        raise InputError(
            f"the current state{where} is in {state.region} but stack {stack.name} is in "
            f"{stack.region}; plan against a state read from {stack.region}"
        )
    options = options or PlanOptions()
    scope = options.scope_prefix if options.scope_prefix is not None else f"{stack.env}-"
    pairs, unmatched = match_groups(stack.groups, state.groups, stack.name)
    list_pairs, unmatched_lists = match_prefix_lists(stack.prefix_lists, state.prefix_lists)
    group_ids = {d.name: m.id for d, m in pairs if m is not None and m.id}
    list_ids = {d.name: m.id for d, m in list_pairs if m is not None and m.id}
    live_ports = {p.name: p.id for p in state.port_lists if p.id}
    port_ids = {p.name: p.id or live_ports.get(p.name, "") for p in stack.port_lists}
    resolver = Resolver(group_ids, list_ids, {k: v for k, v in port_ids.items() if v})
    groups = [plan_group(d, m, resolver, options) for d, m in pairs]
    for live in sorted(unmatched, key=lambda g: (g.name, g.id or "")):
        groups.append(
            plan_group(None, live, resolver, options, in_scope=live.name.startswith(scope))
        )
    lists = [_prefix_list_plan(d, m, options.mode) for d, m in list_pairs]
    if options.mode == "sync":
        lists += [
            _prefix_list_plan(None, p, "sync") for p in unmatched_lists if p.name.startswith(scope)
        ]
    plan = Plan(
        stack=stack.name,
        region=stack.region,
        mode=options.mode,
        sources=list(sources),
        groups=groups,
        prefix_lists=lists,
        ids=_id_names(state.groups, state.prefix_lists),
    )
    check_plan(plan, state, options, resolver, stack.prefix_lists)
    return plan


def pair_states(
    current: State, desired: State
) -> list[tuple[SecurityGroup | None, SecurityGroup | None]]:
    """Pair the groups of two states: one each (restore between two groups), else by ID,
    else by name."""
    if len(current.groups) == 1 and len(desired.groups) == 1:
        return [(current.groups[0], desired.groups[0])]
    pairs: list[tuple[SecurityGroup | None, SecurityGroup | None]] = []
    left = list(current.groups)
    for d in desired.groups:
        match = next((c for c in left if c.id and c.id == d.id), None)
        if match is None:
            match = next((c for c in left if c.name and c.name == d.name), None)
        if match is not None:
            left.remove(match)
        pairs.append((match, d))
    pairs.extend((c, None) for c in left)
    return pairs


@without_gc
def diff_states(
    current: State, desired: State, options: PlanOptions | None = None, sources: Sequence[str] = ()
) -> Plan:
    """The console's "restore rules" preview: what makes ``current`` hold ``desired``'s rules.

    Only rules are compared (full restore in sync mode, partial in additive mode); groups
    present on one side only are shown as created or deleted.
    """
    options = options or PlanOptions()
    groups: list[GroupPlan] = []
    for cur, want in pair_states(current, desired):
        if want is not None and cur is not None:
            gplan = plan_group(want, cur, IDENTITY, options, attributes=False)
            gplan.name = cur.name or want.name
            groups.append(gplan)
        else:
            groups.append(plan_group(want, cur, IDENTITY, options))
    plan = Plan(
        stack=DIFF,
        region=current.region or desired.region,
        mode=options.mode,
        sources=list(sources),
        groups=groups,
        ids=_id_names(
            [*current.groups, *desired.groups], [*current.prefix_lists, *desired.prefix_lists]
        ),
    )
    check_plan(plan, current, options, IDENTITY, desired.prefix_lists)
    return plan
