"""A Mermaid diagram of the flows a plan opens or closes, for the pull-request comment
(GitHub and GitLab draw Mermaid blocks in comments).

Only the groups whose reachability changes and the peers of their changed flows appear:
ingress flows point from the peer to the group, egress flows from the group to the peer.
Newly allowed flows are thick green arrows (``==>``), newly blocked ones dotted red arrows
(``-.->``), so the picture reads even where colours are not drawn. It is kept small: at
most :data:`MAX_NODES` nodes and :data:`MAX_EDGES` arrows, the busiest first, and it says
what it leaves out (the tables below the diagram list everything).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..evaluate.access import Flow
from ..plan.model import Plan

MAX_NODES = 12
MAX_EDGES = 16
MAX_PORTS = 4
ALLOWED = "#1a7f37"
BLOCKED = "#cf222e"


@dataclass
class _Edge:
    source: str
    target: str
    sign: str
    labels: list[str] = field(default_factory=list)


def _peer_node(peer: str) -> str:
    return peer.removeprefix("group:")


def _flow_label(flow: Flow) -> str:
    if not flow.ports:
        return flow.protocol
    ports = ", ".join(
        "all ports" if (p.start, p.end) == (1, 65535) else p.label for p in flow.ports
    )
    return f"{flow.protocol} {ports}"


def _edges(plan: Plan) -> tuple[list[str], list[_Edge]]:
    groups: list[str] = []
    edges: dict[tuple[str, str, str], _Edge] = {}
    for g in plan.groups:
        change = g.effects
        if change is None or not change.effective:
            continue
        groups.append(change.group)
        for dc in change.changes:
            for sign, flows in (("+", dc.allowed_flows), ("-", dc.denied_flows)):
                for flow in flows:
                    for peer in flow.peers:
                        node = _peer_node(peer)
                        src, dst = (
                            (node, change.group)
                            if dc.direction == "ingress"
                            else (change.group, node)
                        )
                        edge = edges.setdefault((src, dst, sign), _Edge(src, dst, sign))
                        label = _flow_label(flow)
                        if label not in edge.labels:
                            edge.labels.append(label)
    return groups, list(edges.values())


def _text(value: str) -> str:
    return value.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def render_mermaid(plan: Plan, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES) -> str:
    """A fenced ``mermaid`` block and a line on what it leaves out; "" when no flow changes."""
    groups, edges = _edges(plan)
    if not edges:
        return ""
    weight = Counter[str]()
    for e in edges:
        weight[e.source] += 1
        weight[e.target] += 1
    # changed groups first (busiest first), then their peers by how many arrows they carry
    ranked = sorted(groups, key=lambda n: (-weight[n], n))
    ranked += sorted((n for n in weight if n not in set(groups)), key=lambda n: (-weight[n], n))
    kept_nodes = ranked[:max_nodes]
    keep = set(kept_nodes)
    shown = [e for e in edges if e.source in keep and e.target in keep]
    shown.sort(key=lambda e: (e.sign != "+", -(weight[e.source] + weight[e.target])))
    shown = shown[:max_edges]
    used = {n for e in shown for n in (e.source, e.target)}
    ids = {n: f"n{i}" for i, n in enumerate(n for n in kept_nodes if n in used)}
    lines = ["```mermaid", "flowchart LR"]
    for name, nid in ids.items():
        if name in groups:
            lines.append(f'  {nid}["{_text(name)}"]:::group')
        else:
            lines.append(f'  {nid}(["{_text(name)}"]):::peer')
    by_colour: dict[str, list[str]] = {}
    for i, e in enumerate(shown):
        label = ", ".join(e.labels[:MAX_PORTS])
        if len(e.labels) > MAX_PORTS:
            label += f" +{len(e.labels) - MAX_PORTS} more"
        arrow = "==>" if e.sign == "+" else "-.->"
        text = f"{'+' if e.sign == '+' else '-'} {label}"
        lines.append(f'  {ids[e.source]} {arrow}|"{_text(text)}"| {ids[e.target]}')
        by_colour.setdefault(ALLOWED if e.sign == "+" else BLOCKED, []).append(str(i))
    for colour, links in by_colour.items():
        lines.append(f"  linkStyle {','.join(links)} stroke:{colour},stroke-width:2px")
    lines += [
        "  classDef group fill:#f6f8fa,stroke:#57606a",
        "  classDef peer fill:#ffffff,stroke:#8c959f,stroke-dasharray:3 3",
        "```",
    ]
    left = [n for n in ranked if n not in ids]
    left_edges = len(edges) - len(shown)
    legend = "Flows this plan changes: `==>` newly allowed, `-.->` newly blocked."
    if left or left_edges:
        names = ", ".join(f"`{n}`" for n in left[:5]) + (" ..." if len(left) > 5 else "")
        legend += (
            f" Kept small: {len(left)} more node(s) ({names}) and {left_edges} more arrow(s) "
            "are left out; the flow tables of each group list everything."
            if left
            else f" Kept small: {left_edges} more arrow(s) are left out; the flow tables of "
            "each group list everything."
        )
    return "\n".join(lines) + "\n\n" + legend + "\n"
