"""The names and IDs a stack's groups and rules take in Pulumi and in pulumi-alicloud.

Pure functions (no Pulumi import), shared by the Pulumi component, the planner and anything
that maps Pulumi state back to the model:

- Resource names derive only from a group's logical name and a rule's identity
  (``rule.key``): a readable prefix plus a short stable hash. Reordering a stack changes no
  name, a description change is an in-place update of the same resource, and no rename can
  make Pulumi delete a live rule that the stack still wants.
- The provider identifies a rule by its content (SPEC section 7):
  ``<sg_id>:<type>:<protocol>:<port_range>:<nic_type>:<peer>:<policy>:<priority>``, IPv6
  colons written ``_``. That is the import ID used to adopt a rule that already exists.
- :class:`Adoption` says which live groups, prefix lists and rules a Pulumi run adopts
  (imports) instead of creating; :func:`adoption_issues` checks it against the stack.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..model.issues import Issue
from ..model.rule import PORT_PROTOCOLS, Rule, RuleKey
from ..model.stack import Stack

HASH_LENGTH = 8
"""Hex digits of the identity hash in a rule's resource name (32 bits per group)."""

RuleRef = tuple[str, RuleKey]
"""A rule of a stack: (its group's logical name, ``rule.key``)."""


def identity_text(key: RuleKey) -> str:
    """A rule identity as one canonical line, stable across runs and Python versions."""
    direction, nic_type, policy, priority, protocol, ports, source_ports, peer, local = key[:9]
    fields = (direction, nic_type, policy, str(priority), protocol, str(ports),
              str(source_ports or ""), str(peer), local or "")  # fmt: skip
    port_list = key[9] if len(key) > 9 else None
    # a port list joins the text only when set: names of every other rule stay as they were
    return "|".join(fields) + (f"|ports:{port_list}" if port_list else "")


def identity_hash(key: RuleKey) -> str:
    """The short stable hash of a rule identity used in its resource name."""
    return hashlib.sha256(identity_text(key).encode()).hexdigest()[:HASH_LENGTH]


def rule_resource_name(group_key: str, rule: Rule) -> str:
    """``prod-web-sg-in-tcp-443-1a2b3c4d``: group logical name, direction, protocol, ports
    (tcp/udp), ``drop`` for drop rules, then the identity hash."""
    parts = [group_key, "in" if rule.direction == "ingress" else "out", rule.protocol]
    if rule.protocol in PORT_PROTOCOLS:
        parts.append(rule.ports.label)
    if rule.policy == "drop":
        parts.append("drop")
    parts.append(identity_hash(rule.key))
    return "-".join(parts)


def rule_import_id(sg_id: str, rule: Rule, peer_id: str | None = None) -> str:
    """pulumi-alicloud's ID of ``rule`` in live group ``sg_id`` (its import ID).

    ``peer_id`` is the live ID a stack-level peer (``group:NAME``, ``prefix-list:NAME``)
    stands for; it is required for those peers and ignored for the others. Raises
    ``ValueError`` for a rule the provider cannot hold (5-tuple fields).
    """
    if rule.source_ports is not None or rule.local_cidr:
        raise ValueError(
            f"rule `{rule.text()}` uses source ports or a local CIDR; pulumi-alicloud cannot "
            "hold 5-tuple rules"
        )
    peer = rule.peer
    if peer.kind in ("group_name", "prefix_list_name"):
        if not peer_id:
            raise ValueError(f"peer {peer} has no live ID; pass peer_id (sg-... or pl-...)")
        peer_text = peer_id
    elif peer.kind == "ipv6":
        peer_text = peer.value.replace(":", "_")
    else:
        peer_text = peer.value
    return ":".join((sg_id, rule.direction, rule.protocol, str(rule.ports), rule.nic_type,
                     peer_text, rule.policy, str(rule.priority)))  # fmt: skip


@dataclass(frozen=True)
class Adoption:
    """Live resources a Pulumi run adopts (imports) instead of creating.

    ``groups`` maps a group's logical name to its live ID (``sg-...``); ``prefix_lists`` a
    prefix list's name to its ID (``pl-...``); ``rules`` a :data:`RuleRef` to the rule's
    provider ID (:func:`rule_import_id`). A group pinned with ``id`` in the stack is adopted
    even when absent here. A rule can only be adopted together with its group.
    """

    groups: Mapping[str, str] = field(default_factory=dict)
    prefix_lists: Mapping[str, str] = field(default_factory=dict)
    rules: Mapping[RuleRef, str] = field(default_factory=dict)

    def group_id(self, logical_name: str, pinned: str | None) -> str | None:
        return self.groups.get(logical_name) or pinned

    def prefix_list_id(self, name: str, pinned: str | None) -> str | None:
        return self.prefix_lists.get(name) or pinned


def adoption_issues(stack: Stack, adopt: Adoption) -> list[Issue]:
    """Every way ``adopt`` does not fit ``stack``: unknown names, rules of groups that are
    not adopted, rule IDs of another group. Empty when it fits."""
    issues: list[Issue] = []
    groups = {g.logical_name: g for g in stack.groups}
    lists = {p.name for p in stack.prefix_lists}
    for name in adopt.groups:
        if name not in groups:
            issues.append(Issue(f"adopts group {name!r}, which the stack does not declare",
                                stack=stack.name))  # fmt: skip
    for name in adopt.prefix_lists:
        if name not in lists:
            issues.append(Issue(f"adopts prefix list {name!r}, which the stack does not declare",
                                stack=stack.name))  # fmt: skip
    for (group_key, key), import_id in adopt.rules.items():
        group = groups.get(group_key)
        if group is None:
            issues.append(Issue(f"adopts a rule of group {group_key!r}, which the stack does "
                                "not declare", stack=stack.name))  # fmt: skip
            continue
        number = next((n for n, r in enumerate(group.rules, start=1) if r.key == key), None)
        sg_id = adopt.group_id(group_key, group.id)
        if number is None:
            problem = f"adopts rule `{identity_text(key)}`, which the group does not declare"
        elif sg_id is None:
            problem = ("adopts a rule of a group that is created, not adopted; adopt the group "
                       "too (or adopt none of its rules)")  # fmt: skip
        elif not import_id.startswith(f"{sg_id}:"):
            problem = (f"import ID {import_id!r} is not a rule of {sg_id}; expected "
                       f"{sg_id}:<type>:<protocol>:...")  # fmt: skip
        else:
            continue
        text = group.rules[number - 1].text() if number is not None else None
        issues.append(
            Issue(problem, stack=stack.name, group=group.name, rule=number, rule_text=text)
        )
    return issues
