"""What a Pulumi run adopts, from a plan: the live groups, prefix lists and rules the stack
declares, imported rather than created (so no rule the tool never made becomes "owned" by
a no-op create, and a later removal cannot delete a rule it did not make)."""

from __future__ import annotations

from ..formats.resource_ids import Adoption, RuleRef, rule_import_id
from .model import Plan


def adoption_from_plan(plan: Plan) -> Adoption:
    groups: dict[str, str] = {}
    rules: dict[RuleRef, str] = {}
    for g in plan.groups:
        if (
            g.desired is None
            or g.live is None
            or not g.live.id
            or g.action in ("replace", "read-only")
        ):
            continue
        key = g.desired.logical_name
        groups[key] = g.live.id
        for desired, live in g.adopt_pairs:
            peer_id = (
                live.peer.value if desired.peer.kind in ("group_name", "prefix_list_name") else None
            )
            try:
                rules[(key, desired.key)] = rule_import_id(g.live.id, desired, peer_id)
            except ValueError:
                continue  # 5-tuple rules: the component refuses them with a clear message
    lists = {
        p.desired.name: p.live.id
        for p in plan.prefix_lists
        if p.desired is not None
        and p.live is not None
        and p.live.id
        and p.action in ("update", "no-op")
    }
    return Adoption(groups=groups, prefix_lists=lists, rules=rules)
