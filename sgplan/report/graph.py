"""The group graph: senders and receivers as nodes, the matrix's non-empty cells as edges,
laid out in layers from left (the internet and named networks) to right (the groups only
other groups reach), with no library.

An edge from an address range or a group whose every deciding rule also opens the same
ports to the internet is folded into the internet's edge (the matrix still lists it):
a 0.0.0.0/0 rule otherwise draws an edge from every range and every group. Beyond
:data:`MAX_EDGES` edges, only the exposed and changed ones are drawn (the page says how
many are left out).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from .matrix import Entry, Matrix
from .risk import RISKS

NODE_W, NODE_H = 190, 30
GAP_X, GAP_Y = 120, 22
MAX_PER_COLUMN = 18
MAX_CIDR_NODES = 12
LABEL_ENTRIES = 3
MAX_EDGES = 400
"""Edges drawn at most (50 groups draw about 200); on larger estates the exposed and
changed ones are drawn and the rest are left to the matrix."""


def _node_of(matrix: Matrix) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """Row index -> node id, and the nodes."""
    nodes: dict[str, dict[str, Any]] = {}
    ids: list[str] = []
    cidrs = [r for r in matrix.rows if r.kind == "cidr"]
    fold_cidrs = len(cidrs) > MAX_CIDR_NODES
    for r in matrix.rows:
        if r.kind == "internet":
            nid, label, kind = "internet", "Internet", "internet"
        elif r.kind == "cidr" and fold_cidrs:
            nid, label, kind = "cidrs", f"{len(cidrs)} other address ranges", "cidr"
        elif r.kind == "group":
            nid, label, kind = f"group:{r.token}", r.label, "group"
        else:
            nid, label, kind = r.key, r.label, r.kind
        nodes.setdefault(nid, {"id": nid, "label": label, "kind": kind})
        ids.append(nid)
    for c in matrix.columns:
        nid = c.key
        nodes.setdefault(nid, {"id": nid, "label": c.label, "kind": c.kind})
    return ids, nodes


def _change(entries: list[Entry]) -> str:
    kinds = {e.change for e in entries}
    if kinds == {"+"}:
        return "+"
    if kinds == {"-"}:
        return "-"
    return "~" if kinds - {""} else ""


def build_graph(matrix: Matrix, by_group: Callable[[int], bool] = lambda n: True) -> dict[str, Any]:
    """``by_group(n)``: whether rule number ``n`` names a group peer (or is intra-group
    access); a group's edge that only address rules open is drawn from the address's node."""
    row_node, nodes = _node_of(matrix)
    internet_rules: dict[int, set[int]] = defaultdict(set)
    for (ri, ci), entries in matrix.cells.items():
        if matrix.rows[ri].kind == "internet":
            for e in entries:
                internet_rules[ci].update(e.deciders)
    named: dict[tuple[int, ...], bool] = {}

    def names_group(e: Entry) -> bool:
        """Whether a decider or egress rule of ``e`` names a group; asked once per list (the
        same lists recur across thousands of cells)."""
        for ns in (e.deciders, e.egress):
            found = named.get(ns)
            if found is None:
                found = named[ns] = any(map(by_group, ns))
            if found:
                return True
        return False

    grouped: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for (ri, ci), entries in sorted(matrix.cells.items()):
        row = matrix.rows[ri]
        if not entries or row.kind == "members":
            continue
        src, dst = row_node[ri], matrix.columns[ci].key
        if src == dst or (row.token is not None and row.token in matrix.columns[ci].tokens):
            continue  # a group reaching itself (intra-group access): in the matrix only
        if (
            row.kind == "group"
            and not any(names_group(e) for e in entries if e.change != "-")
            and all(e.change != "-" for e in entries)
        ):
            continue
        if row.kind != "internet":
            opened = internet_rules.get(ci, set())
            deciders = {d for e in entries for d in e.deciders}
            if deciders and deciders <= opened and all(e.change != "-" for e in entries):
                continue
        grouped[(src, dst)].extend(entries)
    edges: list[dict[str, str]] = []
    for (src, dst), entries in grouped.items():
        texts = list(dict.fromkeys(("+" if e.change == "+" else "-" if e.change == "-" else "")
                                   + e.text for e in entries))  # fmt: skip
        label = ", ".join(texts[:LABEL_ENTRIES])
        if len(texts) > LABEL_ENTRIES:
            label += f" +{len(texts) - LABEL_ENTRIES}"
        risk = min(
            (e.risk for e in entries if e.change != "-"), key=RISKS.index, default="internal"
        )
        edges.append(
            {"source": src, "target": dst, "label": label, "full": ", ".join(texts),
             "risk": risk, "change": _change(entries)}
        )  # fmt: skip
    edges, left_out = _readable(edges)
    used = {x["source"] for x in edges} | {x["target"] for x in edges}
    for c in matrix.columns:
        used.add(c.key)
    kept = {k: v for k, v in nodes.items() if k in used}
    for edge in edges:
        if edge["risk"] in ("critical", "warning", "exposed") and edge["change"] != "-":
            node = kept[edge["target"]]
            if RISKS.index(edge["risk"]) < RISKS.index(node.get("risk", "internal")):
                node["risk"] = edge["risk"]
    width, height = _layout(kept, edges)
    return {
        "nodes": list(kept.values()),
        "edges": edges,
        "width": width,
        "height": height,
        "left_out": left_out,
    }


def _readable(edges: list[dict[str, str]]) -> tuple[list[dict[str, str]], int]:
    """At most :data:`MAX_EDGES` edges: beyond that, the exposed ones (to the internet or
    part of it) and the ones a plan changes first, worst first; how many were left out."""
    if len(edges) <= MAX_EDGES:
        return edges, 0
    loud = ("critical", "warning", "exposed", "limited")
    ranked = sorted(
        range(len(edges)),
        key=lambda i: (
            edges[i]["risk"] not in loud and not edges[i]["change"],
            RISKS.index(edges[i]["risk"]),
            i,
        ),
    )
    keep = sorted(ranked[:MAX_EDGES])
    return [edges[i] for i in keep], len(edges) - len(keep)


def _layout(nodes: dict[str, dict[str, Any]], edges: list[dict[str, Any]]) -> tuple[int, int]:
    """Layers by longest path from the outside (cycles broken where first met), orders by
    the barycentre of each node's senders, long layers wrapped into several columns."""
    preds: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        preds[e["target"]].append(e["source"])
    layer: dict[str, int] = {}
    visiting: set[str] = set()

    def depth(n: str) -> int:
        if n in layer:
            return layer[n]
        if nodes[n]["kind"] not in ("group", "nic"):
            layer[n] = 0
            return 0
        visiting.add(n)
        best = 1
        for p in preds.get(n, []):
            if p in visiting or p == n:
                continue
            best = max(best, depth(p) + 1)
        visiting.discard(n)
        layer[n] = best
        return best

    for n in sorted(nodes):
        depth(n)
    by_layer: dict[int, list[str]] = defaultdict(list)
    order_kind = {"internet": 0, "named": 1, "cidr": 2, "group": 3, "nic": 3}
    for n in nodes:
        by_layer[layer[n]].append(n)
    pos: dict[str, float] = {}
    for lay in sorted(by_layer):
        items = by_layer[lay]
        if lay == 0:
            items.sort(key=lambda n: (order_kind.get(nodes[n]["kind"], 9), nodes[n]["label"]))
        else:
            items.sort(key=lambda n: (_bary(n, preds, pos), nodes[n]["label"]))
        for i, n in enumerate(items):
            pos[n] = i
    x = 20
    height = 0
    for lay in sorted(by_layer):
        items = by_layer[lay]
        for start in range(0, len(items), MAX_PER_COLUMN):
            chunk = items[start : start + MAX_PER_COLUMN]
            for i, n in enumerate(chunk):
                nodes[n]["x"] = x
                nodes[n]["y"] = 20 + i * (NODE_H + GAP_Y)
                nodes[n]["layer"] = lay
            height = max(height, 20 + len(chunk) * (NODE_H + GAP_Y))
            x += NODE_W + GAP_X
    return x - GAP_X + 20, height + 20


def _bary(n: str, preds: dict[str, list[str]], pos: dict[str, float]) -> float:
    seen = [pos[p] for p in preds.get(n, []) if p in pos]
    return sum(seen) / len(seen) if seen else 1e9
