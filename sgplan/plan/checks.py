"""Refusals (the cloud would refuse) and blast-radius gates (a person must consent).

Refusals: writing to a service-managed group; deleting a group that is attached, referenced
by another group's rule, or deletion-protected; a group or NIC over the SPEC limits once the
plan is applied. Gates: removing more than a share of a group's rules, deleting a group, or
leaving a group without the ingress it had.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..model import limits as L
from ..model.group import PortRangeList, PrefixList
from ..model.rule import Rule
from ..model.stack import State
from ..model.validate import port_list_index, prefix_list_index, rule_cost
from .model import Finding, GroupPlan, Plan

if TYPE_CHECKING:
    from .planner import PlanOptions, Resolver


def final_rules(g: GroupPlan, resolver: Resolver) -> list[Rule]:
    """The group's rules once the plan is applied, peers resolved where IDs are known."""
    if g.action in ("delete", "ignored"):
        return list(g.live.rules) if g.action == "ignored" and g.live else []
    if g.action in ("create", "replace"):
        return [_resolved(r, resolver) for r in g.add]
    assert g.live is not None
    if not g.remove and not g.add:
        return list(g.live.rules)
    gone = {r.key for r in g.remove}
    kept = [r for r in g.live.rules if r.key not in gone]
    return kept + [_resolved(r, resolver) for r in g.add]


def _resolved(rule: Rule, resolver: Resolver) -> Rule:
    peer = resolver.peer(rule.peer)
    ports = resolver.port_list(rule.port_list)
    if peer is rule.peer and ports == rule.port_list:
        return rule
    return rule.model_copy(update={"peer": peer, "port_list": ports})


def check_plan(
    plan: Plan,
    state: State,
    options: PlanOptions,
    resolver: Resolver,
    desired_lists: Sequence[PrefixList] = (),
) -> None:
    """Append every refusal and gate of ``plan`` to ``plan.findings``."""
    lists = prefix_list_index([*state.prefix_lists, *desired_lists])
    port_lists = port_list_index(state.port_lists)
    finals: dict[int, list[Rule]] = {}

    def final(g: GroupPlan) -> list[Rule]:
        found = finals.get(id(g))
        if found is None:
            found = finals[id(g)] = final_rules(g, resolver)
        return found

    referenced: dict[str, list[str]] = {}
    if any(g.action in ("delete", "replace") for g in plan.groups):
        for g in plan.groups:
            for r in final(g):
                if r.peer.kind == "group_id" and not r.peer.owner:
                    referenced.setdefault(r.peer.value, []).append(g.name)
    attached: dict[str, int] = {}
    for m in state.members:
        for gid in m.groups:
            attached[gid] = attached.get(gid, 0) + 1
    for g in plan.groups:
        _managed(plan, g)
        if g.action in ("delete", "replace"):
            _deletion(plan, g, referenced, attached, options)
        if g.add:  # only additions can break a limit
            _limits(plan, g, final, lists, port_lists)
        if g.remove:
            _gates(plan, g, options)
    if state.members:
        _nic_limits(plan, {id(g): final(g) for g in plan.groups}, lists, state)


_LIST_KINDS = frozenset({"prefix_list_id", "prefix_list_name"})


def _refuse(plan: Plan, name: str, message: str, group: str | None) -> None:
    plan.findings.append(Finding("refusal", name, message, group))


def _managed(plan: Plan, g: GroupPlan) -> None:
    if g.live is None or not g.live.managed:
        return
    wants = g.attributes or g.add or g.remove or g.update or g.action in ("delete", "replace")
    if wants:
        owner = (
            str(g.live.live.service_id)
            if g.live.live and g.live.live.service_id
            else "a cloud product"
        )
        _refuse(plan, "managed-group",
                f"is managed by {owner}: it is read-only and every write fails with "
                "InvalidOperation.ResourceManagedByCloudProduct; leave it out of the stack", g.name)  # fmt: skip


def _deletion(
    plan: Plan,
    g: GroupPlan,
    referenced: dict[str, list[str]],
    attached: dict[str, int],
    options: PlanOptions,
) -> None:
    live = g.live
    if live is None or not live.id:
        return
    info = live.live
    nics = max(info.nic_count or 0 if info else 0, attached.get(live.id, 0))
    if nics:
        _refuse(plan, "delete-attached",
                f"cannot be deleted while attached to {nics} NIC{'s' if nics > 1 else ''}; move its "
                "instances and ENIs to another group first", g.name)  # fmt: skip
    users = sorted({n for n in referenced.get(live.id, []) if n != g.name})
    if info and info.referenced_by:
        users = sorted({*users, *info.referenced_by})
    if users:
        _refuse(plan, "delete-referenced",
                f"cannot be deleted while rules of {', '.join(users)} refer to it; remove those rules first",
                g.name)  # fmt: skip
    if info and info.deletion_protection:
        _refuse(plan, "delete-protected",
                "has deletion protection (DeleteSecurityGroup answered "
                "InvalidOperation.DeletionProtection); another product switched it on (an ACK "
                "cluster protects its group until the cluster is deleted) and it cannot be "
                "turned off by hand",
                g.name)  # fmt: skip
    plan.findings.append(
        Finding("gate", "destroy",
                f"{'replacing' if g.action == 'replace' else 'deleting'} a group deletes all its "
                f"{len(live.rules)} rules irreversibly; allow with --allow-destroy",
                g.name, allowed=options.allow_destroy)
    )  # fmt: skip


