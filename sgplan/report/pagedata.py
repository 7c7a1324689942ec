"""The report's data as the page carries it: the same facts as :func:`build_report`'s
document, written compactly so that 100,000 rules fit in a few MB.

Words are interned: ``words`` is a table of the distinct words of every rule text, rule
description and finding message, and each text is the list of its words' indexes (the
page joins them with spaces). Rules, findings and groups are arrays rather than objects::

    rules[n]    = [group, position, description, rule id, word, word, ...]
    findings[i] = [check, severity, group, rule position or 0, waived, word, word, ...]
    groups[k]   = {"t": token, "r": [rule in evaluation order, ...], "x": {i: [decision,
                   finding, ...]}, ...}

where ``group`` is an index into ``names``, ``check`` into ``checks``, ``severity`` into
``severities``, ``description`` and ``rule id`` into ``words`` (-1: none), ``decision``
0 decides / 1 shadowed / 2 redundant, and ``r`` lists ingress rules first. The matrix
(``rows``, ``columns``, ``cells``, ``entries``, ``numbers``) is the document's own.
"""

from __future__ import annotations

from typing import Any

from ..lint.checks import SEVERITIES

DECISIONS = ("decides", "shadowed", "redundant")


class _Words:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.words: list[str] = []

    def one(self, text: str) -> int:
        """A whole string as one entry (-1 for the empty string)."""
        if not text:
            return -1
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.words)
            self.words.append(text)
        return found

    def split(self, text: str) -> list[int]:
        index = self.index
        out = []
        for w in text.split(" "):
            found = index.get(w)
            if found is None:
                found = index[w] = len(self.words)
                self.words.append(w)
            out.append(found)
        return out


def page_data(doc: dict[str, Any]) -> dict[str, Any]:
    words = _Words()
    names: dict[str, int] = {}

    def name(token: str) -> int:
        found = names.get(token)
        if found is None:
            found = names[token] = len(names)
        return found

    for g in doc["groups"]:
        name(g["token"])
    checks = list(doc["checks"])
    check_of = {c: i for i, c in enumerate(checks)}
    sev_of = {s: i for i, s in enumerate(SEVERITIES)}
    rules = [
        [name(token), pos, words.one(desc), words.one(rid), *words.split(text)]
        for token, pos, text, desc, rid in doc["rules"]
    ]
    findings = [
        [check_of[f["check"]], sev_of[f["severity"]], name(f["group"]), f["rule"] or 0,
         int(f["waived"]), *words.split(f["message"])]
        for f in doc["findings"]
    ]  # fmt: skip
    groups = []
    for g in doc["groups"]:
        order: list[int] = []
        notes: dict[int, list[int]] = {}
        for k, (_, _, _, n, decision, hits) in enumerate(g["rules"]):
            order.append(n)
            if decision != "decides" or hits:
                notes[k] = [DECISIONS.index(decision), *hits]
        out: dict[str, Any] = {
            "t": g["token"],
            "i": g["id"] or "",
            "ty": g["type"],
            "nw": g["network"],
            "ia": g["inner_access"],
            "d": g["description"],
            "m": int(g["managed"]),
            "rm": int(g["removed"]),
            "f": g["findings"],
            "r": order,
            "x": notes,
        }
        if g["access"]:
            out["a"] = g["access"]
        if "change" in g:
            out["c"] = g["change"]
        groups.append(out)
    return {
        "format": doc["format"],
        "version": doc["version"],
        "page": 1,
        "title": doc["title"],
        "overview": doc["overview"],
        "risks": doc["risks"],
        "rows": doc["rows"],
        "columns": doc["columns"],
        "cells": doc["cells"],
        "entries": doc["entries"],
        "numbers": doc["numbers"],
        "checks": checks,
        "fixes": [doc["checks"][c] for c in checks],
        "severities": list(SEVERITIES),
        "names": list(names),
        "words": words.words,
        "rules": rules,
        "findings": findings,
        "groups": groups,
        "plan": doc["plan"] is not None,
    }
