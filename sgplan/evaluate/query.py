"""Questions about many packets at once: "is tcp/22 open from the whole internet?", "which
ports of a member of group X get through?".

A *peer set* (addresses, e.g. every public address) is asked about as alternatives: some of
its addresses may get through and others not. A *member* (one NIC's groups) is one peer that
is in all of them at once. Answers carry an example of each outcome found, with the rule
(or default) behind it, so a failed expectation can say exactly why.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .engine import DecisionMap
from .evaluator import Evaluator
from .packet import Decider
from .space import (
    PORT_PROTOCOLS,
    PROTOCOLS,
    Interval,
    IntervalSet,
    example_point,
    intersect,
    peer_domain,
    point_address,
    port_domain,
)


@dataclass(frozen=True)
class Example:
    """One packet of an outcome: protocol, port, the peer (an address; None for a member),
    and what decided it (None: the default)."""

    protocol: str
    port: int | None
    address: str | None
    decider: Decider | None

    def text(self, direction: str, default_reason: str) -> str:
        port = f"/{self.port}" if self.port is not None else ""
        peer = self.address or "the member"
        d = self.decider
        if (
            self.address is None
            and d is not None
            and d.ref is not None
            and not d.ref.rule.peer.is_group
        ):
            peer = f"the member if its private address is in {d.ref.rule.peer}"
        word = "from" if direction == "ingress" else "to"
        why = self.decider.text() if self.decider is not None else default_reason
        return f"{self.protocol}{port} {word} {peer}: {why}"


@dataclass
class Coverage:
    """Examples of packets accepted, dropped and undetermined (None when there are none),
    and every decider that accepts some of them."""

    direction: str
    default_reason: str
    accepted: Example | None = None
    dropped: Example | None = None
    unknown: Example | None = None
    acceptors: list[Decider | None] = field(default_factory=list)

    @property
    def all_accepted(self) -> bool:
        return self.accepted is not None and self.dropped is None and self.unknown is None

    @property
    def none_accepted(self) -> bool:
        return self.accepted is None and self.unknown is None

    def note(self, outcome: str, example: Example) -> None:
        if outcome == "accept":
            if self.accepted is None:
                self.accepted = example
            if example.decider not in self.acceptors:
                self.acceptors.append(example.decider)
        elif outcome == "drop":
            self.dropped = self.dropped or example
        else:
            self.unknown = self.unknown or example


def _scope(protocol: str, port: int | None) -> Iterator[tuple[str, Interval]]:
    """(protocol, port range) pairs a question covers: ``all`` is every protocol, a missing
    port is every port."""
    for proto in PROTOCOLS if protocol == "all" else (protocol,):
        if proto in PORT_PROTOCOLS and port is not None:
            yield proto, (port, port)
        else:
            yield proto, port_domain(proto)


def _decider(dm: DecisionMap, rank: int) -> Decider | None:
    return dm.compiled.deciders[rank] if rank >= 0 else None


def peer_set_coverage(
    ev: Evaluator,
    direction: str,
    protocol: str,
    port: int | None,
    peers: IntervalSet,
    nic_type: str = "intranet",
) -> Coverage:
    """How the packets from (or to) any address of ``peers`` fare."""
    dm = ev.decision_map(direction, nic_type)
    cov = Coverage(direction, dm.compiled.default_reason)
    for proto, ports in _scope(protocol, port):
        window = intersect(peers, peer_domain(proto))
        for start, _, cells in dm.overlapping(proto, *ports):
            shown = start if proto in PORT_PROTOCOLS else None
            for j, w in enumerate(cells.winners):
                piece = intersect(((cells.starts[j], cells.end(j)),), window)
                if not piece:
                    continue
                point = example_point(piece)
                assert point is not None
                example = Example(proto, shown, str(point_address(point)), _decider(dm, w))
                cov.note(dm.compiled.judge(w, cells.pending[j]), example)
    return cov


Ports = dict[str, list[Interval]]


def member_coverage(
    ev: Evaluator, direction: str, protocol: str, port: int | None, points: tuple[int, ...]
) -> tuple[Coverage, Ports, Ports]:
    """How packets from (or to) one member of the groups at ``points`` fare (for every
    private address it may have), and the ports (per protocol) it surely gets through on,
    and those it may get through on (for some address, or through an unknown list)."""
    dm = ev.decision_map(direction)
    compiled = dm.compiled
    cov = Coverage(direction, compiled.default_reason)
    open_ports: Ports = {}
    maybe_ports: Ports = {}
    for proto, ports in _scope(protocol, port):
        for lo, hi, cells in dm.overlapping(proto, *ports):
            shown = lo if proto in PORT_PROTOCOLS else None
            cases = dm.member_cases(cells, points)
            outcomes = {compiled.judge(w, p) for w, _, p in cases}
            for w, _, p in cases:
                cov.note(compiled.judge(w, p), Example(proto, shown, None, _decider(dm, w)))
            if outcomes == {"accept"}:
                open_ports.setdefault(proto, []).append((lo, hi))
            if outcomes - {"drop"}:
                maybe_ports.setdefault(proto, []).append((lo, hi))
    return cov, open_ports, maybe_ports
