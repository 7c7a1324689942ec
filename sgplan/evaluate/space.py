"""The integer axes every evaluation works on, and sets of intervals over them.

A packet's peer (the source of ingress traffic, the destination of egress traffic) is one
point on a single integer axis made of three regions laid end to end:

* IPv4 addresses ``[0, 2**32)``;
* IPv6 addresses ``[2**32, 2**32 + 2**128)``;
* group points: "a member of security group G", one point per group the evaluation knows
  of (see :class:`sgplan.evaluate.catalog.GroupIndex`), the rest of the region standing for
  every other group.

A rule's peer is then one or more intervals on that axis, and a set of peers is an
:data:`IntervalSet`: sorted, disjoint, non-adjacent ``(lo, hi)`` pairs, both ends included.
Ports are integers too (tcp/udp 1-65535; the other protocols have the single port 0).
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache

Interval = tuple[int, int]
IntervalSet = tuple[Interval, ...]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

V4_LO = 0
V4_HI = 2**32 - 1
V6_LO = 2**32
V6_HI = V6_LO + 2**128 - 1
GROUP_LO = V6_HI + 1
GROUP_SLOTS = 2**20
GROUP_HI = GROUP_LO + GROUP_SLOTS - 1
AXIS: IntervalSet = ((V4_LO, GROUP_HI),)
V4: IntervalSet = ((V4_LO, V4_HI),)
V6: IntervalSet = ((V6_LO, V6_HI),)
GROUPS: IntervalSet = ((GROUP_LO, GROUP_HI),)
EMPTY: IntervalSet = ()

# Protocols a packet can carry (a rule's ``all`` matches every one of them).
PROTOCOLS: tuple[str, ...] = ("tcp", "udp", "icmp", "icmpv6", "gre")
PORT_PROTOCOLS = frozenset({"tcp", "udp"})
PORT_LO, PORT_HI = 1, 65535
NO_PORT = 0


def port_domain(protocol: str) -> Interval:
    """The ports a protocol has: 1-65535 for tcp/udp, the single port 0 otherwise."""
    return (PORT_LO, PORT_HI) if protocol in PORT_PROTOCOLS else (NO_PORT, NO_PORT)


def peer_domain(protocol: str) -> IntervalSet:
    """Where a packet of ``protocol`` can come from: ICMP is IPv4 only (and group members
    talk IPv4), ICMPv6 IPv6 only."""
    if protocol == "icmp":
        return (V4[0], GROUPS[0])
    if protocol == "icmpv6":
        return V6
    return AXIS


# -- addresses -----------------------------------------------------------------------------


def network_interval(net: Network) -> Interval:
    base = V4_LO if net.version == 4 else V6_LO
    lo = int(net.network_address)
    return (base + lo, base + lo + net.num_addresses - 1)


@lru_cache(maxsize=65536)
def cidr_interval(text: str) -> Interval:
    """The addresses of a canonical CIDR text (``10.0.0.0/8``, ``2001:db8::/32``)."""
    addr, _, plen = text.partition("/")
    if "." in addr and ":" not in addr:
        a, b, c, d = (int(x) for x in addr.split("."))
        lo = (a << 24) | (b << 16) | (c << 8) | d
        return (V4_LO + lo, V4_LO + lo + (1 << (32 - int(plen or 32))) - 1)
    if "." not in addr:
        head, sep, tail = addr.partition("::")
        words = [int(w, 16) for w in head.split(":") if w]
        rest = [int(w, 16) for w in tail.split(":") if w]
        if sep:
            words += [0] * (8 - len(words) - len(rest)) + rest
        if len(words) == 8:
            lo = 0
            for w in words:
                lo = (lo << 16) | w
            return (V6_LO + lo, V6_LO + lo + (1 << (128 - int(plen or 128))) - 1)
    return network_interval(ipaddress.ip_network(text, strict=False))


def address_point(addr: Address) -> int:
    return (V4_LO if addr.version == 4 else V6_LO) + int(addr)


def point_address(point: int) -> Address:
    if point <= V4_HI:
        return ipaddress.IPv4Address(point - V4_LO)
    return ipaddress.IPv6Address(point - V6_LO)


def cidrs_of(lo: int, hi: int) -> list[str]:
    """The fewest CIDR blocks covering exactly the addresses ``[lo, hi]`` of one family."""
    v4 = hi <= V4_HI
    bits = 32 if v4 else 128
    base = V4_LO if v4 else V6_LO
    text = _v4_text if v4 else _v6_text
    a, b = lo - base, hi - base
    out: list[str] = []
    while a <= b:
        # the largest aligned block starting at a that fits in [a, b]
        size = (a & -a).bit_length() - 1 if a else bits
        size = min(size, (b - a + 1).bit_length() - 1)
        out.append(f"{text(a)}/{bits - size}")
        a += 1 << size
    return out


def _v4_text(n: int) -> str:
    return f"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def _v6_text(n: int) -> str:
    """Compressed lower-case IPv6 text (RFC 5952), as ``ipaddress`` writes it."""
    words = [(n >> (112 - 16 * i)) & 0xFFFF for i in range(8)]
    best, best_len, run, run_len = -1, 1, -1, 0
    for i, w in enumerate(words):
        if w == 0:
            if run < 0:
                run, run_len = i, 0
            run_len += 1
            if run_len > best_len:
                best, best_len = run, run_len
        else:
            run = -1
    hexes = [f"{w:x}" for w in words]
    if best < 0:
        return ":".join(hexes)
    return ":".join(hexes[:best]) + "::" + ":".join(hexes[best + best_len :])


# -- interval sets -------------------------------------------------------------------------


def normalize(intervals: Iterable[Interval]) -> IntervalSet:
    """Sort and merge overlapping or touching intervals."""
    out: list[list[int]] = []
    for lo, hi in sorted(intervals):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1][1] = hi
        else:
            out.append([lo, hi])
    return tuple((a, b) for a, b in out)


def union(a: IntervalSet, b: IntervalSet) -> IntervalSet:
    if not a:
        return b
    if not b:
        return a
    return normalize((*a, *b))


def intersect(a: IntervalSet, b: IntervalSet) -> IntervalSet:
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def subtract(a: IntervalSet, b: IntervalSet) -> IntervalSet:
    """``a`` without ``b``."""
    out: list[Interval] = []
    j = 0
    for lo, hi in a:
        cur = lo
        while j < len(b) and b[j][1] < cur:
            j += 1
        k = j
        while k < len(b) and b[k][0] <= hi:
            if b[k][0] > cur:
                out.append((cur, b[k][0] - 1))
            cur = max(cur, b[k][1] + 1)
            if cur > hi:
                break
            k += 1
        if cur <= hi:
            out.append((cur, hi))
    return tuple(out)


def contains(a: IntervalSet, point: int) -> bool:
    return any(lo <= point <= hi for lo, hi in a)


# -- the public internet -------------------------------------------------------------------

# Special-purpose blocks (IANA registries, RFC 6890 and successors) that are not reachable
# from the public internet; "the internet" is every other address.
NON_PUBLIC_V4: tuple[str, ...] = (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
)  # fmt: skip
# IPv6 global unicast is 2000::/3; the documentation blocks inside it are not public.
PUBLIC_V6_BLOCK = "2000::/3"
NON_PUBLIC_V6: tuple[str, ...] = ("2001:db8::/32", "3fff::/20")


def _public() -> tuple[IntervalSet, IntervalSet]:
    v4 = subtract(V4, normalize(cidr_interval(c) for c in NON_PUBLIC_V4))
    v6 = subtract(
        (cidr_interval(PUBLIC_V6_BLOCK),), normalize(cidr_interval(c) for c in NON_PUBLIC_V6)
    )
    return v4, v6


PUBLIC_V4, PUBLIC_V6 = _public()
PUBLIC: IntervalSet = union(PUBLIC_V4, PUBLIC_V6)

# A member of a group whose address is not given talks over some private IPv4 address of
# its VPC (RFC 1918): address rules covering part of these blocks may or may not match it.
MEMBER_BLOCKS: tuple[str, ...] = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
MEMBER_SPACE: IntervalSet = normalize(cidr_interval(c) for c in MEMBER_BLOCKS)

# Addresses shown as examples when a set holds them: easier to read than the set's first one.
_SAMPLES = ("8.8.8.8", "1.1.1.1", "2001:4860:4860::8888")


def example_point(a: IntervalSet) -> int | None:
    """A point of ``a`` to show a reader: a well-known public address when it is in ``a``."""
    if not a:
        return None
    for text in _SAMPLES:
        p = address_point(ipaddress.ip_address(text))
        if contains(a, p):
            return p
    lo, hi = a[0]
    return lo + 1 if hi > lo else lo  # a host, not the network address, where there is one


class PointCounter:
    """How many points of a fixed set lie in any interval, in O(log n)."""

    def __init__(self, ivs: IntervalSet):
        self.starts = [lo for lo, _ in ivs]
        self.ends = [hi for _, hi in ivs]
        self.before: list[int] = []  # points of the set before interval i
        total = 0
        for lo, hi in ivs:
            self.before.append(total)
            total += hi - lo + 1
        self.total = total

    def below(self, x: int) -> int:
        """Points of the set smaller than ``x``."""
        i = bisect_right(self.starts, x) - 1
        if i < 0:
            return 0
        return self.before[i] + min(x, self.ends[i] + 1) - self.starts[i]

    def count(self, lo: int, hi: int) -> int:
        return self.below(hi + 1) - self.below(lo)

    def below_each(self, points: list[int]) -> list[int]:
        """``below(x)`` for each of ascending ``points``, in one walk."""
        out: list[int] = []
        starts, ends, before = self.starts, self.ends, self.before
        i, n = -1, len(starts)
        for x in points:
            while i + 1 < n and starts[i + 1] <= x:
                i += 1
            out.append(0 if i < 0 else before[i] + min(x, ends[i] + 1) - starts[i])
        return out
