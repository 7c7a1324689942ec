"""``sgplan import``: write the Python stack module of what is live (brownfield adoption)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from ..formats.current import FORMATS, LoadedState, load_current
from ..model.issues import InputError, StackInvalid
from .app import EXIT_ERROR, app, err, plural, user_errors

CONSOLE_ONLY = (
    "console files carry rules (and, in JSON, name, description, VPC and inner access policy) "
    "but no tags, group type, resource group, prefix lists, NICs or managed flag; import from "
    "a snapshot or API JSON before planning against live groups"
)


def state_for_import(
    sources: Sequence[Path],
    *,
    region: str | None = None,
    live: bool = False,
    vpc_id: str | None = None,
    endpoint: str | None = None,
) -> LoadedState:
    """The current state ``sgplan import`` generates a stack from: files and folders in any
    current-state format, or (``live``) a fresh read of ``region`` (only ``vpc_id``'s groups
    when given) with the live reader."""
    if live:
        if sources:
            raise InputError("give either --live or --from, not both")
        if not region:
            raise InputError("--live needs --region: the region to read")
        from ..live import Filters, LiveConfig, read_live
        from .live_progress import live_progress

        config = LiveConfig.from_env(region, endpoint=endpoint)
        with live_progress(region) as progress:
            return read_live(config, Filters(vpc_id=vpc_id), progress=progress).loaded
    if not sources:
        raise InputError(f"give the current state with --from ({FORMATS}), or --live")
    return load_current(list(sources))


def escape(text: str) -> str:
    """Rich markup escaped (rich is imported when something is printed, not before)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise InputError(f"{path} exists; pass --force to overwrite it")
    if path.is_dir():
        raise InputError(f"{path} is a folder; --out takes a file such as stacks/NAME.py")


def _warn(lines: Sequence[str]) -> None:
    console = err()
    for line in lines:
        console.print(f"[yellow]warning:[/] {escape(line)}", markup=True)


@app.command("import")
@user_errors
def import_stack(
    name: Annotated[str, typer.Option("--name", "-n", help="name of the stack to write")],
    sources: Annotated[
        list[Path] | None,
        typer.Option(
            "--from",
            help=f"current state: {FORMATS}, or a folder of them; repeatable",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            help="region of the stack (default: the state's; another region declares the "
            "groups there, without live IDs or group and prefix-list peers, as the console's "
            "cross-region import does)",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="write the module to this file (default: stdout)"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite --out if it exists")] = False,
    include_managed: Annotated[
        bool,
        typer.Option(
            "--include-managed",
            help="declare service-managed groups too (read-only: plans never change them)",
        ),
    ] = False,
    vpc_id: Annotated[
        str | None,
        typer.Option(
            "--vpc-id",
            help="VPC of groups whose source names none (console CSV files), or the target "
            "VPC when --region moves the groups; with --live, the VPC to read",
        ),
    ] = None,
    live: Annotated[
        bool,
        typer.Option("--live", help="read --region (and --vpc-id) from the ECS API now"),
    ] = False,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint", help="with --live: ECS API host[:port] (env SGPLAN_ECS_ENDPOINT)"
        ),
    ] = None,
) -> None:
    """Generate a Python stack module from a current state, pinned to the live IDs.

    The module is checked before it is written: it must build a valid stack, and a sync
    plan of that stack against the same state must show no changes. Anything a stack
    cannot declare is listed as a warning (and as a comment in the module).
    """
    from ..codegen import generate_stack_module, round_trip, stack_from_text

    if out is not None:
        _refuse_overwrite(out, force)
    loaded = state_for_import(
        sources or [], region=region, live=live, vpc_id=vpc_id, endpoint=endpoint
    )
    _warn([str(w) for w in loaded.warnings])
    if loaded.formats and set(loaded.formats) == {"console"}:
        _warn([CONSOLE_ONLY])
    shown = ", ".join(loaded.sources)
    generated = generate_stack_module(
        loaded.state,
        stack_name=name,
        region=region,
        source=shown,
        include_managed=include_managed,
        vpc_id=vpc_id,
    )
    _warn(generated.notes)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(generated.text, encoding="utf-8")
    else:
        sys.stdout.write(generated.text)
        sys.stdout.flush()
    where = str(out) if out is not None else "stdout"
    counts = f"{plural(generated.groups, 'group')}, {plural(generated.rules, 'rule')}"
    console = err()
    try:
        stack = stack_from_text(generated.text, where)
    except StackInvalid as exc:
        console.print(
            f"[bold red]error:[/] the module written to {escape(where)} ({counts}) does not build a "
            "valid stack until these are fixed:",
            markup=True,
        )
        for issue in exc.issues:
            console.print(f"  - {issue}", markup=False)
        raise typer.Exit(EXIT_ERROR) from None
    if generated.cross_region:
        console.print(
            f"wrote {where}: {counts} for {stack.region}; it builds a valid stack.", markup=False
        )
        return
    check = round_trip(stack, generated.state)
    if check.exact:
        console.print(
            f"wrote {where}: {counts}; a sync plan against {shown} shows no changes.",
            markup=False,
        )
        return
    console.print(
        f"wrote {where}: {counts}; a sync plan against {shown} shows "
        f"{plural(len(check.changes), 'change')} (see the warnings above):",
        markup=False,
    )
    for line in check.changes:
        console.print(f"  {line}", markup=False)
