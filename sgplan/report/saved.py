"""A saved plan (``sgplan plan --format json --out plan.json``, format ``sgplan-plan``
version 1) applied to the current state it was made against: the groups as they will be.

The report then compares the two versions with the evaluator itself; the effects written
in the file are not trusted (the state may have been re-read since).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..formats.api import permission_to_fields
from ..model.group import SecurityGroup
from ..model.issues import InputError
from ..model.rule import Rule, normalize_rule
from ..model.stack import State

PLAN_FORMAT = "sgplan-plan"


def _rule(perm: Mapping[str, Any], where: str) -> Rule:
    """A rule from a saved permission; a group or prefix list known only by name (created
    by the same plan) is named as the stack names it."""
    try:
        fields = permission_to_fields(perm)
        side = "Dest" if fields.get("direction") == "egress" else "Source"
        if fields.get("peer") is None:
            if perm.get(f"{side}GroupName"):
                fields["peer"] = f"group:{perm[f'{side}GroupName']}"
            elif perm.get(f"{side}PrefixListName"):
                fields["peer"] = f"prefix-list:{perm[f'{side}PrefixListName']}"
        fields["nic_type"] = "intranet"
        clean, problems = normalize_rule(fields, live=True)
        if problems:
            raise ValueError("; ".join(msg for _, msg in problems))
        return Rule.model_validate(clean, context={"canonical": True})
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from None


def apply_saved_plan(doc: Any, state: State, path: str) -> tuple[State, list[dict[str, Any]]]:
    """The state after the saved plan, and the plan's changed groups (name, id, action,
    counts, add and remove as rules)."""
    if not isinstance(doc, dict) or doc.get("format") != PLAN_FORMAT:
        raise InputError(
            f"{path}: not a saved sgplan plan; allowed: the JSON of "
            "`sgplan plan --format json --out FILE` (format sgplan-plan)"
        )
    if doc.get("version") != 1:
        raise InputError(f"{path}: plan format version {doc.get('version')!r}; allowed: 1")
    groups = {g.id or g.name: g for g in state.groups}
    by_name = {g.name: g for g in state.groups}
    changed: list[dict[str, Any]] = []
    for n, item in enumerate(doc.get("groups") or [], start=1):
        if not isinstance(item, dict) or not item.get("name"):
            raise InputError(f"{path}: group {n} has no name")
        name = str(item["name"])
        where = f"{path}: group {name}"
        live = groups.get(item.get("id") or "") or by_name.get(name)
        action = item.get("action", "update")
        adds = [
            _rule(p, f"{where}, rule to add {i}") for i, p in enumerate(item.get("add") or [], 1)
        ]
        removes = [
            _rule(p, f"{where}, rule to remove {i}")
            for i, p in enumerate(item.get("remove") or [], 1)
        ]
        if action == "delete" and live is not None:
            del groups[live.id or live.name]
        elif live is None:
            if action != "create":
                raise InputError(
                    f"{where}: not in the current state; was the plan made against it?"
                )
            new = SecurityGroup(name=name, rules=tuple(adds))
            groups[name] = new
        else:
            gone = {r.key for r in removes}
            kept = [r for r in live.rules if r.key not in gone]
            have = {r.key for r in kept}
            kept += [r for r in adds if r.key not in have]
            groups[live.id or live.name] = live.model_copy(update={"rules": tuple(kept)})
        if adds or removes or action in ("create", "delete", "replace"):
            changed.append(
                {
                    "name": name,
                    "id": item.get("id"),
                    "action": action,
                    "add": adds,
                    "remove": removes,
                }
            )
    after = state.model_copy(update={"groups": tuple(groups.values())})
    return after, changed
