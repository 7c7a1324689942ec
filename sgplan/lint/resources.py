"""Groups rebuilt from Pulumi resources, for the CrossGuard pack (``policy/``).

The pack hands over each ``alicloud:ecs/securityGroup:SecurityGroup``, ``sgplan:ecs:RuleSet``
(one per group: its whole rule set, a map from a stable rule name to the rule's fields),
``alicloud:ecs/securityGroupRule:SecurityGroupRule`` (programs that register one resource per
rule) and ``alicloud:ecs/ecsPrefixList:EcsPrefixList`` resource as plain data: snake_case
top-level properties (values not known during a preview replaced by :data:`UNKNOWN`) and, per
property, the URNs it depends on. A rule finds its group (and a group or prefix-list peer)
through those dependencies, which are known even when the IDs are not; otherwise through the
ID value. A RuleSet rule whose peer is not known yet (a group created in the same update)
takes the peer of the stack's rule of the same name, when the stack is given.

Waivers live in the stack (``waive(...)`` on a rule): :func:`stack_context` collects them,
keyed by group and rule identity, and every rebuilt rule of the same identity carries them,
so the pack waives exactly what ``sgplan lint`` and the program's gate waive. This module
does not import Pulumi.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..formats.resource_ids import rule_resource_name
from ..model.group import PrefixList, SecurityGroup
from ..model.rule import Rule, RuleKey, Waiver
from ..model.stack import Stack
from .checks import Finding
from .run import LintInput

GROUP_TYPE = "alicloud:ecs/securityGroup:SecurityGroup"
RULESET_TYPE = "sgplan:ecs:RuleSet"
RULE_TYPE = "alicloud:ecs/securityGroupRule:SecurityGroupRule"
PREFIX_LIST_TYPE = "alicloud:ecs/ecsPrefixList:EcsPrefixList"


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class Resource:
    type: str
    urn: str
    name: str
    props: Mapping[str, Any]
    depends: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        """A known, non-empty property value, else None."""
        value = self.props.get(key)
        return None if value is UNKNOWN or value in ("", None) else value


@dataclass
class Gathered:
    """What lint needs, where each group and rule came from, and what could not be read."""

    input: LintInput
    group_urns: dict[str, str] = field(default_factory=dict)
    rule_urns: dict[tuple[str, int], str] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def urn_of(self, f: Finding) -> str | None:
        if f.rule is not None:
            return self.rule_urns.get((f.group, f.rule.position))
        return self.group_urns.get(f.group)


@dataclass(frozen=True)
class StackContext:
    """What the stack adds to the resources: waivers, and peers a preview does not know."""

    waivers: Mapping[tuple[str, RuleKey], tuple[Waiver, ...]] = field(default_factory=dict)
    rules: Mapping[tuple[str, str], Rule] = field(default_factory=dict)
    environment: str | None = None


def ruleset_rule_name(rule: Rule) -> str:
    """The key of ``rule`` in a RuleSet's ``rules`` map (derived from its identity)."""
    return rule_resource_name("x", rule)[2:]


def stack_context(stack: Stack | None) -> StackContext:
    if stack is None:
        return StackContext()
    waivers = {(g.name, r.key): r.waivers for g in stack.groups for r in g.rules if r.waivers}
    rules = {(g.name, ruleset_rule_name(r)): r for g in stack.groups for r in g.rules}
    return StackContext(waivers, rules, stack.env)


def gather(resources: Iterable[Resource], context: StackContext | None = None) -> Gathered:
    ctx = context or StackContext()
    items = list(resources)
    groups = [r for r in items if r.type == GROUP_TYPE]
    lists = [r for r in items if r.type == PREFIX_LIST_TYPE]
    out = Gathered(LintInput(()))
    names = {g.urn: _group_name(g) for g in groups}
    list_names = {p.urn: p.get("prefix_list_name") or p.name for p in lists}
    ids = {g.get("id"): names[g.urn] for g in groups if g.get("id")}
    list_ids = {p.get("id"): list_names[p.urn] for p in lists if p.get("id")}
    rules: dict[str, list[Rule]] = {names[g.urn]: [] for g in groups}
    for r in items:
        if r.type != RULE_TYPE:
            continue
        owner = _linked(r, "security_group_id", names, ids)
        if owner is None:
            out.skipped.append((r.urn, "its security group is not a group of this stack"))
            continue
        rule, problem = _rule(r, names, ids, list_names, list_ids)
        if rule is None:
            out.skipped.append((r.urn, problem))
            continue
        rules.setdefault(owner, []).append(_waived(rule, owner, ctx))
        out.rule_urns[(owner, len(rules[owner]))] = r.urn
    lone: dict[str, Resource] = {}
    for rs in (r for r in items if r.type == RULESET_TYPE):
        owner = _linked(rs, "group_id", names, ids) or rs.get("group_name") or rs.get("group_id")
        if owner is None:
            out.skipped.append((rs.urn, "its security group is not known"))
            continue
        if owner not in rules:
            rules[owner] = []
            lone[owner] = rs
        for rule, problem in _ruleset_rules(rs, owner, ids, list_ids, ctx):
            if rule is None:
                out.skipped.append((rs.urn, problem))
                continue
            rules[owner].append(_waived(rule, owner, ctx))
            out.rule_urns[(owner, len(rules[owner]))] = rs.urn
    built = []
    for g in groups:
        name = names[g.urn]
        out.group_urns[name] = g.urn
        built.append(_group(g, name, tuple(rules[name])))
    for name, rs in lone.items():  # a RuleSet on a group the stack does not create
        out.group_urns[name] = rs.urn
        built.append(SecurityGroup(name=name, id=rs.get("group_id"), rules=tuple(rules[name])))
    prefix_lists = tuple(_prefix_list(p, list_names[p.urn]) for p in lists)
    out.input = LintInput(tuple(built), prefix_lists, (), ctx.environment)
    return out


