"""What an evaluation needs to know beyond the rules: which group a peer names, what a prefix
list holds.

A group can be named several ways (``group:prod-web-sg`` in a stack, ``sg-bp1...`` in a
live state, ``ACCOUNT/sg-...`` across accounts). :class:`Directory` gives each group one
*token* so that a rule written either way matches the same packets, and two versions of a
group (desired by name, current by ID) can be compared. :class:`GroupIndex` places tokens on
the group region of the peer axis; everything compared together must share one index.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar, cast

from ..model.group import PortRangeList, PrefixList, SecurityGroup
from ..model.issues import InputError
from ..model.peers import GROUP_PREFIX, Peer, PeerSyntaxError, parse_peer
from ..model.rule import Rule
from ..model.validate import port_list_index, prefix_list_index
from .space import GROUP_LO, GROUP_SLOTS

T = TypeVar("T")


class GroupIndex:
    """Group tokens <-> points of the group region (points past the last token: other groups)."""

    def __init__(self) -> None:
        self._points: dict[str, int] = {}
        self._tokens: list[str] = []
        self._labels: list[str] = []
        self._order: list[int] = []

    def point(self, token: str) -> int:
        found = self._points.get(token)
        if found is not None:
            return found
        if len(self._tokens) >= GROUP_SLOTS - 1:
            raise InputError(f"more than {GROUP_SLOTS - 1} distinct groups in one evaluation")
        found = GROUP_LO + len(self._tokens)
        self._points[token] = found
        self._tokens.append(token)
        return found

    def token(self, point: int) -> str | None:
        """The group at ``point``; None for the "any other group" part of the region."""
        slot = point - GROUP_LO
        return self._tokens[slot] if 0 <= slot < len(self._tokens) else None

    def labels(self) -> tuple[list[str], list[int]]:
        """Each known group's display label by slot (``point - GROUP_LO``), and the slots in
        label order; kept until a new group is indexed (renderers ask for them per flow)."""
        if len(self._labels) != len(self._tokens):
            self._labels = [
                t if t.startswith("sg-") or "/sg-" in t else f"group:{t}" for t in self._tokens
            ]
            self._order = sorted(range(len(self._labels)), key=self._labels.__getitem__)
        return self._labels, self._order

    @property
    def known_end(self) -> int:
        """The first point that stands for "any other group"."""
        return GROUP_LO + len(self._tokens)


class Directory:
    """One token per group, however a rule or a user names it.

    The token is the group's name when that name is unique among the groups known here,
    else its ID; a group known only from a rule's peer keeps the peer's text.
    """

    def __init__(self, groups: Iterable[SecurityGroup] = ()) -> None:
        known = list(groups)
        names = Counter(g.name for g in known if g.name)
        self._by_id: dict[str, str] = {}
        for g in known:
            token = g.name if g.name and names[g.name] == 1 else (g.id or g.name)
            if g.id:
                self._by_id.setdefault(g.id, token)

    def of_group(self, group: SecurityGroup) -> str:
        if group.id and group.id in self._by_id:
            return self._by_id[group.id]
        return group.name or group.id or "?"

    def of_peer(self, peer: Peer) -> str:
        if peer.kind == "group_name":
            return peer.value
        return self._by_id.get(peer.value, str(peer))

    def resolve(self, text: str) -> str:
        """A user's spelling of a group (``NAME``, ``group:NAME``, ``sg-...``) as a token."""
        raw = text.strip()
        if raw.startswith(GROUP_PREFIX):
            raw = raw[len(GROUP_PREFIX) :].strip()
        if not raw:
            raise InputError(f"{text!r} names no group; allowed: NAME, group:NAME, sg-...")
        if raw in self._by_id:
            return self._by_id[raw]
        if raw.startswith("sg-") or "/sg-" in raw:
            try:
                return self.of_peer(parse_peer(raw))
            except PeerSyntaxError:
                raise InputError(
                    f"{text!r} is not a group ID; allowed: sg-... or ACCOUNT/sg-..."
                ) from None
        return raw


@dataclass
class Context:
    """The directory and index shared by everything compared together, and the prefix lists
    one version of the groups sees."""

    directory: Directory
    index: GroupIndex = field(default_factory=GroupIndex)
    prefix_lists: Mapping[str, PrefixList] = field(default_factory=dict)
    port_lists: Mapping[str, PortRangeList] = field(default_factory=dict)
    _caches: dict[object, object] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(
        cls,
        groups: Iterable[SecurityGroup],
        prefix_lists: Iterable[PrefixList] = (),
        port_lists: Iterable[PortRangeList] = (),
    ) -> Context:
        return cls(
            Directory(groups),
            GroupIndex(),
            prefix_list_index(tuple(prefix_lists)),
            port_list_index(tuple(port_lists)),
        )

    def with_lists(
        self, prefix_lists: Iterable[PrefixList], port_lists: Iterable[PortRangeList] = ()
    ) -> Context:
        """The same groups and index, another version's prefix and port lists."""
        return Context(
            self.directory,
            self.index,
            prefix_list_index(tuple(prefix_lists)),
            port_list_index(tuple(port_lists)),
        )

    def prefix_list(self, peer: Peer) -> PrefixList | None:
        return self.prefix_lists.get(str(peer))

    def port_list(self, ref: str) -> PortRangeList | None:
        """A port list whose entries are known (None: not defined here, or entries unknown)."""
        found = self.port_lists.get(ref)
        return found if found is not None and found.entries is not None else None

    def unknown_lists(self, rule: Rule) -> list[str]:
        """The lists a rule goes through whose entries are not known here."""
        out = []
        if rule.peer.is_prefix_list and self.prefix_list(rule.peer) is None:
            out.append(f"prefix list {rule.peer}")
        if rule.port_list and self.port_list(rule.port_list) is None:
            out.append(f"port list {rule.port_list}")
        return out

    def cache(self, kind: Callable[[Context], T]) -> T:
        """One ``kind(self)`` per context: memory that lives as long as what it depends on."""
        found = self._caches.get(kind)
        if found is None:
            found = self._caches[kind] = kind(self)
        return cast(T, found)
