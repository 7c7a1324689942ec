"""``sgplan verify``: after ``pulumi up``, prove the change landed (exit 0) or say why not
(exit 1), and optionally record it for the promotion gate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from ..model.issues import InputError
from .app import EXIT_ERROR, app, err, user_errors
from .options import CURRENT_HELP, EndpointOpt, ModeChoice, PlanFormat, StackOpt, parse_today

if TYPE_CHECKING:
    from ..formats.current import LoadedState
    from ..model.stack import Stack
    from ..verify import Verification


def _mode(desired: Stack, given: ModeChoice | None) -> Literal["sync", "additive"]:
    """--mode, else the stack's ``sgplan:mode`` (what the provider applies), else sync."""
    from ..promotion import stack_setting

    if given is not None:
        return "additive" if given is ModeChoice.additive else "sync"
    configured = stack_setting(desired.name, "sgplan:mode")
    if configured in (None, ""):
        return "sync"
    if configured not in ("sync", "additive"):
        raise InputError(
            f"Pulumi.{desired.name}.yaml: sgplan:mode {configured!r}; allowed: sync, additive"
        )
    return "additive" if configured == "additive" else "sync"


def _read_live(desired: Stack, endpoint: str | None) -> LoadedState:
    from ..live import LiveConfig, read_live_for_stack
    from .live_progress import live_progress

    with live_progress(desired.region) as progress:
        config = LiveConfig.from_env(desired.region, endpoint=endpoint)
        return read_live_for_stack(desired, config, progress=progress)


@app.command()
@user_errors
def verify(
    stack: StackOpt,
    live: Annotated[
        bool,
        typer.Option("--live", help="read the stack's groups from the cloud now (the default)"),
    ] = False,
    current: Annotated[
        list[Path] | None,
        typer.Option(
            "--current",
            "-c",
            metavar="PATH",
            help=CURRENT_HELP + "; repeatable; judged instead of a live read",
        ),
    ] = None,
    mode: Annotated[
        ModeChoice | None,
        typer.Option(
            "--mode",
            "-m",
            help="sync: live must equal the stack; additive: live "
            "must hold what the stack declares (other rules allowed); default: the "
            "stack's sgplan:mode in Pulumi.STACK.yaml, else sync",
        ),
    ] = None,
    fmt: Annotated[
        PlanFormat, typer.Option("--format", "-f", help="text, markdown or json")
    ] = PlanFormat.text,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="PATH", help="also write the report to this file"),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            metavar="YYYY-MM-DD",
            help="the day waivers are judged on (default today)",
        ),
    ] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="write the outcome to the promotion record (state/promotion.json), "
            "which `sgplan plan` of the stacks promoted from this one checks",
        ),
    ] = False,
    record_file: Annotated[
        Path | None,
        typer.Option(
            "--record-file",
            metavar="PATH",
            help="the promotion record (default state/promotion.json)",
        ),
    ] = None,
    commit: Annotated[
        str | None,
        typer.Option(
            "--commit",
            metavar="SHA",
            help="the commit applied (default $GITHUB_SHA, $CI_COMMIT_SHA or git HEAD)",
        ),
    ] = None,
    endpoint: EndpointOpt = None,
) -> None:
    """Prove a change landed: live equals the stack, its intents hold, no critical finding."""
    from ..formats.current import load_current
    from ..load import load_stack
    from ..promotion import default_record
    from ..verify import render_json, render_markdown, render_text, verify_stack

    desired = load_stack(stack)
    if live and current:
        raise InputError("give either --live or --current, not both")
    loaded = load_current(current) if current else _read_live(desired, endpoint)
    result = verify_stack(
        desired,
        loaded.state,
        mode=_mode(desired, mode),
        today=parse_today(today),
        sources=loaded.sources,
    )
    result.warnings.extend(str(w) for w in loaded.warnings)
    text = {"text": render_text, "markdown": render_markdown, "json": render_json}[fmt.value](
        result
    )
    typer.echo(text, nl=False)
    if out is not None:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {out}: {exc.strerror}") from None
    if record or record_file is not None:
        _record(desired, result, record_file or default_record(), commit)
    if not result.passed:
        raise typer.Exit(EXIT_ERROR)


def _record(desired: Stack, result: Verification, path: Path, commit: str | None) -> None:
    """One entry for the stack itself and one for each stack promoted from it."""
    from ..load import load_stack, project_root
    from ..promotion import (
        Entry,
        change_digest,
        clone_differences,
        current_commit,
        now_utc,
        read_record,
        targets_of,
        write_record,
    )

    entries = read_record(path)  # a broken record fails before anything is written
    sha = commit or current_commit(project_root())
    when = now_utc()
    own = change_digest(desired)
    failed = result.failed_checks()
    new = [Entry(own, desired.name, own, None, sha, when, result.passed, failed)]
    console = err()
    for name in targets_of(desired.name):
        target = load_stack(name)
        differences = clone_differences(target, desired)
        if differences:
            console.print(
                f"warning: stack {desired.name} is not a clone of {name}'s desired state "
                f"({'; '.join(differences)}); recorded as not rehearsing {name}",
                markup=False,
            )
        ok = result.passed and not differences
        why = failed + (["clone"] if differences else [])
        new.append(Entry(change_digest(target), desired.name, own, name, sha, when, ok, why))
    write_record(path, entries, new)
    for e in new:
        what = f"change of {e.target} rehearsed" if e.target else "stack"
        console.print(
            f"recorded in {path}: {what} on {e.stack} at {e.commit[:12]}: {e.outcome()}",
            markup=False,
        )
