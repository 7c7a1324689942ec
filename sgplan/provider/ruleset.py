"""What a RuleSet does, without gRPC: read, plan, diff, apply and revoke one group's rules.

- The plan is the one planner's (:func:`sgplan.plan.planner.plan_group`) on this group
  against a fresh live read, in the RuleSet's mode, exactly as ``sgplan plan`` computes it.
- Writes are the one apply engine's (:func:`sgplan.apply.apply_group`).
- State records the live rule ID of every declared rule and which of them this RuleSet
  authorized itself (``appliedRuleIds``): ``delete`` revokes those and nothing else.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..apply import ApplyResult, EcsWriter, apply_group
from ..model.group import SecurityGroup
from ..model.rule import Rule, RuleKey
from ..plan.model import GroupPlan
from ..plan.planner import IDENTITY, PlanOptions, plan_group
from .inputs import RuleSetInputs, path, rule_input, rule_name

ADD, DELETE, UPDATE = "add", "delete", "update"


class RuleSetError(Exception):
    """A RuleSet operation that cannot go on; the message names the group and what to do."""


def fingerprint(rules: Iterable[Rule]) -> str:
    """A digest of a rule set (identities and descriptions), independent of order."""
    lines = sorted(json.dumps([str(k) for k in r.key] + [r.description or ""]) for r in rules)
    return "sha256:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()


def plan_ruleset(inputs: RuleSetInputs, live: SecurityGroup) -> GroupPlan:
    """The planner's plan for this group (rule changes only: attributes are alicloud's)."""
    options = PlanOptions(mode=inputs.mode)
    desired = live.model_copy(update={"rules": tuple(inputs.rules.values()), "live": None})
    gplan = plan_group(desired, live, IDENTITY, options, attributes=False)
    gplan.name = inputs.group_name or live.name or inputs.group_id
    return gplan


def live_names(inputs: RuleSetInputs, rules: Iterable[Rule]) -> dict[str, Rule]:
    """Live rules by name: a declared rule keeps its declared name, any other its own."""
    declared = inputs.names_by_key()
    return {declared.get(r.key) or rule_name(r): r for r in rules}


def detailed_diff(inputs: RuleSetInputs, gplan: GroupPlan) -> dict[str, str]:
    """Property path -> add/delete/update: exactly the plan's rules, nothing else."""
    names = inputs.names_by_key()
    out: dict[str, str] = {}
    for r in gplan.add:
        out[path(names.get(r.key) or rule_name(r))] = ADD
    for change in gplan.update:
        out[path(names.get(change.rule.key) or rule_name(change.rule), "description")] = UPDATE
    for r in gplan.remove:
        out[path(rule_name(r))] = DELETE
    return out


def refuse_managed(inputs: RuleSetInputs, live: SecurityGroup, gplan: GroupPlan) -> None:
    if live.managed and gplan.changed:
        owner = live.live.service_id if live.live and live.live.service_id else "a cloud product"
        raise RuleSetError(
            f"group {inputs.label} is managed by {owner}: it is read-only and every write "
            "fails with InvalidOperation.ResourceManagedByCloudProduct; leave it out of the stack"
        )


def read_live(writer: EcsWriter, inputs: RuleSetInputs) -> SecurityGroup:
    group = writer.read_group(inputs.group_id)
    if group is None:
        raise RuleSetError(
            f"group {inputs.label} does not exist in {inputs.region}; the RuleSet needs the "
            "group to exist (the program creates or imports it with pulumi-alicloud)"
        )
    return group


@dataclass
class Applied:
    """What an apply did, for the RuleSet's outputs."""

    group: SecurityGroup
    plan: GroupPlan
    authorized: set[RuleKey] = field(default_factory=set)


def apply(writer: EcsWriter, inputs: RuleSetInputs) -> Applied:
    """Read, plan and apply this group's rules; the group as read back afterwards."""
    live = read_live(writer, inputs)
    gplan = plan_ruleset(inputs, live)
    refuse_managed(inputs, live, gplan)
    if not gplan.changed:
        return Applied(live, gplan)
    result: ApplyResult = apply_group(gplan, writer, mode=inputs.mode)
    outcome = result.groups.get(gplan.name)
    after = outcome.group if outcome is not None and outcome.group is not None else None
    if after is None:
        after = read_live(writer, inputs)
    return Applied(after, gplan, {r.key for r in gplan.add})


def revoke(writer: EcsWriter, group_id: str, group_name: str, region: str,
           rule_ids: Iterable[str]) -> int:  # fmt: skip
    """Revoke the rules with these IDs that are still live; the number revoked."""
    wanted = set(rule_ids)
    if not wanted:
        return 0
    live = writer.read_group(group_id)
    if live is None:
        return 0  # the group is gone, and its rules with it
    gone = [r for r in live.rules if r.rule_id in wanted]
    if not gone:
        return 0
    gplan = GroupPlan(group_name or group_id, "update", live, live)
    gplan.remove = gone
    apply_group(gplan, writer, mode="sync")
    return len(gone)


def outputs(
    inputs: RuleSetInputs,
    group: SecurityGroup,
    applied_ids: Mapping[str, str],
    last: GroupPlan | None,
) -> dict[str, Any]:
    """The RuleSet's state: its inputs, rule IDs by name, counts and the fingerprint."""
    by_key = {r.key: r for r in group.rules}
    rule_ids = {n: by_key[r.key].rule_id or "" for n, r in inputs.rules.items() if r.key in by_key}
    declared = [by_key[r.key] for r in inputs.rules.values() if r.key in by_key]
    counts = {
        "rules": len(inputs.rules),
        "ingress": sum(1 for r in inputs.rules.values() if r.direction == "ingress"),
        "egress": sum(1 for r in inputs.rules.values() if r.direction == "egress"),
        "live": len(group.rules),
        "added": len(last.add) if last else 0,
        "removed": len(last.remove) if last else 0,
        "updated": len(last.update) if last else 0,
    }
    return {
        **state_inputs(inputs),
        "ruleIds": rule_ids,
        "appliedRuleIds": {n: i for n, i in applied_ids.items() if i},
        "counts": counts,
        "fingerprint": fingerprint(declared),
    }


def state_inputs(inputs: RuleSetInputs, rules: Mapping[str, Rule] | None = None) -> dict[str, Any]:
    return {
        "groupId": inputs.group_id,
        "region": inputs.region,
        "groupName": inputs.group_name,
        "mode": inputs.mode,
        "rules": {n: rule_input(r) for n, r in (rules or inputs.rules).items()},
    }


def applied_after(
    inputs: RuleSetInputs,
    group: SecurityGroup,
    before: Mapping[str, str],
    authorized: set[RuleKey],
) -> dict[str, str]:
    """Rule IDs (by name) this RuleSet authorized: kept from before while still declared and
    live, plus the ones just authorized."""
    by_key = {r.key: r for r in group.rules}
    live_ids = {r.rule_id for r in group.rules if r.rule_id}
    out: dict[str, str] = {}
    for name, rule in inputs.rules.items():
        live = by_key.get(rule.key)
        if live is None or not live.rule_id:
            continue
        if rule.key in authorized or (before.get(name) and before[name] in live_ids):
            out[name] = live.rule_id
    return out
