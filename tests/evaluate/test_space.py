"""The integer axes: CIDR <-> interval conversions agree with ``ipaddress``, set operations
agree with Python sets, and "the internet" is what the special-purpose registries leave."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sgplan.evaluate.packet import Packet, parse_endpoint
from sgplan.evaluate.space import (
    PUBLIC_V4,
    PUBLIC_V6,
    V6_LO,
    PointCounter,
    address_point,
    cidr_interval,
    cidrs_of,
    contains,
    example_point,
    intersect,
    network_interval,
    normalize,
    subtract,
    union,
)
from sgplan.model.issues import InputError

v4_ints = st.integers(0, 2**32 - 1)
v6_ints = st.integers(0, 2**128 - 1)


@settings(max_examples=300, deadline=None)
@given(a=v4_ints, n=st.integers(0, 2**20), b=v6_ints, m=st.integers(0, 2**90))
def test_cidrs_of_matches_ipaddress_summaries(a, n, b, m):
    hi = min(a + n, 2**32 - 1)
    want = ipaddress.summarize_address_range(ipaddress.IPv4Address(a), ipaddress.IPv4Address(hi))
    assert cidrs_of(a, hi) == [x.compressed for x in want]
    hi6 = min(b + m, 2**128 - 1)
    want6 = ipaddress.summarize_address_range(ipaddress.IPv6Address(b), ipaddress.IPv6Address(hi6))
    assert cidrs_of(V6_LO + b, V6_LO + hi6) == [x.compressed for x in want6]


@settings(max_examples=300, deadline=None)
@given(n=v6_ints, plen=st.integers(0, 128), zeros=st.lists(st.integers(0, 7), max_size=6))
def test_cidr_interval_reads_what_ipaddress_writes(n, plen, zeros):
    for z in zeros:
        n &= ~(0xFFFF << (16 * z))
    net = ipaddress.IPv6Network((n, plen), strict=False)
    assert cidr_interval(net.compressed) == network_interval(net)
    v4 = ipaddress.IPv4Network((n & (2**32 - 1), plen % 33), strict=False)
    assert cidr_interval(v4.compressed) == network_interval(v4)


small = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)), max_size=6).map(
    lambda xs: normalize((lo, lo + w) for lo, w in xs)
)


def _points(ivs):
    return {p for lo, hi in ivs for p in range(lo, hi + 1)}


@settings(max_examples=300, deadline=None)
@given(a=small, b=small)
def test_interval_set_operations_match_python_sets(a, b):
    assert _points(union(a, b)) == _points(a) | _points(b)
    assert _points(intersect(a, b)) == _points(a) & _points(b)
    assert _points(subtract(a, b)) == _points(a) - _points(b)
    counter = PointCounter(a)
    for lo in range(0, 70, 7):
        assert counter.count(lo, lo + 9) == len(_points(a) & set(range(lo, lo + 10)))


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True), ("161.117.0.1", True), ("47.96.60.1", True),
        ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
        ("100.104.0.1", False),  # shared address space (Workbench's private range)
        ("127.0.0.1", False), ("169.254.1.1", False), ("203.0.113.9", False),
        ("224.0.0.1", False), ("255.255.255.255", False),
        ("2001:4860:4860::8888", True), ("2001:db8::1", False), ("fe80::1", False),
        ("fd00::1", False), ("::1", False),
    ],
)  # fmt: skip
def test_the_internet_is_every_public_address(address, public):
    point = address_point(ipaddress.ip_address(address))
    assert (contains(PUBLIC_V4, point) or contains(PUBLIC_V6, point)) is public


def test_examples_prefer_well_known_public_addresses():
    assert example_point(PUBLIC_V4) == address_point(ipaddress.ip_address("8.8.8.8"))
    block = (cidr_interval("10.0.0.0/8"),)
    assert example_point(block) == address_point(ipaddress.ip_address("10.0.0.1"))


def test_endpoints_and_packets_are_checked():
    assert parse_endpoint("10.0.0.1/32 group:web") == (ipaddress.ip_address("10.0.0.1"), ("web",))
    with pytest.raises(InputError, match="not one address"):
        parse_endpoint("10.0.0")
    with pytest.raises(InputError, match="two addresses"):
        parse_endpoint("10.0.0.1 10.0.0.2")
    with pytest.raises(InputError, match="tcp needs a destination port"):
        Packet("ingress", "tcp", None, ipaddress.ip_address("1.1.1.1"))
    with pytest.raises(InputError, match="icmp is IPv4 only"):
        Packet("ingress", "icmp", None, ipaddress.ip_address("2001:db8::1"))
    with pytest.raises(InputError, match="not one a packet carries"):
        Packet("ingress", "all", None, ipaddress.ip_address("1.1.1.1"))
    with pytest.raises(InputError, match="has no ports"):
        Packet("ingress", "gre", 5, ipaddress.ip_address("1.1.1.1"))
