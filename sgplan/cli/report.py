"""``sgplan report``: who can reach what, as one self-contained HTML page (or a text table,
or JSON), from a stack, a current state, or a plan's before and after."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..evaluate.diff import group_flow_changes
from ..formats.current import load_current
from ..load import load_stack, project_root, read_data_file
from ..model.issues import InputError
from ..model.stack import Stack, State
from ..plan import Plan, PlanOptions, plan_stack
from ..plan.apply import apply_plan
from ..plan.effects import attach_effects
from ..plan.model import GroupPlan
from ..report import ReportInput, Version, build_report, render_html, render_text_matrix
from ..report.axes import catalog_networks
from ..report.saved import apply_saved_plan
from .app import app, user_errors


class ReportFormat(StrEnum):
    html = "html"
    text = "text"
    json = "json"


class Columns(StrEnum):
    groups = "groups"
    nics = "nics"


def _version(s: Stack | State) -> Version:
    return Version(s.groups, s.prefix_lists, s.members)


def _today(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--today {value!r} is not a date; allowed: YYYY-MM-DD") from None


def _current(stack: Stack, current: Path | None, live: bool) -> tuple[State, str]:
    if live and current is not None:
        raise InputError("give either --live or --current, not both")
    if live:
        from ..live import LiveConfig, read_live_for_stack
        from .live_progress import live_progress

        with live_progress(stack.region) as progress:
            loaded = read_live_for_stack(
                stack, LiveConfig.from_env(stack.region), progress=progress
            )
        return loaded.state, "live read"
    path = current or project_root() / "state" / f"{stack.name}.json"
    if current is None and not path.is_file():
        raise InputError(
            f"no snapshot {path} for stack {stack.name}; run `sgplan pull --stack {stack.name}` "
            "or pass --current PATH"
        )
    loaded = load_current([path])
    if loaded.warnings:
        raise InputError(f"{path}: " + "; ".join(str(w) for w in loaded.warnings))
    return loaded.state, str(current or path.relative_to(project_root()))


def _saved_plan(path: Path, stack: Stack, state: State) -> tuple[State, Plan]:
    after, changed = apply_saved_plan(read_data_file(path), state, str(path))
    groups = []
    for c in changed:
        live = next(
            (g for g in state.groups if (c["id"] and g.id == c["id"]) or g.name == c["name"]), None
        )
        groups.append(
            GroupPlan(c["name"], c["action"], None, live, add=c["add"], remove=c["remove"])
        )
    plan = Plan(stack.name, stack.region, "sync", [str(path)], groups)
    names = {c["name"] for c in changed}
    effects = group_flow_changes(
        [g for g in after.groups if g.name in names],
        [g for g in state.groups if g.name in names],
        desired_lists=after.prefix_lists,
        current_lists=state.prefix_lists,
    )
    by_name = {g.name: g for g in groups}
    for e in effects:
        if e.group in by_name:
            by_name[e.group].effects = e
    return after, plan


@app.command()
@user_errors
def report(
    stack: Annotated[
        str, typer.Option("--stack", "-s", help="stack name (stacks/NAME.py) or a stack file")
    ],
    current: Annotated[
        Path | None,
        typer.Option(
            "--current",
            "-c",
            help="report on this current state (snapshot, API "
            "JSON, console export, pulumi export) instead of the stack's groups",
        ),
    ] = None,
    live: Annotated[bool, typer.Option("--live", help="report on the live groups")] = False,
    with_plan: Annotated[
        bool,
        typer.Option(
            "--plan",
            help="plan the stack against the current state (default "
            "state/STACK.json) and mark what the plan changes",
        ),
    ] = False,
    plan_file: Annotated[
        Path | None,
        typer.Option(
            "--plan-file",
            help="a saved plan (sgplan plan --format json --out FILE) "
            "to apply to the current state and mark",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="write here (default: standard output)")
    ] = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="html (one self-contained file), "
            "text (the matrix as a table) or json (the report's data)",
        ),
    ] = ReportFormat.html,
    columns: Annotated[
        Columns, typer.Option("--columns", help="receivers: each group alone, or each NIC")
    ] = Columns.groups,
    today: Annotated[
        str | None, typer.Option("--today", help="date for waivers and the page (YYYY-MM-DD)")
    ] = None,
) -> None:
    """Who can reach what: an access matrix, a group graph, rules and findings per group."""
    desired = load_stack(stack)
    day = _today(today)
    if with_plan and plan_file is not None:
        raise InputError("give either --plan or --plan-file, not both")
    root = project_root()
    networks = catalog_networks(root)
    if with_plan or plan_file is not None:
        state, where = _current(desired, current, live)
        if plan_file is not None:
            after, the_plan = _saved_plan(plan_file, desired, state)
            title = f"stack {desired.name}, saved plan {plan_file.name}"
        else:
            the_plan = plan_stack(desired, state, PlanOptions(), [where])
            attach_effects(the_plan, state)
            after = apply_plan(the_plan, state)
            title = f"stack {desired.name}, plan against {where}"
        inp = ReportInput(title, f"{where} -> plan", _version(after), _version(state), the_plan,
                          networks, columns.value, desired.env, day)  # fmt: skip
    elif current is not None or live:
        state, where = _current(desired, current, live)
        inp = ReportInput(f"stack {desired.name}, current state", where, _version(state),
                          None, None, networks, columns.value, desired.env, day)  # fmt: skip
    else:
        inp = ReportInput(f"stack {desired.name}", f"stacks/{desired.name} (desired)",
                          _version(desired), None, None, networks, columns.value,
                          desired.env, day)  # fmt: skip
    doc = build_report(inp)
    text = _render(doc, fmt)
    if out is not None:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {out}: {exc.strerror}") from None
        typer.echo(f"report written to {out} ({len(text.encode()) // 1024} KiB)", err=True)
    else:
        sys.stdout.write(text)


def _render(doc: dict[str, Any], fmt: ReportFormat) -> str:
    if fmt is ReportFormat.json:
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    if fmt is ReportFormat.text:
        return "\n".join(render_text_matrix(doc)) + "\n"
    return render_html(doc)
