"""The project's own snapshot of live state: one JSON file per stack under ``state/``.

Deterministic and made for git: groups sorted by ID then name, rules sorted and written one
per line, no timestamps, defaults left out. Reading it back gives the same :class:`State`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import jsonload
from ..model.build import build_state
from ..model.group import Member, PortRangeList, PrefixList, SecurityGroup
from ..model.issues import InputError, Issue
from ..model.rule import Rule
from ..model.stack import State
from ..userfiles import read_text
from . import jsontext

SNAPSHOT_VERSION = 1
_ONE_LINE_LISTS = frozenset({"rules", "entries"})


def rule_dict(rule: Rule) -> dict[str, Any]:
    """A rule's canonical fields, defaults that say nothing left out."""
    out = rule.model_dump(exclude_none=True, mode="json")
    if out.get("nic_type") == "intranet":
        del out["nic_type"]
    if not out.get("waivers"):
        out.pop("waivers", None)
    return out


def group_dict(group: SecurityGroup) -> dict[str, Any]:
    out = group.model_dump(exclude_none=True, mode="json", exclude={"rules", "live"})
    if group.live is not None:
        live = group.live.model_dump(exclude_none=True, exclude_defaults=True, mode="json")
        if live:
            out["live"] = live
    out["rules"] = [rule_dict(r) for r in sorted(group.rules, key=lambda r: r.sort_key)]
    return out


def _list_dict(pl: PrefixList) -> dict[str, Any]:
    out = pl.model_dump(exclude_none=True, mode="json")
    out["entries"] = sorted(out.get("entries", []), key=lambda e: e["cidr"])
    return out


def _port_list_dict(prl: PortRangeList) -> dict[str, Any]:
    out = prl.model_dump(exclude_none=True, mode="json")
    if prl.entries is None:
        out["entries"] = None  # listed by a rule, entries not read: kept explicit
    else:
        out["entries"] = sorted(out.get("entries", []), key=lambda e: e["ports"])
    return out


def _member_dict(m: Member) -> dict[str, Any]:
    return m.model_dump(exclude_none=True, mode="json")


def state_dict(state: State) -> dict[str, Any]:
    return {
        "version": SNAPSHOT_VERSION,
        "region": state.region,
        "groups": [group_dict(g) for g in sorted(state.groups, key=lambda g: (g.id or "", g.name))],
        "prefix_lists": [
            _list_dict(p) for p in sorted(state.prefix_lists, key=lambda p: (p.id or "", p.name))
        ],
        "members": [_member_dict(m) for m in sorted(state.members, key=lambda m: m.nic)],
        **(
            {
                "port_lists": [
                    _port_list_dict(p)
                    for p in sorted(state.port_lists, key=lambda p: (p.id or "", p.name))
                ]
            }
            if state.port_lists
            else {}
        ),
    }


def dumps(state: State) -> str:
    """The snapshot text: pretty JSON with each rule and prefix-list entry on one line."""
    return jsontext.dumps(state_dict(state), _ONE_LINE_LISTS)


def write(state: State, path: Path) -> bool:
    """Write the snapshot; returns False when the file already held exactly this text."""
    text = dumps(state)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True


def loads(text: str, source: str = "snapshot", unreadable: list[Issue] | None = None) -> State:
    try:
        data = jsonload.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    return from_data(data, source, unreadable)


def from_data(data: Any, source: str = "snapshot", unreadable: list[Issue] | None = None) -> State:
    """A snapshot already parsed from JSON, validated."""
    if not isinstance(data, dict) or "groups" not in data:
        raise InputError(f"{source}: not an sgplan snapshot (no 'groups' key)")
    for key in ("groups", "prefix_lists", "members"):
        if key in data and not isinstance(data[key], list):
            found = "null" if data[key] is None else type(data[key]).__name__
            raise InputError(
                f"{source}: '{key}' is {found}; allowed: a list (write [] for none), so that "
                "a damaged snapshot is never read as an empty estate"
            )
    version = data.get("version", SNAPSHOT_VERSION)
    if version != SNAPSHOT_VERSION:
        raise InputError(
            f"{source}: snapshot version {version} is not supported; allowed: {SNAPSHOT_VERSION}"
        )
    return build_state(data, source=source, unreadable=unreadable)


def read(path: Path) -> State:
    text = read_text(path, "snapshot")
    return loads(text, source=str(path))


def looks_like(data: Any) -> bool:
    """Whether parsed JSON is a snapshot (as opposed to an API body or an export)."""
    return isinstance(data, dict) and "groups" in data and "version" in data
