"""The reference judge: SPEC section 3 read literally, every rule tried for every packet.

No intervals, no precompilation: ``ipaddress`` containment and a sort. It is the oracle the
property tests hold the evaluator to, and the naive baseline the benchmark measures against.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from ..model.group import SecurityGroup
from ..model.rule import Rule
from .catalog import Context
from .packet import Packet

_ALL_V4 = ipaddress.IPv4Network("0.0.0.0/0")


@dataclass(frozen=True, slots=True)
class Judgement:
    outcome: str  # accept | drop | unknown
    group: str | None = None
    position: int | None = None
    intra_group: bool = False


def judge(groups: Sequence[SecurityGroup], packet: Packet, context: Context) -> Judgement:
    """The verdict for ``packet`` on a NIC in ``groups`` (join order), rule by rule."""
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
    if rule.protocol in ("tcp", "udp") and not rule.ports.covers(packet.port or 0):
        return False
    peer = rule.peer
    if peer.is_group:
        return context.directory.of_peer(peer) in peer_groups
    if peer.is_cidr:
        nets = [ipaddress.ip_network(peer.value)]
    else:
        plist = context.prefix_list(peer)
        if plist is None:
            return None
        nets = [ipaddress.ip_network(c) for c in plist.cidrs]
    addr = packet.address
    if addr is not None:
        return any(addr in n for n in nets)
    # A member whose address is not given matches rules covering every IPv4 address.
    v4 = [n for n in nets if n.version == 4]
    return list(ipaddress.collapse_addresses(v4)) == [_ALL_V4]
