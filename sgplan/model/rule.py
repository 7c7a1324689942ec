"""One security group rule in canonical form, and its identity.

Identity is everything but the description (and the waivers and live rule ID, which are
bookkeeping): two rules with equal identity are the same cloud rule. The description is the
only attribute updated in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, WithJsonSchema

from .base import Model
from .limits import PRIORITY_MAX, PRIORITY_MIN, RULE_DESCRIPTION_MAX, RULE_DESCRIPTION_MIN
from .peers import Peer, parse_cidr_text, parse_peer
from .ports import NO_PORTS, PortRange, parse_port_range
from .rulebase import RuleModel

Direction = Literal["ingress", "egress"]
Policy = Literal["accept", "drop"]
Protocol = Literal["tcp", "udp", "icmp", "icmpv6", "gre", "all"]
NicType = Literal["intranet", "internet"]

DIRECTIONS: tuple[str, ...] = ("ingress", "egress")
POLICIES: tuple[str, ...] = ("accept", "drop")
PROTOCOLS: tuple[str, ...] = ("tcp", "udp", "icmp", "icmpv6", "gre", "all")
PORT_PROTOCOLS = frozenset({"tcp", "udp"})
NIC_TYPES: tuple[str, ...] = ("intranet", "internet")


PeerField = Annotated[
    Peer, WithJsonSchema({"type": "string", "description": "canonical peer text"})
]
PortField = Annotated[
    PortRange, WithJsonSchema({"type": "string", "pattern": r"^(-1/-1|\d+/\d+)$"})
]


class Waiver(Model):
    """An accepted risk: the named check does not count for this rule until ``expires``."""

    check: str = Field(min_length=1)
    reason: str = Field(min_length=3)
    expires: date

    def active(self, today: date) -> bool:
        return today <= self.expires


RuleKey = tuple[str, str, str, int, str, PortRange, PortRange | None, Peer, str | None, str | None]

PORT_LIST_PREFIX = "port-list:"


def parse_port_list(value: Any) -> str:
    """A port list reference: a live ID ``prl-...`` or a list of the stack ``port-list:NAME``."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"port list {value!r} cannot be read; allowed: prl-... or port-list:NAME")
    raw = value.strip()
    if raw.startswith(PORT_LIST_PREFIX) and raw[len(PORT_LIST_PREFIX) :].strip():
        return PORT_LIST_PREFIX + raw[len(PORT_LIST_PREFIX) :].strip()
    rest = raw[4:]
    if raw.startswith("prl-") and rest and rest.replace("-", "").isalnum():
        return raw
    raise ValueError(f"port list {value!r} cannot be read; allowed: prl-... or port-list:NAME")


