"""Saved plans: ``sgplan plan --out plan.json`` and what ``sgplan apply plan.json`` trusts.

A saved plan is the JSON plan document (``format: sgplan-plan``, what reviewers and bots
read) plus a ``saved`` section that holds everything the apply engine needs, exactly:

* ``schema_version`` of the section; a file of another version is refused;
* ``stack_digest``: a SHA-256 of the stack as validated, so a stack edited since the plan
  is noticed;
* per touched group, the full plan (rules to add, remove, re-describe, the desired and live
  group) and a ``fingerprint`` of the live group it was computed from (its attributes and
  every rule with its ID and description; ``absent`` for a group the plan creates);
* a ``checksum`` over the whole document: a truncated or hand-edited file is refused.

Applying re-reads only the touched groups and refuses when any fingerprint changed, naming
the group and what changed ("1 rule added outside sgplan"): Terraform checks its own state
serial; this checks the cloud itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..formats import jsontext
from ..model.group import Member, PrefixList, SecurityGroup
from ..model.issues import InputError
from ..model.rule import Rule
from ..model.stack import Stack
from ..plan.model import AttrChange, DescriptionChange, Finding, GroupPlan, Plan, PrefixListPlan
from ..render.json_plan import PLAN_FORMAT, plan_document

SAVED_SCHEMA_VERSION = 1
ABSENT = "absent"
_ONE_LINE = ("add", "remove", "drift", "update", "attributes", "findings", "steps", "counts",
             "rules", "entries", "adopt", "tags")  # fmt: skip


class PlanFileError(InputError):
    """A plan file that cannot be applied: nothing was called, nothing written."""


def stack_digest(stack: Stack) -> str:
    data = json.dumps(stack.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(data.encode()).hexdigest()


def fingerprint(group: SecurityGroup | None) -> str:
    """What the plan assumed about a live group: attributes and every rule (ID, description)."""
    if group is None:
        return ABSENT
    rules = sorted(
        json.dumps(
            [str(k) for k in r.key] + [r.description or "", r.rule_id or ""], ensure_ascii=False
        )
        for r in group.rules
    )
    head = [group.id or "", group.name, group.description or "", group.inner_access_policy,
            sorted(group.tags.items()), group.type, group.vpc_id or ""]  # fmt: skip
    data = json.dumps([head, rules], ensure_ascii=False)
    return "sha256:" + hashlib.sha256(data.encode()).hexdigest()


def _checksum(doc: Mapping[str, Any]) -> str:
    body = {k: v for k, v in doc.items() if k != "saved"}
    saved = {k: v for k, v in doc.get("saved", {}).items() if k != "checksum"}
    data = json.dumps([body, saved], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(data.encode()).hexdigest()


def _rule(r: Rule) -> dict[str, Any]:
    return r.model_dump(mode="json", exclude_none=True, exclude_defaults=False)


def _group_json(g: SecurityGroup | None) -> dict[str, Any] | None:
    return None if g is None else g.model_dump(mode="json", exclude_none=True)


def _index(rules: Sequence[Rule]) -> dict[int, int]:
    return {id(r): n for n, r in enumerate(rules)}


def _group_plan(g: GroupPlan) -> dict[str, Any]:
    desired = list(g.desired.rules) if g.desired is not None else []
    live = list(g.live.rules) if g.live is not None else []
    di, li = _index(desired), _index(live)
    return {
        "name": g.name,
        "action": g.action,
        "reason": g.reason,
        "fingerprint": fingerprint(g.live),
        "desired": _group_json(g.desired),
        "live": _group_json(g.live),
        "attributes": [[a.field, a.before, a.after] for a in g.attributes],
        "add": [_rule(r) for r in g.add],
        "remove": [_rule(r) for r in g.remove],
        "update": [[_rule(c.rule), _rule(c.live)] for c in g.update],
        "adopt": [[di.get(id(d), -1), li.get(id(v), -1)] for d, v in g.adopt_pairs],
        "drift": [_rule(r) for r in g.drift],
    }


def _list_plan(p: PrefixListPlan) -> dict[str, Any]:
    return {
        "name": p.name, "action": p.action, "reason": p.reason,
        "desired": None if p.desired is None else p.desired.model_dump(mode="json", exclude_none=True),
        "live": None if p.live is None else p.live.model_dump(mode="json", exclude_none=True),
        "add_entries": p.add_entries, "remove_entries": p.remove_entries,
        "attributes": [[a.field, a.before, a.after] for a in p.attributes],
    }  # fmt: skip


def saved_document(
    plan: Plan, stack: Stack, stack_source: str | None = None, members: Sequence[Member] = ()
) -> dict[str, Any]:
    doc = plan_document(plan)
    touched = {g.live.id for g in plan.groups if g.changed and g.live is not None and g.live.id}
    doc["saved"] = {
        "schema_version": SAVED_SCHEMA_VERSION,
        "stack_digest": stack_digest(stack),
        "stack_source": stack_source,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "groups": [_group_plan(g) for g in plan.groups if g.changed],
        "prefix_lists": [_list_plan(p) for p in plan.prefix_lists if p.changed],
        "findings": [[f.kind, f.name, f.message, f.group, f.allowed] for f in plan.findings],
        "ids": plan.ids,
        "members": [m.model_dump(mode="json", exclude_none=True) for m in members
                    if touched.intersection(m.groups)],
    }  # fmt: skip
    doc["saved"]["checksum"] = _checksum(doc)
    return doc


def write_saved(
    path: Path,
    plan: Plan,
    stack: Stack,
    stack_source: str | None = None,
    members: Sequence[Member] = (),
) -> None:
    """Write the saved plan (whole, or not at all: a temporary file renamed into place).

    ``members``: the NICs read with the plan; those holding a touched group are kept, so
    apply keeps each NIC under 1,000 rules as the plan did.
    """
    text = jsontext.dumps(saved_document(plan, stack, stack_source, members), _ONE_LINE)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


# -- reading -------------------------------------------------------------------------------


@dataclass
class SavedPlan:
    path: Path
    plan: Plan
    stack_digest: str
    stack_source: str | None
    created_at: str
    fingerprints: dict[str, str]
    """group name -> fingerprint of the live group the plan was computed from"""
    members: list[Member]


def _load_rule(data: Any) -> Rule:
    return Rule.model_validate(data, context={"live": True})


def _load_group(data: Any) -> SecurityGroup | None:
    return None if data is None else SecurityGroup.model_validate(data, context={"live": True})


def _attrs(items: Iterable[Sequence[Any]]) -> list[AttrChange]:
    return [AttrChange(str(f), b, a) for f, b, a in items]


def _restore_group(d: Mapping[str, Any]) -> GroupPlan:
    desired, live = _load_group(d["desired"]), _load_group(d["live"])
    g = GroupPlan(d["name"], d["action"], desired, live, reason=d.get("reason"))
    g.attributes = _attrs(d.get("attributes", []))
    g.add = [_load_rule(r) for r in d.get("add", [])]
    g.remove = [_load_rule(r) for r in d.get("remove", [])]
    g.update = [DescriptionChange(_load_rule(a), _load_rule(b)) for a, b in d.get("update", [])]
    g.drift = [_load_rule(r) for r in d.get("drift", [])]
    drules = list(desired.rules) if desired is not None else []
    lrules = list(live.rules) if live is not None else []
    g.adopt_pairs = [(drules[a], lrules[b]) for a, b in d.get("adopt", [])
                     if 0 <= a < len(drules) and 0 <= b < len(lrules)]  # fmt: skip
    return g


def _restore_list(d: Mapping[str, Any]) -> PrefixListPlan:
    desired = None if d["desired"] is None else PrefixList.model_validate(d["desired"])
    live = None if d["live"] is None else PrefixList.model_validate(d["live"])
    p = PrefixListPlan(d["name"], d["action"], desired, live, reason=d.get("reason"))
    p.add_entries = list(d.get("add_entries", []))
    p.remove_entries = list(d.get("remove_entries", []))
    p.attributes = _attrs(d.get("attributes", []))
    return p


def read_saved(path: Path) -> SavedPlan:
    """Read and check a saved plan; raises :class:`PlanFileError` saying what is wrong."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanFileError(
            f"{where}: no such plan file; write one with `sgplan plan --stack NAME --out {where}`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(f"{where}: cannot be read ({exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanFileError(
            f"{where} is not a complete plan file (truncated or not JSON: {exc.msg} at line "
            f"{exc.lineno}); nothing was applied; write it again with `sgplan plan --out`"
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != PLAN_FORMAT:
        raise PlanFileError(
            f'{where} is not an sgplan plan file (no "format": "{PLAN_FORMAT}"); nothing was applied'
        )
    saved = doc.get("saved")
    if not isinstance(saved, dict):
        raise PlanFileError(
            f"{where} is a plan rendering without the saved-plan section (printed by `sgplan "
            "plan -f json`, not written by `--out`); write it with `sgplan plan --out FILE`"
        )
    version = saved.get("schema_version")
    if version != SAVED_SCHEMA_VERSION:
        raise PlanFileError(
            f"{where} is a saved plan of schema version {version!r}; this sgplan applies version "
            f"{SAVED_SCHEMA_VERSION} only; plan again with this sgplan"
        )
    if saved.get("checksum") != _checksum(doc):
        raise PlanFileError(
            f"{where} was changed after `sgplan plan` wrote it (checksum mismatch): a plan is "
            "applied only as it was reviewed; plan again instead of editing the file"
        )
    try:
        plan = Plan(
            stack=doc["stack"], region=doc["region"], mode=doc["mode"], sources=list(doc["sources"]),
            groups=[_restore_group(g) for g in saved["groups"]],
            prefix_lists=[_restore_list(p) for p in saved["prefix_lists"]],
            findings=[Finding(k, n, m, g, a) for k, n, m, g, a in saved["findings"]],
            warnings=list(doc.get("warnings", [])), ids=dict(saved.get("ids", {})),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError, ValidationError) as exc:
        raise PlanFileError(
            f"{where}: the saved plan cannot be read back ({type(exc).__name__}: {exc})"
        ) from None
    return SavedPlan(path, plan, str(saved.get("stack_digest")), saved.get("stack_source"),
                     str(saved.get("created_at")),
                     {g["name"]: g["fingerprint"] for g in saved["groups"]},
                     [Member.model_validate(m) for m in saved.get("members", [])])  # fmt: skip
