"""The axes of the access matrix: who sends (rows) and who receives (columns).

Rows are peer sets on the evaluator's peer axis: the public IPv4 internet, the public IPv6
internet, the named networks of the project's catalog (and the prefix lists and Alibaba
ranges everyone knows), every other address block some rule names, then each group (a
member of it, whose private address is not known). Columns are the groups of the source,
each judged alone, or its NICs (each with all its groups).
"""

from __future__ import annotations

import importlib.util
import ipaddress
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..evaluate.catalog import Context
from ..evaluate.space import (
    PUBLIC,
    PUBLIC_V4,
    PUBLIC_V6,
    IntervalSet,
    cidr_interval,
    intersect,
    normalize,
)
from ..model.group import SecurityGroup
from ..model.limits import WORKBENCH_LEGACY_CIDRS, WORKBENCH_PRIVATE_CIDR, WORKBENCH_PUBLIC_CIDR
from ..model.peers import parse_cidr_text
from ..model.stack import Stack, State

RowKind = Literal["internet", "named", "cidr", "omitted", "members", "group"]
MAX_CIDR_ROWS = 40
"""Rows for at most this many other address ranges (the most used); the rest are named."""


@dataclass(frozen=True)
class Row:
    """A sender: a set of addresses, or a member of one group (``token``)."""

    key: str
    label: str
    kind: RowKind
    peers: IntervalSet = ()
    cidrs: tuple[str, ...] = ()
    token: str | None = None
    note: str = ""
    public: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "public", bool(intersect(self.peers, PUBLIC)))


@dataclass(frozen=True)
class Column:
    """A receiver: one group alone, or one NIC with all its groups (in join order)."""

    key: str
    label: str
    kind: Literal["group", "nic"]
    groups: tuple[SecurityGroup, ...]
    tokens: tuple[str, ...] = field(default=())


# Ranges every Alibaba user meets (SPEC 4); shown when some rule names them.
BUILTIN_NETWORKS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("workbench-public", (WORKBENCH_PUBLIC_CIDR,), "Alibaba Workbench, public addresses"),
    ("workbench-private", (WORKBENCH_PRIVATE_CIDR,), "Alibaba Workbench, private addresses"),
    ("workbench-legacy", WORKBENCH_LEGACY_CIDRS, "Alibaba Workbench, ranges of the 2022 guide"),
)


def catalog_networks(root: Path | None) -> list[tuple[str, tuple[str, ...], str]]:
    """Named networks of ``<root>/stacks/catalog.py``: its upper-case constants holding one
    CIDR or a tuple/list of CIDRs (``OFFICE_NETS`` -> ``office-nets``)."""
    if root is None:
        return []
    path = root / "stacks" / "catalog.py"
    if not path.is_file():
        return []
    spec = importlib.util.spec_from_file_location("_sgplan_report_catalog", path)
    if spec is None or spec.loader is None:
        return []
    module = importlib.util.module_from_spec(spec)
    import sys

    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        spec.loader.exec_module(module)
    except Exception:  # a broken catalog only costs the named rows; the stack load reports it
        return []
    out: list[tuple[str, tuple[str, ...], str]] = []
    for name, value in vars(module).items():
        if not name.isupper() or name.startswith("_"):
            continue
        items = (value,) if isinstance(value, str) else value
        if not isinstance(items, tuple | list) or not items:
            continue
        cidrs = [_cidr(v) for v in items]
        if all(c is not None for c in cidrs):
            label = name.lower().replace("_", "-")
            out.append((label, tuple(c for c in cidrs if c), f"catalog {name}"))
    return out


def _cidr(value: object) -> str | None:
    if not isinstance(value, str) or not any(ch.isdigit() for ch in value):
        return None
    try:
        return parse_cidr_text(value)
    except ValueError:
        return None


def _interval_set(cidrs: Iterable[str]) -> IntervalSet:
    return normalize(cidr_interval(c) for c in cidrs)


