"""Checks judged on what the evaluator says is reachable, never on rule text.

A *view* is one NIC (all its groups) or one group alone, on one NIC type. Exposure means:
for a port, the accepted addresses are at least :data:`WIDE_SHARE` of a :class:`Space`
(the public IPv4 or IPv6 internet; for the intranet side of a classic group, the classic
private network every classic instance of the region shares). That catches ``0.0.0.0/0``,
``::/0``, protocol ``all``, ranges covering the port, ``0.0.0.0/1`` + ``128.0.0.0/1``,
prefix lists holding ``0.0.0.0/0``, and a ``/0`` with a few stronger drops; it does not
catch drop rules, accepts shadowed by a stronger drop, UDP on a TCP port, or a trusted
range such as Workbench's ``161.117.0.0/16``. The rules blamed are those that decide at
least :data:`BLAME_SHARE` of the accepting cells. Cells that depend on a prefix or port
list whose entries are unknown are not counted here; ``cannot-judge`` reports those rules.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ..evaluate.compile import Box, Compiled
from ..evaluate.engine import Cell, Cells, DecisionMap, combine
from ..evaluate.evaluator import Evaluator
from ..evaluate.packet import RuleRef
from ..evaluate.space import (
    GROUP_HI,
    GROUP_LO,
    MEMBER_SPACE,
    PROTOCOLS,
    PUBLIC_V4,
    PUBLIC_V6,
    V4_HI,
    V6_HI,
    PointCounter,
    port_domain,
)
from .risks import Service

WIDE_SHARE = 0.5
# A rule is blamed when it alone lets in this much of the family's space (a /8's worth of
# public IPv4): several rules together can be "everywhere" without any of them being so.
BLAME_SHARE = 1 / 256


@dataclass(frozen=True)
class Space:
    """The addresses exposure is measured against, per family (None: the family has none)."""

    name: str
    v4: PointCounter | None
    v6: PointCounter | None
    v4_label: str
    v6_label: str

    @property
    def whole(self) -> tuple[int, int]:
        return (self.v4.total if self.v4 else 0, self.v6.total if self.v6 else 0)


INTERNET = Space(
    "internet",
    PointCounter(PUBLIC_V4),
    PointCounter(PUBLIC_V6),
    "the public IPv4 internet",
    "the public IPv6 internet",
)
# The classic network's private side: every classic instance of the region, any tenant,
# talks over private IPv4 addresses (RFC 1918).
CLASSIC_PRIVATE = Space(
    "classic-private",
    PointCounter(MEMBER_SPACE),
    None,
    "the classic private network",
    "",
)


@dataclass
class _Public:
    """The addresses of the space a cell map accepts, per deciding rule (rank): IPv4 and
    IPv6 address counts."""

    v4: int = 0
    v6: int = 0
    by_rank: dict[int, tuple[int, int]] = field(default_factory=dict)


class GroupReach:
    """The ingress decision map of one view (a group alone or a NIC, one NIC type), shared
    by the reachability checks."""

    def __init__(self, evaluator: Evaluator, nic_type: str = "intranet", space: Space = INTERNET):
        self.evaluator = evaluator
        self.nic_type = nic_type
        self.space = space
        self.ingress = evaluator.decision_map("ingress", nic_type)
        self._public: dict[int, _Public] = {}

    def public(self, cells: Cells) -> _Public:
        found = self._public.get(id(cells))
        if found is None:
            found = self._public[id(cells)] = _public(cells, self.ingress.compiled, self.space)
        return found

    def segments(self, protocol: str, lo: int, hi: int) -> Iterator[tuple[int, int, Cells]]:
        return self.ingress.overlapping(protocol, lo, hi)


def _below_each(counter: PointCounter | None, bounds: list[int]) -> list[int]:
    return counter.below_each(bounds) if counter is not None else [0] * len(bounds)


def _public(cells: Cells, compiled: Compiled, space: Space) -> _Public:
    out = _Public()
    accepts = compiled.accepts
    bounds = [*cells.starts, GROUP_HI + 1]
    v4s = _below_each(space.v4, bounds)
    v6s = _below_each(space.v6, bounds)
    for j, w in enumerate(cells.winners):
        if w < 0 or not accepts[w] or any(not accepts[u] for u in cells.pending[j]):
            continue
        v4 = v4s[j + 1] - v4s[j]
        v6 = v6s[j + 1] - v6s[j]
        if v4 or v6:
            out.v4 += v4
            out.v6 += v6
            a, b = out.by_rank.get(w, (0, 0))
            out.by_rank[w] = (a + v4, b + v6)
    return out


class _Tally:
    """Accepted volume (ports x addresses) per family, in total and per rule, and the ports
    on which each rule lets something in."""

    def __init__(self) -> None:
        self.total = [0, 0]
        self.by_rank: dict[int, list[int]] = {}
        self.ports: dict[int, list[tuple[int, int]]] = {}

    def add(self, pub: _Public, lo: int, hi: int) -> None:
        ports = hi - lo + 1
        self.total[0] += ports * pub.v4
        self.total[1] += ports * pub.v6
        for rank, (v4, v6) in pub.by_rank.items():
            mine = self.by_rank.setdefault(rank, [0, 0])
            mine[0] += ports * v4
            mine[1] += ports * v6
            spans = self.ports.setdefault(rank, [])
            if spans and spans[-1][1] + 1 == lo:
                spans[-1] = (spans[-1][0], hi)
            else:
                spans.append((lo, hi))

    def wide(self, whole: tuple[int, int], space: Space) -> dict[int, str]:
        """Where a family reaches :data:`WIDE_SHARE` of ``whole`` (ports x addresses): each
        rule letting in at least :data:`BLAME_SHARE` of it, with the share of the space's
        addresses it lets in on the ports where it lets anything in."""
        blamed: dict[int, list[str]] = {}
        for fam, label in ((0, space.v4_label), (1, space.v6_label)):
            if not whole[fam] or self.total[fam] < WIDE_SHARE * whole[fam]:
                continue
            size = space.whole[fam]
            for rank, vols in self.by_rank.items():
                if vols[fam] / whole[fam] < BLAME_SHARE:
                    continue
                ports = sum(b - a + 1 for a, b in self.ports.get(rank, ()))
                share = vols[fam] / (ports * size) if ports else 0.0
                blamed.setdefault(rank, []).append(f"{pct(share)} {label}")
        return {rank: " and ".join(parts) for rank, parts in blamed.items()}


def pct(share: float) -> str:
    """A share as a reader should see it: "all of" only when it is all, never rounded up."""
    if share >= 1:
        return "all of"
    if share >= 0.001:
        return f"{math.floor(share * 1000) / 10:g}% of"
    return f"{math.floor(share * 100000) / 1000:g}% of"


@dataclass
class Blame:
    """A rule that makes a view exposed: the check, severity and what it lets in."""

    ref: RuleRef
    check: str
    severity: str
    notes: list[str]


def exposure_blames(reach: GroupReach, services: Sequence[Service]) -> list[Blame]:
    """One blame per rule and check that makes a port of a service reachable from most of
    the space (judged port by port: a range covering the port counts)."""
    found: dict[tuple[int, str], Blame] = {}
    whole = reach.space.whole
    for svc in services:
        for lo, hi, cells in reach.segments(svc.protocol, svc.lo, svc.hi):
            tally = _Tally()
            tally.add(reach.public(cells), lo, hi)
            for rank, share in tally.wide(whole, reach.space).items():
                note = f"{svc.text} from {share}"
                ref = reach.ingress.compiled.deciders[rank].ref
                assert ref is not None
                b = found.setdefault((rank, svc.check), Blame(ref, svc.check, svc.severity, []))
                if note not in b.notes:
                    b.notes.append(note)
                if _worse(svc.severity, b.severity):
                    b.severity = svc.severity
    return sorted(found.values(), key=lambda b: (b.ref.group, b.ref.position, b.check))


def _worse(a: str, b: str) -> bool:
    order = ("critical", "warning", "info")
    return order.index(a) < order.index(b)


def open_all_blames(reach: GroupReach) -> list[Blame]:
    """Most of the (port x address) space of TCP or UDP accepted."""
    out: dict[int, list[str]] = {}
    for proto in ("tcp", "udp"):
        lo, hi = port_domain(proto)
        ports = hi - lo + 1
        whole = (ports * reach.space.whole[0], ports * reach.space.whole[1])
        if not _could_be_wide(reach.ingress.compiled, proto, whole):
            continue
        tally = _Tally()
        for start, end, cells in reach.segments(proto, lo, hi):
            tally.add(reach.public(cells), start, end)
        for rank, share in tally.wide(whole, reach.space).items():
            spans = tally.ports.get(rank, [])
            where = ",".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans[:4])
            if len(spans) > 4:
                where += ",..."
            out.setdefault(rank, []).append(f"{proto} {where} from {share}")
    blames = []
    for rank, notes in sorted(out.items()):
        ref = reach.ingress.compiled.deciders[rank].ref
        assert ref is not None
        blames.append(Blame(ref, "open-all", "critical", notes))
    return blames


def _could_be_wide(compiled: Compiled, protocol: str, whole: tuple[int, int]) -> bool:
    """A cheap upper bound: could the accepting boxes, if nothing stronger stopped them,
    cover :data:`WIDE_SHARE` of ``whole``?"""
    v4 = v6 = 0
    accepts = compiled.accepts
    for b in compiled.boxes[protocol]:
        if b.unknown or not accepts[b.rank] or b.alo > V6_HI:
            continue
        volume = (b.phi - b.plo + 1) * (b.ahi - b.alo + 1)
        if b.alo <= V4_HI:
            v4 += volume
        else:
            v6 += volume
    return v4 >= WIDE_SHARE * whole[0] or v6 >= WIDE_SHARE * whole[1]


# -- rules that never matter -----------------------------------------------------------

RuleKey = tuple[str, int]  # (group token, position)


@dataclass
class Usage:
    """How the rules of one decision map (one view, one direction and NIC type) are used:
    which decide some packet, which would change some verdict if removed, what decides in
    place of those that never decide."""

    rules: dict[RuleKey, RuleRef] = field(default_factory=dict)
    decides: dict[RuleKey, str] = field(default_factory=dict)  # -> what decides if removed
    matters: set[RuleKey] = field(default_factory=set)
    unjudged: bool = False  # some rule goes through a list whose entries are unknown
    shadowers: dict[RuleKey, list[str]] = field(default_factory=dict)


def rule_usage(dm: DecisionMap) -> Usage:
    compiled = dm.compiled
    deciders = compiled.deciders
    tally = _Deciding(compiled)
    seen: set[int] = set()
    for proto in PROTOCOLS:
        for cells in dm.every_cells(proto):
            if id(cells) not in seen:
                seen.add(id(cells))
                tally.add(dm, cells)
    use = Usage(unjudged=any(d.unknown_list for d in deciders))
    first: dict[int, list[tuple[str, Box]]] | None = None
    for rank, d in enumerate(deciders):
        ref = d.ref
        if ref is None or d.unknown_list:
            continue
        key = (ref.group, ref.position)
        use.rules[key] = ref
        if rank in tally.decides:
            runner = tally.decides[rank]
            use.decides[key] = deciders[runner].text() if runner >= 0 else "the default"
            if rank in tally.matters:
                use.matters.add(key)
        else:
            first = first if first is not None else _boxes_by_rank(compiled)
            use.shadowers[key] = _shadowers(dm, rank, first.get(rank, []))
    return use


class _Deciding:
    """Which ranks decide some packet (with a runner-up seen there), and which would change
    some verdict if removed: their runner-up disagrees, an unknown list is pending, or they
    are a drop standing in for the default deny (the whitelist pattern's drop-all: it
    decides nothing for the group alone, yet it is what closes a NIC that also joins a group
    accepting more)."""

    def __init__(self, compiled: Compiled):
        self.accepts = compiled.accepts
        self.intra = [d.intra_group is not None for d in compiled.deciders]
        self.decides: dict[int, int] = {}
        self.matters: set[int] = set()

    def note(self, w: int, r: int, pending: tuple[int, ...]) -> None:
        if w < 0:
            return
        if w not in self.decides:
            self.decides[w] = r
        accepts = self.accepts
        if pending or accepts[r] != accepts[w] or (r < 0 and not accepts[w]):
            self.matters.add(w)

    def add(self, dm: DecisionMap, cells: Cells) -> None:
        """Every packet kind of a segment: each address cell, and for each group cell with
        a group rule every case of its member's private address (a group cell without one
        adds nothing the address cells do not)."""
        winners, runners, pending = cells.winners, cells.runners, cells.pending
        groups_at = bisect_left(cells.starts, GROUP_LO)
        decides, matters, accepts = self.decides, self.matters, self.accepts
        for j in range(groups_at):  # self.note inlined: this is the hot loop of lint
            w = winners[j]
            if w >= 0:
                r = runners[j]
                decides.setdefault(w, r)
                if pending[j] or accepts[r] != accepts[w] or (r < 0 and not accepts[w]):
                    matters.add(w)
        # intra-group access beats every rule, so members under it add nothing here
        sides = {
            cells.cell(j)
            for j in range(groups_at, len(winners))
            if winners[j] >= 0 and not self.intra[winners[j]]
        }
        if not sides:
            return
        view = dm.member_view(cells)
        if len(sides) > 1:
            self._with_other_groups(sides, view)
        for side in sides:
            gw, gr, gp = side
            for c in view:
                w, r, p = c
                if gp or p:
                    self.note(*combine(side, c))
                elif w < 0 or gw < w:  # the group side decides; next: the better of gr, w
                    self.note(gw, w if w >= 0 and (gr < 0 or w < gr) else gr, ())
                else:  # the address side decides; next: the better of r, gw
                    self.note(w, gw if r < 0 or gw < r else r, ())

    def _with_other_groups(self, sides: set[Cell], view: list[Cell]) -> None:
        """A member of several groups: where one group's rule decides, a rule about another
        of its groups may be what decides without it. Rule ``gw`` then matters when some
        other group's winner ``ow`` is weaker, of the other policy, stronger than ``gw``'s
        own runner-up, and some private address of the member leaves both to decide (its
        cell weaker than ``ow``). Every other combination has the same runner-up as one of
        the single-group cases :meth:`add` notes."""
        accepts, matters = self.accepts, self.matters
        others = sorted({w for w, _, _ in sides})
        for gw, gr, _ in sides:
            if gw in matters:
                continue
            for ow in others:
                if ow <= gw or accepts[ow] == accepts[gw]:
                    continue
                if gr >= 0 and gr < ow:
                    break  # gw's own runner-up comes first from here on
                if any(c[0] < 0 or c[0] > ow or c[2] for c in view):
                    matters.add(gw)
                break  # a weaker ow of that policy would need a weaker address still


def _boxes_by_rank(compiled: Compiled) -> dict[int, list[tuple[str, Box]]]:
    out: dict[int, list[tuple[str, Box]]] = {}
    for proto, boxes in compiled.boxes.items():
        for b in boxes:
            mine = out.setdefault(b.rank, [])
            if len(mine) < 16:
                mine.append((proto, b))
    return out


def _shadowers(dm: DecisionMap, rank: int, boxes: list[tuple[str, Box]]) -> list[str]:
    """The rules that decide where the rule at ``rank`` matches (never the rule itself)."""
    deciders = dm.compiled.deciders
    found: dict[int, None] = {}
    for proto, b in boxes:
        for _lo, _hi, cells in dm.overlapping(proto, b.plo, b.plo):
            if b.alo >= GROUP_LO:
                ws = [c[0] for c in dm.member_cases(cells, (b.alo,))]
            else:
                j0 = bisect_right(cells.starts, b.alo) - 1
                j1 = bisect_right(cells.starts, b.ahi)
                ws = cells.winners[max(j0, 0) : j1]
            for w in ws:
                if w != rank:
                    found.setdefault(w)
    return [deciders[w].text() if w >= 0 else "the default" for w in found]