def _waived(rule: Rule, group: str, ctx: StackContext) -> Rule:
    waivers = ctx.waivers.get((group, rule.key))
    return rule.model_copy(update={"waivers": waivers}) if waivers else rule


_RULESET_FIELDS = {"direction": "direction", "protocol": "protocol", "ports": "ports",
                   "policy": "policy", "priority": "priority", "nicType": "nic_type",
                   "sourcePorts": "source_ports", "localCidr": "local_cidr",
                   "description": "description"}  # fmt: skip


def _ruleset_rules(
    rs: Resource,
    owner: str,
    ids: Mapping[Any, str],
    list_ids: Mapping[Any, str],
    ctx: StackContext,
) -> Iterable[tuple[Rule | None, str]]:
    raw = rs.props.get("rules")
    if raw is UNKNOWN or not isinstance(raw, Mapping):
        yield None, "its rules are not known (yet)"
        return
    for key in sorted(raw):
        data = raw[key]
        if not isinstance(data, Mapping):
            yield None, f'rules["{key}"] is not known (yet)'
            continue
        declared = ctx.rules.get((owner, key))
        peer = data.get("peer")
        if peer is UNKNOWN or peer in (None, ""):
            if declared is None:
                yield None, f'rules["{key}"]: its peer is not known (yet)'
                continue
            peer = str(declared.peer)
        elif peer in ids:
            peer = f"group:{ids[peer]}"
        elif peer in list_ids:
            peer = f"prefix-list:{list_ids[peer]}"
        fields: dict[str, Any] = {"peer": peer}
        for name, model_field in _RULESET_FIELDS.items():
            value = data.get(name)
            if value is UNKNOWN:
                yield None, f'rules["{key}"].{name} is not known (yet)'
                break
            if value not in (None, ""):
                fields[model_field] = value
        else:
            try:
                yield Rule.model_validate(fields), ""
            except ValidationError as exc:
                reason = "; ".join(e["msg"] for e in exc.errors(include_url=False))
                yield None, f'rules["{key}"]: {reason}'


def _group_name(g: Resource) -> str:
    return str(g.get("security_group_name") or g.get("name") or g.name)


def _linked(r: Resource, prop: str, names: Mapping[str, str], ids: Mapping[Any, str]) -> str | None:
    """The name of the stack's resource a property points at (by dependency, else by ID)."""
    for urn in r.depends.get(prop, ()):
        if urn in names:
            return names[urn]
    return ids.get(r.get(prop))


def _rule(
    r: Resource,
    names: Mapping[str, str],
    ids: Mapping[Any, str],
    list_names: Mapping[str, str],
    list_ids: Mapping[Any, str],
) -> tuple[Rule | None, str]:
    peer: Any = r.get("cidr_ip") or r.get("ipv6_cidr_ip")
    if peer is None and (
        r.props.get("source_security_group_id") or r.depends.get("source_security_group_id")
    ):
        linked = _linked(r, "source_security_group_id", names, ids)
        if linked is not None:
            peer = f"group:{linked}"
        elif r.get("source_security_group_id"):
            owner = r.get("source_group_owner_account")
            peer = (
                f"{owner}/{r.get('source_security_group_id')}"
                if owner
                else r.get("source_security_group_id")
            )
    if peer is None and (r.props.get("prefix_list_id") or r.depends.get("prefix_list_id")):
        linked = _linked(r, "prefix_list_id", list_names, list_ids)
        peer = f"prefix-list:{linked}" if linked else r.get("prefix_list_id")
    if peer is None:
        return None, "its peer is not known (yet)"
    fields = {
        "direction": r.get("type"),
        "protocol": r.get("ip_protocol"),
        "ports": r.get("port_range") or "-1/-1",
        "policy": r.get("policy") or "accept",
        "priority": r.get("priority") or 1,
        "nic_type": r.get("nic_type") or "intranet",
        "peer": peer,
        "description": r.get("description"),
    }
    try:
        return Rule.model_validate(fields), ""
    except ValidationError as exc:
        return None, "; ".join(e["msg"] for e in exc.errors(include_url=False))


def _group(g: Resource, name: str, rules: tuple[Rule, ...]) -> SecurityGroup:
    inner = g.get("inner_access_policy")
    if inner is None and g.get("inner_access") is not None:
        inner = "accept" if g.get("inner_access") else "drop"
    fields: dict[str, Any] = {
        "name": name,
        "description": g.get("description"),
        "vpc_id": g.get("vpc_id"),
        "type": g.get("security_group_type") or "normal",
        "tags": dict(g.get("tags") or {}),
        "id": g.get("id"),
        "rules": rules,
    }
    if inner is not None:
        fields["inner_access_policy"] = inner
    return SecurityGroup.model_validate(fields)


def _prefix_list(p: Resource, name: str) -> PrefixList:
    entries = [
        e.get("cidr") for e in (p.get("entries") or ()) if isinstance(e, Mapping) and e.get("cidr")
    ]
    return PrefixList.model_validate(
        {
            "name": name,
            "id": p.get("id"),
            "address_family": p.get("address_family") or "IPv4",
            "max_entries": p.get("max_entries") or max(1, len(entries)),
            "entries": entries,
        }
    )
