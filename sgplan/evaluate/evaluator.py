"""The evaluator: one NIC (its groups, in join order) or one group alone, judged as SPEC
section 3 says.

    ev = Evaluator.of([web, extra], prefix_lists=stack.prefix_lists)
    v = ev.decide(Packet("ingress", "tcp", 22, ip_address("203.0.113.9")))
    v.outcome, v.rule, v.reason
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..model.group import PortRangeList, PrefixList, SecurityGroup
from .catalog import Context
from .compile import Compiled, compile_groups
from .engine import Cell, DecisionMap, combine
from .packet import Decider, Outcome, Packet, Verdict
from .space import NO_PORT, PORT_PROTOCOLS, address_point


class Evaluator:
    """Judges packets for one NIC; builds its decision maps on first use, per direction."""

    def __init__(self, groups: Sequence[SecurityGroup], context: Context, name: str | None = None):
        self.groups = tuple(groups)
        self.context = context
        self.name = name or " + ".join(context.directory.of_group(g) for g in self.groups)
        self._maps: dict[tuple[str, str], DecisionMap] = {}

    @classmethod
    def of(
        cls,
        groups: Sequence[SecurityGroup],
        prefix_lists: Iterable[PrefixList] = (),
        name: str | None = None,
        port_lists: Iterable[PortRangeList] = (),
    ) -> Evaluator:
        """An evaluator that knows only these groups and prefix and port lists."""
        return cls(groups, Context.of(groups, prefix_lists, port_lists), name)

    def compiled(self, direction: str, nic_type: str = "intranet") -> Compiled:
        return self.decision_map(direction, nic_type).compiled

    def decision_map(self, direction: str, nic_type: str = "intranet") -> DecisionMap:
        key = (direction, nic_type)
        found = self._maps.get(key)
        if found is None:
            compiled = compile_groups(self.groups, direction, self.context, nic_type)
            found = self._maps[key] = DecisionMap(compiled)
        return found

    def points(self, packet: Packet) -> list[int]:
        """The peer axis points of a packet: its address and each of its groups."""
        out = [address_point(packet.address)] if packet.address is not None else []
        ctx = self.context
        out.extend(ctx.index.point(ctx.directory.resolve(g)) for g in packet.groups)
        return out

    def decide(self, packet: Packet) -> Verdict:
        dm = self.decision_map(packet.direction, packet.nic_type)
        port = packet.port if packet.protocol in PORT_PROTOCOLS else NO_PORT
        assert port is not None
        points = self.points(packet)
        if packet.address is None:
            cases = dm.member(packet.protocol, port, tuple(points))
        elif len(points) == 1:  # an address alone: one lookup
            cases = [dm.lookup(packet.protocol, port, points[0])]
        else:
            cell: Cell = (-1, -1, ())
            for point in points:
                cell = combine(cell, dm.lookup(packet.protocol, port, point))
            cases = [cell]
        return verdict(dm.compiled, packet, cases)


def verdict(compiled: Compiled, packet: Packet, cases: list[Cell]) -> Verdict:
    """A verdict from the cells a packet can be in: one, or one per case of a member's
    unknown address. Definite when every case gives the same definite outcome."""
    deciders = compiled.deciders
    if len(cases) == 1:  # an address, or a member whose address cannot change the verdict
        winner, runner, pend = cases[0]
        return Verdict(
            packet,
            compiled.judge(winner, pend),
            deciders[winner] if winner >= 0 else None,
            compiled.default_reason,
            deciders[runner] if runner >= 0 else None,
            tuple(deciders[u] for u in sorted(set(pend))) if pend else (),
        )

    def decider(rank: int) -> Decider | None:
        return deciders[rank] if rank >= 0 else None

    outcomes = {compiled.judge(c[0], c[2]) for c in cases}
    outcome: Outcome = outcomes.pop() if len(outcomes) == 1 else "unknown"
    winner, runner, _ = cases[0]
    pending = sorted({u for c in cases for u in c[2]})
    member_cases: tuple[tuple[Decider | None, str], ...] = ()
    if len({c[0] for c in cases}) > 1:
        member_cases = tuple(
            (decider(w), compiled.judge(c[0], c[2])) for w, c in {c[0]: c for c in cases}.items()
        )
    return Verdict(
        packet,
        outcome,
        decider(winner),
        compiled.default_reason,
        decider(runner),
        tuple(deciders[u] for u in pending),
        member_cases,
    )
