"""The ``sgplan`` command line. Each command lives in its own module and registers on ``app``."""

from __future__ import annotations

from . import apply as _apply  # noqa: F401
from . import check as _check  # noqa: F401
from . import comment as _comment  # noqa: F401
from . import export as _export  # noqa: F401
from . import import_stack as _import_stack  # noqa: F401
from . import lint as _lint  # noqa: F401
from . import plan as _plan  # noqa: F401
from . import pull as _pull  # noqa: F401
from . import test as _test  # noqa: F401
from . import validate as _validate  # noqa: F401  (registers commands)
from . import verify as _verify  # noqa: F401
from .app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
