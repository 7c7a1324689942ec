"""The ``sgplan`` command line. Each command lives in its own module, imported when the
command is first used (see ``COMMANDS`` in ``app.py``), and registers on ``app``."""

from __future__ import annotations

import gc
import os
import sys

from .app import app


def main() -> None:
    # One short run: reference counting frees what it uses; the cyclic collector would only
    # rescan the hundreds of thousands of rules it builds, finding nothing to free.
    gc.disable()
    # pydantic looks for plugins by scanning every installed package's entry points when it
    # builds its first schema (a third of `validate --stack prod`); sgplan uses none. A
    # user's own setting of the variable wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app()  # click's standalone mode ends every run with SystemExit
    except SystemExit as exc:
        _exit_now(exc.code)


def _exit_now(code: object) -> None:
    """Exit without tearing the interpreter down: freeing every module and object one by one
    took 40 ms of a 0.4 s ``validate --stack prod``, and nothing is left to do. Files are
    written and closed by then; the output streams are flushed here."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): printed, exit 1
        print(code, file=sys.stderr)
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # a reader that went away, a closed stream
        pass
    os._exit(status)


__all__ = ["app", "main"]
