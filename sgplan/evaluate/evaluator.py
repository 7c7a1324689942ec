"""The evaluator: one NIC (its groups, in join order) or one group alone, judged as SPEC
section 3 says.

    ev = Evaluator.of([web, extra], prefix_lists=stack.prefix_lists)
    v = ev.decide(Packet("ingress", "tcp", 22, ip_address("203.0.113.9")))
    v.outcome, v.rule, v.reason
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..model.group import PrefixList, SecurityGroup
from .catalog import Context
from .compile import Compiled, compile_groups
from .engine import DecisionMap
from .packet import Outcome, Packet, Verdict
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
    ) -> Evaluator:
        """An evaluator that knows only these groups and prefix lists."""
        return cls(groups, Context.of(groups, prefix_lists), name)

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
        ranks: set[int] = set()
        pending: set[int] = set()
        for point in self.points(packet):
            w, r, p = dm.lookup(packet.protocol, port, point)
            ranks.update((w, r))
            pending.update(p)
        return verdict(dm.compiled, packet, ranks, pending)


def verdict(compiled: Compiled, packet: Packet, ranks: set[int], pending: set[int]) -> Verdict:
    """Turn the ranks found at a packet's points into a verdict with its reason."""
    ranks.discard(-1)
    order = sorted(ranks)
    winner = order[0] if order else -1
    runner = order[1] if len(order) > 1 else -1
    deciders = compiled.deciders
    accept = compiled.outcome(winner)
    maybe = tuple(deciders[u] for u in sorted(pending) if winner < 0 or u < winner)
    outcome: Outcome = "accept" if accept else "drop"
    if any(m.accept != accept for m in maybe):
        outcome = "unknown"
    return Verdict(
        packet,
        outcome,
        deciders[winner] if winner >= 0 else None,
        compiled.default_reason,
        deciders[runner] if runner >= 0 else None,
        maybe,
    )
