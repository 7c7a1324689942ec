"""Plan renderers: terminal text, Markdown for pull requests, versioned JSON for machines."""

from .json_plan import PLAN_FORMAT, PLAN_SCHEMA_VERSION, plan_document, render_json
from .markdown import render_markdown
from .text import render_text

RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}

__all__ = [
    "PLAN_FORMAT", "PLAN_SCHEMA_VERSION", "RENDERERS", "plan_document", "render_json",
    "render_markdown", "render_text",
]  # fmt: skip
