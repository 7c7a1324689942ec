"""Intents: what a stack promises about reachability, checked on the desired groups or on a
current state (the static half of clone-test-then-apply).

An intent names a *remote* side (``source``) and groups of the stack (``target``):
``direction`` ingress (the default) is traffic from the remote side into the target's
members, egress is traffic from the target's members out to the remote side.

* ``internet`` is every public address, IPv4 and IPv6 (``internet-v4`` / ``internet-v6``
  for one family): every address outside the special-purpose blocks (private, shared,
  loopback, link-local, documentation, multicast, reserved). An address or CIDR is every
  address in it. ``group:NAME`` is a member of that group.
* ``allow`` holds when *every* such packet gets through (one public address let in proves
  nothing about the rest); ``deny`` holds when *none* does (one refused address proves
  nothing either). Neither is judged by sampling: the evaluator's cells are checked over
  the whole set, and a failure names one packet and the rule that decided it.
* The target's members are the NICs that join it (with all their groups, so another group
  on the same NIC counts); a group no NIC joins is judged alone. When both sides are groups
  of the stack, the sender's egress and the receiver's ingress must both let the packet
  through.
* No port means every port; protocol ``all`` means every protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .evaluate.evaluator import Evaluator
from .evaluate.packet import Packet
from .evaluate.query import Coverage, Example, Ports, member_coverage, peer_set_coverage
from .evaluate.sources import (
    Source,
    Subject,
    context_of,
    evaluator,
    subjects_joining,
)
from .evaluate.space import (
    PORT_PROTOCOLS,
    PUBLIC,
    PUBLIC_V4,
    PUBLIC_V6,
    IntervalSet,
    cidr_interval,
    intersect,
)
from .model.group import SecurityGroup
from .model.intent import Intent
from .model.issues import InputError
from .model.peers import PeerSyntaxError, cidr
from .model.stack import Stack, State

INTERNETS: dict[str, IntervalSet] = {
    "internet": PUBLIC,
    "internet-v4": PUBLIC_V4,
    "internet-v6": PUBLIC_V6,
}


@dataclass(frozen=True)
class IntentResult:
    number: int
    intent: Intent
    passed: bool
    detail: str
    checkable: bool = True
    not_live: tuple[str, ...] = ()  # the groups it names that are not in the current state

    @property
    def status(self) -> str:
        """``pass``, ``fail`` or ``not checkable`` (a group it names is not live yet)."""
        if not self.passed:
            return "fail"
        return "pass" if self.checkable else "not checkable"

    def title(self) -> str:
        return intent_text(self.intent)

    def as_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "name": self.intent.name,
            "intent": self.title(),
            "status": self.status,
            "passed": self.passed,
            "checkable": self.checkable,
            "detail": self.detail,
        }


class NotLive(Exception):
    """A group of the stack that is not in the current state: not created yet, or renamed."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def intent_text(intent: Intent) -> str:
    what = intent.protocol if intent.port is None else f"{intent.protocol}/{intent.port}"
    target = "every group" if intent.target == "*" else intent.target
    if intent.direction == "ingress":
        flow = f"from {intent.source} to {target}"
    else:
        flow = f"from {target} to {intent.source}"
    label = f" ({intent.name})" if intent.name else ""
    return f"{intent.expect} {what} {flow}{label}"


def not_checkable_note(names: Sequence[str]) -> str:
    """The end of an intent's detail that names the groups it could not check."""
    return (
        f"not checkable for {', '.join(names)}: not in the current state "
        "(not live yet; pin its live ID with id= if it was renamed)"
    )


def run_intents(stack: Stack, current: State | None = None) -> list[IntentResult]:
    """Check every intent of ``stack`` on its own groups, or on ``current`` when given."""
    world = _World(stack, current)
    return [world.check(n, intent) for n, intent in enumerate(stack.intents, start=1)]


