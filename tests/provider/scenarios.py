"""Scenario helpers: RuleSet inputs from a stack, what a plan says, what the endpoint wrote."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sgplan.formats.api import rule_from_permission
from sgplan.localecs import LocalEcs
from sgplan.model.group import SecurityGroup
from sgplan.model.rule import Rule, RuleKey
from sgplan.plan.model import GroupPlan
from sgplan.plan.planner import Resolver
from sgplan.provider.inputs import path, rule_input, rule_name

REGION = "cn-hangzhou"


def inputs_for(
    group: SecurityGroup,
    group_id: str,
    ids: Mapping[str, str],
    list_ids: Mapping[str, str] | None = None,
    mode: str = "sync",
    rules: Sequence[Rule] | None = None,
) -> dict[str, Any]:
    """The RuleSet inputs the program registers for ``group`` (peers wired to live IDs)."""
    out: dict[str, Any] = {}
    for rule in group.rules if rules is None else rules:
        peer: Any = None
        if rule.peer.kind == "group_name":
            peer = ids[rule.peer.value]
        elif rule.peer.kind == "prefix_list_name":
            peer = (list_ids or {})[rule.peer.value]
        out[rule_name(rule)] = rule_input(rule, peer)
    return {"groupId": group_id, "region": REGION, "groupName": group.name, "mode": mode,
            "rules": out}  # fmt: skip


def expected_paths(g: GroupPlan) -> dict[str, str]:
    """The detailed diff a plan stands for: its adds, removals and description updates."""
    out = {path(rule_name(r)): "add" for r in g.add}
    out.update({path(rule_name(c.rule), "description"): "update" for c in g.update})
    out.update({path(rule_name(r)): "delete" for r in g.remove})
    return out


@dataclass
class Sets:
    """What was written (or is to be): identities added, rule IDs removed, (rule ID, new
    description) updated; comparable between a plan and the endpoint's write log."""

    add: set[RuleKey]
    remove: set[str]
    update: set[tuple[str, str]]


def plan_sets(g: GroupPlan, resolver: Resolver) -> Sets:
    return Sets(
        {resolver.key(r) for r in g.add},
        {r.rule_id or "" for r in g.remove},
        {(c.live.rule_id or "", c.rule.description or "") for c in g.update},
    )


def written(ecs: LocalEcs, since: int, after: Mapping[str, SecurityGroup]) -> tuple[Sets, set[str]]:
    """What the endpoint's write log holds from entry ``since`` on, and the actions seen.
    ``after`` (group ID -> group as now live) turns created rule IDs into identities."""
    by_id = {r.rule_id: r for g in after.values() for r in g.rules}
    sets, actions = Sets(set(), set(), set()), set()
    for record in ecs.store.writes.log[since:]:
        assert record.ok, (record.action, record.code)
        actions.add(record.action)
        sets.remove.update(record.removed)
        for rid in record.created:
            sets.add.add(by_id[rid].key)
        if record.action.startswith("Modify") and record.action.endswith("Rule"):
            sets.update.add((record.params["SecurityGroupRuleId"],
                             record.params.get("Description", "")))  # fmt: skip
    return sets, actions


def json_rule(perm: Mapping[str, Any], ids: Mapping[str, str]) -> Rule:
    """A rule of ``sgplan plan --format json``; group names without IDs take ``ids``."""
    data = dict(perm)
    for side in ("Source", "Dest"):
        name = data.get(f"{side}GroupName")
        if name and not data.get(f"{side}GroupId"):
            data[f"{side}GroupId"] = ids[name]
        name = data.get(f"{side}PrefixListName")
        if name and not data.get(f"{side}PrefixListId"):
            data[f"{side}PrefixListId"] = ids[f"prefix-list:{name}"]
    return rule_from_permission(data)
