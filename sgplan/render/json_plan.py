"""The plan as versioned JSON for machines (schema: docs/plan.schema.json).

Rules use the ECS API's field names (Direction, Policy, Priority, IpProtocol, PortRange,
SourceCidrIp, SourceGroupId, ...), so a bot can turn them into API calls directly. Only what
changes is listed; adopted rules are counted.
"""

from __future__ import annotations

from typing import Any

from ..evaluate.render import changes_json
from ..formats import jsontext
from ..formats.api import rule_to_permission
from ..gcpause import without_gc
from ..model.rule import Rule
from ..plan.model import GroupPlan, Plan, PrefixListPlan
from .lines import summary_line

PLAN_FORMAT = "sgplan-plan"
PLAN_SCHEMA_VERSION = 1


class _Permissions:
    def __init__(self, plan: Plan):
        self.names = plan.ids
        self.ids: dict[str, str] = {}
        for g in plan.groups:
            if g.desired is not None and g.live is not None and g.live.id:
                self.ids[g.desired.name] = g.live.id
        for p in plan.prefix_lists:
            if p.desired is not None and p.live is not None and p.live.id:
                self.ids[f"prefix-list:{p.desired.name}"] = p.live.id

    def __call__(self, rule: Rule) -> dict[str, Any]:
        perm = rule_to_permission(rule, self.ids)
        kind = rule.peer.kind
        if kind == "group_id" or kind == "prefix_list_id":
            name = self.names.get(rule.peer.value)
            if name:  # the live peer's name beside its ID, for people reading the JSON
                side = "Source" if rule.direction == "ingress" else "Dest"
                perm.setdefault(
                    f"{side}{'GroupName' if kind == 'group_id' else 'PrefixListName'}", name
                )
        return perm


def _group(g: GroupPlan, perm: _Permissions) -> dict[str, Any]:
    add, change, destroy = g.counts
    return {
        "name": g.name,
        "id": g.id,
        "action": g.action,
        "reason": g.reason,
        "counts": {"add": add, "change": change, "destroy": destroy},
        "attributes": [
            {"field": a.field, "before": a.before, "after": a.after} for a in g.attributes
        ],
        "add": [perm(r) for r in sorted(g.add, key=lambda r: r.sort_key)],
        "remove": [perm(r) for r in sorted(g.remove, key=lambda r: r.sort_key)],
        "update": [
            {"rule": perm(c.live), "before": c.live.description, "after": c.rule.description}
            for c in sorted(g.update, key=lambda c: c.live.sort_key)
        ],
        "adopted": len(g.adopt_pairs),
        "drift": [perm(r) for r in sorted(g.drift, key=lambda r: r.sort_key)],
        "effects": changes_json([g.effects])[0] if g.effects is not None else None,
    }


def _prefix_list(p: PrefixListPlan) -> dict[str, Any]:
    return {
        "name": p.name,
        "id": p.id,
        "action": p.action,
        "reason": p.reason,
        "add_entries": p.add_entries,
        "remove_entries": p.remove_entries,
        "attributes": [
            {"field": a.field, "before": a.before, "after": a.after} for a in p.attributes
        ],
    }


def plan_document(plan: Plan) -> dict[str, Any]:
    perm = _Permissions(plan)
    add, change, destroy = plan.counts
    return {
        "format": PLAN_FORMAT,
        "version": PLAN_SCHEMA_VERSION,
        "stack": plan.stack,
        "region": plan.region,
        "mode": plan.mode,
        "sources": plan.sources,
        "summary": {
            "add": add,
            "change": change,
            "destroy": destroy,
            "adopted": plan.adopted,
            "drift": plan.drifted,
            "has_changes": plan.has_changes,
            "blocked": plan.blocked,
            "text": summary_line(plan),
        },
        "groups": [_group(g, perm) for g in plan.groups],
        "prefix_lists": [_prefix_list(p) for p in plan.prefix_lists],
        "findings": [
            {
                "kind": f.kind,
                "name": f.name,
                "group": f.group,
                "message": f.message,
                "allowed": f.allowed,
                "blocks": f.blocks,
            }
            for f in plan.findings
        ],
        "steps": [
            {"order": s.order, "action": s.action, "target": s.target, "count": s.count}
            for s in plan.steps()
        ],
        "warnings": plan.warnings,
    }


_ONE_LINE = ("add", "remove", "drift", "update", "attributes", "findings", "steps", "counts")


@without_gc
def render_json(plan: Plan) -> str:
    """Indented JSON with every rule, attribute change, finding and step on its own line."""
    return jsontext.dumps(plan_document(plan), _ONE_LINE)
