"""The access matrix: for each sender (row) and receiver (column), the protocols and ports
the evaluator lets through, with the rules that decide and the ones they override.

Everything comes from the evaluator's decision maps, never from rule text: a column's
ingress map is read over each row's peer set (an address row is *whole* when every address
of it gets through, else *part*), and a group row is a member of that group whose private
address is not known. Between two groups, the sender's egress must let the packet out too,
so a group row's ports are those both sides accept.

Work is shared: segments with the same cells share one reading (the decision maps already
share cells between port segments), and the columns whose members fall in the same cell of
a sender's egress map share that reading.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..evaluate.catalog import Context
from ..evaluate.compile import Compiled
from ..evaluate.engine import Cell, Cells, DecisionMap, combine
from ..evaluate.evaluator import Evaluator
from ..evaluate.space import (
    GROUP_HI,
    GROUP_LO,
    PORT_PROTOCOLS,
    PROTOCOLS,
    PointCounter,
    port_domain,
)
from ..model.group import SecurityGroup
from .axes import Column, Row
from .risk import WIDE_SHARE, risk_of

Ranks = frozenset[int]
# one reading of a port segment for one row: (whole, share of the row, deciders, runners-up)
Reading = tuple[bool, float, Ranks, Ranks]


@dataclass(frozen=True, slots=True)
class Entry:
    """Ports ``lo..hi`` of ``protocol`` let through for a row into a column.

    ``whole``: every peer of the row gets through (else only part of it, e.g. a /16 of the
    internet, or a member only from some private addresses). ``deciders``/``shadowed``:
    rule numbers (see :class:`RuleBook`) of the receiver's rules that decide, and of those
    they override; ``egress``: the sender's rules that let it out (empty: the default).
    ``change``: ``+`` newly allowed, ``-`` newly blocked, ``""`` unchanged (plans only).
    """

    protocol: str
    lo: int
    hi: int
    whole: bool
    risk: str
    deciders: tuple[int, ...]
    shadowed: tuple[int, ...] = ()
    egress: tuple[int, ...] = ()
    change: str = ""

    @property
    def ports(self) -> str:
        if self.protocol not in PORT_PROTOCOLS:
            return ""
        if (self.lo, self.hi) == (1, 65535):
            return "all ports"
        return str(self.lo) if self.lo == self.hi else f"{self.lo}-{self.hi}"

    @property
    def text(self) -> str:
        ports = self.ports
        return f"{self.protocol} {ports}" if ports else self.protocol


class RuleBook:
    """Every rule the report mentions, numbered once: (group token, rule identity) -> n.
    Number -1 stands for intra-group access."""

    INTRA = -1

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, object], int] = {}
        self.rules: list[tuple[str, int, object]] = []  # token, position, Rule

    def number(self, token: str, position: int, rule: object) -> int:
        key = (token, getattr(rule, "key", rule))
        found = self.numbers.get(key)
        if found is None:
            found = self.numbers[key] = len(self.rules)
            self.rules.append((token, position, rule))
        return found


@dataclass
class Matrix:
    rows: list[Row]
    columns: list[Column]
    cells: dict[tuple[int, int], list[Entry]] = field(default_factory=dict)

    def cell(self, row: int, col: int) -> list[Entry]:
        """The entries of a cell; a group row the receiver's rules do not name, and whose
        sender's egress does not narrow it, reads as the "any group member" row."""
        found = self.cells.get((row, col))
        if found is not None:
            return found
        if self.rows[row].kind == "group":
            members = self.members_row
            if members is not None:
                return self.cells.get((members, col), [])
        return []

    @property
    def members_row(self) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.kind == "members"), None)


def _numbers(dm: DecisionMap, book: RuleBook) -> list[int]:
    out = []
    for d in dm.compiled.deciders:
        if d.ref is None:
            out.append(RuleBook.INTRA)
        else:
            out.append(book.number(d.ref.group, d.ref.position, d.ref.rule))
    return out


