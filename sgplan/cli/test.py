"""``sgplan test``: check a stack's intents on its own groups or on a current state (the
static half of clone-test-then-apply). Exit 1 when an intent does not hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..formats.current import load_current
from ..intents import run_intents
from ..load import load_stack
from .app import EXIT_ERROR, OutputFormat, app, err, out, plural, user_errors
from .check import CurrentOption, FormatOption


@app.command("test")
@user_errors
def test_command(
    stack: Annotated[
        str, typer.Option("--stack", "-s", help="stack name (stacks/NAME.py) or a stack file path")
    ],
    current: CurrentOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Check the stack's intents (on its desired groups, or on --current)."""
    st = load_stack(stack)
    loaded = load_current([current]) if isinstance(current, Path) else None
    state = loaded.state if loaded is not None else None
    unreadable = loaded.warnings if loaded is not None else []
    results = run_intents(st, state)
    failed = [r for r in results if not r.passed]
    where = f"current state {current}" if current else f"stack {st.name}"
    if output is OutputFormat.json:
        out().print_json(
            json.dumps(
                {
                    "stack": st.name,
                    "on": where,
                    "results": [r.as_dict() for r in results],
                    "passed": not failed,
                }
            )
        )
    else:
        console = out()
        for r in results:
            console.print(f"{'PASS' if r.passed else 'FAIL'} {r.title()}", markup=False)
            console.print(f"     {r.detail}", markup=False)
        if not results:
            console.print(f"stack {st.name} declares no intents.", markup=False)
        else:
            console.print(
                f"{plural(len(results) - len(failed), 'intent')} hold, {len(failed)} failed "
                f"on {where}.",
                markup=False,
            )
    for u in unreadable:  # judged without them: say so, and fail
        err().print(f"error: rule could not be read, so it is not judged: {u}", markup=False)
    if failed or unreadable:
        raise typer.Exit(EXIT_ERROR)
