"""Reachability: judge packets as SPEC section 3 says, list what a NIC or group lets through,
and show which flows a change newly allows or blocks.

Entry points:

* :class:`Evaluator` - ``Evaluator.of(groups, prefix_lists).decide(Packet(...)) -> Verdict``
  (the verdict, the deciding rule or default, and why);
* :func:`effective_access` - ``effective_access(ev.decision_map("ingress")).allowed.flows(...)``;
* :func:`group_flow_changes` / :func:`stack_flow_changes` - per group, the flows a plan newly
  allows and denies, and :func:`render_text`, :func:`render_markdown`, :func:`changes_json`
  to show them beside the rule changes;
* :func:`load_current` - a current state from a snapshot or an API JSON body.

Each name is imported from its module on first use: the lint (``sgplan validate``) needs the
evaluator, not the flow changes, their renderers or the current-state readers.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model.stack import Stack, State
    from .access import Access, Flow, FlowSet, effective_access
    from .catalog import Context, Directory, GroupIndex
    from .diff import DirectionChange, GroupFlowChange, access_change, group_flow_changes
    from .evaluator import Evaluator
    from .packet import Packet, RuleRef, Verdict, parse_endpoint
    from .render import changes_json, render_markdown, render_text
    from .sources import load_current

_HOMES = {
    **dict.fromkeys(("Access", "Flow", "FlowSet", "effective_access"), "access"),
    **dict.fromkeys(("Context", "Directory", "GroupIndex"), "catalog"),
    **dict.fromkeys(
        ("DirectionChange", "GroupFlowChange", "access_change", "group_flow_changes"), "diff"
    ),
    "Evaluator": "evaluator",
    **dict.fromkeys(("Packet", "RuleRef", "Verdict", "parse_endpoint"), "packet"),
    **dict.fromkeys(("changes_json", "render_markdown", "render_text"), "render"),
    "load_current": "sources",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def stack_flow_changes(stack: Stack, current: State) -> list[GroupFlowChange]:
    """Per group of ``stack`` (desired) against ``current``: the flows newly allowed/denied."""
    from .diff import group_flow_changes

    return group_flow_changes(
        stack.groups,
        current.groups,
        desired_lists=stack.prefix_lists,
        current_lists=current.prefix_lists,
        desired_port_lists=stack.port_lists,
        current_port_lists=current.port_lists,
    )


__all__ = [
    "Access",
    "Context",
    "DirectionChange",
    "Directory",
    "Evaluator",
    "Flow",
    "FlowSet",
    "GroupFlowChange",
    "GroupIndex",
    "Packet",
    "RuleRef",
    "Verdict",
    "access_change",
    "changes_json",
    "effective_access",
    "group_flow_changes",
    "load_current",
    "parse_endpoint",
    "render_markdown",
    "render_text",
    "stack_flow_changes",
]
