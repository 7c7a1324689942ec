"""Port ranges: parsing every spelling a user or the API uses into one canonical pair."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from .limits import PORT_MAX, PORT_MIN


class PortRange(NamedTuple):
    """An inclusive destination (or source) port range; ``(-1, -1)`` means "no ports"."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.start}/{self.end}"

    @property
    def is_any(self) -> bool:
        return self.start == -1

    def covers(self, port: int) -> bool:
        return self.start <= port <= self.end

    @property
    def label(self) -> str:
        """Short human form: ``22``, ``1000-2000`` or ``all``."""
        if self.start == -1:
            return "all"
        if self.start == self.end:
            return str(self.start)
        return f"{self.start}-{self.end}"


NO_PORTS = PortRange(-1, -1)
ALL_PORTS = PortRange(PORT_MIN, PORT_MAX)

_ALLOWED = "a port 1-65535 or a range like 1000-2000 or 1000/2000 (start <= end)"


class PortSyntaxError(ValueError):
    """A port spelling that cannot be read, with a message saying what is allowed."""


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> PortRange:
    raw = text.strip()
    if raw in ("-1/-1", "-1", ""):
        return NO_PORTS
    sep = "/" if "/" in raw else ("-" if "-" in raw[1:] else None)
    if sep is None:
        parts = [raw, raw]
    else:
        parts = raw.split(sep)
        if len(parts) != 2:
            raise PortSyntaxError(f"port range {text!r} cannot be read; allowed: {_ALLOWED}")
    try:
        start, end = int(parts[0]), int(parts[1])
    except ValueError:
        raise PortSyntaxError(f"port range {text!r} cannot be read; allowed: {_ALLOWED}") from None
    return _checked(start, end, repr(text))


def _checked(start: int, end: int, shown: str) -> PortRange:
    if start == -1 and end == -1:
        return NO_PORTS
    if not (PORT_MIN <= start <= PORT_MAX and PORT_MIN <= end <= PORT_MAX):
        raise PortSyntaxError(f"port range {shown} is outside 1-65535; allowed: {_ALLOWED}")
    if start > end:
        raise PortSyntaxError(f"port range {shown} starts after it ends; allowed: {_ALLOWED}")
    return PortRange(start, end)


def parse_port_range(value: Any) -> PortRange:
    """Read ``22``, ``"22"``, ``"1000-2000"``, ``"1000/2000"``, ``(a, b)`` or ``"-1/-1"``."""
    if type(value) is PortRange:
        return value
    if isinstance(value, bool):
        raise PortSyntaxError(f"port range {value!r} cannot be read; allowed: {_ALLOWED}")
    if isinstance(value, int):
        return _checked(value, value, str(value))
    if isinstance(value, str):
        return _parse_text(value)
    if isinstance(value, (tuple, list)) and len(value) == 2:
        a, b = value
        if isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool):
            return _checked(a, b, f"{a}/{b}")
    if isinstance(value, dict) and set(value) == {"start", "end"}:
        return parse_port_range((value["start"], value["end"]))
    raise PortSyntaxError(f"port range {value!r} cannot be read; allowed: {_ALLOWED}")


def split_port_list(value: Any) -> list[Any]:
    """Split the console's comma-separated list (``"22/23,443/443"``) into single ranges."""
    if isinstance(value, str) and "," in value:
        return [part for part in (p.strip() for p in value.split(",")) if part]
    return [value]