@dataclass(frozen=True, slots=True, eq=False, repr=False, init=False)
class Rule(RuleModel):
    """One rule in canonical form: a frozen object with slots (a few hundred bytes, see
    :mod:`sgplan.model.rulebase`), built only through validation (``Rule(**fields)``,
    ``Rule.model_validate``, or as a field of a group)."""

    direction: Direction
    protocol: Protocol
    peer: PeerField
    ports: PortField = NO_PORTS
    policy: Policy = "accept"
    priority: int = 1
    nic_type: NicType = "intranet"
    source_ports: PortField | None = None
    local_cidr: str | None = None
    description: str | None = None
    waivers: tuple[Waiver, ...] = ()
    rule_id: str | None = None
    port_list: str | None = None
    """a port list (prl-... or port-list:NAME) used instead of ports (tcp/udp)"""
    create_time: str | None = None
    """CreateTime the API reports"""
    peer_name: str | None = None
    """the peer's name as the API reports it (SourceGroupName, DestPrefixListName...), for display only"""
    key: RuleKey = field(init=False, repr=False, compare=False)
    """Identity: what makes two rules the same cloud rule (group aside)."""

    @staticmethod
    def _identity(rule: Rule) -> RuleKey:
        return (
            rule.direction,
            rule.nic_type,
            rule.policy,
            rule.priority,
            rule.protocol,
            rule.ports,
            rule.source_ports,
            rule.peer,
            rule.local_cidr,
            rule.port_list,
        )

    @staticmethod
    def _normalize(
        data: dict[str, Any], live: bool
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return normalize_rule(data, live=live)

    def __hash__(self) -> int:
        return hash((self.key, self.description))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Rule):
            return NotImplemented
        return self.key == other.key and self.description == other.description

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Stable order for snapshots and renderers: direction, priority, then the rest."""
        return (
            self.direction != "ingress",
            self.nic_type,
            self.priority,
            self.policy != "drop",
            self.protocol,
            self.ports,
            str(self.peer),
            str(self.source_ports or ""),
            self.local_cidr or "",
            self.port_list or "",
        )

    def text(self, peer: str | None = None) -> str:
        """One line a reviewer reads: ``ingress accept tcp 22 from 0.0.0.0/0 priority 1``.

        ``peer`` replaces the peer's canonical text (renderers show group names beside IDs).
        """
        parts: list[str] = [self.direction, self.policy, self.protocol]
        if self.port_list:
            parts.append(f"ports {self.port_list}")
        elif self.protocol in PORT_PROTOCOLS:
            parts.append(self.ports.label)
        if self.source_ports is not None:
            parts.append(f"source-ports {self.source_ports.label}")
        parts.append("from" if self.direction == "ingress" else "to")
        parts.append(peer if peer is not None else str(self.peer))
        if self.local_cidr:
            parts.append(f"local {self.local_cidr}")
        parts.append(f"priority {self.priority}")
        if self.nic_type == "internet":
            parts.append("nic internet")
        return " ".join(parts)

    def __str__(self) -> str:
        return self.text()

    def with_(self, **changes: Any) -> Rule:
        """A copy with some fields changed, validated again."""
        data = self.model_dump(exclude_none=True)
        data.update(changes)
        return Rule.model_validate(data, context={"live": self.priority > PRIORITY_MAX})


Rule._setup()

_FIELDS = frozenset(Rule.model_fields)
_LOWER = ("direction", "policy", "protocol", "nic_type")
_CHOICES: dict[str, tuple[str, ...]] = {
    "direction": DIRECTIONS,
    "policy": POLICIES,
    "protocol": PROTOCOLS,
    "nic_type": NIC_TYPES,
}
_DEFAULTS: dict[str, Any] = {"policy": "accept", "nic_type": "intranet", "priority": 1}
_INTERNED: dict[str, str] = {c: c for choices in _CHOICES.values() for c in choices}


def normalize_rule(
    data: dict[str, Any], *, live: bool = False
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Canonicalise one rule's fields, returning the clean dict and every problem found.

    Problems are ``(field, message)`` pairs whose message says what is wrong and what is
    allowed. ``live`` admits what exists in the cloud but may not be written by a stack
    (legacy priority 110).
    """
    problems: list[tuple[str, str]] = []
    unknown = () if _FIELDS.issuperset(data) else set(data) - _FIELDS
    if unknown:
        problems.append(
            (
                sorted(unknown)[0],
                f"unknown field(s) {', '.join(sorted(unknown))}; allowed: "
                + ", ".join(sorted(_FIELDS)),
            )
        )
    clean: dict[str, Any] = dict(_DEFAULTS)
    for name, value in data.items():
        if value is None or value == "":
            continue
        clean[name] = value
    for name in _LOWER:
        value = clean.get(name)
        if type(value) is str and value in _CHOICES[name]:  # already canonical: the common case
            clean[name] = _INTERNED[value]
            continue
        if value is None:
            if name in ("direction", "protocol"):
                problems.append((name, f"{name} is required; allowed: {', '.join(_CHOICES[name])}"))
            continue
        low = value.lower() if isinstance(value, str) else value
        if low not in _CHOICES[name]:
            problems.append(
                (name, f"{name} {value!r} is not allowed; allowed: {', '.join(_CHOICES[name])}")
            )
        else:
            clean[name] = _INTERNED[low]  # one shared string, not a copy per rule
    _priority(clean, problems, live)
    protocol = clean.get("protocol")
    if "port_list" in clean:
        _port_list(clean, protocol, problems)
    else:
        _ports(clean, "ports", protocol, problems)
    if "source_ports" in clean:
        _ports(clean, "source_ports", protocol, problems)
    peer = _peer(clean, problems)
    if "local_cidr" in clean:
        try:
            clean["local_cidr"] = parse_cidr_text(clean["local_cidr"])
        except ValueError as exc:
            problems.append(("local_cidr", str(exc)))
    _families(clean, peer, problems)
    if peer is not None and peer.is_group and clean.get("nic_type") == "internet":
        problems.append(
            (
                "nic_type",
                "a rule whose peer is a security group acts on private traffic only; "
                "nic_type must be intranet",
            )
        )
    desc = clean.get("description")
    if desc is not None:
        if not isinstance(desc, str):
            problems.append(("description", "description must be text"))
        elif not RULE_DESCRIPTION_MIN <= len(desc) <= RULE_DESCRIPTION_MAX:
            problems.append(
                (
                    "description",
                    f"description is {len(desc)} characters long; allowed: "
                    f"{RULE_DESCRIPTION_MIN}-{RULE_DESCRIPTION_MAX}",
                )
            )
    return clean, problems


