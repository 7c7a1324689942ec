"""Apply a plan to a current state, in memory: the state the cloud would hold afterwards.

Used to check plans (applying a plan and planning again must find nothing to do) and to see
what a group will look like once a change lands. New groups and prefix lists get
placeholder IDs (``sg-new-NAME``), standing for the IDs the cloud assigns.
"""

from __future__ import annotations

from ..model.group import LiveInfo, PrefixList, PrefixListEntry, SecurityGroup
from ..model.rule import Rule
from ..model.stack import State
from .model import GroupPlan, Plan
from .planner import Resolver


def _new_id(prefix: str, name: str) -> str:
    return f"{prefix}-new-{''.join(ch for ch in name if ch.isalnum())}"


def _lists(plan: Plan, state: State) -> tuple[list[PrefixList], dict[str, str]]:
    out = {id(p): p for p in state.prefix_lists}
    ids: dict[str, str] = {p.name: p.id for p in state.prefix_lists if p.id}
    for p in plan.prefix_lists:
        if p.live is not None and p.action in ("delete", "replace"):
            out.pop(id(p.live), None)
        if p.desired is None:
            continue
        if p.action in ("create", "replace"):
            new = p.desired.model_copy(update={"id": p.desired.id or _new_id("pl", p.desired.name)})
            out[id(new)] = new
            ids[new.name] = new.id or ""
        elif p.live is not None:
            keep = [e for e in p.live.entries if e.cidr not in set(p.remove_entries)]
            keep += [PrefixListEntry(cidr=c) for c in p.add_entries]
            changes = {a.field: a.after for a in p.attributes}
            out[id(p.live)] = p.live.model_copy(update={"entries": tuple(keep), **changes})
            if p.live.id:
                ids[p.desired.name] = p.live.id
    return list(out.values()), ids


def _group_ids(plan: Plan) -> dict[str, str]:
    ids: dict[str, str] = {}
    for g in plan.groups:
        if g.desired is None:
            continue
        if g.action in ("create", "replace"):
            ids[g.desired.name] = (
                g.desired.id
                if g.action == "create" and g.desired.id
                else _new_id("sg", g.desired.name)
            )
        elif g.live is not None and g.live.id:
            ids[g.desired.name] = g.live.id
    return ids


def _resolve(rules: list[Rule], resolver: Resolver) -> list[Rule]:
    out = []
    for r in rules:
        peer = resolver.peer(r.peer)
        out.append(r if peer is r.peer else r.model_copy(update={"peer": peer}))
    return out


def _applied_group(
    g: GroupPlan, ids: dict[str, str], resolver: Resolver, mode: str
) -> SecurityGroup | None:
    if g.action == "delete":
        return None
    if g.action in ("ignored", "read-only") or g.desired is None:
        return g.live
    if g.action in ("create", "replace"):
        return g.desired.model_copy(
            update={"id": ids[g.desired.name], "key": None, "live": LiveInfo(),
                    "rules": tuple(_resolve(list(g.desired.rules), resolver))}
        )  # fmt: skip
    assert g.live is not None
    gone = {r.key for r in g.remove}
    new_desc = {c.live.key: c.rule.description for c in g.update}
    rules = [
        r.model_copy(update={"description": new_desc[r.key]}) if r.key in new_desc else r
        for r in g.live.rules
        if r.key not in gone
    ]
    rules += _resolve(g.add, resolver)
    changes: dict[str, object] = {}
    for attr in g.attributes:
        top = attr.field.split(".")[0]
        changes[top] = getattr(g.desired, top)
    if "tags" in changes and mode == "additive":
        changes["tags"] = {**g.live.tags, **g.desired.tags}
    return g.live.model_copy(update={**changes, "rules": tuple(rules)})


def apply_plan(plan: Plan, state: State) -> State:
    """The state after ``plan`` is applied to ``state`` (refusals and gates ignored)."""
    lists, list_ids = _lists(plan, state)
    ids = _group_ids(plan)
    resolver = Resolver(ids, list_ids)
    planned = {id(g.live) for g in plan.groups if g.live is not None}
    groups = [g for g in state.groups if id(g) not in planned]
    for g in plan.groups:
        applied = _applied_group(g, ids, resolver, plan.mode)
        if applied is not None:
            groups.append(applied)
    return state.model_copy(update={"groups": tuple(groups), "prefix_lists": tuple(lists)})
