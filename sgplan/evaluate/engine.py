"""The decision map: for each protocol, port segments; for each segment, peer cells, each with
the rule that decides it. A verdict is two binary searches.

The port axis of a protocol is cut wherever some box starts or ends, so every box either
covers a port segment whole or misses it. A segment's cells come from a sweep over the peer
axis keeping the active boxes sorted by rank: the first known one decides (the *winner*),
the next one is what would decide without it (the *runner-up*, which the redundancy check
needs), and boxes through unknown prefix lists stronger than the winner are *pending*.

Boxes spanning every port of a protocol (``all`` rules, 1-65535 ranges, non-port protocols)
are painted once per protocol as a *base*; each segment then paints only its own few boxes
and overlays them on the base. Segments with the same boxes share their cells, and cells
are built only when a segment is first asked about.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterator
from dataclasses import dataclass

from .compile import Box, Compiled
from .space import GROUP_HI, GROUP_LO, MEMBER_SPACE, V6_LO, port_domain

Peers = tuple[tuple[int, int, int, bool], ...]  # (rank, lo, hi, unknown) of some boxes
Cell = tuple[int, int, tuple[int, ...]]  # winner, runner-up, pending
_END = GROUP_HI + 1
# Cells never span two regions (IPv4, IPv6, groups): a cell starts at each region's start.
_REGION_STARTS = frozenset({V6_LO, GROUP_LO})
_NONE: Cell = (-1, -1, ())
# Up to this many boxes a segment is swept whole rather than overlaid on its base's cells.
_PAINT_TOGETHER = 24


@dataclass(slots=True)
class Cells:
    """Peer cells of one port segment: cell ``i`` covers ``[starts[i], starts[i+1])``."""

    starts: list[int]
    winners: list[int]
    runners: list[int]
    pending: list[tuple[int, ...]]

    def cell(self, i: int) -> Cell:
        return self.winners[i], self.runners[i], self.pending[i]

    def end(self, i: int) -> int:
        return self.starts[i + 1] - 1 if i + 1 < len(self.starts) else GROUP_HI


@dataclass(slots=True)
class Segments:
    """Port segments of one protocol: segment ``i`` is ``[starts[i], ends[i]]``; ``extra``
    holds the boxes it has beyond the protocol's ``base`` (the boxes covering every port)."""

    starts: list[int]
    ends: list[int]
    base: Peers
    extra: list[Peers]
    cells: list[Cells | None]


def paint(active: Peers) -> Cells:
    """Sweep the peer axis once, keeping the active ranks sorted."""
    events: list[tuple[int, int, int, bool]] = [(s, 2, -1, False) for s in _REGION_STARTS]
    for rank, lo, hi, unknown in active:
        events.append((lo, 1, rank, unknown))
        events.append((hi + 1, 0, rank, unknown))
    events.sort()
    starts: list[int] = []
    winners: list[int] = []
    runners: list[int] = []
    pending: list[tuple[int, ...]] = []
    last: Cell | None = None
    known: list[int] = []
    unknown_ranks: list[int] = []
    cur = 0
    i, n = 0, len(events)
    while cur < _END:
        nxt = events[i][0] if i < n else _END
        if nxt > cur:
            w = known[0] if known else -1
            r = known[1] if len(known) > 1 else -1
            p = tuple(u for u in unknown_ranks if w < 0 or u < w) if unknown_ranks else ()
            if last != (w, r, p):
                last = (w, r, p)
                starts.append(cur)
                winners.append(w)
                runners.append(r)
                pending.append(p)
            cur = nxt
        while i < n and events[i][0] == nxt:
            _, opens, rank, unk = events[i]
            ranks = unknown_ranks if unk else known
            if opens == 2:
                last = None  # a region starts here
            elif opens:
                insort(ranks, rank)
            else:
                ranks.remove(rank)
            i += 1
    return Cells(starts, winners, runners, pending)


