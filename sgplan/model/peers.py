"""Rule peers: the source of an ingress rule or the destination of an egress rule.

Every spelling becomes one :class:`Peer` whose ``str()`` is its canonical text, used in rule
identity, snapshots and resource names:

=====================  =========================  ==========================================
kind                   canonical text             written by users as
=====================  =========================  ==========================================
``ipv4``               ``10.0.0.0/8``             ``10.0.0.1`` (means /32), ``10.0.0.0/8``
``ipv6``               ``2001:db8::/32``          any IPv6 spelling, upper or lower case
``group_name``         ``group:prod-app-sg``      ``group("prod-app-sg")`` / ``group:NAME``
``group_id``           ``sg-bp1...``              ``sg-...`` or ``ACCOUNT/sg-...``
``prefix_list_name``   ``prefix-list:office``     ``prefix_list("office")``
``prefix_list_id``     ``pl-...``                 ``pl-...``
=====================  =========================  ==========================================
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any, Literal

PeerKind = Literal["ipv4", "ipv6", "group_name", "group_id", "prefix_list_name", "prefix_list_id"]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

GROUP_PREFIX = "group:"
PREFIX_LIST_PREFIX = "prefix-list:"

PEER_ALLOWED = (
    "an IPv4 or IPv6 address or CIDR (10.0.0.0/8, 2001:db8::/32), a group of this stack as "
    "group:NAME, a group ID sg-..., another account's group ACCOUNT/sg-..., "
    "a prefix list ID pl-... or a prefix list of this stack as prefix-list:NAME"
)


class PeerSyntaxError(ValueError):
    """A peer spelling that cannot be read."""


class Peer(str):
    """A canonical peer. It *is* its canonical text (a ``str``), so hashing and comparing
    peers, and the rule identities holding them, run at C speed; ``kind``, ``value`` and
    ``owner`` say what the text means."""

    __slots__ = ("kind", "owner", "value")
    kind: PeerKind
    value: str
    owner: str | None

    def __new__(cls, kind: PeerKind, value: str, owner: str | None = None) -> Peer:
        if kind == "group_name":
            text = GROUP_PREFIX + value
        elif kind == "prefix_list_name":
            text = PREFIX_LIST_PREFIX + value
        elif owner:
            text = f"{owner}/{value}"
        else:
            text = value
        self = super().__new__(cls, text)
        self.kind = kind
        self.value = value
        self.owner = owner
        return self

    def __repr__(self) -> str:
        owner = f", owner={self.owner!r}" if self.owner else ""
        return f"Peer(kind={self.kind!r}, value={self.value!r}{owner})"

    def __str__(self) -> str:
        return str.__str__(self)

    def __reduce__(self) -> tuple[object, ...]:
        return (Peer, (self.kind, self.value, self.owner))

    def __copy__(self) -> Peer:
        return self

    def __deepcopy__(self, memo: object) -> Peer:
        return self

    @property
    def is_cidr(self) -> bool:
        return self.kind in ("ipv4", "ipv6")

    @property
    def is_group(self) -> bool:
        return self.kind in ("group_name", "group_id")

    @property
    def is_prefix_list(self) -> bool:
        return self.kind in ("prefix_list_name", "prefix_list_id")

    @property
    def family(self) -> int | None:
        """4 or 6 for address peers, None otherwise."""
        if self.kind == "ipv4":
            return 4
        if self.kind == "ipv6":
            return 6
        return None

    @property
    def network(self) -> Network | None:
        """The address block of an address peer (None for groups and prefix lists)."""
        if self.kind == "ipv4" or self.kind == "ipv6":
            return network_of(self.value)
        return None

    @property
    def is_anywhere(self) -> bool:
        return self.value in ("0.0.0.0/0", "::/0")


@lru_cache(maxsize=65536)
def network_of(text: str) -> Network:
    """The ``ipaddress`` network of a canonical CIDR text."""
    return ipaddress.ip_network(text)


def cidr(text: str) -> Peer:
    """An address peer; raises :class:`PeerSyntaxError` when ``text`` is not an address."""
    return _parse_cidr(text)


def group(name: str) -> Peer:
    """A group of the same stack, by name (resolved to its ID when applied)."""
    return Peer("group_name", name)


def group_id(sg_id: str, owner: str | None = None) -> Peer:
    """A group by ID, optionally in another account (``owner`` is its account ID)."""
    return parse_peer(f"{owner}/{sg_id}" if owner else sg_id)


def prefix_list(name: str) -> Peer:
    """A prefix list of the same stack, by name."""
    return Peer("prefix_list_name", name)


def _fast_v4(text: str) -> str | None:
    """Canonical text of a plain dotted IPv4 address or CIDR, without ``ipaddress``."""
    addr, slash, plen = text.partition("/")
    parts = addr.split(".")
    if len(parts) != 4:
        return None
    n = 0
    for p in parts:
        if not p.isdigit() or len(p) > 3 or (len(p) > 1 and p[0] == "0"):
            return None
        v = int(p)
        if v > 255:
            return None
        n = (n << 8) | v
    if slash:
        if not plen.isdigit() or len(plen) > 2:
            return None
        bits = int(plen)
        if bits > 32:
            return None
    else:
        bits = 32
    n &= (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF
    return f"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}/{bits}"


@lru_cache(maxsize=1 << 17)  # estates repeat peers; 1M-rule ones have 100,000s of hosts
def _parse_cidr(text: str) -> Peer:
    fast = _fast_v4(text.strip())
    if fast is not None:
        return Peer("ipv4", fast)
    try:
        net = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise PeerSyntaxError(f"peer {text!r} cannot be read; allowed: {PEER_ALLOWED}") from None
    kind: PeerKind = "ipv4" if net.version == 4 else "ipv6"
    return Peer(kind, net.compressed)


def _is_id(text: str, prefix: str) -> bool:
    rest = text[len(prefix) :]
    return text.startswith(prefix) and bool(rest) and rest.replace("-", "").isalnum()


@lru_cache(maxsize=1 << 17)
def _parse_text(text: str) -> Peer:
    raw = text.strip()
    if raw.startswith(GROUP_PREFIX):
        name = raw[len(GROUP_PREFIX) :].strip()
        if not name:
            raise PeerSyntaxError(f"peer {text!r} names no group; allowed: {PEER_ALLOWED}")
        return Peer("group_name", name)
    if raw.startswith(PREFIX_LIST_PREFIX):
        name = raw[len(PREFIX_LIST_PREFIX) :].strip()
        if not name:
            raise PeerSyntaxError(f"peer {text!r} names no prefix list; allowed: {PEER_ALLOWED}")
        return Peer("prefix_list_name", name)
    if _is_id(raw, "sg-"):
        return Peer("group_id", raw)
    if "/sg-" in raw:
        owner, _, sg = raw.partition("/")
        if owner.isdigit() and _is_id(sg, "sg-"):
            return Peer("group_id", sg, owner)
        raise PeerSyntaxError(f"peer {text!r} cannot be read; allowed: {PEER_ALLOWED}")
    if _is_id(raw, "pl-"):
        return Peer("prefix_list_id", raw)
    return _parse_cidr(raw)


def parse_peer(value: Any) -> Peer:
    """Read any peer spelling (see the module table) into a canonical :class:`Peer`."""
    if type(value) is Peer:
        return value
    if isinstance(value, str):
        return _parse_text(value)
    if isinstance(value, dict):
        return _from_mapping(value)
    raise PeerSyntaxError(f"peer {value!r} cannot be read; allowed: {PEER_ALLOWED}")


def _from_mapping(value: dict[str, Any]) -> Peer:
    keys = set(value) - {"owner"}
    if len(keys) != 1:
        raise PeerSyntaxError(
            f"peer {value!r} must have exactly one of cidr, group, group_id, prefix_list, "
            "prefix_list_id (and owner only with group_id)"
        )
    (key,) = keys
    text = value[key]
    if not isinstance(text, str):
        raise PeerSyntaxError(f"peer {value!r}: {key} must be text")
    owner = value.get("owner")
    if owner is not None and key != "group_id":
        raise PeerSyntaxError(f"peer {value!r}: owner is only allowed with group_id")
    if key == "cidr":
        return _parse_cidr(text)
    if key == "group":
        return Peer("group_name", text)
    if key == "prefix_list":
        return Peer("prefix_list_name", text)
    if key == "group_id":
        peer = _parse_text(f"{owner}/{text}" if owner else text)
        if peer.kind != "group_id":
            raise PeerSyntaxError(f"peer {value!r}: group_id must look like sg-...")
        return peer
    if key == "prefix_list_id":
        peer = _parse_text(text)
        if peer.kind != "prefix_list_id":
            raise PeerSyntaxError(f"peer {value!r}: prefix_list_id must look like pl-...")
        return peer
    raise PeerSyntaxError(
        f"peer {value!r}: unknown key {key!r}; allowed keys: cidr, group, group_id, owner, "
        "prefix_list, prefix_list_id"
    )


def parse_cidr_text(value: Any) -> str:
    """Canonical text of an address or CIDR (for the other-side CIDR of 5-tuple rules)."""
    if not isinstance(value, str):
        raise PeerSyntaxError(f"address {value!r} cannot be read; allowed: an IPv4 or IPv6 CIDR")
    try:
        return _parse_cidr(value).value
    except PeerSyntaxError:
        raise PeerSyntaxError(
            f"address {value!r} cannot be read; allowed: an IPv4 or IPv6 address or CIDR"
        ) from None
