"""``sgplan export``: a current state as console export files, one JSON and/or CSV per group."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..model.issues import InputError
from ..userfiles import check_out_folder
from .app import app, err, plural, user_errors
from .options import STACK_HELP, CurrentListOpt
from .plan import default_snapshot

if TYPE_CHECKING:  # the formats are imported when files are written, not for --help
    from ..model.stack import State


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    both = "both"


def export_region(state: State, region: str | None) -> str:
    """The region the files are named for: the state's, else ``--region``; never both."""
    if state.region and region and state.region != region:
        raise InputError(
            f"the current state is in {state.region} but --region says {region}; console "
            "files are named for the region the groups are in"
        )
    found = state.region or region
    if not found:
        raise InputError("the current state does not say its region; give --region")
    return found


def parse_day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--date {text!r} is not a date; allowed: YYYY-MM-DD") from None


def export_files(
    state: State, region: str, folder: Path, fmt: ExportFormat, day: date, *, force: bool
) -> list[Path]:
    """Write the console files of every group of ``state``; refuses to overwrite unless
    ``force`` (checked for every file before any is written)."""
    from ..formats import console

    missing = [g.name or "?" for g in state.groups if not g.id]
    if missing:
        raise InputError(
            f"group(s) {', '.join(missing)} have no live ID; console files are named by ID"
        )
    targets: list[Path] = []
    for g in state.groups:
        assert g.id is not None
        if fmt in (ExportFormat.json, ExportFormat.both):
            targets.append(folder / console.json_name(region, g.id))
        if fmt in (ExportFormat.csv, ExportFormat.both):
            targets.append(folder / console.csv_name(region, g.id, day))
    existing = [p.name for p in targets if p.exists()]
    if existing and not force:
        raise InputError(f"{folder} already holds {', '.join(existing)}; pass --force to overwrite")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file; --out takes a folder")
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for g in state.groups:
        if fmt in (ExportFormat.json, ExportFormat.both):
            written.append(console.write_json(g, region, folder))
        if fmt in (ExportFormat.csv, ExportFormat.both):
            written.append(console.write_csv(g, region, folder, day))
    return written


@app.command()
@user_errors
def export(
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="PATH", help="folder to write the files to")
    ],
    current: CurrentListOpt = None,
    stack: Annotated[
        str | None,
        typer.Option(
            "--stack", "-s", metavar="NAME|FILE", help=STACK_HELP + ": export its state/STACK.json"
        ),
    ] = None,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="json, csv or both")
    ] = ExportFormat.json,
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="date in the CSV file names, YYYY-MM-DD (default today)",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", metavar="REGION", help="region when the state does not say it"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite existing files")] = False,
) -> None:
    """Write console-style export files: ecs_REGION_SG.json and ecs_sgRule_SG_REGION_DATE.csv.

    The files carry each group's rules with the API's field names, as the console's
    "export rules" does; the console (or ``sgplan import``) reads them back.
    """
    from ..formats.current import load_current
    from ..load import load_stack

    if bool(current) == bool(stack):
        raise InputError("give either --current PATH or --stack NAME (one of them)")
    check_out_folder(out)
    sources = current or [default_snapshot(load_stack(str(stack)))]
    loaded = load_current(sources)
    for w in loaded.warnings:
        err().print(f"warning: {w}", markup=False)
    written = export_files(
        loaded.state,
        export_region(loaded.state, region),
        out,
        fmt,
        parse_day(day),
        force=force,
    )
    groups = plural(len(loaded.state.groups), "group")
    err().print(f"wrote {plural(len(written), 'file')} for {groups} to {out}", markup=False)
