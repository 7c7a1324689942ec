"""Effective access: the exact set of flows a NIC (or one group) lets through in a direction.

A :class:`FlowSet` maps each protocol to port parts ``(lo, hi, peers)`` where ``peers`` is
an :data:`IntervalSet` on the peer axis. It is exact: a packet is in the set iff the
evaluator accepts it. Rendering turns it into a short list of :class:`Flow` lines that
together cover the set exactly (a line may overlap another, never go beyond the set):
first what every protocol allows on every port, then per protocol what all its ports
allow, then the ports that allow more.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model.ports import PortRange
from .catalog import GroupIndex
from .compile import Box
from .engine import Cell, Cells, DecisionMap, combine
from .space import (
    AXIS,
    EMPTY,
    GROUP_HI,
    GROUP_LO,
    PORT_PROTOCOLS,
    PROTOCOLS,
    V4_HI,
    V6_HI,
    IntervalSet,
    cidrs_of,
    intersect,
    normalize,
    peer_domain,
    port_domain,
    subtract,
    union,
)

Part = tuple[int, int, IntervalSet]
Parts = tuple[Part, ...]


@dataclass(frozen=True)
class FlowSet:
    """Per protocol, disjoint port parts with the (non-empty) peers allowed on them."""

    parts: Mapping[str, Parts] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.parts.values())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FlowSet):
            return NotImplemented
        return all(self.parts.get(p, ()) == other.parts.get(p, ()) for p in PROTOCOLS)

    def __sub__(self, other: FlowSet) -> FlowSet:
        return FlowSet(
            {
                p: _combine(self.parts.get(p, ()), other.parts.get(p, ()), subtract)
                for p in PROTOCOLS
            }
        )

    def __or__(self, other: FlowSet) -> FlowSet:
        return FlowSet(
            {p: _combine(self.parts.get(p, ()), other.parts.get(p, ()), union) for p in PROTOCOLS}
        )

    def peers_at(self, protocol: str, port: int) -> IntervalSet:
        parts = self.parts.get(protocol, ())
        i = bisect_right([lo for lo, _, _ in parts], port) - 1
        if i >= 0 and parts[i][0] <= port <= parts[i][1]:
            return parts[i][2]
        return EMPTY

    def flows(self, index: GroupIndex) -> list[Flow]:
        return _cover(self, index)


def _combine(a: Parts, b: Parts, op: Any) -> Parts:
    """Apply a set operation port by port (``op(a_peers, b_peers)``)."""
    if not a or not b:
        if op is intersect:
            return ()
        return a if op is subtract else (a or b)
    cuts = sorted({x for lo, hi, _ in (*a, *b) for x in (lo, hi + 1)})
    out: list[Part] = []
    ia = ib = 0
    for lo, nxt in itertools.pairwise(cuts):
        while ia < len(a) and a[ia][1] < lo:
            ia += 1
        while ib < len(b) and b[ib][1] < lo:
            ib += 1
        pa = a[ia][2] if ia < len(a) and a[ia][0] <= lo else EMPTY
        pb = b[ib][2] if ib < len(b) and b[ib][0] <= lo else EMPTY
        peers = op(pa, pb)
        if peers:
            out.append((lo, nxt - 1, peers))
    return _merge(out)


def _merge(parts: Iterable[Part]) -> Parts:
    out: list[Part] = []
    for lo, hi, peers in parts:
        if out and out[-1][1] + 1 == lo and out[-1][2] == peers:
            out[-1] = (out[-1][0], hi, peers)
        else:
            out.append((lo, hi, peers))
    return tuple(out)


# -- computing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    """What one direction of a NIC lets through: ``allowed`` for sure, ``undetermined`` where
    it depends on a prefix list not defined here."""

    direction: str
    allowed: FlowSet
    undetermined: FlowSet


Region = Mapping[str, Parts]


def region_of(boxes: Mapping[str, Iterable[Box]]) -> dict[str, Parts]:
    """The (port x peer) area covered by some boxes, per protocol."""
    out: dict[str, Parts] = {}
    for proto, items in boxes.items():
        opening: dict[int, list[tuple[int, int]]] = {}
        closing: dict[int, list[tuple[int, int]]] = {}
        for b in items:
            opening.setdefault(b.plo, []).append((b.alo, b.ahi))
            closing.setdefault(b.phi + 1, []).append((b.alo, b.ahi))
        cuts = sorted({*opening, *closing})
        active: Counter[tuple[int, int]] = Counter()
        parts: list[Part] = []
        for lo, nxt in itertools.pairwise(cuts):
            for iv in closing.get(lo, ()):
                active[iv] -= 1
                if not active[iv]:
                    del active[iv]
            active.update(opening.get(lo, ()))
            peers = normalize(active)
            if peers:
                parts.append((lo, nxt - 1, peers))
        out[proto] = _merge(parts)
    return out


EVERYWHERE: Region = {p: ((*port_domain(p), AXIS),) for p in PROTOCOLS}


def effective_access(dm: DecisionMap, region: Region = EVERYWHERE) -> Access:
    """The flows ``dm`` allows inside ``region`` (by default: everywhere)."""
    compiled = dm.compiled
    allowed: dict[str, Parts] = {}
    undetermined: dict[str, Parts] = {}
    classified: dict[int, tuple[IntervalSet, IntervalSet]] = {}
    for proto in PROTOCOLS:
        domain = peer_domain(proto)
        acc: list[Part] = []
        und: list[Part] = []
        for lo, hi, window in region.get(proto, ()):
            window = intersect(window, domain)
            if not window:
                continue
            for plo, phi, cells in dm.overlapping(proto, lo, hi):
                key = id(cells)
                if key not in classified:
                    classified[key] = _classify(dm, cells)
                yes, maybe = classified[key]
                a = intersect(yes, window)
                if a:
                    acc.append((plo, phi, a))
                u = intersect(maybe, window)
                if u:
                    und.append((plo, phi, u))
        allowed[proto] = _merge(acc)
        undetermined[proto] = _merge(und)
    return Access(compiled.direction, FlowSet(allowed), FlowSet(undetermined))


def _classify(dm: DecisionMap, cells: Cells) -> tuple[IntervalSet, IntervalSet]:
    """The peers a segment accepts for sure, and those whose verdict is unknown (a prefix
    list not defined here, or a member's private address). A group point is accepted when
    every private address its member may have is."""
    compiled = dm.compiled
    flags: list[bool] = []
    maybe: list[tuple[int, int]] = []
    members: _Members | None = None
    summarized = False  # the member summary is built at the first group cell
    for j, w in enumerate(cells.winners):
        pend = cells.pending[j]
        if cells.starts[j] >= GROUP_LO:
            if not summarized:
                members, summarized = _members(dm, cells), True
            if members is not None and not pend:
                outcome = members.outcome(w)
            else:
                view = dm.member_view(cells)
                found = {compiled.judge(*_wp(combine(cells.cell(j), c))) for c in view}
                outcome = found.pop() if len(found) == 1 else "unknown"
        elif pend:
            outcome = compiled.judge(w, pend)
        else:
            flags.append(compiled.accepts[w])
            continue
        flags.append(outcome == "accept")
        if outcome == "unknown":
            maybe.append((cells.starts[j], cells.end(j)))
    return _runs(cells, flags), normalize(maybe)


class _Members:
    """What a member's private address can meet in one segment, when no prefix list is
    pending there: the ranks deciding its address cells, strongest first, and how many of
    the first ``i`` accept. A group cell won by ``w`` then gives, for each address cell, the
    stronger of ``w`` and that cell's winner (the combined cell's winner), without combining
    them one by one."""

    def __init__(self, accepts: list[bool], ranks: list[int], unmatched: bool):
        self.accepts = accepts
        self.ranks = ranks
        self.unmatched = unmatched  # some address cell has no rule: ``w`` decides there
        self.accepting = [0]
        for r in ranks:
            self.accepting.append(self.accepting[-1] + accepts[r])

    def outcome(self, w: int) -> str:
        stronger = len(self.ranks) if w < 0 else bisect_left(self.ranks, w)
        yes = self.accepting[stronger]
        outcomes = set()
        if yes:
            outcomes.add(True)
        if yes < stronger:
            outcomes.add(False)
        if stronger < len(self.ranks) or self.unmatched:
            outcomes.add(self.accepts[w])  # accepts[-1]: the default
        if len(outcomes) > 1:
            return "unknown"
        return "accept" if outcomes.pop() else "drop"


def _members(dm: DecisionMap, cells: Cells) -> _Members | None:
    """The summary of a segment's member view, or None when some cell has pending ranks."""
    view = dm.member_view(cells)
    if any(c[2] for c in view):
        return None
    ranks = sorted({c[0] for c in view if c[0] >= 0})
    return _Members(dm.compiled.accepts, ranks, any(c[0] < 0 for c in view))


