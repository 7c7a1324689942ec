"""The ``sgplan`` command line. Each command lives in its own module, imported when the
command is first used (see ``COMMANDS`` in ``app.py``), and registers on ``app``."""

from __future__ import annotations

import gc
import os

from .app import app


def main() -> None:
    # One short run: reference counting frees what it uses; the cyclic collector would only
    # rescan the hundreds of thousands of rules it builds, finding nothing to free.
    gc.disable()
    # pydantic looks for plugins by scanning every installed package's entry points when it
    # builds its first schema (a third of `validate --stack prod`); sgplan uses none. A
    # user's own setting of the variable wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    app()


__all__ = ["app", "main"]
