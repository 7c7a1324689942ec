"""``sgplan report``: who can reach what, as one self-contained HTML page, a text table,
and (for plans) a Mermaid diagram; every picture drawn from the evaluator's verdicts.

    doc = build_report(ReportInput(title, source, Version(groups, prefix_lists, members)))
    render_html(doc); render_text_matrix(doc)
"""

from __future__ import annotations

from .build import ReportInput, Version, build_report
from .html import render_html
from .text import render_text_matrix

__all__ = ["ReportInput", "Version", "build_report", "render_html", "render_text_matrix"]
