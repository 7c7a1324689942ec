"""Pretty JSON for review and git: nested structure indented, but each item of the lists
named in ``one_line`` (rules, entries...) written on a single line, and a mapping named there
written whole on one line.

One line per rule makes diffs of snapshots and plans read rule by rule; those lines are
encoded by the C encoder, so large documents stay fast.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def dumps(value: Any, one_line: Collection[str] = ()) -> str:
    return _emit(value, 0, None, frozenset(one_line)) + "\n"


def _emit(value: Any, depth: int, key: str | None, one_line: frozenset[str]) -> str:
    pad = "  " * (depth + 1)
    end = "  " * depth
    if isinstance(value, dict):
        if not value or key in one_line:
            return _compact(value)
        items = [
            f"{pad}{json.dumps(k)}: {_emit(v, depth + 1, k, one_line)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if key in one_line:
            return "[\n" + ",\n".join(pad + _compact(v) for v in value) + "\n" + end + "]"
        if all(not isinstance(v, (dict, list)) for v in value):
            return _compact(value)
        lines = [pad + _emit(v, depth + 1, None, one_line) for v in value]
        return "[\n" + ",\n".join(lines) + "\n" + end + "]"
    return _compact(value)