def _wp(cell: Cell) -> tuple[int, tuple[int, ...]]:
    return cell[0], cell[2]


def _runs(cells: Cells, flags: list[bool]) -> IntervalSet:
    """The cells whose flag is set, merged into intervals."""
    out: list[tuple[int, int]] = []
    start = -1
    for j, flag in enumerate(flags):
        if flag and start < 0:
            start = cells.starts[j]
        elif not flag and start >= 0:
            out.append((start, cells.starts[j] - 1))
            start = -1
    if start >= 0:
        out.append((start, GROUP_HI))
    return tuple(out)


# -- rendering ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Flow:
    """One line of an effective-access listing: ``tcp 22, 80 from 10.0.0.0/8, group:web``."""

    protocol: str
    ports: tuple[PortRange, ...]
    peers: tuple[str, ...]

    def text(self, direction: str) -> str:
        word = "from" if direction == "ingress" else "to"
        ports = ""
        if self.protocol in PORT_PROTOCOLS:
            ports = " " + ", ".join(
                p.label if p != PortRange(1, 65535) else "all ports" for p in self.ports
            )
        return f"{self.protocol}{ports} {word} {', '.join(self.peers)}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "protocol": self.protocol,
            "ports": [str(p) for p in self.ports],
            "peers": list(self.peers),
        }


