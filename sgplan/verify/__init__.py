"""``sgplan verify``: prove a change landed (drift, intents, lint on the live groups)."""

from .check import Verification, verify_stack
from .render import render_json, render_markdown, render_text, verify_document

__all__ = [
    "Verification",
    "render_json",
    "render_markdown",
    "render_text",
    "verify_document",
    "verify_stack",
]
