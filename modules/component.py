"""The Pulumi component that turns a validated stack into pulumi-alicloud resources.

One ``alicloud.ecs.EcsPrefixList`` per prefix list, one ``alicloud.ecs.SecurityGroup`` per
group and one ``alicloud.ecs.SecurityGroupRule`` per rule, all children of the component.
Resource names come from :mod:`sgplan.formats.resource_ids` (group logical name, rule
identity), never from positions, so reordering a stack changes nothing and a description
change is an in-place update. Peers that name a group or prefix list of the stack are wired
to that resource's ``id``. Live resources listed in an :class:`Adoption` are imported
(``import_``) instead of created.

The provider cannot hold everything the model can: rules with source ports or a local CIDR
(the API's 5-tuple fields) and prefix-list entry descriptions outside 2-32 characters are
refused before any resource is registered, each problem naming stack, group and rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_alicloud as alicloud

from sgplan.formats.resource_ids import Adoption, adoption_issues, rule_resource_name
from sgplan.model.group import PrefixList, SecurityGroup
from sgplan.model.issues import Issue, StackInvalid
from sgplan.model.rule import Rule
from sgplan.model.stack import Stack

TYPE_TOKEN = "sgplan:index:SecurityGroupStack"
# pulumi-alicloud EcsPrefixListEntryArgs: an entry's description is 2-32 characters.
ENTRY_DESCRIPTION_MIN = 2
ENTRY_DESCRIPTION_MAX = 32


@dataclass(frozen=True)
class SecurityGroupStackArgs:
    """What the component builds: a validated ``stack``, the live resources to ``adopt``,
    and whether groups are ``protect``-ed from deletion (deleting a group is irreversible
    and deletes every rule in it, SPEC section 1)."""

    stack: Stack
    adopt: Adoption = field(default_factory=Adoption)
    protect_groups: bool = False


def provider_issues(stack: Stack) -> list[Issue]:
    """What of ``stack`` pulumi-alicloud cannot apply; empty when everything can be."""
    issues: list[Issue] = []
    for g in stack.groups:
        for number, rule in enumerate(g.rules, start=1):
            fields = [name for name in ("source_ports", "local_cidr") if getattr(rule, name)]
            if fields:
                issues.append(Issue(
                    f"uses {' and '.join(fields)} (the API's 5-tuple fields), which "
                    "pulumi-alicloud's SecurityGroupRule cannot hold; remove them or apply "
                    "this rule outside Pulumi",
                    stack=stack.name, group=g.name, rule=number, rule_text=rule.text(),
                    field=fields[0],
                ))  # fmt: skip
    for pl in stack.prefix_lists:
        for entry in pl.entries:
            text = entry.description
            if text is not None and not ENTRY_DESCRIPTION_MIN <= len(text) <= ENTRY_DESCRIPTION_MAX:
                issues.append(Issue(
                    f"entry {entry.cidr} has a {len(text)}-character description; "
                    f"pulumi-alicloud allows {ENTRY_DESCRIPTION_MIN}-{ENTRY_DESCRIPTION_MAX}",
                    stack=stack.name, where_else=f"prefix list {pl.name}",
                ))  # fmt: skip
    return issues


def rule_inputs(
    rule: Rule,
    security_group_id: pulumi.Input[str],
    group_ids: Mapping[str, pulumi.Input[str]],
    prefix_list_ids: Mapping[str, pulumi.Input[str]],
) -> dict[str, Any]:
    """The SecurityGroupRule inputs of ``rule``: exactly one peer field is set, and
    stack-level peers are resolved through ``group_ids`` / ``prefix_list_ids`` (by name)."""
    inputs: dict[str, Any] = {
        "security_group_id": security_group_id,
        "type": rule.direction,
        "ip_protocol": rule.protocol,
        "port_range": str(rule.ports),
        "nic_type": rule.nic_type,
        "policy": rule.policy,
        "priority": rule.priority,
        "description": rule.description,
    }
    peer = rule.peer
    if peer.kind == "ipv4":
        inputs["cidr_ip"] = peer.value
    elif peer.kind == "ipv6":
        inputs["ipv6_cidr_ip"] = peer.value
    elif peer.kind == "group_name":
        inputs["source_security_group_id"] = group_ids[peer.value]
    elif peer.kind == "group_id":
        inputs["source_security_group_id"] = peer.value
        if peer.owner:
            inputs["source_group_owner_id"] = peer.owner
    elif peer.kind == "prefix_list_name":
        inputs["prefix_list_id"] = prefix_list_ids[peer.value]
    else:
        inputs["prefix_list_id"] = peer.value
    return inputs


class SecurityGroupStack(pulumi.ComponentResource):
    """Every group, rule and prefix list of one stack, as pulumi-alicloud resources.

    Outputs: ``group_ids`` (group name -> ``sg-...``), ``prefix_list_ids`` (name ->
    ``pl-...``) and ``rule_counts`` (group name -> number of rules). Raises
    :class:`StackInvalid` before registering anything when the stack holds what the
    provider cannot apply or ``adopt`` does not fit the stack.
    """

    group_ids: pulumi.Output[dict[str, str]]
    prefix_list_ids: pulumi.Output[dict[str, str]]
    rule_counts: dict[str, int]

    def __init__(
        self,
        name: str,
        args: SecurityGroupStackArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        stack = args.stack
        issues = provider_issues(stack) + adoption_issues(stack, args.adopt)
        if issues:
            raise StackInvalid(stack.name, issues)
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._args = args
        lists = {pl.name: self._prefix_list(pl) for pl in stack.prefix_lists}
        groups = {g.name: self._group(g) for g in stack.groups}
        list_ids = {n: r.id for n, r in lists.items()}
        group_ids = {n: r.id for n, r in groups.items()}
        for g in stack.groups:
            for rule in g.rules:
                self._rule(g, rule, group_ids, list_ids)
        self.group_ids = _by_name(group_ids)
        self.prefix_list_ids = _by_name(list_ids)
        self.rule_counts = {g.name: len(g.rules) for g in stack.groups}
        self.register_outputs({
            "group_ids": self.group_ids,
            "prefix_list_ids": self.prefix_list_ids,
            "rule_counts": self.rule_counts,
        })  # fmt: skip

    def _options(self, import_id: str | None, protect: bool = False) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, import_=import_id, protect=protect)

    def _prefix_list(self, pl: PrefixList) -> alicloud.ecs.EcsPrefixList:
        return alicloud.ecs.EcsPrefixList(
            pl.name,
            prefix_list_name=pl.name,
            address_family=pl.address_family,
            max_entries=pl.max_entries,
            entries=[
                alicloud.ecs.EcsPrefixListEntryArgs(cidr=e.cidr, description=e.description)
                for e in pl.entries
            ],
            description=pl.description,
            opts=self._options(self._args.adopt.prefix_list_id(pl.name, pl.id)),
        )

    def _group(self, g: SecurityGroup) -> alicloud.ecs.SecurityGroup:
        return alicloud.ecs.SecurityGroup(
            g.logical_name,
            security_group_name=g.name,
            description=g.description,
            vpc_id=g.vpc_id,
            security_group_type=g.type,
            # enterprise groups always isolate their members; the policy cannot be set
            inner_access_policy=g.inner_access_policy.capitalize() if g.type == "normal" else None,
            resource_group_id=g.resource_group_id,
            tags=dict(g.tags) or None,
            opts=self._options(
                self._args.adopt.group_id(g.logical_name, g.id), self._args.protect_groups
            ),
        )

    def _rule(
        self,
        g: SecurityGroup,
        rule: Rule,
        group_ids: Mapping[str, pulumi.Output[str]],
        list_ids: Mapping[str, pulumi.Output[str]],
    ) -> alicloud.ecs.SecurityGroupRule:
        inputs = rule_inputs(rule, group_ids[g.name], group_ids, list_ids)
        import_id = self._args.adopt.rules.get((g.logical_name, rule.key))
        return alicloud.ecs.SecurityGroupRule(
            rule_resource_name(g.logical_name, rule), opts=self._options(import_id), **inputs
        )


def _by_name(ids: Mapping[str, pulumi.Output[str]]) -> pulumi.Output[dict[str, str]]:
    """One output holding every ID by name (an empty mapping when there is none)."""
    if not ids:
        return pulumi.Output.from_input({})
    return pulumi.Output.all(**ids)
