"""``sgplan import``: write the Python stack module of what is live (brownfield adoption)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..formats import FORMATS
from ..model.issues import InputError, StackInvalid
from ..userfiles import check_out_file, write_text
from .app import EXIT_ERROR, app, err, plural, user_errors
from .options import ConcurrencyOpt, EndpointOpt, RateOpt

if TYPE_CHECKING:  # the formats are imported when a state is read, not for --help
    from ..formats.current import LoadedState

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
    rate: float | None = None,
    concurrency: int | None = None,
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

        config = LiveConfig.from_env(region, endpoint=endpoint, rate=rate, concurrency=concurrency)
        with live_progress(region) as progress:
            return read_live(config, Filters(vpc_id=vpc_id), progress=progress).loaded
    if endpoint or rate or concurrency:
        raise InputError("--endpoint, --rate and --concurrency go with --live")
    if not sources:
        raise InputError(f"give the current state with --from ({FORMATS}), or --live")
    from ..formats.current import load_current

    return load_current(list(sources))


def escape(text: str) -> str:
    """Rich markup escaped (rich is imported when something is printed, not before)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.is_dir():
        raise InputError(f"--out {path}: is a folder; give a file such as stacks/NAME.py")
    if path.exists() and not force:
        raise InputError(f"{path} exists; pass --force to overwrite it (a backup is kept)")
    check_out_file(path)


def backup_path(path: Path) -> Path:
    """Where ``import --force`` keeps the file it replaces: NAME.py.bak, else .bak.1, ..."""
    candidate = path.with_name(path.name + ".bak")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak.{n}")
        n += 1
    return candidate


def _write_module(out: Path, text: str) -> Path | None:
    """Write the module; a file it replaces is kept as a backup (returned)."""
    backup = None
    if out.exists():
        if out.read_bytes() == text.encode("utf-8"):
            return None
        backup = backup_path(out)
        shutil.copy2(out, backup)
    write_text(out, text)
    return backup


def _unread(loaded: LoadedState) -> list[str]:
    """What could not be read from the sources (rows, columns, rules): never silently lost."""
    return [str(w) for w in loaded.warnings]


def _warn(lines: Sequence[str]) -> None:
    console = err()
    for line in lines:
        console.print(f"[yellow]warning:[/] {escape(line)}", markup=True)


@app.command("import")
@user_errors
def import_stack(
    name: Annotated[
        str, typer.Option("--name", "-n", metavar="NAME", help="name of the stack to write")
    ],
    sources: Annotated[
        list[Path] | None,
        typer.Option(
            "--from",
            metavar="PATH",
            help=f"current state: {FORMATS}, or a folder of them; repeatable",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            metavar="REGION",
            help="region of the stack (default: the state's; another region declares the "
            "groups there, without live IDs or group and prefix-list peers, as the console's "
            "cross-region import does)",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="PATH", help="write the module to this file (default: stdout)"
        ),
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
            "--vpc",
            metavar="VPC",
            help="VPC of groups whose source names none (console CSV files), or the target "
            "VPC when --region moves the groups; with --live, the VPC to read",
        ),
    ] = None,
    live: Annotated[
        bool,
        typer.Option("--live", help="read --region (and --vpc) from the ECS API now"),
    ] = False,
    endpoint: EndpointOpt = None,
    rate: RateOpt = None,
    concurrency: ConcurrencyOpt = None,
    allow_partial: Annotated[
        bool,
        typer.Option(
            "--allow-partial",
            help="write the module even when rows, columns or rules of the source cannot "
            "be read (they are listed and left out)",
        ),
    ] = False,
) -> None:
    """Generate a Python stack module from a current state, pinned to the live IDs.

    The module is checked before it is written: it must build a valid stack, and a sync
    plan of that stack against the same state must show no changes. Anything a stack
    cannot declare is listed as a warning (and as a comment in the module). A source with
    rows, columns or rules that cannot be read is refused unless --allow-partial. --force
    keeps the replaced file as NAME.py.bak.
    """
    from ..codegen import generate_stack_module, round_trip, stack_from_text

    if out is not None:
        _refuse_overwrite(out, force)
    loaded = state_for_import(
        sources or [],
        region=region,
        live=live,
        vpc_id=vpc_id,
        endpoint=endpoint,
        rate=rate,
        concurrency=concurrency,
    )
    unread = _unread(loaded)
    if unread and not allow_partial:
        console = err()
        console.print(
            f"[bold red]error:[/] {plural(len(unread), 'problem')} reading "
            f"{escape(', '.join(loaded.sources))}; nothing written:",
            markup=True,
        )
        for line in unread:
            console.print(f"  - {line}", markup=False)
        console.print(
            "fix the source, or pass --allow-partial to import what could be read", markup=False
        )
        raise typer.Exit(EXIT_ERROR)
    _warn(unread)
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
    backup = None
    if out is not None:
        backup = _write_module(out, generated.text)
    else:
        sys.stdout.write(generated.text)
        sys.stdout.flush()
    where = str(out) if out is not None else "stdout"
    counts = f"{plural(generated.groups, 'group')}, {plural(generated.rules, 'rule')}"
    console = err()
    if backup is not None:
        console.print(f"kept the replaced {out} as {backup}", markup=False)
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
    if unread:
        console.print(
            f"wrote {where}: {counts}; it does NOT match {shown}: "
            f"{plural(len(unread), 'problem')} reading it (listed above) left part of it out.",
            markup=False,
        )
        for line in check.changes:
            console.print(f"  {line}", markup=False)
        return
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