def overlay(base: Cells, top: Cells) -> Cells:
    """Cells of two disjoint box sets together, from the cells of each: the winner and
    runner-up are the two strongest of the four, pending ranks are pooled. Where ``top``
    has no box the base cells are copied in bulk."""
    starts: list[int] = []
    winners: list[int] = []
    runners: list[int] = []
    pending: list[tuple[int, ...]] = []
    bstarts, bwin, brun, bpend = base.starts, base.winners, base.runners, base.pending
    last: Cell | None = None
    tstarts = [*top.starts, _END]
    for k, start in enumerate(top.starts):
        tw, tr, tp = top.winners[k], top.runners[k], top.pending[k]
        first = bisect_right(bstarts, start) - 1
        stop = bisect_right(bstarts, tstarts[k + 1] - 1)
        if tw < 0 and not tp:
            # no top box here: the base cells as they are (they differ from each other)
            cell = (bwin[first], brun[first], bpend[first])
            if cell != last or start in _REGION_STARTS:
                starts.append(start)
                winners.append(cell[0])
                runners.append(cell[1])
                pending.append(cell[2])
            starts.extend(bstarts[first + 1 : stop])
            winners.extend(bwin[first + 1 : stop])
            runners.extend(brun[first + 1 : stop])
            pending.extend(bpend[first + 1 : stop])
            last = (winners[-1], runners[-1], pending[-1])
            continue
        for i in range(first, stop):
            bw, br = bwin[i], brun[i]
            if tw < 0:
                w, r = bw, br
            elif bw < 0 or tw < bw:
                w, r = tw, (bw if bw >= 0 and (tr < 0 or bw < tr) else tr)
            else:
                w, r = bw, (tw if br < 0 or tw < br else br)
            bp = bpend[i]
            p = tuple(sorted(u for u in {*bp, *tp} if w < 0 or u < w)) if bp or tp else ()
            at = start if i == first else bstarts[i]
            if last != (w, r, p) or at in _REGION_STARTS:
                last = (w, r, p)
                starts.append(at)
                winners.append(w)
                runners.append(r)
                pending.append(p)
    return Cells(starts, winners, runners, pending)


def combine(a: Cell, b: Cell) -> Cell:
    """The cell of a packet matched by the boxes of two cells with disjoint boxes (an
    address and the groups of the same member)."""
    ranks = sorted({a[0], a[1], b[0], b[1]} - {-1})
    w = ranks[0] if ranks else -1
    r = ranks[1] if len(ranks) > 1 else -1
    p = tuple(sorted(u for u in {*a[2], *b[2]} if w < 0 or u < w)) if a[2] or b[2] else ()
    return w, r, p


