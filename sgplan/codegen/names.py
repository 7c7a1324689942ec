"""Module constants for group and prefix-list names: ``WEB = "prod-shop-web-sg"``.

A constant is the shortest tail of the name's words that is unique in the module, with the
stack's own prefix (``prod-``) and a trailing ``sg`` left out, as a person names them:
``prod-shop-web-sg`` -> ``WEB``, ``prod-mysql-db-sg`` -> ``DB``. Only ASCII letters, digits
and underscores are used, so every constant is a valid identifier.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_WORD = re.compile(r"[A-Za-z0-9]+")
# words that say too little on their own (``ftp-temp-sg`` is FTP_TEMP, not TEMP)
_WEAK = frozenset(
    {"sg", "group", "groups", "vpc", "temp", "tmp", "old", "new", "default", "system", "list",
     "nets", "net", "pl", "all", "main", "test"}
)  # fmt: skip


# single letters pycodestyle (E741) refuses as names, easily mistaken for digits
_AMBIGUOUS = frozenset({"I", "L", "O"})


def _words(name: str, stack_name: str, suffixes: Sequence[str]) -> list[str]:
    words = [w.upper() for w in _WORD.findall(name)]
    lead = [w.upper() for w in _WORD.findall(stack_name)]
    if lead and words[: len(lead)] == lead and len(words) > len(lead):
        words = words[len(lead) :]
    while len(words) > 1 and words[-1].lower() in suffixes:
        words = words[:-1]
    return words


def _tail(words: Sequence[str], k: int) -> str:
    return "_".join(words[-k:])


def _start(words: Sequence[str]) -> int:
    """How many trailing words the constant starts with (two when the last one is weak)."""
    last = words[-1].lower() if words else ""
    if len(words) > 1 and (
        last in _WEAK or last.isdigit() or (last[:1] == "v" and last[1:].isdigit())
    ):
        return 2
    return 1


def constant_names(
    names: Sequence[tuple[str, str, Sequence[str]]],
    *,
    stack_name: str,
    reserved: Iterable[str] = (),
) -> list[str]:
    """One unique constant for each ``(name, fallback, suffixes)``, in the same order.

    ``fallback`` (a live ID) is used when the name has no ASCII word; ``suffixes`` are the
    trailing words to leave out (``sg`` for groups).
    """
    words: list[list[str]] = []
    ks: list[int] = []
    for name, fallback, suffixes in names:
        w = _words(name, stack_name, suffixes)
        if w:
            words.append(w)
            ks.append(min(_start(w), len(w)))
        else:  # no ASCII word in the name: the whole ID (SG_BP1...)
            w = _words(fallback, "", ()) or ["UNNAMED"]
            words.append(w)
            ks.append(len(w))
    taken = {r.upper() for r in reserved} | _AMBIGUOUS
    while True:
        chosen = [_tail(w, k) for w, k in zip(words, ks, strict=True)]
        counts: dict[str, int] = {}
        for c in chosen:
            counts[c] = counts.get(c, 0) + 1
        grow = [
            i
            for i, c in enumerate(chosen)
            if (counts[c] > 1 or c in taken) and ks[i] < len(words[i])
        ]
        if not grow:
            break
        for i in grow:
            ks[i] += 1
    out: list[str] = []
    used = set(taken)
    for c in chosen:
        ident = c if c[:1].isalpha() else f"N_{c}"
        base, n = ident, 2
        while ident in used:
            ident = f"{base}_{n}"
            n += 1
        used.add(ident)
        out.append(ident)
    return out
