"""A tiny tree of Python expressions and a printer whose output ``ruff format`` leaves alone.

The printer follows two rules that keep its output stable under ruff's formatter at any line
length of 88 or more (ruff's default, and 100 in this project):

* an expression is written on one line only when that line fits in :data:`LINE_LIMIT`
  columns, counting every non-ASCII character as two (wider than ruff ever counts it);
* otherwise it is exploded one item per line *with a trailing comma*, which ruff keeps
  exploded whatever the line length (the "magic trailing comma").

String literals are written the way ruff normalises them: double quotes unless the text holds
more double quotes than single ones, and every character that is not printable escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

LINE_LIMIT = 88
INDENT = "    "

_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def py_str(text: str) -> str:
    """``text`` as a Python string literal in ruff's preferred quoting."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    out = [quote]
    for ch in text:
        if ch == quote:
            out.append("\\" + ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            if code <= 0xFF:
                out.append(f"\\x{code:02x}")
            elif code <= 0xFFFF:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
    out.append(quote)
    return "".join(out)


def width(line: str) -> int:
    """Columns a line takes, never fewer than ruff counts: non-ASCII characters count two."""
    return sum(1 if ch < "\x7f" else 2 for ch in line)


class Node:
    """An expression: written flat when it fits, else exploded (see the module docstring)."""

    def flat(self) -> str:
        raise NotImplementedError

    def forced(self) -> bool:
        return False

    def lines(self, depth: int, lead: str = "", tail: str = "") -> list[str]:
        """The expression at indentation ``depth``, after ``lead`` and before ``tail``."""
        return [INDENT * depth + lead + self.flat() + tail]


@dataclass(frozen=True)
class Atom(Node):
    """Text written as it is: a name, a number, a literal."""

    text: str

    def flat(self) -> str:
        return self.text


def s(text: str) -> Atom:
    """A string literal."""
    return Atom(py_str(text))


@dataclass(frozen=True)
class Item:
    """One entry of a bracketed expression: ``lead`` (``name=``, ``"key": ``) then a value,
    with comment lines written above it (which force the brackets to explode)."""

    value: Node
    lead: str = ""
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bracketed(Node):
    """A call ``f(...)``, a list ``[...]`` or a dict ``{...}``."""

    opener: str
    closer: str
    items: tuple[Item, ...]
    explode: bool = field(default=False)

    def flat(self) -> str:
        inner = ", ".join(i.lead + i.value.flat() for i in self.items)
        return f"{self.opener}{inner}{self.closer}"

    def forced(self) -> bool:
        """Whether this must be exploded whatever its width (comments, or asked to)."""
        return self.explode or any(i.comments or i.value.forced() for i in self.items)

    def lines(self, depth: int, lead: str = "", tail: str = "") -> list[str]:
        pad = INDENT * depth
        one = pad + lead + self.flat() + tail
        if not self.items or (not self.forced() and width(one) <= LINE_LIMIT):
            return [one]
        out = [pad + lead + self.opener]
        inner = INDENT * (depth + 1)
        for item in self.items:
            out.extend(f"{inner}# {c}" if c else f"{inner}#" for c in item.comments)
            out.extend(item.value.lines(depth + 1, item.lead, ","))
        out.append(pad + self.closer + tail)
        return out


def call(name: str, *args: Node, explode: bool = False, **kwargs: Node | None) -> Bracketed:
    """``name(args..., key=value...)``; keyword values of ``None`` are left out."""
    items = [Item(a) for a in args]
    items.extend(Item(v, f"{k}=") for k, v in kwargs.items() if v is not None)
    return Bracketed(f"{name}(", ")", tuple(items), explode)


def list_of(values: Sequence[Node | Item], *, explode: bool = False) -> Bracketed:
    items = tuple(v if isinstance(v, Item) else Item(v) for v in values)
    return Bracketed("[", "]", items, explode)


def dict_of(pairs: Sequence[tuple[str, str]]) -> Bracketed:
    """A dict of string keys and string values."""
    return Bracketed("{", "}", tuple(Item(s(v), f"{py_str(k)}: ") for k, v in pairs))


def names_used(node: Node) -> set[str]:
    """The names an expression refers to: called functions and leading identifiers."""
    found: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Bracketed):
            if n.opener.endswith("(") and n.opener[:-1].isidentifier():
                found.add(n.opener[:-1])
            stack.extend(i.value for i in n.items)
        elif isinstance(n, Atom):
            head = n.text.split(".", 1)[0]
            if head.isidentifier():
                found.add(head)
    return found


def statement(node: Node, lead: str = "", depth: int = 0) -> str:
    """``lead`` then ``node``, as lines of source (a ``return``, an assignment...)."""
    return "\n".join(node.lines(depth, lead)) + "\n"
