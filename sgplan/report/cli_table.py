"""The access matrix for ``sgplan check --access`` without a group: the same table as
``sgplan report --format text`` (or its data as JSON)."""

from __future__ import annotations

import json
from typing import Any

from ..load import project_root
from ..model.stack import Stack, State
from .axes import catalog_networks
from .build import ReportInput, Version, build_report
from .text import render_text_matrix


def source_report(source: Stack | State, title: str | None = None) -> dict[str, Any]:
    if isinstance(source, Stack):
        name, where, env = f"stack {source.name}", f"stacks/{source.name} (desired)", source.env
    else:
        name, where, env = "current state", "current state", None
    version = Version(source.groups, source.prefix_lists, source.members)
    networks = catalog_networks(project_root())
    inp = ReportInput(title or name, where, version, networks=networks, environment=env)
    return build_report(inp)


def print_access_table(source: Stack | State, fmt: str) -> None:
    from ..cli.app import out

    doc = source_report(source)
    console = out()
    if fmt == "json":
        keep = ("rows", "columns", "cells", "rules", "risks")
        console.print_json(json.dumps({k: doc[k] for k in keep}))
        return
    for line in render_text_matrix(doc):
        console.print(line, markup=False)
