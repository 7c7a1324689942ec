"""Hypothesis strategies: random NICs (groups of overlapping IPv4/IPv6/group/prefix-list rules
of every protocol and clashing priorities) and packets aimed at the rules' edges."""

from __future__ import annotations

import ipaddress

from hypothesis import strategies as st

from sgplan.evaluate.packet import Packet
from sgplan.model import PrefixList, Rule, SecurityGroup

V4_PEERS = (
    "0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24",
    "10.1.2.3/32", "192.168.0.0/16", "8.8.8.0/24",
)  # fmt: skip
V6_PEERS = ("::/0", "2001:db8::/32", "2001:db8:1::/48", "2400::/12", "2001:db8::1/128")
GROUP_NAMES = ("g0", "g1", "g2", "g3")
PREFIX_LISTS = (
    PrefixList(name="pl-a", max_entries=5, entries=("10.1.0.0/16", "8.8.8.8/32")),
    PrefixList(name="pl-b", address_family="IPv6", max_entries=5, entries=("2001:db8:1::/48",)),
    PrefixList(name="pl-all", max_entries=5, entries=("0.0.0.0/1", "128.0.0.0/1")),
    PrefixList(name="pl-known", id="pl-known01", max_entries=2, entries=("192.168.1.0/24",)),
)
LIST_PEERS = ("prefix-list:pl-a", "prefix-list:pl-b", "prefix-list:pl-all", "pl-known01")
UNKNOWN_LIST = "pl-unknown01"
PORT_EDGES = (1, 20, 22, 23, 80, 443, 1000, 3306, 65535)


@st.composite
def rules(draw: st.DrawFn, *, group_peers: bool = True, unknown_lists: bool = True) -> Rule:
    kinds = ["v4", "v6", "list"] + (["group"] if group_peers else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "v4":
        peer = draw(st.sampled_from(V4_PEERS))
        protocol = draw(st.sampled_from(("tcp", "udp", "icmp", "gre", "all")))
    elif kind == "v6":
        peer = draw(st.sampled_from(V6_PEERS))
        protocol = draw(st.sampled_from(("tcp", "udp", "icmpv6", "gre", "all")))
    elif kind == "group":
        peer = "group:" + draw(st.sampled_from(GROUP_NAMES))
        protocol = draw(st.sampled_from(("tcp", "udp", "icmp", "all")))
    else:
        choices = LIST_PEERS + ((UNKNOWN_LIST,) if unknown_lists else ())
        peer = draw(st.sampled_from(choices))
        protocol = draw(st.sampled_from(("tcp", "udp", "all")))
    fields: dict[str, object] = {
        "direction": draw(st.sampled_from(("ingress", "egress"))),
        "protocol": protocol,
        "peer": peer,
        "policy": draw(st.sampled_from(("accept", "drop"))),
        "priority": draw(st.integers(1, 4)),
    }
    if protocol in ("tcp", "udp"):
        a, b = sorted(draw(st.lists(st.sampled_from(PORT_EDGES), min_size=2, max_size=2)))
        fields["ports"] = f"{a}/{b}"
    return Rule.model_validate(fields)


@st.composite
def groups(draw: st.DrawFn, name: str, kind: str | None = None) -> SecurityGroup:
    kind = kind or draw(st.sampled_from(("normal", "normal", "enterprise")))
    enterprise = kind == "enterprise"
    found = draw(st.lists(rules(group_peers=not enterprise), max_size=8))
    unique = list({r.key: r for r in found}.values())
    return SecurityGroup(
        name=name,
        vpc_id="vpc-1",
        type=kind,
        inner_access_policy="drop" if enterprise else draw(st.sampled_from(("accept", "drop"))),
        rules=tuple(unique),
    )


@st.composite
def nics(draw: st.DrawFn) -> list[SecurityGroup]:
    """One to three groups of one kind, as joined by a NIC."""
    kind = draw(st.sampled_from(("normal", "normal", "enterprise")))
    count = draw(st.integers(1, 3))
    return [draw(groups(GROUP_NAMES[i], kind)) for i in range(count)]


def _edges(cidr: str) -> list[str]:
    net = ipaddress.ip_network(cidr)
    first, last = int(net.network_address), int(net.broadcast_address)
    top = 2**32 - 1 if net.version == 4 else 2**128 - 1
    cls = ipaddress.IPv4Address if net.version == 4 else ipaddress.IPv6Address
    return [str(cls(x)) for x in (first, last, first - 1, last + 1) if 0 <= x <= top]


V4_POINTS = tuple(
    sorted({a for c in (*V4_PEERS, "192.168.1.0/24", "8.8.8.8/32") for a in _edges(c)})
)
V6_POINTS = tuple(sorted({a for c in V6_PEERS for a in _edges(c)}))


@st.composite
def packets(draw: st.DrawFn, direction: str | None = None) -> Packet:
    direction = direction or draw(st.sampled_from(("ingress", "egress")))
    who = draw(st.sampled_from(("v4", "v6", "group", "member")))
    address = None
    members: tuple[str, ...] = ()
    if who in ("v4", "member"):
        address = ipaddress.ip_address(draw(st.sampled_from(V4_POINTS)))
    if who == "v6":
        address = ipaddress.ip_address(draw(st.sampled_from(V6_POINTS)))
    if who in ("group", "member"):
        members = tuple(
            sorted(set(draw(st.lists(st.sampled_from(GROUP_NAMES), min_size=1, max_size=2))))
        )
    protos = ["tcp", "udp", "gre"] + (["icmpv6"] if who == "v6" else ["icmp"])
    protocol = draw(st.sampled_from(protos))
    port = None
    if protocol in ("tcp", "udp"):
        edge = draw(st.sampled_from(PORT_EDGES))
        port = min(65535, max(1, edge + draw(st.sampled_from((-1, 0, 1)))))
    return Packet(direction, protocol, port, address, members)  # type: ignore[arg-type]
