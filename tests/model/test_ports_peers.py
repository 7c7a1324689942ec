"""Port and peer spellings: every convenience reads to one canonical form, or a clear error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sgplan.model.peers import PeerSyntaxError, group_id, parse_cidr_text, parse_peer
from sgplan.model.ports import (
    NO_PORTS,
    PortRange,
    PortSyntaxError,
    parse_port_range,
    split_port_list,
)


@pytest.mark.parametrize(
    ("given_", "want"),
    [
        (22, PortRange(22, 22)),
        ("22", PortRange(22, 22)),
        (" 22 ", PortRange(22, 22)),
        ("1000-2000", PortRange(1000, 2000)),
        ("1000/2000", PortRange(1000, 2000)),
        ((1000, 2000), PortRange(1000, 2000)),
        ("-1/-1", NO_PORTS),
        ({"start": 1, "end": 65535}, PortRange(1, 65535)),
    ],
)
def test_port_spellings(given_, want):
    assert parse_port_range(given_) == want


@pytest.mark.parametrize(
    ("given_", "message"),
    [
        (0, "port range 0 is outside 1-65535"),
        ("70000", "port range '70000' is outside 1-65535"),
        ("2000-1000", "port range '2000-1000' starts after it ends"),
        ("ssh", "port range 'ssh' cannot be read"),
        ("1/2/3", "port range '1/2/3' cannot be read"),
        (True, "port range True cannot be read"),
        (2.5, "port range 2.5 cannot be read"),
    ],
)
def test_port_errors_say_what_is_allowed(given_, message):
    with pytest.raises(PortSyntaxError) as exc:
        parse_port_range(given_)
    assert str(exc.value).startswith(message)
    assert "allowed: a port 1-65535 or a range like 1000-2000 or 1000/2000" in str(exc.value)


def test_console_port_list_splits():
    assert split_port_list("22/23,443/443") == ["22/23", "443/443"]
    assert split_port_list("22") == ["22"]


@given(st.integers(1, 65535), st.integers(0, 1000))
def test_every_port_spelling_agrees(start, width):
    end = min(65535, start + width)
    want = PortRange(start, end)
    assert parse_port_range(f"{start}-{end}") == want
    assert parse_port_range(f"{start}/{end}") == want
    assert parse_port_range((start, end)) == want


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        ("10.0.0.1", "ipv4", "10.0.0.1/32"),
        ("10.1.2.3/8", "ipv4", "10.0.0.0/8"),
        ("0.0.0.0/0", "ipv4", "0.0.0.0/0"),
        ("2001:DB8:0:0::1/32", "ipv6", "2001:db8::/32"),
        ("2408:4321:180:1701:94c7:bc38:3bfa:1", "ipv6", "2408:4321:180:1701:94c7:bc38:3bfa:1/128"),
        ("::/0", "ipv6", "::/0"),
        ("sg-bp1hv6wvmegso36", "group_id", "sg-bp1hv6wvmegso36"),
        (
            "1609982529921234/sg-bp174yoe2ib1sqj5",
            "group_id",
            "1609982529921234/sg-bp174yoe2ib1sqj5",
        ),
        ("group:prod-app-sg", "group_name", "group:prod-app-sg"),
        ("pl-bp1abc", "prefix_list_id", "pl-bp1abc"),
        ("prefix-list:office", "prefix_list_name", "prefix-list:office"),
        ({"group": "prod-app-sg"}, "group_name", "group:prod-app-sg"),
        ({"group_id": "sg-1", "owner": "123"}, "group_id", "123/sg-1"),
        ({"cidr": "10.0.0.1"}, "ipv4", "10.0.0.1/32"),
        ({"prefix_list": "office"}, "prefix_list_name", "prefix-list:office"),
    ],
)
def test_peer_spellings(text, kind, canonical):
    peer = parse_peer(text)
    assert peer.kind == kind
    assert str(peer) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bogus", "peer 'bogus' cannot be read; allowed: an IPv4 or IPv6 address or CIDR"),
        ("010.0.0.1", "peer '010.0.0.1' cannot be read"),
        ("1.2.3.4/33", "peer '1.2.3.4/33' cannot be read"),
        ("abc/sg-1", "peer 'abc/sg-1' cannot be read"),
        ("group:", "peer 'group:' names no group"),
        ({"group": "a", "cidr": "1.2.3.4"}, "must have exactly one of cidr, group"),
        ({"cidr": "1.2.3.4", "owner": "1"}, "owner is only allowed with group_id"),
        ({"group_id": "pl-1"}, "group_id must look like sg-..."),
        (42, "peer 42 cannot be read"),
    ],
)
def test_peer_errors(text, message):
    with pytest.raises(PeerSyntaxError) as exc:
        parse_peer(text)
    assert message in str(exc.value)


@given(st.integers(0, 2**32 - 1), st.integers(0, 32))
def test_fast_ipv4_path_matches_ipaddress(addr, bits):
    import ipaddress

    dotted = str(ipaddress.IPv4Address(addr))
    want = ipaddress.ip_network(f"{dotted}/{bits}", strict=False)
    peer = parse_peer(f"{dotted}/{bits}")
    assert peer.value == want.compressed
    assert peer.network == want


def test_peer_helpers():
    assert str(group_id("sg-1", owner="42")) == "42/sg-1"
    assert parse_cidr_text("2001:DB8::1") == "2001:db8::1/128"
    assert parse_peer("0.0.0.0/0").is_anywhere
    assert parse_peer("::/0").is_anywhere
    assert not parse_peer("10.0.0.0/8").is_anywhere
