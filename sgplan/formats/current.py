"""One entry point for current state, whatever form a user has it in.

``load_current(paths)`` detects each file's format (sgplan snapshot, ECS API JSON, console
export file, ``pulumi stack export``; or a folder of them) and merges everything into one
canonical :class:`State`, with warnings for what could not be read (never silently dropped).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import jsonload
from ..model.build import build_state
from ..model.group import PortRangeList, PrefixList, SecurityGroup
from ..model.issues import InputError, Issue
from ..model.stack import State
from ..userfiles import read_text
from . import FORMATS, api_files, console, pulumi_export, snapshot


@dataclass
class LoadedState:
    state: State
    warnings: list[Issue] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)


@dataclass
class _Part:
    source: str
    format: str
    groups: list[SecurityGroup]
    prefix_lists: list[PrefixList] = field(default_factory=list)
    members: list[Any] = field(default_factory=list)
    region: str | None = None
    warnings: list[Issue] = field(default_factory=list)
    port_lists: list[PortRangeList] = field(default_factory=list)


def _read_json(path: Path) -> Any:
    text = read_text(path)
    try:
        return jsonload.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.suffix in (".json", ".csv") and p.is_file())
        if not found:
            raise InputError(f"{path}: folder holds no .json or .csv file; expected {FORMATS}")
        return found
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    return [path]


def _part(path: Path, api_docs: list[tuple[str, Any]]) -> _Part | None:
    """One file as a part of the state; API bodies are collected to be joined together."""
    if console.is_console_file(path):
        loaded = console.read(path)
        return _Part(
            str(path), "console", [loaded.group], region=loaded.region, warnings=loaded.warnings
        )
    if path.suffix != ".json":
        raise InputError(f"{path}: not a console export name and not JSON; expected {FORMATS}")
    doc = _read_json(path)
    if snapshot.looks_like(doc):
        unreadable: list[Issue] = []
        st = snapshot.from_data(doc, source=str(path), unreadable=unreadable)  # parsed once
        return _Part(
            str(path),
            "snapshot",
            list(st.groups),
            list(st.prefix_lists),
            list(st.members),
            st.region,
            warnings=unreadable,
            port_lists=list(st.port_lists),
        )
    if pulumi_export.looks_like(doc):
        st = build_state(pulumi_export.state_dict_from_export(doc, str(path)), source=str(path))
        return _Part(
            str(path), "pulumi-export", list(st.groups), list(st.prefix_lists), region=st.region
        )
    if api_files.looks_like(doc):
        api_docs.append((str(path), doc))
        return None
    raise InputError(
        f"{path}: format not recognised; expected {FORMATS} "
        f"(ECS API JSON: {api_files.SHAPES}; a snapshot has version and groups keys)"
    )


def load_current(paths: Sequence[str | Path] | str | Path) -> LoadedState:
    """Read and merge every current-state file or folder in ``paths``."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if not paths:
        raise InputError(f"no current state given; expected {FORMATS}")
    parts: list[_Part] = []
    api_docs: list[tuple[str, Any]] = []
    sources = [str(p) for p in paths]
    for raw in paths:
        for path in _files(Path(raw)):
            part = _part(path, api_docs)
            if part is not None:
                parts.append(part)
    if api_docs:
        groups, region, warnings = api_files.groups_from_api(api_docs)
        parts.append(
            _Part(
                ", ".join(s for s, _ in api_docs),
                "api-json",
                groups,
                region=region,
                warnings=warnings,
            )
        )
    return _merge(parts, sources)


def _same_console_group(
    have: SecurityGroup, first: _Part, again: SecurityGroup, part: _Part
) -> SecurityGroup:
    """One group in two console files (``export --format both`` writes a JSON and a CSV
    file per group): the same rules are one group, the JSON's (it carries name, description
    and VPC); anything else is an error naming both sources."""
    if first.format == part.format == "console":
        if {(r.key, r.description) for r in have.rules} == {
            (r.key, r.description) for r in again.rules
        }:
            return have if first.source.endswith(".json") else again
        raise InputError(
            f"group {have.id} is in {first.source} and {part.source} with different rules; "
            "give one of them"
        )
    raise InputError(
        f"group {have.id} appears in two current-state sources ({first.source}, {part.source}); "
        "give each group once"
    )


def _merge(parts: Iterable[_Part], sources: list[str]) -> LoadedState:
    groups: dict[str, SecurityGroup] = {}
    unnamed: list[SecurityGroup] = []
    lists: dict[str, PrefixList] = {}
    port_lists: dict[str, PortRangeList] = {}
    members: list[Any] = []
    regions: dict[str, str] = {}
    warnings: list[Issue] = []
    formats: list[str] = []
    origin: dict[str, _Part] = {}
    for part in parts:
        formats.append(part.format)
        warnings.extend(part.warnings)
        if part.region:
            regions.setdefault(part.region, part.source)
        for g in part.groups:
            if g.id and g.id in groups:
                first = origin[g.id]
                g = _same_console_group(groups[g.id], first, g, part)
            if g.id:
                groups[g.id] = g
                origin.setdefault(g.id, part)
            else:
                unnamed.append(g)
        for p in part.prefix_lists:
            lists[p.id or p.name] = p
        for q in part.port_lists:
            port_lists[q.id or q.name] = q
        members.extend(part.members)
    if len(regions) > 1:
        listed = ", ".join(f"{r} ({s})" for r, s in regions.items())
        raise InputError(f"current-state sources are in different regions: {listed}")
    state = State(
        region=next(iter(regions), None),
        groups=(*groups.values(), *unnamed),
        prefix_lists=tuple(lists.values()),
        members=tuple(members),
        port_lists=tuple(port_lists.values()),
    )
    return LoadedState(state, warnings, sources, formats)
