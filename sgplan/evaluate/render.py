"""Flow changes as text lines, Markdown and JSON, to show beside the rule changes of a plan.

Symbols: ``+`` newly allowed, ``-`` newly denied, ``?`` newly depends on a prefix list
that is not defined where the plan was made.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .access import Flow
from .diff import DirectionChange, GroupFlowChange

_KINDS: tuple[tuple[str, str, str], ...] = (
    ("+", "newly allowed", "allowed_flows"),
    ("-", "newly denied", "denied_flows"),
    ("?", "depends on an unknown prefix list", "undetermined_flows"),
)


def headline(change: GroupFlowChange) -> str:
    name = f"{change.group} ({change.group_id})" if change.group_id else change.group
    if change.status == "new":
        what = "new group" + ("" if change.effective else ", reaches nothing beyond the defaults")
    elif change.status == "removed":
        what = "removed group" + (
            "" if change.effective else ", allowed nothing beyond the defaults"
        )
    elif change.effective:
        what = "reachability changes"
    elif change.rules_changed:
        what = "rules change, reachability does not"
    else:
        what = "prefix lists it uses change, reachability does not"
    return f"{name}: {what}"


def _entries(change: GroupFlowChange) -> Iterable[tuple[str, str, DirectionChange, Flow]]:
    for dc in change.changes:
        for symbol, meaning, attr in _KINDS:
            for flow in getattr(dc, attr):
                yield symbol, meaning, dc, flow


def render_text(changes: Sequence[GroupFlowChange]) -> list[str]:
    """One headline per group, then one line per flow: ``  + ingress tcp 22 from 1.2.3.4/32``."""
    lines: list[str] = []
    for change in changes:
        lines.append(headline(change))
        lines.extend(
            f"  {symbol} {dc.label} {flow.text(dc.direction)}"
            for symbol, _, dc, flow in _entries(change)
        )
    return lines


def render_markdown(changes: Sequence[GroupFlowChange]) -> str:
    """A heading line and a table of flows per group (nothing when there are no changes)."""
    blocks: list[str] = []
    for change in changes:
        rows = [
            f"| {symbol} {meaning} | {dc.label} | {flow.protocol} | {_md_ports(flow)} | "
            f"{', '.join(_md(p) for p in flow.peers)} |"
            for symbol, meaning, dc, flow in _entries(change)
        ]
        block = [f"**{_md(headline(change))}**"]
        if rows:
            block += [
                "",
                "| change | direction | protocol | ports | peers |",
                "|---|---|---|---|---|",
                *rows,
            ]
        blocks.append("\n".join(block))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _md_ports(flow: Flow) -> str:
    return ", ".join(p.label for p in flow.ports) if flow.ports else "all"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def changes_json(changes: Sequence[GroupFlowChange]) -> list[dict[str, Any]]:
    """JSON-ready: per group, per direction, the flows newly allowed / denied / undetermined."""
    return [
        {
            "group": c.group,
            "group_id": c.group_id,
            "status": c.status,
            "rules_changed": c.rules_changed,
            "effective": c.effective,
            "directions": [
                {
                    "direction": dc.direction,
                    "nic_type": dc.nic_type,
                    "newly_allowed": [f.as_dict() for f in dc.allowed_flows],
                    "newly_denied": [f.as_dict() for f in dc.denied_flows],
                    "newly_undetermined": [f.as_dict() for f in dc.undetermined_flows],
                }
                for dc in c.changes
            ],
        }
        for c in changes
    ]
