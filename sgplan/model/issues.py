"""Validation problems, each naming where it is (stack, group, rule) and what is allowed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Issue:
    message: str
    stack: str | None = None
    group: str | None = None
    rule: int | None = None
    rule_text: str | None = None
    field: str | None = None
    where_else: str | None = None

    def location(self) -> str:
        parts: list[str] = []
        if self.stack is not None:
            parts.append(f"stack {self.stack}")
        if self.group is not None:
            parts.append(f"group {self.group}")
        if self.where_else is not None:
            parts.append(self.where_else)
        if self.rule is not None:
            text = f" `{self.rule_text}`" if self.rule_text else ""
            parts.append(f"rule {self.rule}{text}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "group": self.group,
            "rule": self.rule,
            "rule_text": self.rule_text,
            "field": self.field,
            "where": self.where_else,
            "message": self.message,
        }


class StackInvalid(Exception):
    """Every problem of one stack, collected and reported together."""

    def __init__(self, stack: str | None, issues: Iterable[Issue]):
        self.stack = stack
        self.issues = tuple(issues)
        super().__init__(self.render())

    def render(self) -> str:
        name = self.stack or "(unnamed)"
        noun = "problem" if len(self.issues) == 1 else "problems"
        lines = [f"stack {name} has {len(self.issues)} {noun}:"]
        lines.extend(f"  - {issue}" for issue in self.issues)
        return "\n".join(lines)


class InputError(Exception):
    """A user's input that cannot be used (missing file, unreadable format...)."""


def raw_rule_text(data: Any) -> str:
    """Best-effort one-line text of a rule declaration that may not validate."""
    if not isinstance(data, dict):
        return repr(data)
    parts: list[str] = []
    for key in ("direction", "policy", "service", "protocol", "ports"):
        value = data.get(key)
        if value not in (None, "") and not (key == "ports" and _short(value) == "all"):
            parts.append(_short(value))
    peer = data.get("peer")
    if peer not in (None, ""):
        word = "to" if str(data.get("direction", "")).lower() == "egress" else "from"
        parts.append(f"{word} {_short(peer)}")
    if data.get("priority") not in (None, ""):
        parts.append(f"priority {data['priority']}")
    return " ".join(parts) or repr(data)


def _short(value: Any) -> str:
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return label
    if isinstance(value, (list, tuple)):
        return ",".join(_short(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k}={v}" for k, v in value.items())
    return str(value)
