"""The ``sgplan`` command line. Each command lives in its own module and registers on ``app``."""

from __future__ import annotations

import gc
import os

from . import apply as _apply  # noqa: F401
from . import check as _check  # noqa: F401
from . import comment as _comment  # noqa: F401
from . import export as _export  # noqa: F401
from . import import_stack as _import_stack  # noqa: F401
from . import lint as _lint  # noqa: F401
from . import plan as _plan  # noqa: F401
from . import pull as _pull  # noqa: F401
from . import report as _report  # noqa: F401
from . import test as _test  # noqa: F401
from . import validate as _validate  # noqa: F401  (registers commands)
from . import verify as _verify  # noqa: F401
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