class _Reader:
    """Reads one decision map over the rows: address rows, the "any group member" row (a
    member of a group the map's rules do not name), and the group rows the rules name."""

    def __init__(self, dm: DecisionMap, rows: Sequence[Row], points: dict[str, int]):
        self.dm = dm
        self.addr = [
            (i, r, PointCounter(r.peers)) for i, r in enumerate(rows) if r.token is None and r.peers
        ]
        self.members = next((i for i, r in enumerate(rows) if r.kind == "members"), None)
        named = _named_points(dm)
        pts = sorted(
            (points[r.token], i)
            for i, r in enumerate(rows)
            if r.token is not None and points[r.token] in named
        )
        self.group_points = [p for p, _ in pts]
        self.group_rows = [i for _, i in pts]
        self.member_rows = frozenset(
            i for i, r in enumerate(rows) if r.kind in ("group", "members")
        )
        self.named_rows = frozenset(self.group_rows)
        self._cache: dict[int, list[tuple[int, Reading]]] = {}

    def read(self, cells: Cells) -> list[tuple[int, Reading]]:
        found = self._cache.get(id(cells))
        if found is None:
            found = self._cache[id(cells)] = self._read(cells)
        return found

    def _read(self, cells: Cells) -> list[tuple[int, Reading]]:
        compiled = self.dm.compiled
        judge = compiled.judge
        accepts = compiled.accepts
        starts, winners, runners, pending = (
            cells.starts,
            cells.winners,
            cells.runners,
            cells.pending,
        )
        n = len(starts)
        ok = [
            accepts[w] if not p else judge(w, p) == "accept"
            for w, p in zip(winners, pending, strict=True)
        ]
        out: list[tuple[int, Reading]] = []
        for i, row, counter in self.addr:
            accepted = 0
            rejected = False
            wins: set[int] = set()
            runs: set[int] = set()
            for lo, hi in row.peers:
                j = bisect_right(starts, lo) - 1
                while j < n and starts[j] <= hi:
                    if ok[j]:
                        accepted += min(hi, cells.end(j)) - max(lo, starts[j]) + 1
                        wins.add(winners[j])
                        if runners[j] >= 0:
                            runs.add(runners[j])
                    else:
                        rejected = True
                    j += 1
            if accepted:
                share = accepted / counter.total if counter.total else 1.0
                out.append((i, (not rejected, share, frozenset(wins), frozenset(runs))))
        view = self.dm.member_view(cells)
        if self.members is not None:
            reading = _member_reading(compiled, cells.cell(n - 1), view)  # GROUP_HI: any other
            if reading is not None:
                out.append((self.members, reading))
        gp = self.group_points
        if not gp:
            return out
        first = bisect_right(starts, GROUP_LO) - 1
        for j in range(max(first, 0), n):
            lo, hi = max(starts[j], GROUP_LO), cells.end(j)
            a, b = bisect_left(gp, lo), bisect_right(gp, hi)
            if a == b:
                continue
            reading = _member_reading(compiled, cells.cell(j), view)
            if reading is None:
                continue
            out.extend((self.group_rows[k], reading) for k in range(a, b))
        return out


def _named_points(dm: DecisionMap) -> frozenset[int]:
    """Group points some rule (or intra-group access) of the map names."""
    out: set[int] = set()
    for boxes in dm.compiled.boxes.values():
        for b in boxes:
            if b.alo >= GROUP_LO and b.ahi < GROUP_HI:
                out.update(range(b.alo, b.ahi + 1))
    return frozenset(out)


def _member_reading(compiled: Compiled, side: Cell, view: list[Cell]) -> Reading | None:
    """A member of the group at ``side``'s point, whatever private address it has."""
    judge = compiled.judge
    cases = {combine(side, c) for c in view}
    wins: set[int] = set()
    runs: set[int] = set()
    rejected = False
    for w, r, p in cases:
        if judge(w, p) == "accept":
            if w >= 0:
                wins.add(w)
            if r >= 0:
                runs.add(r)
        else:
            rejected = True
    if not wins and rejected:
        return None
    if not wins and not cases:
        return None
    return (not rejected, 1.0, frozenset(wins), frozenset(runs))


Piece = tuple[int, int, bool, float, frozenset[int], frozenset[int]]


def _ingress(ev: Evaluator, reader: _Reader, book: RuleBook) -> dict[int, dict[str, list[Piece]]]:
    """Per row, per protocol: port pieces (lo, hi, whole, share, deciders, runners)."""
    dm = reader.dm
    numbers = _numbers(dm, book)
    out: dict[int, dict[str, list[Piece]]] = {}
    for proto in PROTOCOLS:
        lo, hi = port_domain(proto)
        for plo, phi, cells in dm.overlapping(proto, lo, hi):
            for row, (whole, share, wins, runs) in reader.read(cells):
                if proto == "icmpv6" and row in reader.member_rows:
                    continue  # a member talks over its private IPv4 address
                pieces = out.setdefault(row, {}).setdefault(proto, [])
                d = frozenset(numbers[w] for w in wins)
                s = frozenset(numbers[r] for r in runs) - d
                last = pieces[-1] if pieces else None
                if last and last[1] + 1 == plo and last[2] == whole and last[3] == share:
                    pieces[-1] = (last[0], phi, whole, share, last[4] | d, last[5] | s)
                else:
                    pieces.append((plo, phi, whole, share, d, s))
    return out


