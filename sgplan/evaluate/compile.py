"""Rules of the groups on one NIC, for one direction, turned into integer boxes.

SPEC section 3: the rules of every group on the NIC apply together; the smallest priority
wins and ``drop`` beats ``accept`` at equal priority. So rules are ranked once by
``(priority, drop first, group order, rule order)`` and the strongest matching box decides.
Rank 0.. go to intra-group access (SPEC 1: a member of a shared group whose inner access
policy is ``accept`` is let through before any rule is looked at), then to the rules.
The last two keys of the rank only pick which of several equally strong rules is named;
the outcome never depends on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from ..model.group import SecurityGroup
from ..model.peers import Peer
from ..model.rule import Rule
from .catalog import Context
from .packet import Decider, Outcome, RuleRef
from .space import (
    PORT_HI,
    PORT_LO,
    PORT_PROTOCOLS,
    PROTOCOLS,
    V4,
    V4_HI,
    V6,
    V6_HI,
    V6_LO,
    IntervalSet,
    cidr_interval,
    normalize,
    port_domain,
)


@dataclass(slots=True)
class Box:
    """One (ports x peer interval) piece of a rule for one protocol; ``rank`` orders strength."""

    plo: int
    phi: int
    alo: int
    ahi: int
    rank: int
    unknown: bool = False


@dataclass
class Compiled:
    """Everything needed to judge one direction of one NIC (or one group alone)."""

    direction: str
    nic_type: str
    groups: tuple[SecurityGroup, ...]
    deciders: list[Decider]
    boxes: dict[str, list[Box]]
    default_accept: bool
    default_reason: str
    context: Context = field(repr=False)

    def __post_init__(self) -> None:
        # accepts[rank] for every decider, and accepts[-1] for the default.
        self.accepts = [d.accept for d in self.deciders] + [self.default_accept]

    def judge(self, winner: int, pending: tuple[int, ...]) -> Outcome:
        """accept or drop, or unknown when a pending rule (unknown prefix list) would differ."""
        accept = self.accepts[winner]
        if any(self.accepts[u] != accept for u in pending):
            return "unknown"
        return "accept" if accept else "drop"


def _default(groups: Sequence[SecurityGroup], direction: str) -> tuple[bool, str]:
    if direction == "ingress":
        return False, "no rule matches, and ingress is denied by default"
    if any(g.type == "enterprise" for g in groups):
        return False, "no rule matches, and enterprise groups deny egress by default"
    return True, "no rule matches, and normal groups allow egress by default"


# Every address, one interval per family (an unknown prefix list could hold anything).
_ANYWHERE: IntervalSet = (*V4, *V6)


class _PeerCache:
    """The peer intervals of each distinct peer, computed once per context."""

    def __init__(self, context: Context):
        self.context = context
        self.cache: dict[Peer, tuple[IntervalSet, str | None]] = {}

    def get(self, peer: Peer) -> tuple[IntervalSet, str | None]:
        found = self.cache.get(peer)
        if found is None:
            found = self.cache[peer] = self._intervals(peer)
        return found

    def _intervals(self, peer: Peer) -> tuple[IntervalSet, str | None]:
        ctx = self.context
        if peer.is_group:
            point = ctx.index.point(ctx.directory.of_peer(peer))
            return ((point, point),), None
        if peer.is_cidr:
            ivs: IntervalSet = (cidr_interval(peer.value),)
        else:
            plist = ctx.prefix_list(peer)
            if plist is None:
                return _ANYWHERE, f"prefix list {peer}"
            ivs = normalize(cidr_interval(c) for c in plist.cidrs)
        return ivs, None


def compile_groups(
    groups: Sequence[SecurityGroup],
    direction: str,
    context: Context,
    nic_type: str = "intranet",
) -> Compiled:
    """Rank the rules of ``groups`` (one NIC, in join order) and cut them into boxes."""
    peers = context.cache(_PeerCache)
    deciders: list[Decider] = []
    boxes: dict[str, list[Box]] = {p: [] for p in PROTOCOLS}
    tokens = [context.directory.of_group(g) for g in groups]
    for g, token in zip(groups, tokens, strict=True):
        if g.type == "normal" and g.inner_access_policy == "accept":
            point = context.index.point(token)
            rank = len(deciders)
            deciders.append(Decider(True, None, intra_group=token))
            for proto in PROTOCOLS:
                lo, hi = port_domain(proto)
                boxes[proto].append(Box(lo, hi, point, point, rank))
    ranked: list[tuple[int, bool, int, int, Rule]] = []
    for gpos, g in enumerate(groups):
        split = g.network == "classic"  # classic groups split public and private traffic
        for rpos, rule in enumerate(g.rules):
            if rule.direction == direction and (not split or rule.nic_type == nic_type):
                ranked.append((rule.priority, rule.policy != "drop", gpos, rpos, rule))
    ranked.sort(key=itemgetter(0, 1, 2, 3))
    for _prio, accept, gpos, rpos, rule in ranked:
        ivs, unknown = peers.get(rule.peer)
        ports: tuple[tuple[int, int], ...] | None = None
        if rule.port_list:
            plist = context.port_list(rule.port_list)
            if plist is None:
                # entries unknown: the rule could match any port
                unknown = " and ".join(x for x in (unknown, f"port list {rule.port_list}") if x)
            else:
                ports = normalize((r.start, r.end) for r in plist.ranges)
        rank = len(deciders)
        ref = RuleRef(tokens[gpos], rpos + 1, rule, groups[gpos].id)
        deciders.append(Decider(accept, ref, None, unknown))
        _add_boxes(boxes, rule, ivs, rank, unknown is not None, ports)
    accept, reason = _default(groups, direction)
    return Compiled(direction, nic_type, tuple(groups), deciders, boxes, accept, reason, context)


def _add_boxes(
    boxes: dict[str, list[Box]],
    rule: Rule,
    ivs: IntervalSet,
    rank: int,
    unknown: bool,
    port_ranges: tuple[tuple[int, int], ...] | None = None,
) -> None:
    """The rule's boxes; ``port_ranges`` are the entries of its port list when known (a
    port list whose entries are unknown spans every port, as an unknown box)."""
    protocols = PROTOCOLS if rule.protocol == "all" else (rule.protocol,)
    for proto in protocols:
        spans: tuple[tuple[int, int], ...]
        if proto in PORT_PROTOCOLS:
            if rule.protocol == "all" or (rule.port_list and port_ranges is None):
                spans = ((PORT_LO, PORT_HI),)
            elif port_ranges is not None:
                spans = port_ranges
            else:
                spans = ((rule.ports.start, rule.ports.end),)
        else:
            spans = (port_domain(proto),)
        out = boxes[proto]
        for alo, ahi in ivs:
            # ICMP packets come from IPv4 peers only, ICMPv6 from IPv6 peers only.
            if proto == "icmp" and V6_LO <= alo <= V6_HI:
                continue
            if proto == "icmpv6" and alo <= V4_HI:
                continue
            for lo, hi in spans:
                out.append(Box(lo, hi, alo, ahi, rank, unknown))
