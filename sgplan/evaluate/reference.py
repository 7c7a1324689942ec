"""The reference judge: SPEC section 3 read literally, every rule tried for every packet.

No intervals, no precompilation: ``ipaddress`` containment and a sort. It is the oracle the
property tests hold the evaluator to, and the naive baseline the benchmark measures against.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..model.group import SecurityGroup
from ..model.rule import Rule
from .catalog import Context
from .packet import Packet
from .space import MEMBER_BLOCKS


@dataclass(frozen=True, slots=True)
class Judgement:
    outcome: str  # accept | drop | unknown
    group: str | None = None
    position: int | None = None
    intra_group: bool = False
    varies: bool = False  # a member's verdict decided by different rules per address


def judge(groups: Sequence[SecurityGroup], packet: Packet, context: Context) -> Judgement:
    """The verdict for ``packet`` on a NIC in ``groups`` (join order), rule by rule.

    A member whose address is not given is judged once per private address that some rule
    boundary sets apart; the verdict stands only if they all agree.
    """
    if packet.address is None:
        verdicts = {
            _judge(groups, replace(packet, address=a), context)
            for a in _member_addresses(groups, context)
        }
        if len(verdicts) == 1:
            return verdicts.pop()
        outcomes = {v.outcome for v in verdicts}
        return Judgement(outcomes.pop() if len(outcomes) == 1 else "unknown", varies=True)
    return _judge(groups, packet, context)


def _member_addresses(
    groups: Sequence[SecurityGroup], context: Context
) -> list[ipaddress.IPv4Address]:
    """One private address per stretch of the member blocks between rule boundaries."""
    blocks = [ipaddress.ip_network(b) for b in MEMBER_BLOCKS]
    cuts = {int(b.network_address) for b in blocks}
    for g in groups:
        for rule in g.rules:
            for net in _networks(rule, context) or ():
                if net.version == 4:
                    cuts.update((int(net.network_address), int(net.broadcast_address) + 1))
    return [
        ipaddress.IPv4Address(c) for c in sorted(cuts)
        if c < 2**32 and any(ipaddress.IPv4Address(c) in b for b in blocks)
    ]  # fmt: skip


def _judge(groups: Sequence[SecurityGroup], packet: Packet, context: Context) -> Judgement:
    directory = context.directory
    peer_groups = {directory.resolve(g) for g in packet.groups}
    for g in groups:
        if (
            g.type == "normal"
            and g.inner_access_policy == "accept"
            and directory.of_group(g) in peer_groups
        ):
            return Judgement("accept", directory.of_group(g), None, intra_group=True)
    candidates: list[tuple[int, bool, int, int, SecurityGroup, Rule]] = []
    for gpos, g in enumerate(groups):
        for rpos, rule in enumerate(g.rules):
            candidates.append((rule.priority, rule.policy != "drop", gpos, rpos, g, rule))
    candidates.sort(key=lambda c: c[:4])
    maybes: list[bool] = []
    for _prio, accept, _gpos, rpos, g, rule in candidates:
        hit = _matches(g, rule, packet, peer_groups, context)
        if hit is None:
            maybes.append(accept)
        elif hit:
            if any(m != accept for m in maybes):
                return Judgement("unknown")
            return Judgement(rule.policy, directory.of_group(g), rpos + 1)
    default = packet.direction == "egress" and all(g.type == "normal" for g in groups)
    if any(m != default for m in maybes):
        return Judgement("unknown")
    return Judgement("accept" if default else "drop")


def _matches(
    group: SecurityGroup, rule: Rule, packet: Packet, peer_groups: set[str], context: Context
) -> bool | None:
    """Whether ``rule`` matches; None when it depends on a prefix list not defined here."""
    if rule.direction != packet.direction:
        return False
    if group.network == "classic" and rule.nic_type != packet.nic_type:
        return False
    if rule.protocol not in ("all", packet.protocol):
        return False
    if rule.port_list and rule.protocol in ("tcp", "udp"):
        plist = context.port_list(rule.port_list)
        if plist is not None and not any(r.covers(packet.port or 0) for r in plist.ranges):
            return False
        if plist is None:
            if rule.peer.is_group:
                return None if context.directory.of_peer(rule.peer) in peer_groups else False
            nets = _networks(rule, context)
            if nets is not None and not any(packet.address in n for n in nets):
                return False
            return None
    elif rule.protocol in ("tcp", "udp") and not rule.ports.covers(packet.port or 0):
        return False
    if rule.peer.is_group:
        return context.directory.of_peer(rule.peer) in peer_groups
    nets = _networks(rule, context)
    if nets is None:
        return None
    return any(packet.address in n for n in nets)


def _networks(
    rule: Rule, context: Context
) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network] | None:
    """The address blocks of an address or prefix-list rule (None: the list is unknown)."""
    peer = rule.peer
    if peer.is_group:
        return []
    if peer.is_cidr:
        return [ipaddress.ip_network(peer.value)]
    plist = context.prefix_list(peer)
    if plist is None:
        return None
    return [ipaddress.ip_network(c) for c in plist.cidrs]
