"""``sgplan apply PLAN.json``: apply a saved plan, exactly as reviewed, if it is still true."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..model.issues import InputError
from .app import app, err, user_errors
from .options import ConcurrencyOpt, EndpointOpt, RateOpt

if TYPE_CHECKING:
    from ..apply.result import CallRecord


@contextmanager
def _progress(total: int) -> Iterator[object]:
    """A bar on a terminal; plain ``[n/total] call`` lines otherwise (both on stderr)."""
    if not sys.stderr.isatty():
        console = err()

        def line(done: int, planned: int, call: CallRecord) -> None:
            console.print(f"[{done}/{planned}] {call}", markup=False)

        yield line
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(TextColumn("applying"), BarColumn(), MofNCompleteColumn(), TextColumn("calls"),
                   TimeElapsedColumn(), TextColumn("{task.description}"))  # fmt: skip
    task = bar.add_task("", total=total)
    with bar:

        def update(done: int, planned: int, call: CallRecord) -> None:
            bar.update(task, completed=done, total=planned, description=str(call)[:70])

        yield update


def _check_stack(saved_stack: str, region: str | None, digest: str, source: str | None,
                 stack: str | None, want_region: str | None) -> None:  # fmt: skip
    if stack is not None and Path(stack).stem != saved_stack and stack != saved_stack:
        raise InputError(
            f"the plan file is for stack {saved_stack}, not {stack}; nothing was applied"
        )
    if want_region is not None and region != want_region:
        raise InputError(
            f"the plan file is for region {region}, not {want_region}; nothing was applied"
        )
    from ..apply.saved import stack_digest
    from ..load import load_stack

    ref = stack or source or saved_stack
    current = load_stack(ref)
    if current.name != saved_stack:
        raise InputError(f"the plan file is for stack {saved_stack}, but {ref} is stack "
                         f"{current.name}; nothing was applied")  # fmt: skip
    if current.region != region:
        raise InputError(f"the plan file is for region {region}, but stack {current.name} is in "
                         f"{current.region}; nothing was applied")  # fmt: skip
    if stack_digest(current) != digest:
        raise InputError(f"stack {saved_stack} ({ref}) changed since the plan was made; "
                         "nothing was applied; plan again")  # fmt: skip


@app.command()
@user_errors
def apply(
    plan_file: Annotated[
        Path,
        typer.Argument(metavar="PLAN_FILE", help="a plan written by `sgplan plan --out FILE`"),
    ],
    stack: Annotated[
        str | None,
        typer.Option(
            "--stack",
            "-s",
            metavar="NAME|FILE",
            help="the stack the plan must be for: a stack name (stacks/NAME.py) or a stack "
            "file path (default: the one the plan names)",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region", metavar="REGION", help="refuse unless the plan is for this region"
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="apply without asking (pipelines)")
    ] = False,
    endpoint: EndpointOpt = None,
    rate: RateOpt = None,
    concurrency: ConcurrencyOpt = None,
) -> None:
    """Apply a saved plan: re-read the groups it touches, refuse if any changed since the plan,
    show it, ask (unless --yes), then make the calls in an order that never lets access lapse."""
    from ..apply import apply_plan, connect
    from ..apply.saved import read_saved
    from ..apply.stale import refuse_if_stale
    from ..live import LiveConfig
    from ..live.client import CallFailed
    from ..render import render_text

    saved = read_saved(plan_file)
    plan = saved.plan
    _check_stack(plan.stack, plan.region, saved.stack_digest, saved.stack_source, stack, region)
    if not plan.region:
        raise InputError(f"{plan_file}: the plan names no region; nothing was applied")
    from ..apply.engine import check_plan

    schedule = check_plan(plan, saved.members)  # refusals, gates, impossible orders: no call yet
    console = err()
    if not plan.has_changes:
        typer.echo("No changes. Nothing to apply.")
        return
    config = LiveConfig.from_env(plan.region, endpoint=endpoint, rate=rate, concurrency=concurrency)
    try:
        writer = connect(config)
        refuse_if_stale(saved, writer)
    except CallFailed as exc:
        raise InputError(
            f"checking the plan against the cloud failed: {exc.failure}; nothing was applied"
        ) from None
    typer.echo(render_text(plan, colour=sys.stdout.isatty()), nl=False)
    if not yes:
        if not sys.stdin.isatty():
            raise InputError("not applying without confirmation: stdin is not a terminal; "
                             "pass --yes to apply from a pipeline")  # fmt: skip
        if not typer.confirm(f"Apply these changes to {plan.region}?", default=False):
            console.print("Cancelled; nothing was applied.", markup=False)
            raise typer.Exit(1)
    with _progress(schedule.calls) as progress:
        result = apply_plan(plan, writer, members=saved.members, progress=progress,  # type: ignore[arg-type]
                            read_back=False)  # fmt: skip
    for line in result.skipped:
        console.print(f"note: {line}", markup=False)
    typer.echo(result.summary())