class _World:
    def __init__(self, stack: Stack, current: State | None):
        self.stack = stack
        self.source: Source = current if current is not None else stack
        self.context = context_of(self.source)

    def group(self, name: str, intent: int) -> SecurityGroup:
        """A group of the stack, as found where the intents are checked (by pinned ID or
        name in a current state)."""
        try:
            declared = self.stack.group(name)
        except KeyError:
            raise InputError(
                f"intent {intent}: {name!r} is not a group of stack {self.stack.name}"
            ) from None
        if self.source is self.stack:
            return declared
        for g in self.source.groups:
            if (declared.id and g.id == declared.id) or (not declared.id and g.name == name):
                return g
        raise NotLive(name)

    def check(self, number: int, intent: Intent) -> IntentResult:
        """Every target is checked; a group that is not live yet is listed as not checkable
        (never hides a failure of another group)."""
        targets = [g.name for g in self.stack.groups] if intent.target == "*" else [intent.target]
        held: list[str] = []
        missing: list[str] = []
        failures: list[str] = []
        for name in targets:
            try:
                for subject in subjects_joining(self.source, self.group(name, number)):
                    failure = self._failure(number, intent, subject)
                    if failure:
                        failures.append(failure)
                        break
                else:
                    held.append(name)
            except NotLive as gone:
                missing.append(gone.name)
        not_live = tuple(dict.fromkeys(missing))
        unchecked = not_checkable_note(not_live) if not_live else ""
        if failures:
            detail = "; ".join([failures[0], *([unchecked] if unchecked else [])])
            return IntentResult(number, intent, False, detail, not not_live, not_live)
        parts = ([f"holds for {', '.join(held)}"] if held else []) + (
            [unchecked] if unchecked else []
        )
        return IntentResult(number, intent, True, "; ".join(parts), not not_live, not_live)

    def _failure(self, number: int, intent: Intent, target: Subject) -> str | None:
        remote = intent.source.strip()
        if remote.startswith("group:"):
            name = remote[len("group:") :].strip()
            if any(g.name == name for g in self.stack.groups):
                return self._between_groups(number, intent, target, name)
            return self._one_side(intent, target, None, self._points_of_refs([name]))
        return self._one_side(intent, target, _address_set(remote, number), ())

    def _points_of_refs(self, refs: Sequence[str]) -> tuple[int, ...]:
        ctx = self.context
        return tuple(ctx.index.point(ctx.directory.resolve(r)) for r in refs)

    def _points(self, subject: Subject) -> tuple[int, ...]:
        ctx = self.context
        return tuple(ctx.index.point(ctx.directory.of_group(g)) for g in subject.groups)

    def _one_side(
        self, intent: Intent, target: Subject, peers: IntervalSet | None, points: tuple[int, ...]
    ) -> str | None:
        ev = evaluator(self.source, target, self.context)
        d = intent.direction
        if peers is not None:
            cov = peer_set_coverage(ev, d, intent.protocol, intent.port, peers)
        else:
            cov = member_coverage(ev, d, intent.protocol, intent.port, points)[0]
        return _verdict_failure(intent.expect, target.label, d, cov)

    def _between_groups(
        self, number: int, intent: Intent, target: Subject, remote: str
    ) -> str | None:
        for other in subjects_joining(self.source, self.group(remote, number)):
            sender, receiver = (other, target) if intent.direction == "ingress" else (target, other)
            out_ev = evaluator(self.source, sender, self.context)
            in_ev = evaluator(self.source, receiver, self.context)
            out_cov, out_open, out_maybe = member_coverage(
                out_ev, "egress", intent.protocol, intent.port, self._points(receiver)
            )
            in_cov, in_open, in_maybe = member_coverage(
                in_ev, "ingress", intent.protocol, intent.port, self._points(sender)
            )
            if intent.expect == "allow":
                failure = _verdict_failure("allow", sender.label, "egress", out_cov)
                failure = failure or _verdict_failure("allow", receiver.label, "ingress", in_cov)
            else:
                failure = self._both_open(out_ev, in_ev, out_open, in_open)
                failure = failure or self._both_open(out_ev, in_ev, out_maybe, in_maybe)
            if failure:
                return failure
        return None

    def _both_open(
        self,
        out_ev: Evaluator,
        in_ev: Evaluator,
        out_open: Ports,
        in_open: Ports,
    ) -> str | None:
        """For a deny between two groups: a packet the sender lets out and the receiver in
        (surely, or for some address of the members)."""
        directory = self.context.directory
        for proto, ranges in out_open.items():
            both = intersect(tuple(ranges), tuple(in_open.get(proto, ())))
            if not both:
                continue
            port = both[0][0] if proto in PORT_PROTOCOLS else None
            to = tuple(directory.of_group(g) for g in in_ev.groups)
            frm = tuple(directory.of_group(g) for g in out_ev.groups)
            sent = out_ev.decide(Packet("egress", proto, port, None, to))
            taken = in_ev.decide(Packet("ingress", proto, port, None, frm))
            verb = "sends" if sent.outcome == "accept" else "may send"
            takes = "accepts" if taken.outcome == "accept" else "may accept"
            return (
                f"{out_ev.name} {verb} {sent.packet.text()} ({sent.reason}) and "
                f"{in_ev.name} {takes} it ({taken.reason})"
            )
        return None


def _address_set(text: str, number: int) -> IntervalSet:
    if text in INTERNETS:
        return INTERNETS[text]
    try:
        peer = cidr(text)
    except PeerSyntaxError:
        raise InputError(
            f"intent {number}: source {text!r} is not understood; allowed: internet, "
            "internet-v4, internet-v6, an address or CIDR, or group:NAME"
        ) from None
    return (cidr_interval(peer.value),)


def _verdict_failure(expect: str, who: str, direction: str, cov: Coverage) -> str | None:
    if expect == "allow":
        bad: Example | None = cov.dropped or cov.unknown
        if bad is None:
            return None
        verb = "drops" if cov.dropped is not None else "may drop (unknown prefix list)"
    else:
        bad = cov.accepted or cov.unknown
        if bad is None:
            return None
        verb = "accepts" if cov.accepted is not None else "may accept (unknown prefix list)"
    return f"{who} {verb} {direction} {bad.text(direction, cov.default_reason)}"