def render_peers(peers: IntervalSet, index: GroupIndex) -> tuple[str, ...]:
    """CIDR blocks, then groups: ``any group``, ``any group except ...``, or the groups by
    name (``group:NAME``) or ID, and ``any other group``."""
    out: list[str] = []
    named: list[int] = []
    others = False
    for lo, hi in peers:
        if lo <= V4_HI:
            out.extend(cidrs_of(lo, min(hi, V4_HI)))
            lo = V4_HI + 1
        if lo <= hi and lo <= V6_HI:
            out.extend(cidrs_of(lo, min(hi, V6_HI)))
            lo = V6_HI + 1
        if lo > hi:
            continue
        named.extend(range(lo, min(hi, index.known_end - 1) + 1))
        others = others or hi >= index.known_end
    by_slot, order = index.labels()
    labels = sorted(by_slot[p - GROUP_LO] for p in named)
    if not others:
        return (*out, *labels)
    included = {p - GROUP_LO for p in named}
    missing = [by_slot[s] for s in order if s not in included]
    if not missing:
        return (*out, "any group")
    if len(missing) < len(labels):
        return (*out, "any group except " + ", ".join(missing))
    return (*out, *labels, "any other group")


def _cover(fs: FlowSet, index: GroupIndex) -> list[Flow]:
    bases: dict[str, IntervalSet] = {}
    for proto in PROTOCOLS:
        bases[proto] = _base(fs.parts.get(proto, ()), port_domain(proto))
    every: IntervalSet = AXIS
    for proto in PROTOCOLS:
        every = intersect(every, union(bases[proto], subtract(AXIS, peer_domain(proto))))
    flows: list[Flow] = []
    if every:
        flows.append(Flow("all", (), render_peers(every, index)))
    for proto in PROTOCOLS:
        said = intersect(every, peer_domain(proto))
        base = bases[proto]
        lo, hi = port_domain(proto)
        all_ports = (PortRange(lo, hi),) if proto in PORT_PROTOCOLS else ()
        if base and base != said:
            flows.append(Flow(proto, all_ports, _shorter(base, said, index)))
        else:
            base = said
        by_peers: dict[tuple[str, ...], list[PortRange]] = {}
        for plo, phi, peers in fs.parts.get(proto, ()):
            if peers != base:
                shown = _shorter(peers, base, index)
                by_peers.setdefault(shown, []).append(PortRange(plo, phi))
        for shown, ranges in by_peers.items():
            ports = tuple(ranges) if proto in PORT_PROTOCOLS else ()
            flows.append(Flow(proto, ports, shown))
    return flows


def _shorter(peers: IntervalSet, already: IntervalSet, index: GroupIndex) -> tuple[str, ...]:
    """``peers`` in full, or only what ``already`` (said by an earlier line) leaves out,
    whichever reads shorter; both are exact since the earlier line covers the rest."""
    full = render_peers(peers, index)
    if not already:
        return full
    rest = render_peers(subtract(peers, already), index)
    return rest if len(rest) < len(full) else full


def _base(parts: Parts, domain: tuple[int, int]) -> IntervalSet:
    """The peers allowed on every port of the domain (empty unless the parts cover it)."""
    if not parts or parts[0][0] != domain[0] or parts[-1][1] != domain[1]:
        return EMPTY
    for (_, hi, _), (lo, _, _) in itertools.pairwise(parts):
        if lo != hi + 1:
            return EMPTY
    out = parts[0][2]
    for _, _, peers in parts[1:]:
        out = intersect(out, peers)
    return out
