"""Checks judged on what the evaluator says is reachable, never on rule text.

Each group is judged alone (as on a NIC in that group only), so a group stays safe wherever
it is attached. Exposure means: for a port, the accepted public addresses are at least
:data:`WIDE_SHARE` of the public IPv4 or IPv6 internet. That catches ``0.0.0.0/0``,
``::/0``, protocol ``all``, ranges covering the port, ``0.0.0.0/1`` + ``128.0.0.0/1`` and
prefix lists holding ``0.0.0.0/0``, and a ``/0`` with a few stronger drops; it does not
catch drop rules, accepts shadowed by a stronger drop, UDP on a TCP port, or a trusted
range such as Workbench's ``161.117.0.0/16``. The rules blamed are those that decide at
least :data:`BLAME_SHARE` of the accepting cells. Rules through prefix lists not defined where lint runs are not judged.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..evaluate.compile import Box, Compiled
from ..evaluate.engine import Cells, DecisionMap, combine
from ..evaluate.evaluator import Evaluator
from ..evaluate.packet import RuleRef
from ..evaluate.space import (
    GROUP_HI,
    GROUP_LO,
    PROTOCOLS,
    PUBLIC_V4,
    PUBLIC_V6,
    V4_HI,
    V6_HI,
    PointCounter,
    port_domain,
)
from .checks import Finding, finding

WIDE_SHARE = 0.5
# A rule is blamed when it alone lets in this much of the family's public internet (a /8's
# worth of IPv4): several rules together can be "everywhere" without any of them being so.
BLAME_SHARE = 1 / 256
_V4 = PointCounter(PUBLIC_V4)
_V6 = PointCounter(PUBLIC_V6)
_PUBLIC_V4_SIZE = _V4.total
_PUBLIC_V6_SIZE = _V6.total


@dataclass(frozen=True, slots=True)
class Service:
    label: str
    protocol: str
    lo: int
    hi: int

    @property
    def text(self) -> str:
        ports = str(self.lo) if self.lo == self.hi else f"{self.lo}-{self.hi}"
        return f"{self.protocol}/{ports} ({self.label})"


EXPOSURE_CHECKS: dict[str, tuple[Service, ...]] = {
    "open-admin-port": (Service("SSH", "tcp", 22, 22), Service("RDP", "tcp", 3389, 3389)),
    "open-database-port": (
        Service("MySQL", "tcp", 3306, 3306),
        Service("SQL Server", "tcp", 1433, 1433),
        Service("SQL Server browser", "udp", 1434, 1434),
        Service("Oracle", "tcp", 1521, 1521),
        Service("PostgreSQL", "tcp", 5432, 5432),
        Service("Redis", "tcp", 6379, 6379),
    ),
    "open-risky-port": (
        Service("FTP", "tcp", 21, 21),
        Service("Telnet", "tcp", 23, 23),
        Service("NetBIOS/RPC", "tcp", 135, 139),
        Service("NetBIOS/RPC", "udp", 135, 139),
        Service("SMB", "tcp", 445, 445),
    ),
}


@dataclass
class _Public:
    """The public addresses a cell map accepts, per deciding rule (rank): IPv4 and IPv6
    address counts."""

    v4: int = 0
    v6: int = 0
    by_rank: dict[int, tuple[int, int]] = field(default_factory=dict)


class GroupReach:
    """The decision maps of one group judged alone, shared by the reachability checks."""

    def __init__(self, evaluator: Evaluator):
        self.evaluator = evaluator
        self.ingress = evaluator.decision_map("ingress")
        self._public: dict[int, _Public] = {}

    def public(self, cells: Cells) -> _Public:
        found = self._public.get(id(cells))
        if found is None:
            found = self._public[id(cells)] = _public(cells, self.ingress.compiled)
        return found

    def segments(self, protocol: str, lo: int, hi: int) -> Iterator[tuple[int, int, Cells]]:
        return self.ingress.overlapping(protocol, lo, hi)


def _public(cells: Cells, compiled: Compiled) -> _Public:
    out = _Public()
    accepts = compiled.accepts
    bounds = [*cells.starts, GROUP_HI + 1]
    v4s = _V4.below_each(bounds)
    v6s = _V6.below_each(bounds)
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
    """Accepted public volume (ports x addresses) per family, in total and per rule."""

    def __init__(self) -> None:
        self.total = [0, 0]
        self.by_rank: dict[int, list[int]] = {}

    def add(self, pub: _Public, ports: int) -> None:
        self.total[0] += ports * pub.v4
        self.total[1] += ports * pub.v6
        for rank, (v4, v6) in pub.by_rank.items():
            mine = self.by_rank.setdefault(rank, [0, 0])
            mine[0] += ports * v4
            mine[1] += ports * v6

    def wide(self, whole: tuple[int, int]) -> dict[int, str]:
        """Where a family reaches :data:`WIDE_SHARE` of ``whole``: each rule letting in at
        least :data:`BLAME_SHARE` of it, with the share it lets in."""
        blamed: dict[int, list[str]] = {}
        for fam, label in ((0, "IPv4"), (1, "IPv6")):
            if self.total[fam] < WIDE_SHARE * whole[fam]:
                continue
            for rank, vols in self.by_rank.items():
                share = vols[fam] / whole[fam]
                if share >= BLAME_SHARE:
                    blamed.setdefault(rank, []).append(f"{_pct(share)} the public {label} internet")
        return {rank: " and ".join(parts) for rank, parts in blamed.items()}


def _pct(share: float) -> str:
    if share >= 1:
        return "all of"
    return f"{share:.0%} of" if share >= 0.01 else f"{share:.2%} of"


def exposure_findings(reach: GroupReach, check: str) -> list[Finding]:
    """One finding per rule that makes a port of a service reachable from most of the
    internet (judged port by port: a range covering the port counts)."""
    blamed: dict[int, list[str]] = {}
    whole = (_PUBLIC_V4_SIZE, _PUBLIC_V6_SIZE)
    for svc in EXPOSURE_CHECKS[check]:
        for _lo, _hi, cells in reach.segments(svc.protocol, svc.lo, svc.hi):
            tally = _Tally()
            tally.add(reach.public(cells), 1)
            for rank, share in tally.wide(whole).items():
                note = f"{svc.text} from {share}"
                if note not in blamed.setdefault(rank, []):
                    blamed[rank].append(note)
    return [
        _blame(reach, check, rank, "lets in " + "; ".join(notes))
        for rank, notes in sorted(blamed.items())
    ]


def open_all_findings(reach: GroupReach) -> list[Finding]:
    """Most of the (port x public address) space of TCP or UDP accepted."""
    blamed: dict[int, list[str]] = {}
    for proto in ("tcp", "udp"):
        lo, hi = port_domain(proto)
        ports = hi - lo + 1
        whole = (ports * _PUBLIC_V4_SIZE, ports * _PUBLIC_V6_SIZE)
        if not _could_be_wide(reach.ingress.compiled, proto, whole):
            continue
        tally = _Tally()
        for start, end, cells in reach.segments(proto, lo, hi):
            tally.add(reach.public(cells), end - start + 1)
        for rank, share in tally.wide(whole).items():
            blamed.setdefault(rank, []).append(f"{proto} on every port from {share}")
    return [
        _blame(reach, "open-all", rank, "lets in " + "; ".join(notes))
        for rank, notes in sorted(blamed.items())
    ]


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


def _blame(reach: GroupReach, check: str, rank: int, message: str) -> Finding:
    ref = reach.ingress.compiled.deciders[rank].ref
    assert ref is not None
    return finding(check, ref.group, message, group_id=ref.group_id, rule=ref)


# -- rules that never matter -----------------------------------------------------------


def useless_rule_findings(reach: GroupReach) -> list[Finding]:
    """``shadowed-rule`` for rules that decide nothing, ``redundant-rule`` for rules whose
    removal changes no verdict (where they decide, the next rule or the default agrees)."""
    out: list[Finding] = []
    for direction in ("ingress", "egress"):
        dm = reach.evaluator.decision_map(direction)
        out.extend(_useless(dm))
    return out


def _useless(dm: DecisionMap) -> list[Finding]:
    compiled = dm.compiled
    deciders = compiled.deciders
    tally = _Deciding(compiled)
    seen: set[int] = set()
    for proto in PROTOCOLS:
        for cells in dm.every_cells(proto):
            if id(cells) not in seen:
                seen.add(id(cells))
                tally.add(dm, cells)
    unknown = any(d.unknown_list for d in deciders)
    out: list[Finding] = []
    first: dict[int, tuple[str, Box]] | None = None
    for rank, d in enumerate(deciders):
        ref = d.ref
        if ref is None or d.unknown_list:
            continue
        if rank not in tally.decides:
            first = first if first is not None else _first_boxes(compiled)
            out.append(_shadowed(dm, ref, first.get(rank)))
        elif rank not in tally.matters and not unknown:
            out.append(_redundant(compiled, rank, tally.decides[rank], ref))
    return out


class _Deciding:
    """Which ranks decide some packet (with a runner-up seen there), and which would change
    some verdict if removed (their runner-up disagrees, or an unknown list is pending)."""

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
        if pending or self.accepts[r] != self.accepts[w]:
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
                if pending[j] or accepts[r] != accepts[w]:
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


def _first_boxes(compiled: Compiled) -> dict[int, tuple[str, Box]]:
    out: dict[int, tuple[str, Box]] = {}
    for proto, boxes in compiled.boxes.items():
        for b in boxes:
            out.setdefault(b.rank, (proto, b))
    return out


def _shadowed(dm: DecisionMap, ref: RuleRef, box: tuple[str, Box] | None) -> Finding:
    compiled = dm.compiled
    if box is None:
        why = "it matches no packet (its prefix list is empty)"
    else:
        proto, b = box
        w = dm.lookup(proto, b.plo, b.alo)[0]
        by = compiled.deciders[w].text() if w >= 0 else "the default"
        why = f"stronger rules decide every packet it matches, e.g. {by}"
    return finding("shadowed-rule", ref.group, f"never decides anything: {why}",
                   group_id=ref.group_id, rule=ref)  # fmt: skip


def _redundant(compiled: Compiled, rank: int, runner: int, ref: RuleRef) -> Finding:
    policy = "accept" if compiled.accepts[rank] else "drop"
    other = compiled.deciders[runner].text() if runner >= 0 else "the default"
    return finding(
        "redundant-rule",
        ref.group,
        f"removing it changes nothing: where it decides, {other} would decide the same ({policy})",
        group_id=ref.group_id,
        rule=ref,
    )