def _priority(clean: dict[str, Any], problems: list[tuple[str, str]], live: bool) -> None:
    value: Any = clean.get("priority")
    if type(value) is int and PRIORITY_MIN <= value <= PRIORITY_MAX:
        return  # the common case
    prio: int | None
    try:
        prio = None if isinstance(value, bool) else int(value)
        if isinstance(value, float) and value != prio:
            prio = None
    except (TypeError, ValueError):
        prio = None
    if prio is None:
        problems.append(("priority", f"priority {value!r} is not a whole number; allowed: 1-100"))
        return
    top = 10**9 if live else PRIORITY_MAX
    if not PRIORITY_MIN <= prio <= top:
        problems.append(
            (
                "priority",
                f"priority {prio} is out of range; allowed: {PRIORITY_MIN}-{PRIORITY_MAX} "
                "(smaller is stronger)",
            )
        )
        return
    clean["priority"] = prio


def _ports(
    clean: dict[str, Any], name: str, protocol: Any, problems: list[tuple[str, str]]
) -> None:
    label = "ports" if name == "ports" else "source_ports"
    if name not in clean:
        if protocol in PORT_PROTOCOLS and name == "ports":
            problems.append(
                (
                    label,
                    f"protocol {protocol} needs a port range 1-65535 (-1/-1 is invalid for tcp/udp)",
                )
            )
        else:
            clean[name] = NO_PORTS
        return
    try:
        rng = parse_port_range(clean[name])
    except ValueError as exc:
        problems.append((label, str(exc)))
        return
    if protocol in PORT_PROTOCOLS and rng == NO_PORTS:
        if name == "source_ports":
            clean.pop(name)
            return
        problems.append(
            (
                label,
                f"protocol {protocol} needs a port range 1-65535 (-1/-1 is invalid for tcp/udp)",
            )
        )
        return
    if protocol in PROTOCOLS and protocol not in PORT_PROTOCOLS and rng != NO_PORTS:
        problems.append(
            (
                label,
                f"protocol {protocol} takes no ports, got {rng}; allowed: -1/-1 or leave it out",
            )
        )
        return
    if name == "source_ports" and rng == NO_PORTS:
        clean.pop(name)
        return
    clean[name] = rng


def _port_list(clean: dict[str, Any], protocol: Any, problems: list[tuple[str, str]]) -> None:
    try:
        clean["port_list"] = parse_port_list(clean["port_list"])
    except ValueError as exc:
        problems.append(("port_list", str(exc)))
        return
    if protocol in PROTOCOLS and protocol not in PORT_PROTOCOLS:
        problems.append(
            ("port_list", f"protocol {protocol} takes no ports; a port list needs tcp or udp")
        )
    ports = clean.get("ports")
    if ports is not None:
        try:
            rng = parse_port_range(ports)
        except ValueError:
            rng = None
        if rng != NO_PORTS:
            problems.append(
                (
                    "ports",
                    f"a rule uses a port range or a port list, not both (ports {ports!r}, "
                    f"port list {clean['port_list']})",
                )
            )
            return
    clean["ports"] = NO_PORTS


def _peer(clean: dict[str, Any], problems: list[tuple[str, str]]) -> Peer | None:
    if "peer" not in clean:
        problems.append(
            ("peer", "peer is required (the source of ingress, the destination of egress)")
        )
        return None
    try:
        peer = parse_peer(clean["peer"])
    except ValueError as exc:
        problems.append(("peer", str(exc)))
        return None
    clean["peer"] = peer
    return peer


def _families(clean: dict[str, Any], peer: Peer | None, problems: list[tuple[str, str]]) -> None:
    protocol = clean.get("protocol")
    family = peer.family if peer is not None else None
    if family == 6 and protocol == "icmp":
        problems.append(
            ("protocol", "protocol icmp is IPv4 only but the peer is IPv6; allowed: icmpv6")
        )
    if family == 4 and protocol == "icmpv6":
        problems.append(
            ("protocol", "protocol icmpv6 is IPv6 only but the peer is IPv4; allowed: icmp")
        )
    local = clean.get("local_cidr")
    if isinstance(local, str) and family is not None:
        local_family = 6 if ":" in local else 4
        if local_family != family:
            problems.append(
                (
                    "local_cidr",
                    f"local_cidr {local} is IPv{local_family} but the peer is IPv{family}; "
                    "IPv4 and IPv6 cannot be mixed in one rule",
                )
            )