def build_rows(
    groups: Sequence[SecurityGroup],
    context: Context,
    networks: Sequence[tuple[str, tuple[str, ...], str]] = (),
    max_cidr_rows: int = MAX_CIDR_ROWS,
) -> list[Row]:
    """Internet rows, the named networks some rule touches, the other blocks rules name,
    then one row per group."""
    rows = [
        Row("internet-v4", "IPv4 internet", "internet", PUBLIC_V4, ("0.0.0.0/0",),
            note="every public IPv4 address"),
        Row("internet-v6", "IPv6 internet", "internet", PUBLIC_V6, ("::/0",),
            note="every public IPv6 address (2000::/3)"),
    ]  # fmt: skip
    named_cidrs: set[str] = set()
    rule_cidrs: Counter[str] = Counter()
    for g in groups:
        for r in g.rules:
            if r.peer.is_cidr:
                rule_cidrs[r.peer.value] += 1
    listed = [
        (f"prefix list {p.name}", p.cidrs, f"prefix list {p.id or p.name}")
        for p in context.prefix_lists.values()
        if p.cidrs
    ]
    seen: set[str] = set()
    for label, cidrs, note in [*networks, *listed, *BUILTIN_NETWORKS]:
        if label in seen:
            continue
        seen.add(label)
        used = any(c in rule_cidrs for c in cidrs) or note.startswith("prefix list")
        if not used:
            continue
        named_cidrs.update(cidrs)
        rows.append(Row(f"net:{label}", label, "named", _interval_set(cidrs), tuple(cidrs),
                        note=note))  # fmt: skip
    wide = {"0.0.0.0/0", "::/0"}
    others = [c for c in rule_cidrs if c not in named_cidrs and c not in wide]
    # the most used ranges get rows; the rest are in each group's effective access
    kept = sorted(others, key=lambda c: (-rule_cidrs[c], _cidr_order(c)))[:max_cidr_rows]
    for cidr in sorted(kept, key=_cidr_order):
        rows.append(Row(f"cidr:{cidr}", cidr, "cidr", _interval_set([cidr]), (cidr,)))
    left = len(others) - len(kept)
    if left:
        rows.append(
            Row("cidr:left-out", f"{left} more ranges", "omitted",
                note=f"{left} address ranges named by fewer rules have no row of their own "
                "(only the {max_cidr_rows} most used do); each group's effective access "
                "below lists them".replace("{max_cidr_rows}", str(max_cidr_rows)))
        )  # fmt: skip
    rows.append(
        Row("members", "any group member", "members",
            note="a member of any group the receiver's rules do not name (private address "
            "not known); a group's row shows the same unless its own rules or the sender's "
            "egress say otherwise")
    )  # fmt: skip
    for g in groups:
        token = context.directory.of_group(g)
        rows.append(Row(f"group:{token}", token, "group", token=token, note=g.id or ""))
    return rows


def _cidr_order(cidr: str) -> tuple[int, int, int]:
    net = ipaddress.ip_network(cidr, strict=False)
    return net.version, int(net.network_address), net.prefixlen


def group_columns(groups: Sequence[SecurityGroup], context: Context) -> list[Column]:
    out = []
    for g in groups:
        token = context.directory.of_group(g)
        out.append(Column(f"group:{token}", token, "group", (g,), (token,)))
    return out


def nic_columns(source: Stack | State, context: Context) -> list[Column]:
    by_ref: dict[str, SecurityGroup] = {}
    for g in source.groups:
        for ref in (g.name, g.id):
            if ref:
                by_ref.setdefault(ref, g)
    out = []
    for m in source.members:
        groups = tuple(by_ref[r] for r in m.groups if r in by_ref)
        if not groups:
            continue
        tokens = tuple(context.directory.of_group(g) for g in groups)
        label = m.nic + (f" ({m.instance})" if m.instance else "")
        out.append(Column(f"nic:{m.nic}", label, "nic", groups, tokens))
    return out