class DecisionMap:
    """Lazily built cells over (protocol, port, peer) for one compiled direction."""

    def __init__(self, compiled: Compiled):
        self.compiled = compiled
        self._segments: dict[str, Segments] = {}
        self._painted: dict[Peers, Cells] = {}
        self._shared: dict[tuple[Peers, Peers], Cells] = {}
        self._members: dict[int, list[Cell]] = {}

    def segments(self, protocol: str) -> Segments:
        found = self._segments.get(protocol)
        if found is None:
            found = self._segments[protocol] = _cut(self.compiled.boxes[protocol], protocol)
        return found

    def cells(self, protocol: str, index: int) -> Cells:
        seg = self.segments(protocol)
        found = seg.cells[index]
        if found is None:
            key = (seg.base, seg.extra[index])
            found = self._shared.get(key)
            if found is None:
                extra = key[1]
                if not extra:
                    found = self._paint(seg.base)
                elif len(seg.base) + len(extra) <= _PAINT_TOGETHER:
                    found = paint((*seg.base, *extra))  # few boxes: one sweep is cheaper
                else:
                    found = overlay(self._paint(seg.base), self._paint(extra))
                self._shared[key] = found
            seg.cells[index] = found
        return found

    def overlapping(self, protocol: str, lo: int, hi: int) -> Iterator[tuple[int, int, Cells]]:
        """``(first port, last port, cells)`` of the segments meeting ports ``lo..hi``."""
        seg = self.segments(protocol)
        first = bisect_right(seg.starts, lo) - 1
        for i in range(max(first, 0), len(seg.starts)):
            if seg.starts[i] > hi:
                break
            yield max(seg.starts[i], lo), min(seg.ends[i], hi), self.cells(protocol, i)

    def every_cells(self, protocol: str) -> list[Cells]:
        """The distinct cell maps of all port segments of ``protocol``."""
        seen: dict[int, Cells] = {}
        for i in range(len(self.segments(protocol).starts)):
            cells = self.cells(protocol, i)
            seen.setdefault(id(cells), cells)
        return list(seen.values())

    def _paint(self, peers: Peers) -> Cells:
        found = self._painted.get(peers)
        if found is None:
            found = self._painted[peers] = paint(peers)
        return found

    def member_view(self, cells: Cells) -> list[Cell]:
        """The distinct cells a member's unknown private address (:data:`MEMBER_SPACE`) can
        fall in."""
        found = self._members.get(id(cells))
        if found is None:
            seen: dict[Cell, None] = {}
            for lo, hi in MEMBER_SPACE:
                first = bisect_right(cells.starts, lo) - 1
                stop = bisect_right(cells.starts, hi)
                for j in range(first, stop):
                    seen.setdefault(cells.cell(j))
            found = self._members[id(cells)] = list(seen)
        return found

    def member(self, protocol: str, port: int, points: tuple[int, ...]) -> list[Cell]:
        """The cells a member of the groups at ``points`` can be in, one per distinct case
        of its unknown private address."""
        seg = self.segments(protocol)
        i = bisect_right(seg.starts, port) - 1
        return self.member_cases(seg.cells[i] or self.cells(protocol, i), points)

    def member_cases(self, cells: Cells, points: tuple[int, ...]) -> list[Cell]:
        side: Cell = (-1, -1, ())
        for point in points:
            side = combine(side, cells.cell(bisect_right(cells.starts, point) - 1))
        # strongest decider first, the default (no rule) last
        cases = {combine(side, c) for c in self.member_view(cells)}
        return sorted(cases, key=lambda c: (c[0] < 0, c))

    def lookup(self, protocol: str, port: int, point: int) -> Cell:
        """(winner, runner-up, pending) ranks at one point; -1 means none."""
        seg = self.segments(protocol)
        i = bisect_right(seg.starts, port) - 1
        cells = seg.cells[i] or self.cells(protocol, i)
        j = bisect_right(cells.starts, point) - 1
        return cells.winners[j], cells.runners[j], cells.pending[j]


def _cut(boxes: list[Box], protocol: str) -> Segments:
    lo, hi = port_domain(protocol)
    base = tuple(
        sorted((b.rank, b.alo, b.ahi, b.unknown) for b in boxes if (b.plo, b.phi) == (lo, hi))
    )
    partial = [b for b in boxes if (b.plo, b.phi) != (lo, hi)]
    cuts = {lo}
    for b in partial:
        cuts.add(b.plo)
        if b.phi < hi:
            cuts.add(b.phi + 1)
    starts = sorted(cuts)
    ends = [*(s - 1 for s in starts[1:]), hi]
    opening: dict[int, list[Box]] = {}
    closing: dict[int, list[Box]] = {}
    for b in partial:
        opening.setdefault(b.plo, []).append(b)
        closing.setdefault(b.phi + 1, []).append(b)
    active: set[tuple[int, int, int, bool]] = set()
    extra: list[Peers] = []
    for s in starts:
        for b in closing.get(s, ()):
            active.discard((b.rank, b.alo, b.ahi, b.unknown))
        for b in opening.get(s, ()):
            active.add((b.rank, b.alo, b.ahi, b.unknown))
        extra.append(tuple(sorted(active)))
    return Segments(starts, ends, base, extra, [None] * len(starts))
