"""The pull-request comment: the Markdown plans of several stacks in one comment that a CI
job updates in place, within the forge's size limit.

* A hidden marker (an HTML comment on the first line, ``<!-- sgplan:plan-comment KEY -->``)
  lets the job find its own comment on the next push and edit it instead of adding one.
* GitHub refuses a comment body over 65,536 characters. The comment keeps, whatever the
  size, the marker, the title, one summary row per stack and each plan's head (its summary
  line, refusals and gates, and as many table rows as fit). Whole ``<details>`` sections and
  fenced blocks are dropped from the end first, never cut in half, and a note says how many
  were left out and where the full plan is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GITHUB_LIMIT = 65_536
GITLAB_LIMIT = 1_000_000
MARKER_RE = re.compile(r"<!-- sgplan:plan-comment ([A-Za-z0-9_.:/-]+) -->")
_KEY_RE = re.compile(r"[A-Za-z0-9_.:/-]+")


def marker(key: str = "plan") -> str:
    if not _KEY_RE.fullmatch(key):
        raise ValueError(f"comment key {key!r}: use letters, digits and _ . : / -")
    return f"<!-- sgplan:plan-comment {key} -->"


@dataclass
class _Unit:
    text: str
    rank: int  # 0 head (kept longest), 1 a details section, 2 the tail; dropped high first
    pinned: bool = False

    def __len__(self) -> int:
        return len(self.text) + 1  # with its newline


def _units(markdown: str) -> list[_Unit]:
    """Lines, with fenced blocks and ``<details>`` sections kept whole."""
    lines = markdown.rstrip("\n").split("\n")
    out: list[_Unit] = []
    seen_details = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("<details>"):
            j = i
            while j < len(lines) and lines[j] != "</details>":
                j += 1
            out.append(_Unit("\n".join(lines[i : j + 1]), 1))
            seen_details = True
            i = j + 1
            continue
        if line.startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            text = "\n".join(lines[i : j + 1])
            out.append(_Unit(text, 2 if seen_details else 0))
            i = j + 1
            continue
        out.append(_Unit(line, 2 if seen_details else 0))
        i += 1
    for u in out[:3]:  # the title, a blank line and the summary line
        u.pinned = True
    return out


def _summary(markdown: str) -> str:
    for line in markdown.split("\n"):
        if line.startswith("**"):
            return line.strip("*").split("**")[0].strip()
    return "(no summary line)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _title(markdown: str, fallback: str) -> str:
    first = markdown.split("\n", 1)[0]
    m = re.search(r"stack `([^`]+)`", first)
    return m.group(1) if m else fallback


def render_comment(
    plans: list[tuple[str, str]],
    *,
    key: str = "plan",
    limit: int = GITHUB_LIMIT,
    heading: str = "sgplan plan",
    footer: str | None = None,
    artifact: str | None = None,
) -> str:
    """One comment from ``(name, markdown)`` plans, at most ``limit`` characters."""
    top = [marker(key), f"## {heading}", "", "| stack | plan |", "|---|---|"]
    top += [f"| `{_title(md, name)}` | {_cell(_summary(md))} |" for name, md in plans]
    end = ["", footer] if footer else []
    bodies = [_units(md) for _, md in plans]
    fixed = sum(len(line) + 1 for line in top + end)
    # the notes that may be added: reserve room for them up front
    reserve = 400 + (len(artifact) if artifact else 0)
    budget = limit - fixed - reserve - 2 * len(plans)
    if budget < 0:
        raise ValueError(f"a comment limit of {limit} characters cannot hold the summary")
    sections, lines = _fit(bodies, budget)
    out = list(top)
    for units in bodies:
        out += ["", "---", ""]
        out += [u.text for u in units]
    if sections or lines:
        where = f" The full plan is in the job artifact `{artifact}`." if artifact else ""
        what = " and ".join(
            f"{n} {word}{'s' if n != 1 else ''}"
            for n, word in ((sections, "section"), (lines, "line"))
            if n
        )
        out += ["", f"> :scissors: {what} left out to stay within the {limit:,}-character "
                f"comment limit.{where}"]  # fmt: skip
    text = "\n".join(out + end) + "\n"
    assert len(text) <= limit, (len(text), limit)
    return text


def _fit(bodies: list[list[_Unit]], budget: int) -> tuple[int, int]:
    """Drop units (tail, then details, then head; later plans and later units first) until
    everything fits; returns how many sections and non-blank lines were dropped."""
    size = sum(len(u) for units in bodies for u in units) + 4 * len(bodies)
    if size <= budget:
        return 0, 0
    order = sorted(
        ((u.rank, bi, ui) for bi, units in enumerate(bodies) for ui, u in enumerate(units)
         if not u.pinned),
        key=lambda t: (-t[0], -t[1], -t[2]),
    )  # fmt: skip
    gone: set[tuple[int, int]] = set()
    for _, bi, ui in order:
        if size <= budget:
            break
        size -= len(bodies[bi][ui])
        gone.add((bi, ui))
    if size > budget:
        raise ValueError("the comment limit cannot hold the plans' summary lines")
    sections = lines = 0
    for bi, ui in gone:
        unit = bodies[bi][ui]
        if "\n" in unit.text:
            sections += 1
        elif unit.text.strip():
            lines += 1
    for bi, units in enumerate(bodies):
        bodies[bi] = [u for ui, u in enumerate(units) if (bi, ui) not in gone]
    return sections, lines
