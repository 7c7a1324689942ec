"""Only the rules that can decide inside an area of ports.

A packet is judged by the rules that match it, and a rule can only match packets on its own
ports. So inside an area of (protocol, port) spans, a group judges exactly as the group cut
down to the rules whose ports meet the area: same order, same policies, same defaults.
The semantic diff and the apply engine's guard evaluate such cut-down groups where only a
few rules changed, instead of compiling every rule of both versions.

    area = Area.of(changed_rules, context)
    small = area.narrow(group.rules, context)    # the rules that can decide inside it
    effective_access(dm, area.region)             # and the area as a region
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator

from ..model.rule import Rule
from .access import Parts, Region
from .catalog import Context
from .space import AXIS, NO_PORT, PORT_HI, PORT_LO, PORT_PROTOCOLS, PROTOCOLS

Span = tuple[int, int]
_NO_PORTS: Span = (NO_PORT, NO_PORT)


def rule_spans(rule: Rule, context: Context) -> Iterator[tuple[str, int, int]]:
    """``(protocol, first port, last port)`` of every port span a rule covers: ``all`` covers
    every protocol, a port list its entries (every port when its entries are unknown), the
    protocols without ports their single port 0. As :func:`compile_groups` cuts boxes."""
    protocols = PROTOCOLS if rule.protocol == "all" else (rule.protocol,)
    for proto in protocols:
        if proto not in PORT_PROTOCOLS:
            yield proto, NO_PORT, NO_PORT
        elif rule.protocol == "all":
            yield proto, PORT_LO, PORT_HI
        elif rule.port_list:
            plist = context.port_list(rule.port_list)
            if plist is None:
                yield proto, PORT_LO, PORT_HI
            else:
                for r in plist.ranges:
                    yield proto, r.start, r.end
        else:
            yield proto, rule.ports.start, rule.ports.end


class Area:
    """Per protocol, sorted disjoint port spans."""

    def __init__(self, spans: dict[str, list[Span]]):
        self.spans = spans
        self._starts = {p: [lo for lo, _ in s] for p, s in spans.items()}

    @classmethod
    def of(cls, rules: Iterable[Rule], context: Context) -> Area:
        raw: dict[str, list[Span]] = {}
        for rule in rules:
            for proto, lo, hi in rule_spans(rule, context):
                raw.setdefault(proto, []).append((lo, hi))
        return cls({p: _merged(s) for p, s in raw.items()})

    def __bool__(self) -> bool:
        return bool(self.spans)

    def meets(self, rule: Rule, context: Context) -> bool:
        """Whether some port span of ``rule`` meets the area."""
        single = rule.protocol
        if single != "all" and not rule.port_list:  # one span: the common case
            starts = self._starts.get(single)
            if not starts:
                return False
            lo, hi = rule.ports if single in PORT_PROTOCOLS else _NO_PORTS
            i = bisect_right(starts, hi) - 1
            return i >= 0 and self.spans[single][i][1] >= lo
        for proto, lo, hi in rule_spans(rule, context):
            starts = self._starts.get(proto)
            if not starts:
                continue
            i = bisect_right(starts, hi) - 1
            if i >= 0 and self.spans[proto][i][1] >= lo:
                return True
        return False

    def narrow(self, rules: Iterable[Rule], context: Context) -> tuple[Rule, ...]:
        """The rules that can decide some packet inside the area, in their order."""
        return tuple(r for r in rules if self.meets(r, context))

    @property
    def region(self) -> Region:
        """The area as a region of the evaluator's (port x peer) space: every peer."""
        out: dict[str, Parts] = {}
        for proto, spans in self.spans.items():
            out[proto] = tuple((lo, hi, AXIS) for lo, hi in spans)
        return out


def _merged(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out
