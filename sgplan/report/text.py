"""The access matrix as a plain-text table, for people without a browser.

Columns are the receivers; each row a sender with at least one entry. Entries read like
the page's chips: ``tcp 3306!`` is critical exposure, ``tcp 21~`` a warning, ``tcp 443*``
open to the internet, ``(part)`` only part of the sender; with a plan, ``+`` newly allowed
and ``-`` newly blocked. Long cells wrap inside their column.
"""

from __future__ import annotations

import textwrap
from typing import Any

from .risk import RISKS

MARK = {"critical": "!", "warning": "~", "exposed": "*"}
WIDTH = 22


def _entry(e: list[Any]) -> str:
    text = f"{e[0]} {e[1]}".strip() if e[1] else e[0]
    risk = RISKS[e[3]]
    text = text.replace("all ports", "all")
    text += MARK.get(risk, "")
    if not e[2]:
        text += "(part)"
    return (e[7] or "") + text


def render_text_matrix(doc: dict[str, Any], width: int = WIDTH) -> list[str]:
    rows = doc["rows"]
    cols = doc["columns"]
    cells: dict[tuple[int, int], list[list[Any]]] = {
        (r, c): doc["entries"][n] for r, c, n in doc["cells"]
    }
    members = next((i for i, r in enumerate(rows) if r["kind"] == "members"), None)
    if members is not None:  # group rows not stored read as "any group member"
        for ri, r in enumerate(rows):
            if r["kind"] != "group":
                continue
            for ci in range(len(cols)):
                if (ri, ci) not in cells and (members, ci) in cells:
                    cells[(ri, ci)] = cells[(members, ci)]
    used_rows = sorted({r for (r, _), es in cells.items() if es})
    head_w = max([len("from \\ to"), *(len(rows[r]["label"]) for r in used_rows)])
    head_w = min(head_w, 30)
    table: list[list[list[str]]] = []
    header = [textwrap.wrap("from \\ to", head_w) or [""]]
    header += [textwrap.wrap(c["label"], width, break_on_hyphens=True) or [""] for c in cols]
    table.append(header)
    for r in used_rows:
        line = [textwrap.wrap(rows[r]["label"], head_w) or [""]]
        for ci in range(len(cols)):
            text = ", ".join(_entry(e) for e in cells.get((r, ci), []))
            line.append(textwrap.wrap(text, width) or ["."])
        table.append(line)
    widths = [head_w] + [width] * len(cols)
    out: list[str] = []
    rule = "+".join("-" * (w + 2) for w in widths)
    for n, line in enumerate(table):
        height = max(len(c) for c in line)
        for k in range(height):
            out.append(
                "|".join(
                    f" {(c[k] if k < len(c) else ''):<{w}} "
                    for c, w in zip(line, widths, strict=True)
                ).rstrip()
            )
        if n == 0:
            out.append(rule)
    out.append("")
    out.append(
        "! critical exposure, ~ warning, * open to the internet, (part) only part of the "
        "sender" + ("; + newly allowed, - newly blocked" if doc.get("plan") else "")
    )
    return out
