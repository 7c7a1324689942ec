"""``sgplan test``: check a stack's intents on its own groups or on a current state (the
static half of clone-test-then-apply). Exit 1 when an intent does not hold."""

from __future__ import annotations

import json

import typer

from .app import EXIT_ERROR, OutputFormat, app, err, out, plural, user_errors
from .check import CurrentOption, FormatOption
from .options import StackOpt


@app.command("test")
@user_errors
def test_command(
    stack: StackOpt,
    current: CurrentOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Check the stack's intents (on its desired groups, or on --current)."""
    from ..formats.current import load_current
    from ..intents import run_intents
    from ..load import load_stack

    st = load_stack(stack)
    loaded = load_current(list(current)) if current else None
    state = loaded.state if loaded is not None else None
    unreadable = loaded.warnings if loaded is not None else []
    results = run_intents(st, state)
    failed = [r for r in results if not r.passed]
    unchecked = [r for r in results if r.passed and not r.checkable]
    shown = ", ".join(str(c) for c in current or ())
    where = f"current state {shown}" if current else f"stack {st.name}"
    if output is OutputFormat.json:
        out().print_json(
            json.dumps(
                {
                    "stack": st.name,
                    "on": where,
                    "results": [r.as_dict() for r in results],
                    "passed": not failed,
                    "not_checkable": len(unchecked),
                }
            )
        )
    else:
        console = out()
        for r in results:
            console.print(f"{r.status.upper()} {r.title()}", markup=False)
            console.print(f"     {r.detail}", markup=False)
        if not results:
            console.print(f"stack {st.name} declares no intents.", markup=False)
        else:
            held = len(results) - len(failed) - len(unchecked)
            verb = "holds" if held == 1 else "hold"
            extra = f", {len(unchecked)} not checkable" if unchecked else ""
            console.print(
                f"{plural(held, 'intent')} {verb}, {len(failed)} failed{extra} on {where}.",
                markup=False,
            )
    for u in unreadable:  # judged without them: say so, and fail
        err().print(f"error: rule could not be read, so it is not judged: {u}", markup=False)
    if failed or unreadable:
        raise typer.Exit(EXIT_ERROR)
