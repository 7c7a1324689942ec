"""``sgplan report``: who can reach what, as one self-contained HTML page (or a text table,
or JSON), from a stack, a current state, or a plan's before and after."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..model.issues import InputError
from .app import app, user_errors
from .options import CURRENT_HELP, StackOpt, parse_today

if TYPE_CHECKING:
    from ..model.stack import Stack, State
    from ..report import Version


class ReportFormat(StrEnum):
    html = "html"
    text = "text"
    json = "json"


class Columns(StrEnum):
    groups = "groups"
    nics = "nics"


def _version(s: Stack | State) -> Version:
    from ..report import Version

    return Version(s.groups, s.prefix_lists, s.members)


def _current(stack: Stack, current: list[Path] | None, live: bool) -> tuple[State, str]:
    from ..formats.current import load_current
    from ..load import project_root

    if live and current:
        raise InputError("give either --live or --current, not both")
    if live:
        from ..live import LiveConfig, read_live_for_stack
        from .live_progress import live_progress

        with live_progress(stack.region) as progress:
            loaded = read_live_for_stack(
                stack, LiveConfig.from_env(stack.region), progress=progress
            )
        return loaded.state, "live read"
    if current:
        loaded = load_current(current)
        where = ", ".join(str(c) for c in current)
    else:
        path = project_root() / "state" / f"{stack.name}.json"
        if not path.is_file():
            raise InputError(
                f"no snapshot {path} for stack {stack.name}; run `sgplan pull --stack "
                f"{stack.name}` or pass --current PATH"
            )
        loaded = load_current([path])
        where = str(path.relative_to(project_root()))
    if loaded.warnings:
        raise InputError(f"{where}: " + "; ".join(str(w) for w in loaded.warnings))
    return loaded.state, where


@app.command()
@user_errors
def report(
    stack: StackOpt,
    current: Annotated[
        list[Path] | None,
        typer.Option(
            "--current",
            "-c",
            metavar="PATH",
            help=CURRENT_HELP + "; repeatable; report on it instead of the stack's groups",
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
            metavar="PATH",
            help="a saved plan (written by sgplan plan --out FILE) "
            "to apply to the current state and mark",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="PATH", help="write here (default: standard output)"),
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
        str | None,
        typer.Option(
            "--today", metavar="YYYY-MM-DD", help="date for waivers and the page (default today)"
        ),
    ] = None,
) -> None:
    """Who can reach what: an access matrix, a group graph, rules and findings per group."""
    from ..load import load_stack, project_root
    from ..plan import PlanOptions, plan_stack
    from ..plan.apply import apply_plan
    from ..plan.effects import attach_effects
    from ..report import ReportInput, build_report
    from ..report.axes import catalog_networks
    from ..report.saved import apply_saved_plan

    desired = load_stack(stack)
    day = parse_today(today)
    if with_plan and plan_file is not None:
        raise InputError("give either --plan or --plan-file, not both")
    root = project_root()
    networks = catalog_networks(root)
    if with_plan or plan_file is not None:
        state, where = _current(desired, current, live)
        if plan_file is not None:
            after, the_plan, notes = apply_saved_plan(plan_file, desired, state)
            for note in notes:
                typer.echo(f"note: {note}", err=True)
            title = f"stack {desired.name}, saved plan {plan_file.name}"
        else:
            the_plan = plan_stack(desired, state, PlanOptions(), [where])
            attach_effects(the_plan, state)
            after = apply_plan(the_plan, state)
            title = f"stack {desired.name}, plan against {where}"
        inp = ReportInput(title, f"{where} -> plan", _version(after), _version(state), the_plan,
                          networks, columns.value, desired.env, day)  # fmt: skip
    elif current or live:
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
    from ..report import render_html, render_text_matrix

    if fmt is ReportFormat.json:
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    if fmt is ReportFormat.text:
        return "\n".join(render_text_matrix(doc)) + "\n"
    return render_html(doc)
