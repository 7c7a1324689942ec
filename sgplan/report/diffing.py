"""Two matrices of the same rows and columns (before and after a plan) as one: entries
after the change, marked ``+`` where newly allowed, and the newly blocked ones marked ``-``.
Ports are compared per (row, column, protocol) as sets; rules and risk come from the
version that has the ports."""

from __future__ import annotations

from dataclasses import replace

from .matrix import Entry, Matrix

Key = tuple[int, int]


def _ranges(entries: list[Entry], proto: str) -> list[tuple[int, int]]:
    return [(e.lo, e.hi) for e in entries if e.protocol == proto]


def _minus(entry: Entry, other: list[tuple[int, int]]) -> list[Entry]:
    """The parts of ``entry`` outside ``other`` (sorted, disjoint ranges)."""
    out: list[Entry] = []
    cur = entry.lo
    for lo, hi in other:
        if hi < cur or lo > entry.hi:
            continue
        if lo > cur:
            out.append(replace(entry, lo=cur, hi=lo - 1))
        cur = max(cur, hi + 1)
        if cur > entry.hi:
            break
    if cur <= entry.hi:
        out.append(replace(entry, lo=cur, hi=entry.hi))
    return out


def _inside(entry: Entry, other: list[tuple[int, int]]) -> list[Entry]:
    out: list[Entry] = []
    for lo, hi in other:
        a, b = max(lo, entry.lo), min(hi, entry.hi)
        if a <= b:
            out.append(replace(entry, lo=a, hi=b))
    return out


def diff_cells(before: list[Entry], after: list[Entry]) -> list[Entry]:
    out: list[Entry] = []
    for e in after:
        old = _ranges(before, e.protocol)
        out.extend(_inside(e, old))
        out.extend(replace(x, change="+") for x in _minus(e, old))
    for e in before:
        new = _ranges(after, e.protocol)
        out.extend(replace(x, change="-") for x in _minus(e, new))
    order = {"tcp": 0, "udp": 1, "icmp": 2, "icmpv6": 3, "gre": 4}
    out.sort(key=lambda e: (order.get(e.protocol, 9), e.lo, e.change))
    return out


def diff_matrices(before: Matrix, after: Matrix) -> Matrix:
    """``after``'s rows and columns; ``before`` is matched by row and column keys."""
    rkey = {r.key: i for i, r in enumerate(after.rows)}
    ckey = {c.key: i for i, c in enumerate(after.columns)}
    old: dict[Key, list[Entry]] = {}
    bcol = {c.key: i for i, c in enumerate(before.columns)}
    for ri, row in enumerate(before.rows):
        r = rkey.get(row.key)
        if r is None:
            continue
        for ckey_, bi in bcol.items():
            c = ckey.get(ckey_)
            entries = before.cell(ri, bi)
            if c is not None and entries:
                old[(r, c)] = entries
    out = Matrix(after.rows, after.columns)
    for ri in range(len(after.rows)):
        for ci in range(len(after.columns)):
            merged = diff_cells(old.get((ri, ci), []), after.cell(ri, ci))
            if merged:
                out.cells[(ri, ci)] = merged
    return out