Out = dict[str, list[tuple[int, int, bool, frozenset[int]]]]


def _egress_to(
    ev: Evaluator, columns: Sequence[Column], points: dict[str, int], book: RuleBook
) -> list[Out | None]:
    """Per column: the ports a member of the sender's group may send to a member of the
    column's groups (None: everything, the sender has no egress rule and allows by default)."""
    dm = ev.decision_map("egress")
    compiled = dm.compiled
    if compiled.default_accept and all(d.ref is None for d in compiled.deciders):
        return [None] * len(columns)  # no egress rule: the default lets everything out
    numbers = _numbers(dm, book)
    result: list[Out | None] = [{} for _ in columns]
    col_points = [tuple(points[t] for t in c.tokens) for c in columns]
    for proto in PROTOCOLS:
        if proto == "icmpv6":
            continue  # members talk IPv4
        lo, hi = port_domain(proto)
        # port segments share their cell maps: each map is read once per distinct receiver
        readings: dict[int, list[tuple[bool, frozenset[int]] | None]] = {}
        for plo, phi, cells in dm.overlapping(proto, lo, hi):
            per_column = readings.get(id(cells))
            if per_column is None:
                per_column = readings[id(cells)] = _egress_readings(dm, cells, col_points, numbers)
            for ci, got in enumerate(per_column):
                if got is None:
                    continue
                whole, d = got
                out = result[ci]
                assert out is not None
                pieces = out.setdefault(proto, [])
                if pieces and pieces[-1][1] + 1 == plo and pieces[-1][2] == whole:
                    last = pieces[-1][3]
                    pieces[-1] = (pieces[-1][0], phi, whole, last if d <= last else last | d)
                else:
                    pieces.append((plo, phi, whole, d))
    return result


def _egress_readings(
    dm: DecisionMap, cells: Cells, col_points: list[tuple[int, ...]], numbers: list[int]
) -> list[tuple[bool, frozenset[int]] | None]:
    """Per column, what a member of the sender may send to it under one cell map: None
    (nothing), else (on every address, the deciding rule numbers)."""
    shared: dict[tuple[int, ...], tuple[bool, frozenset[int]] | None] = {}
    out: list[tuple[bool, frozenset[int]] | None] = []
    for pts in col_points:
        key = tuple(bisect_right(cells.starts, p) - 1 for p in pts)
        if key not in shared:
            got = _egress_reading(dm, cells, pts)
            shared[key] = (
                None if got is None
                else (got[0], frozenset(numbers[w] for w in got[1] if w >= 0))
            )  # fmt: skip
        out.append(shared[key])
    return out


def _egress_reading(
    dm: DecisionMap, cells: Cells, points: tuple[int, ...]
) -> tuple[bool, frozenset[int]] | None:
    judge = dm.compiled.judge
    cases = dm.member_cases(cells, points)
    outcomes = [judge(w, p) == "accept" for w, _, p in cases]
    if not any(outcomes):
        return None
    wins = frozenset(c[0] for c, ok in zip(cases, outcomes, strict=True) if ok)
    return all(outcomes), wins


def _clip(
    pieces: list[Piece], allowed: list[tuple[int, int, bool, frozenset[int]]]
) -> list[tuple[Piece, frozenset[int]]]:
    """Ingress pieces cut to the ports the sender may send on, with its egress deciders."""
    out: list[tuple[Piece, frozenset[int]]] = []
    j = 0
    for lo, hi, whole, share, d, s in pieces:
        while j < len(allowed) and allowed[j][1] < lo:
            j += 1
        k = j
        while k < len(allowed) and allowed[k][0] <= hi:
            a, b, w2, e = allowed[k]
            out.append(((max(lo, a), min(hi, b), whole and w2, share, d, s), e))
            k += 1
    return out