def _kinds(rules: Sequence[Rule]) -> tuple[int, int, int]:
    """(rules, rules with a group peer, rules with a prefix-list peer)."""
    kinds = [r.peer.kind for r in rules]
    count = kinds.count
    return (
        len(kinds),
        count("group_id") + count("group_name"),
        count("prefix_list_id") + count("prefix_list_name"),
    )


def _limits(
    plan: Plan,
    g: GroupPlan,
    final: Callable[[GroupPlan], list[Rule]],
    lists: dict[str, PrefixList],
    port_lists: dict[str, PortRangeList] | None = None,
) -> None:
    if g.action in ("delete", "ignored", "read-only", "no-op"):
        return
    if g.action == "update" and g.live is not None:
        live, gone, new = _kinds(g.live.rules), _kinds(g.remove), _kinds(g.add)
        total, peers, lists_used = (a - b + c for a, b, c in zip(live, gone, new, strict=True))
    else:
        total, peers, lists_used = _kinds(g.add)
    quota = total
    if lists_used or port_lists:
        quota += sum(
            rule_cost(r, lists, port_lists) - 1
            for r in final(g)
            if r.peer.kind in _LIST_KINDS or r.port_list
        )
    if quota > L.RULES_PER_GROUP:
        _refuse(plan, "limit-rules",
                f"would hold {quota} rules (prefix lists counted at max_entries); allowed: at most "
                f"{L.RULES_PER_GROUP} per group (AuthorizationLimitExceed)", g.name)  # fmt: skip
    either = g.desired or g.live
    kind = either.type if either is not None else "normal"
    if kind == "enterprise" and peers:
        _refuse(plan, "limit-group-peers",
                f"is an enterprise group but would hold {peers} rules whose peer is a group; allowed: none",
                g.name)  # fmt: skip
    elif peers > L.GROUP_PEER_RULES_PER_NORMAL_GROUP:
        _refuse(plan, "limit-group-peers",
                f"would hold {peers} rules whose peer is a group; allowed: at most "
                f"{L.GROUP_PEER_RULES_PER_NORMAL_GROUP} (AuthorizedGroupRule.LimitExceed)", g.name)  # fmt: skip


def _nic_limits(
    plan: Plan, finals: dict[int, list[Rule]], lists: dict[str, PrefixList], state: State
) -> None:
    quota: dict[str, int] = {}
    for g in plan.groups:
        if g.live is not None and g.live.id:
            quota[g.live.id] = sum(rule_cost(r, lists) for r in finals[id(g)])
    for m in state.members:
        total = sum(quota.get(gid, 0) for gid in m.groups)
        if total > L.RULES_PER_NIC:
            _refuse(plan, "limit-nic-rules",
                    f"NIC {m.nic} would carry {total} rules across its groups; allowed: at most "
                    f"{L.RULES_PER_NIC}", None)  # fmt: skip


def _ingress_accept(rule: Rule) -> bool:
    return rule.direction == "ingress" and rule.policy == "accept"


def _gates(plan: Plan, g: GroupPlan, options: PlanOptions) -> None:
    live = g.live
    if live is None or g.action != "update":
        return
    total = len(live.rules)
    if total and len(g.remove) / total > options.max_remove_share:
        share = len(g.remove) / total
        plan.findings.append(
            Finding("gate", "remove-share",
                    f"removes {len(g.remove)} of its {total} rules ({share:.0%}); allowed: at most "
                    f"{options.max_remove_share:.0%} without --max-remove-share",
                    g.name, allowed=False)
        )  # fmt: skip
    gone = {r.key for r in g.remove if _ingress_accept(r)}
    if not gone or any(_ingress_accept(r) for r in g.add):
        return  # no ingress accept removed, or a new one added
    if any(_ingress_accept(r) and r.key not in gone for r in live.rules):
        return
    had = sum(1 for r in live.rules if _ingress_accept(r))
    plan.findings.append(
        Finding("gate", "no-ingress",
                f"would be left with no ingress accept rule (it has {had}); every inbound "
                "connection to its members would stop; allow with --allow-no-ingress",
                g.name, allowed=options.allow_no_ingress)
    )  # fmt: skip
