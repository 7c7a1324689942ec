"""The ``sgplan`` command line. Each command lives in its own module and registers on ``app``."""

from __future__ import annotations

from . import validate as _validate  # noqa: F401  (registers commands)
from .app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
