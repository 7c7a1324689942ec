"""Refusals (the cloud would refuse) and blast-radius gates (a person must consent).

Refusals: writing to a service-managed group; deleting a group that is attached, referenced
by another group's rule, or deletion-protected; a group or NIC over the SPEC limits once the
plan is applied. Gates: removing more than a share of a group's rules, deleting a group, or
leaving a group without the ingress it had.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..model import limits as L
from ..model.group import PrefixList
from ..model.rule import Rule
from ..model.stack import State
from ..model.validate import prefix_list_index, rule_cost
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
    gone = {r.key for r in g.remove}
    kept = [r for r in g.live.rules if r.key not in gone]
    return kept + [_resolved(r, resolver) for r in g.add]


def _resolved(rule: Rule, resolver: Resolver) -> Rule:
    peer = resolver.peer(rule.peer)
    return rule if peer is rule.peer else rule.model_copy(update={"peer": peer})


def check_plan(
    plan: Plan,
    state: State,
    options: PlanOptions,
    resolver: Resolver,
    desired_lists: Sequence[PrefixList] = (),
) -> None:
    """Append every refusal and gate of ``plan`` to ``plan.findings``."""
    lists = prefix_list_index([*state.prefix_lists, *desired_lists])
    finals = {id(g): final_rules(g, resolver) for g in plan.groups}
    referenced: dict[str, list[str]] = {}
    for g in plan.groups:
        for r in finals[id(g)]:
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
        _limits(plan, g, finals[id(g)], lists)
        _gates(plan, g, finals[id(g)], options)
    _nic_limits(plan, finals, lists, state)


def _refuse(plan: Plan, name: str, message: str, group: str | None) -> None:
    plan.findings.append(Finding("refusal", name, message, group))


def _managed(plan: Plan, g: GroupPlan) -> None:
    if g.live is None or not g.live.managed:
        return
    wants = g.attributes or g.add or g.remove or g.update or g.action in ("delete", "replace")
    if wants:
        owner = (
            g.live.live.service_id if g.live.live and g.live.live.service_id else "a cloud product"
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
                "has deletion protection on (InvalidOperation.DeletionProtection); turn it off first",
                g.name)  # fmt: skip
    plan.findings.append(
        Finding("gate", "destroy",
                f"{'replacing' if g.action == 'replace' else 'deleting'} a group deletes all its "
                f"{len(live.rules)} rules irreversibly; allow with --allow-destroy",
                g.name, allowed=options.allow_destroy)
    )  # fmt: skip


def _limits(plan: Plan, g: GroupPlan, rules: list[Rule], lists: dict[str, PrefixList]) -> None:
    if g.action in ("delete", "ignored", "read-only", "no-op"):
        return
    quota = sum(rule_cost(r, lists) for r in rules)
    if quota > L.RULES_PER_GROUP:
        _refuse(plan, "limit-rules",
                f"would hold {quota} rules (prefix lists counted at max_entries); allowed: at most "
                f"{L.RULES_PER_GROUP} per group (AuthorizationLimitExceed)", g.name)  # fmt: skip
    peers = sum(1 for r in rules if r.peer.is_group)
    kind = (g.desired or g.live).type if (g.desired or g.live) else "normal"
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


def _accepts_ingress(rules: list[Rule]) -> int:
    return sum(1 for r in rules if r.direction == "ingress" and r.policy == "accept")


def _gates(plan: Plan, g: GroupPlan, rules: list[Rule], options: PlanOptions) -> None:
    live = g.live
    if live is None or g.action not in ("update",):
        return
    total = len(live.rules)
    if g.remove and total:
        share = len(g.remove) / total
        if share > options.max_remove_share:
            plan.findings.append(
                Finding("gate", "remove-share",
                        f"removes {len(g.remove)} of its {total} rules ({share:.0%}); allowed: at most "
                        f"{options.max_remove_share:.0%} without --max-remove-share",
                        g.name, allowed=False)
            )  # fmt: skip
    had = _accepts_ingress(list(live.rules))
    if had and not _accepts_ingress(rules):
        plan.findings.append(
            Finding("gate", "no-ingress",
                    f"would be left with no ingress accept rule (it has {had}); every inbound "
                    "connection to its members would stop; allow with --allow-no-ingress",
                    g.name, allowed=options.allow_no_ingress)
        )  # fmt: skip
