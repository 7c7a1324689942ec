"""The typed model: rules, groups, prefix lists, stacks and current states, in canonical form.

The names stack authors use live in :mod:`sgplan.model.public` and are imported on first use:
``import sgplan.model.issues`` (what every CLI command needs) then costs no pydantic model,
and ``sgplan --help`` none at all.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .public import *  # noqa: F403
    from .public import __all__ as __all__


def __getattr__(name: str) -> Any:
    public = import_module(".public", __name__)  # not `from . import`: that asks __getattr__ again

    if name == "__all__" or name in public.__all__:
        return getattr(public, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
