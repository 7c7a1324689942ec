"""Is a saved plan still true? Re-read only the groups it touches and compare fingerprints."""

from __future__ import annotations

from ..live.writer import EcsWriter
from ..model.group import SecurityGroup
from ..plan.model import Plan
from .saved import ABSENT, PlanFileError, SavedPlan, fingerprint


class StalePlan(PlanFileError):
    """The cloud changed since the plan: nothing was applied."""


def _what_changed(before: SecurityGroup | None, now: SecurityGroup | None) -> str:
    if before is None:
        return "a group of that name now exists (created outside sgplan)"
    if now is None:
        return "it was deleted outside sgplan"
    was = {(r.key, r.description) for r in before.rules}
    ids_was = {r.rule_id for r in before.rules}
    is_ = {(r.key, r.description) for r in now.rules}
    keys_was = {k for k, _ in was}
    keys_now = {k for k, _ in is_}
    parts = []
    added = len(keys_now - keys_was)
    removed = len(keys_was - keys_now)
    redescribed = len({k for k, _ in is_ - was} & keys_was)
    if added:
        parts.append(f"{added} rule{'s' if added > 1 else ''} added outside sgplan")
    if removed:
        parts.append(f"{removed} rule{'s' if removed > 1 else ''} removed outside sgplan")
    if redescribed:
        parts.append(f"{redescribed} description{'s' if redescribed > 1 else ''} changed")
    if not parts and {r.rule_id for r in now.rules} != ids_was:
        parts.append("rules were re-created with new IDs")
    for attr in ("name", "description", "inner_access_policy", "tags"):
        if getattr(before, attr) != getattr(now, attr):
            parts.append(f"its {attr.replace('_', ' ')} changed")
    return "; ".join(parts) or "it changed"


def check_fresh(saved: SavedPlan, writer: EcsWriter) -> list[str]:
    """Re-read the touched groups; returns one line per group that changed since the plan."""
    plan: Plan = saved.plan
    stale: list[str] = []
    for g in plan.groups:
        if not g.changed:
            continue
        expected = saved.fingerprints.get(g.name, ABSENT)
        if g.live is not None and g.live.id:
            now = writer.read_group(g.live.id)
        else:
            assert g.desired is not None
            vpc = g.desired.vpc_id if g.desired.network == "vpc" else None
            found = writer.group_items(vpc_id=vpc, name=g.desired.name)
            now = writer.read_group(found[0]["SecurityGroupId"], found[0]) if found else None
        if fingerprint(now) != expected:
            stale.append(f"{g.name} changed since the plan: {_what_changed(g.live, now)}")
    return stale


def refuse_if_stale(saved: SavedPlan, writer: EcsWriter) -> None:
    lines = check_fresh(saved, writer)
    if lines:
        text = (
            "plan is stale: " + lines[0]
            if len(lines) == 1
            else "plan is stale:\n" + "\n".join(f"  - {line}" for line in lines)
        )
        raise StalePlan(f"{text}; nothing was applied; plan again")
