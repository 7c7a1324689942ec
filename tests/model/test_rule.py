"""Field rules of SPEC section 2, each with its exact error text; canonical form and identity."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sgplan.model.ports import NO_PORTS, PortRange
from sgplan.model.rule import Rule, normalize_rule


def problems(**fields):
    _, found = normalize_rule(fields)
    return found


BASE = {"direction": "ingress", "protocol": "tcp", "ports": 22, "peer": "10.0.0.0/8"}


def test_canonical_form_from_api_spellings():
    clean, found = normalize_rule(
        {
            "direction": "Ingress",
            "protocol": "TCP",
            "ports": "22/22",
            "peer": "10.0.0.1",
            "policy": "Accept",
            "priority": "5",
            "description": "",
        }
    )
    assert found == []
    rule = Rule.from_normalized(clean)
    assert (rule.direction, rule.protocol, rule.policy, rule.priority) == (
        "ingress",
        "tcp",
        "accept",
        5,
    )
    assert rule.ports == PortRange(22, 22)
    assert str(rule.peer) == "10.0.0.1/32"
    assert rule.description is None
    assert rule.text() == "ingress accept tcp 22 from 10.0.0.1/32 priority 5"


def test_non_port_protocols_default_to_minus_one():
    rule = Rule(direction="ingress", protocol="icmp", peer="0.0.0.0/0")
    assert rule.ports == NO_PORTS
    assert rule.text() == "ingress accept icmp from 0.0.0.0/0 priority 1"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"priority": 0}, "priority", "priority 0 is out of range; allowed: 1-100 (smaller is stronger)"),
        ({"priority": 101}, "priority", "priority 101 is out of range; allowed: 1-100 (smaller is stronger)"),
        ({"priority": "high"}, "priority", "priority 'high' is not a whole number; allowed: 1-100"),
        ({"protocol": "sctp"}, "protocol", "protocol 'sctp' is not allowed; allowed: tcp, udp, icmp, icmpv6, gre, all"),
        ({"direction": "in"}, "direction", "direction 'in' is not allowed; allowed: ingress, egress"),
        ({"policy": "allow"}, "policy", "policy 'allow' is not allowed; allowed: accept, drop"),
        ({"nic_type": "public"}, "nic_type", "nic_type 'public' is not allowed; allowed: intranet, internet"),
        ({"ports": None}, "ports", "protocol tcp needs a port range 1-65535 (-1/-1 is invalid for tcp/udp)"),
        ({"ports": "-1/-1"}, "ports", "protocol tcp needs a port range 1-65535 (-1/-1 is invalid for tcp/udp)"),
        ({"protocol": "icmp"}, "ports", "protocol icmp takes no ports, got 22/22; allowed: -1/-1 or leave it out"),
        ({"protocol": "all", "ports": "1/65535"}, "ports", "protocol all takes no ports, got 1/65535; allowed: -1/-1 or leave it out"),
        ({"protocol": "gre", "source_ports": 5}, "source_ports", "protocol gre takes no ports, got 5/5; allowed: -1/-1 or leave it out"),
        ({"protocol": "icmp", "ports": None, "peer": "::/0"}, "protocol", "protocol icmp is IPv4 only but the peer is IPv6; allowed: icmpv6"),
        ({"protocol": "icmpv6", "ports": None}, "protocol", "protocol icmpv6 is IPv6 only but the peer is IPv4; allowed: icmp"),
        ({"local_cidr": "2001:db8::/64"}, "local_cidr", "local_cidr 2001:db8::/64 is IPv6 but the peer is IPv4; IPv4 and IPv6 cannot be mixed in one rule"),
        ({"local_cidr": "nope"}, "local_cidr", "address 'nope' cannot be read; allowed: an IPv4 or IPv6 address or CIDR"),
        ({"peer": "sg-abc", "nic_type": "internet"}, "nic_type", "a rule whose peer is a security group acts on private traffic only; nic_type must be intranet"),
        ({"peer": None}, "peer", "peer is required (the source of ingress, the destination of egress)"),
        ({"direction": None}, "direction", "direction is required; allowed: ingress, egress"),
        ({"description": "x" * 513}, "description", "description is 513 characters long; allowed: 1-512"),
        ({"colour": "red"}, "colour", "unknown field(s) colour; allowed: create_time, description, direction, local_cidr, nic_type, peer, peer_name, policy, port_list, ports, priority, protocol, rule_id, source_ports, waivers"),
    ],
)  # fmt: skip
def test_every_field_rule_has_its_exact_message(change, field, message):
    fields = {**BASE, **change}
    assert (field, message) in problems(**fields)


def test_live_rules_may_carry_the_legacy_priority():
    _, found = normalize_rule({**BASE, "priority": 110}, live=True)
    assert found == []
    assert problems(**{**BASE, "priority": 110})


def test_rule_model_reports_all_problems_of_a_rule_at_once():
    with pytest.raises(ValidationError) as exc:
        Rule(direction="ingress", protocol="tcp", ports=70000, peer="bogus", priority=0)
    text = str(exc.value)
    assert "priority 0 is out of range" in text
    assert "port range 70000 is outside 1-65535" in text
    assert "peer 'bogus' cannot be read" in text


def test_identity_excludes_description_and_live_id():
    a = Rule(
        direction="ingress",
        protocol="tcp",
        ports=22,
        peer="10.0.0.1",
        description="a",
        rule_id="sgr-1",
    )
    b = Rule(
        direction="ingress", protocol="TCP", ports="22/22", peer="10.0.0.1/32", description="b"
    )
    assert a.key == b.key
    assert a != b  # description differs
    assert a == b.with_(description="a")
    assert hash(a) == hash(b.with_(description="a"))


def test_identity_includes_every_other_field():
    base = Rule(direction="ingress", protocol="tcp", ports=22, peer="10.0.0.1")
    variants = [
        base.with_(direction="egress"), base.with_(policy="drop"), base.with_(priority=2),
        base.with_(protocol="udp"), base.with_(ports=23), base.with_(peer="10.0.0.2"),
        base.with_(source_ports=1024), base.with_(local_cidr="192.168.0.0/24"),
        base.with_(nic_type="internet"),
    ]  # fmt: skip
    keys = {v.key for v in variants}
    assert len(keys) == len(variants)
    assert base.key not in keys


def test_minus_one_source_ports_is_no_source_ports():
    rule = Rule(direction="ingress", protocol="tcp", ports=22, peer="1.2.3.4", source_ports="-1/-1")
    assert rule.source_ports is None
