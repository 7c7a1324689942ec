"""Plan renderers: terminal text, Markdown for pull requests, versioned JSON for machines.

Each name is imported from its module on first use, so that a module of this package (say
``render.comment``, which ``sgplan comment --help`` needs) comes without the others.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .json_plan import PLAN_FORMAT, PLAN_SCHEMA_VERSION, plan_document, render_json
    from .markdown import render_markdown
    from .text import render_text

_HOMES = {
    "PLAN_FORMAT": "json_plan",
    "PLAN_SCHEMA_VERSION": "json_plan",
    "plan_document": "json_plan",
    "render_json": "json_plan",
    "render_markdown": "markdown",
    "render_text": "text",
}

__all__ = [
    "PLAN_FORMAT", "PLAN_SCHEMA_VERSION", "plan_document", "render_json",
    "render_markdown", "render_text",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