def compute_matrix(
    rows: list[Row],
    columns: list[Column],
    context: Context,
    book: RuleBook,
    evaluators: dict[str, Evaluator] | None = None,
    groups: Sequence[SecurityGroup] = (),
) -> Matrix:
    """The matrix of ``rows`` x ``columns``; ``evaluators`` (by column key) may be shared
    with other readers of the same groups."""
    points = {}
    for r in rows:
        if r.token is not None:
            points[r.token] = context.index.point(r.token)
    for c in columns:
        for t in c.tokens:
            points[t] = context.index.point(t)
    matrix = Matrix(rows, columns)
    senders: dict[int, list[Out | None]] = {}
    row_groups = {i: r for i, r in enumerate(rows) if r.token is not None}
    by_token = {context.directory.of_group(g): g for g in groups}
    by_token.update({t: c.groups[k] for c in columns for k, t in enumerate(c.tokens)})
    for i, r in row_groups.items():
        g = by_token.get(r.token or "")
        if g is not None:
            senders[i] = _egress_to(Evaluator([g], context), columns, points, book)
    member_rows = [i for i, r in row_groups.items()]
    for ci, col in enumerate(columns):
        ev = (evaluators or {}).get(col.key) or Evaluator(col.groups, context, col.label)
        reader = _Reader(ev.decision_map("ingress"), rows, points)
        read = _ingress(ev, reader, book)
        generic = read.get(reader.members, {}) if reader.members is not None else {}
        for ri, protos in read.items():
            egress = senders[ri][ci] if ri in senders else None
            entries = _row_entries(rows[ri], protos, egress)
            if entries or rows[ri].kind == "group":
                matrix.cells[(ri, ci)] = entries
        for ri in reader.named_rows - read.keys():
            matrix.cells[(ri, ci)] = []  # named, and nothing gets through
        # group rows the receiver's rules do not name: as "any group member", unless the
        # sender's egress keeps some of it in
        for ri in member_rows:
            if ri in reader.named_rows or ri not in senders:
                continue
            egress = senders[ri][ci]
            if egress is None or not _clips(generic, egress):
                continue
            matrix.cells[(ri, ci)] = _row_entries(rows[ri], generic, egress)
    return matrix


def _row_entries(row: Row, protos: dict[str, list[Piece]], egress: Out | None) -> list[Entry]:
    raw: list[_Raw] = []
    for proto, pieces in protos.items():
        if egress is None:
            clipped = [(p, frozenset[int]()) for p in pieces]
        else:
            clipped = _clip(pieces, egress.get(proto, []))
        for (lo, hi, whole, share, d, s), e in clipped:
            raw.append((proto, lo, hi, whole, share >= WIDE_SHARE, d, s, e))
    return _entries(row, raw) if raw else []


def _clips(pieces: dict[str, list[Piece]], egress: Out) -> bool:
    """Whether the sender's egress keeps in (or lets out only partly) some of ``pieces``."""
    for proto, mine in pieces.items():
        allowed = [(lo, hi) for lo, hi, whole, _ in egress.get(proto, []) if whole]
        for lo, hi, *_ in mine:
            i = bisect_right([a for a, _ in allowed], lo) - 1
            if i < 0 or allowed[i][1] < hi:
                # not inside one allowed run: check the runs are contiguous over lo..hi
                cur = lo
                for a, b in allowed[max(i, 0) :]:
                    if a > cur:
                        return True
                    cur = max(cur, b + 1)
                    if cur > hi:
                        break
                if cur <= hi:
                    return True
    return False


_Raw = tuple[str, int, int, bool, bool, frozenset[int], frozenset[int], frozenset[int]]


def _entries(row: Row, raw: list[_Raw]) -> list[Entry]:
    """Adjacent pieces alike merged, then each judged for risk as a whole range."""
    merged: list[_Raw] = []
    for item in raw:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last[0] == item[0]
            and last[2] + 1 == item[1]
            and last[3:5] == item[3:5]
        ):
            merged[-1] = (
                last[0], last[1], item[2], last[3], last[4],
                last[5] | item[5], last[6] | item[6], last[7] | item[7],
            )  # fmt: skip
        else:
            merged.append(item)
    return [
        Entry(
            proto,
            lo,
            hi,
            whole,
            risk_of(row, proto, lo, hi, wide),
            tuple(sorted(d)),
            tuple(sorted(s - d)),
            tuple(sorted(e)),
        )
        for proto, lo, hi, whole, wide, d, s, e in merged
    ]
