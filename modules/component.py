"""The Pulumi component that turns a validated stack into resources.

pulumi-alicloud owns the groups and prefix lists (``alicloud.ecs.SecurityGroup``,
``alicloud.ecs.EcsPrefixList``); each group's rules are one ``sgplan:ecs:RuleSet`` (the
sgplan provider), whose preview is the sgplan planner and whose apply is the sgplan apply
engine. There is no per-rule resource: rules are keyed inside the RuleSet by names derived
from their identity, so reordering changes nothing and a description edit is an in-place
update.

Live groups and prefix lists (an :class:`Adoption`) are imported, never created, and are
retained when the stack is destroyed (``retain_on_delete``): sgplan adopted them, it did
not make them. A RuleSet on a group the stack created is deleted with its group
(``deleted_with``); on an adopted group, deleting it revokes only the rules it authorized.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_alicloud as alicloud

from sgplan.formats.resource_ids import Adoption
from sgplan.model.group import PrefixList, SecurityGroup
from sgplan.model.issues import Issue, StackInvalid
from sgplan.model.stack import Stack
from sgplan.provider.inputs import rule_input, rule_name

from .ruleset import RuleSet

TYPE_TOKEN = "sgplan:index:SecurityGroupStack"
# pulumi-alicloud EcsPrefixListEntryArgs: an entry's description is 2-32 characters.
ENTRY_DESCRIPTION_MIN = 2
ENTRY_DESCRIPTION_MAX = 32


@dataclass(frozen=True)
class SecurityGroupStackArgs:
    """What the component builds: a validated ``stack``; the live groups and prefix lists to
    ``adopt``; ``live_tags`` (group name -> tags live now, kept in additive mode); the
    ``mode`` of every RuleSet; whether groups are ``protect``-ed (deleting a group is
    irreversible and deletes every rule in it, SPEC section 1)."""

    stack: Stack
    adopt: Adoption = field(default_factory=Adoption)
    protect_groups: bool = False
    mode: str = "sync"
    live_tags: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def provider_issues(stack: Stack) -> list[Issue]:
    """What of ``stack`` pulumi-alicloud cannot hold; empty when everything can be."""
    issues: list[Issue] = []
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


def ruleset_rules(
    group: SecurityGroup,
    group_ids: Mapping[str, pulumi.Input[str]],
    list_ids: Mapping[str, pulumi.Input[str]],
) -> dict[str, dict[str, Any]]:
    """The RuleSet ``rules`` input of ``group``: name -> rule fields, with the stack's own
    group and prefix-list peers wired to those resources' IDs."""
    out: dict[str, dict[str, Any]] = {}
    for rule in group.rules:
        peer = rule.peer
        wired: Any = None
        if peer.kind == "group_name":
            wired = group_ids[peer.value]
        elif peer.kind == "prefix_list_name":
            wired = list_ids[peer.value]
        out[rule_name(rule)] = rule_input(rule, wired)
    return out


class SecurityGroupStack(pulumi.ComponentResource):
    """Every group, prefix list and rule set of one stack.

    Outputs: ``group_ids`` (group name -> ``sg-...``), ``prefix_list_ids`` (name ->
    ``pl-...``), ``rule_counts`` (group name -> declared rules) and ``rule_sets`` (group
    name -> its RuleSet).
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
        issues = provider_issues(stack)
        if issues:
            raise StackInvalid(stack.name, issues)
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._args = args
        lists = {pl.name: self._prefix_list(pl) for pl in stack.prefix_lists}
        groups = {g.name: self._group(g) for g in stack.groups}
        list_ids = {n: r.id for n, r in lists.items()}
        group_ids = {n: r.id for n, r in groups.items()}
        self.rule_sets = {
            g.name: self._rule_set(g, groups[g.name], group_ids, list_ids) for g in stack.groups
        }
        self.group_ids = _by_name(group_ids)
        self.prefix_list_ids = _by_name(list_ids)
        self.rule_counts = {g.name: len(g.rules) for g in stack.groups}
        self.register_outputs({
            "group_ids": self.group_ids,
            "prefix_list_ids": self.prefix_list_ids,
            "rule_counts": self.rule_counts,
        })  # fmt: skip

    def _options(
        self, import_id: str | None, *, protect: bool = False, **extra: Any
    ) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(
            parent=self, import_=import_id, protect=protect,
            retain_on_delete=True if import_id else None, **extra,
        )  # fmt: skip

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

    def _tags(self, g: SecurityGroup) -> dict[str, str] | None:
        tags = dict(g.tags)
        if self._args.mode == "additive":  # additive keeps tags set outside the stack
            tags = {**self._args.live_tags.get(g.name, {}), **tags}
        return tags or None

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
            tags=self._tags(g),
            opts=self._options(
                self._args.adopt.group_id(g.logical_name, g.id), protect=self._args.protect_groups
            ),
        )

    def _rule_set(
        self,
        g: SecurityGroup,
        group: alicloud.ecs.SecurityGroup,
        group_ids: Mapping[str, pulumi.Output[str]],
        list_ids: Mapping[str, pulumi.Output[str]],
    ) -> RuleSet:
        adopted = self._args.adopt.group_id(g.logical_name, g.id) is not None
        return RuleSet(
            g.logical_name,
            group_id=group.id,
            region=self._args.stack.region,
            group_name=g.name,
            mode=self._args.mode,
            rules=ruleset_rules(g, group_ids, list_ids),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=self._args.protect_groups,
                # a group the stack made takes its rules with it; an adopted group stays
                deleted_with=None if adopted else group,
            ),
        )


def _by_name(ids: Mapping[str, pulumi.Output[str]]) -> pulumi.Output[dict[str, str]]:
    """One output holding every ID by name (an empty mapping when there is none)."""
    if not ids:
        return pulumi.Output.from_input({})
    return pulumi.Output.all(**ids)
