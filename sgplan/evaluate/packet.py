"""Packets, the rules that decide them, and verdicts.

A packet is seen from the NIC whose groups judge it: ``direction`` ingress means it comes
*from* ``peer``, egress that it goes *to* ``peer``. The peer is an address, or a member of
one or more groups, or both (a member whose private address is known). A member whose
address is not given is taken to talk over some private IPv4 address: rules naming its
group match it, and so do address rules covering every IPv4 address (``0.0.0.0/0``);
narrower address rules need the address.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, Literal

from ..model.issues import InputError
from ..model.rule import Rule
from .space import PORT_PROTOCOLS, PROTOCOLS, Address

Outcome = Literal["accept", "drop", "unknown"]
DecidedBy = Literal["rule", "intra-group", "default"]

_PROTOCOL_ALLOWED = ", ".join(PROTOCOLS)


@dataclass(frozen=True, slots=True)
class Packet:
    direction: Literal["ingress", "egress"]
    protocol: str
    port: int | None = None
    address: Address | None = None
    groups: tuple[str, ...] = ()
    nic_type: Literal["intranet", "internet"] = "intranet"

    def __post_init__(self) -> None:
        problem = _packet_problem(self)
        if problem:
            raise InputError(f"packet {self.text()}: {problem}")

    def text(self) -> str:
        what = self.protocol if self.port is None else f"{self.protocol}/{self.port}"
        return f"{self.direction} {what} {'from' if self.direction == 'ingress' else 'to'} {self.peer_text()}"

    def peer_text(self) -> str:
        parts = [str(self.address)] if self.address is not None else []
        parts.extend(
            f"group:{g}" if not g.startswith("sg-") and "/" not in g else g for g in self.groups
        )
        return (
            " ".join(parts) if len(parts) < 2 else f"{parts[0]} (member of {', '.join(parts[1:])})"
        )


def _packet_problem(p: Packet) -> str | None:
    if p.direction not in ("ingress", "egress"):
        return "direction must be ingress or egress"
    if p.protocol not in PROTOCOLS:
        return f"protocol {p.protocol!r} is not one a packet carries; allowed: {_PROTOCOL_ALLOWED}"
    if p.protocol in PORT_PROTOCOLS:
        if p.port is None or not 1 <= p.port <= 65535:
            return f"{p.protocol} needs a destination port 1-65535"
    elif p.port is not None:
        return f"protocol {p.protocol} has no ports; leave the port out"
    if p.address is None and not p.groups:
        return "needs a peer: an address, a group, or both"
    if p.address is not None:
        if p.protocol == "icmp" and p.address.version == 6:
            return "icmp is IPv4 only; use icmpv6 for an IPv6 peer"
        if p.protocol == "icmpv6" and p.address.version == 4:
            return "icmpv6 is IPv6 only; use icmp for an IPv4 peer"
    if p.nic_type not in ("intranet", "internet"):
        return "nic_type must be intranet or internet"
    if p.groups and p.address is not None and p.address.version == 6:
        return "a group member is judged by its private IPv4 address; give an IPv4 address or none"
    if p.groups and p.protocol == "icmpv6":
        return "a group member talks over its private IPv4 address; icmpv6 cannot come from it"
    if p.groups and p.nic_type == "internet":
        return "group peers act on private traffic only; nic_type must be intranet"
    return None


def parse_endpoint(text: str) -> tuple[Address | None, tuple[str, ...]]:
    """``1.2.3.4`` (or ``1.2.3.4/32``), ``2001:db8::1``, ``group:NAME``, ``NAME``, ``sg-...``,
    or an address and the groups of the same member, separated by spaces or commas."""
    address: Address | None = None
    groups: list[str] = []
    for part in text.replace(",", " ").split():
        raw = part.removesuffix("/32") if "." in part else part.removesuffix("/128")
        try:
            addr = ipaddress.ip_address(raw)
        except ValueError:
            if ("." in part or ":" in part) and all(c in "0123456789abcdefABCDEF.:/" for c in part):
                raise InputError(
                    f"peer {part!r} is not one address; allowed: an address, a group "
                    "(group:NAME, sg-...), or an address and its groups"
                ) from None
            groups.append(part.removeprefix("group:"))
            continue
        if address is not None:
            raise InputError(f"peer {text!r} names two addresses; allowed: one address")
        address = addr
    if address is None and not groups:
        raise InputError(f"peer {text!r} is empty; allowed: an address, group:NAME or sg-...")
    return address, tuple(groups)


@dataclass(slots=True, unsafe_hash=True)
class RuleRef:
    """A rule in its group: what a reviewer needs to find it."""

    group: str
    position: int
    rule: Rule
    group_id: str | None = None

    def text(self) -> str:
        return f"{self.group} rule {self.position} `{self.rule.text()}`"

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "group_id": self.group_id,
            "position": self.position,
            "rule": self.rule.text(),
            "rule_id": self.rule.rule_id,
            "priority": self.rule.priority,
            "policy": self.rule.policy,
        }


@dataclass(slots=True, unsafe_hash=True)
class Decider:
    """What can decide a packet: a rule (possibly through an unknown prefix list) or the
    intra-group access of a group the NIC shares with the peer."""

    accept: bool
    ref: RuleRef | None
    intra_group: str | None = None
    unknown_list: str | None = None

    def text(self) -> str:
        if self.ref is not None:
            return self.ref.text()
        return f"intra-group access of {self.intra_group}"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome for one packet and why: the deciding rule, intra-group access, or the
    default. It is ``unknown`` when it depends on something not known here:

    * ``maybe``: rules through a prefix list not defined here, which would decide instead if
      the list held the peer;
    * ``member_cases``: for a group member whose address is not given, what decides for the
      different private addresses it may have (with the outcome of each).
    """

    packet: Packet
    outcome: Outcome
    decider: Decider | None
    default_reason: str
    runner: Decider | None = None
    maybe: tuple[Decider, ...] = ()
    member_cases: tuple[tuple[Decider | None, str], ...] = ()

    @property
    def allowed(self) -> bool | None:
        return None if self.outcome == "unknown" else self.outcome == "accept"

    @property
    def decided_by(self) -> DecidedBy:
        if self.decider is None:
            return "default"
        return "rule" if self.decider.ref is not None else "intra-group"

    @property
    def rule(self) -> RuleRef | None:
        return self.decider.ref if self.decider is not None else None

    @property
    def reason(self) -> str:
        text = self._member_reason() if self.member_cases else self._definite_reason()
        if not self.maybe:
            return text
        lists = ", ".join(dict.fromkeys(str(m.unknown_list) for m in self.maybe))
        ifs = "; ".join(
            f"{m.text()} would decide ({'accept' if m.accept else 'drop'}) if its list holds "
            "the packet"
            for m in self.maybe
        )
        return (
            f"cannot judge: entries of {lists} unknown; pull to include them. {ifs}; "
            f"otherwise {text}"
        )

    def _member_reason(self) -> str:
        parts = []
        for d, outcome in self.member_cases:
            if d is None:
                parts.append(f"otherwise the default ({outcome}): {self.default_reason}")
            elif d.ref is not None and not d.ref.rule.peer.is_group:
                parts.append(f"{d.text()} if it is in {d.ref.rule.peer} ({outcome})")
            else:
                parts.append(f"otherwise {d.text()} ({outcome})")
        cases = "; ".join(parts)
        if self.outcome == "unknown":
            return (
                f"depends on the member's private address, which is not given: {cases}; "
                "give the address with the group to decide"
            )
        return f"{self.outcome} whatever the member's private address: {cases}"

    def _definite_reason(self) -> str:
        d = self.decider
        if d is None:
            return self.default_reason
        if d.ref is None:
            return (
                f"the peer is a member of {d.intra_group}, which this NIC also joins; its inner "
                "access policy accept lets members reach each other before any rule is looked at"
            )
        text = f"{d.ref.text()} is the strongest matching rule"
        r = self.runner
        if r is not None and r.ref is not None:
            if r.ref.rule.priority == d.ref.rule.priority:
                if r.accept != d.accept:
                    return f"{text}; equal priority: drop wins over {r.ref.text()}"
                return f"{text}; {r.ref.text()} also matches at equal priority"
            return f"{text}; it overrides the weaker {r.ref.text()}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "packet": self.packet.text(),
            "outcome": self.outcome,
            "decided_by": self.decided_by,
            "rule": self.rule.as_dict() if self.rule else None,
            "intra_group": self.decider.intra_group if self.decider else None,
            "maybe": [
                {**m.ref.as_dict(), "prefix_list": m.unknown_list, "unknown": m.unknown_list}
                for m in self.maybe
                if m.ref
            ],
            "member_cases": [
                {
                    "rule": d.ref.as_dict() if d and d.ref else None,
                    "intra_group": d.intra_group if d else None,
                    "outcome": outcome,
                }
                for d, outcome in self.member_cases
            ],
            "reason": self.reason,
        }
