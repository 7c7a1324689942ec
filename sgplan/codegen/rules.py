"""A group's rules as the ``ingress(...)`` / ``egress(...)`` declarations a person writes.

Rules that share everything but their service and peer become one declaration, as the
console and people write them: ``ingress(svc.HTTP, svc.HTTPS, from_=[A, B])`` stands for the
four rules HTTP/HTTPS x A/B. A declaration is only formed when it expands to exactly the
rules it replaces (every service with every peer), so the round trip is exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import services
from ..model.peers import Peer
from ..model.ports import PortRange
from ..model.rule import PROTOCOLS, Rule
from .pycode import Atom, Node, call, list_of, s

# (sort key, expression) of a peer, as the module that holds the rule names it
PeerWriter = Callable[[Peer], tuple[tuple[Any, ...], Node]]
Part = tuple[str, PortRange]


def _attr(name: str) -> str:
    """The attribute of :mod:`sgplan.model.services` holding catalog service ``name``."""
    attr = name.upper().replace("-", "_")
    if getattr(services, attr, None) is not services.CATALOG[name]:
        raise LookupError(f"catalog service {name} has no attribute {attr}")
    return attr


SERVICE_ATTRS = {name: _attr(name) for name in services.CATALOG}


@dataclass(frozen=True)
class RuleFields:
    """Everything of a rule but its service (protocol and ports) and its peer."""

    direction: str
    policy: str
    priority: int
    nic_type: str
    source_ports: PortRange | None
    local_cidr: str | None
    description: str | None
    port_list: str | None = None
    list_protocol: str | None = None  # a port-list rule's protocol (written as protocol=)

    @classmethod
    def of(cls, rule: Rule) -> RuleFields:
        return cls(rule.direction, rule.policy, rule.priority, rule.nic_type,
                   rule.source_ports, rule.local_cidr, rule.description, rule.port_list,
                   rule.protocol if rule.port_list else None)  # fmt: skip


@dataclass
class Declaration:
    """One ``ingress``/``egress`` call: services x peers sharing ``fields``."""

    fields: RuleFields
    parts: list[Part]
    peers: list[Peer]
    order: tuple[Any, ...]  # the smallest sort key of the rules it stands for

    @property
    def count(self) -> int:
        return len(self.parts) * len(self.peers)


def _part_order(part: Part) -> tuple[int, PortRange]:
    return PROTOCOLS.index(part[0]), part[1]


def declarations(rules: Sequence[Rule]) -> list[Declaration]:
    """The fewest declarations (per shared fields and peer set) that expand to ``rules``."""
    by_fields: dict[RuleFields, dict[Part, dict[Peer, Rule]]] = {}
    for rule in rules:
        parts = by_fields.setdefault(RuleFields.of(rule), {})
        parts.setdefault((rule.protocol, rule.ports), {})[rule.peer] = rule
    out: list[Declaration] = []
    for fields, parts in by_fields.items():
        by_peers: dict[frozenset[Peer], list[Part]] = {}
        for part, peers in parts.items():
            by_peers.setdefault(frozenset(peers), []).append(part)
        for peer_set, part_list in by_peers.items():
            order = min(parts[p][peer].sort_key for p in part_list for peer in peer_set)
            out.append(
                Declaration(fields, sorted(part_list, key=_part_order), list(peer_set), order)
            )
    out.sort(key=lambda d: d.order)
    return out


def _port(ports: PortRange) -> Node:
    if ports.start == ports.end:
        return Atom(str(ports.start))
    return s(f"{ports.start}-{ports.end}")


MULTI_PART = [svc for svc in services.CATALOG.values() if len(svc.parts) > 1]
"""Catalog services of several parts (DNS is udp and tcp 53), named when all parts are there."""


def service_nodes(parts: Sequence[Part]) -> list[Node]:
    """``svc.HTTPS`` for catalog services, then ``tcp(...)`` and ``udp(...)`` for the rest."""
    named: list[Node] = []
    custom: dict[str, list[Node]] = {"tcp": [], "udp": []}
    rest = list(parts)
    for svc in MULTI_PART:
        if all(p in rest for p in svc.parts):
            named.append(Atom(f"svc.{SERVICE_ATTRS[svc.name]}"))
            rest = [p for p in rest if p not in svc.parts]
    for protocol, ports in rest:
        name = services.name_of(protocol, ports)
        if name is not None:
            named.append(Atom(f"svc.{SERVICE_ATTRS[name]}"))
        elif protocol in custom:
            custom[protocol].append(_port(ports))
        else:  # every portless protocol is in the catalog; kept in case that changes
            raise ValueError(f"protocol {protocol} has no catalog service")
    return named + [call(p, *nodes) for p, nodes in custom.items() if nodes]


def declaration_node(decl: Declaration, write_peer: PeerWriter) -> Node:
    """The ``ingress(...)``/``egress(...)`` call of one declaration."""
    f = decl.fields
    written = sorted((write_peer(p) for p in decl.peers), key=lambda kn: kn[0])
    peer_nodes = [node for _, node in written]
    peers = peer_nodes[0] if len(peer_nodes) == 1 else list_of(peer_nodes)
    ingress = f.direction == "ingress"
    listed = f.port_list is not None
    return call(
        f.direction,
        *([] if listed else service_nodes(decl.parts)),
        protocol=s(f.list_protocol) if listed and f.list_protocol else None,
        port_list=s(f.port_list) if f.port_list else None,
        from_=peers if ingress else None,
        to=None if ingress else peers,
        policy=s(f.policy) if f.policy != "accept" else None,
        priority=Atom(str(f.priority)) if f.priority != 1 else None,
        description=s(f.description) if f.description is not None else None,
        nic_type=s(f.nic_type) if f.nic_type != "intranet" else None,
        source_ports=_port(f.source_ports) if f.source_ports is not None else None,
        local_cidr=s(f.local_cidr) if f.local_cidr else None,
    )


def rule_nodes(rules: Sequence[Rule], write_peer: PeerWriter) -> list[Node]:
    """Declarations for ``rules``: ingress first, then egress, each in a stable order."""
    return [declaration_node(d, write_peer) for d in declarations(rules)]
