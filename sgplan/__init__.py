"""sgplan: Alibaba Cloud ECS security groups as typed Python stacks.

Stack authors import everything they need from here::

    from sgplan import define_stack, security_group, ingress, egress, group, svc

The names are those of :mod:`sgplan.model`, imported on first use so that the command line
starts without building the model (``sgplan --help``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model.public import *  # noqa: F403

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    public = import_module(
        ".model.public", __name__
    )  # not `from . import`: that asks __getattr__ again

    if name == "__all__":
        return [*public.__all__, "__version__"]
    if name in public.__all__:
        return getattr(public, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
