"""Groups rebuilt from Pulumi resources, for the CrossGuard pack (``policy/``).

The pack hands over each ``alicloud:ecs/securityGroup:SecurityGroup``,
``alicloud:ecs/securityGroupRule:SecurityGroupRule`` and ``alicloud:ecs/ecsPrefixList:
EcsPrefixList`` resource as plain data: snake_case properties (values not known during a
preview replaced by :data:`UNKNOWN`) and, per property, the URNs it depends on. A rule finds
its group (and a group or prefix-list peer) through those dependencies, which are known even
when the IDs are not; otherwise through the ID value. This module does not import Pulumi.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..model.group import PrefixList, SecurityGroup
from ..model.rule import Rule
from .checks import Finding
from .run import LintInput

GROUP_TYPE = "alicloud:ecs/securityGroup:SecurityGroup"
RULE_TYPE = "alicloud:ecs/securityGroupRule:SecurityGroupRule"
PREFIX_LIST_TYPE = "alicloud:ecs/ecsPrefixList:EcsPrefixList"
RULESET_TYPE = "sgplan:ecs:RuleSet"
"""one group's whole rule set (the sgplan provider): ``group_id`` and ``rules`` by name"""
_RULE_KEYS = {"nicType": "nic_type", "sourcePorts": "source_ports", "localCidr": "local_cidr"}


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


def gather(resources: Iterable[Resource]) -> Gathered:
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
        if r.type == RULESET_TYPE:
            _gather_rule_set(r, out, rules, (names, ids, list_ids))
            continue
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
        rules.setdefault(owner, []).append(rule)
        out.rule_urns[(owner, len(rules[owner]))] = r.urn
    built = []
    for g in groups:
        name = names[g.urn]
        out.group_urns[name] = g.urn
        built.append(_group(g, name, tuple(rules[name])))
    out.input = LintInput(tuple(built), tuple(_prefix_list(p, list_names[p.urn]) for p in lists))
    return out


def _gather_rule_set(
    r: Resource,
    out: Gathered,
    rules: dict[str, list[Rule]],
    index: tuple[Mapping[str, str], Mapping[Any, str], Mapping[Any, str]],
) -> None:
    """The rules of one ``sgplan:ecs:RuleSet``; peers that are IDs of the stack's own groups
    and prefix lists become their names again."""
    names, ids, list_ids = index
    owner = _linked(r, "group_id", names, ids)
    if owner is None:
        out.skipped.append((r.urn, "its security group is not a group of this stack"))
        return
    for name, data in sorted((r.get("rules") or {}).items()):
        where = f"{r.urn}#{name}"
        if not isinstance(data, Mapping) or data.get("peer") is UNKNOWN:
            out.skipped.append((where, "its peer is not known (yet)"))
            continue
        fields = {_RULE_KEYS.get(k, k): v for k, v in data.items() if v not in (None, UNKNOWN)}
        peer = fields.get("peer")
        if peer in ids:
            fields["peer"] = f"group:{ids[peer]}"
        elif peer in list_ids:
            fields["peer"] = f"prefix-list:{list_ids[peer]}"
        try:
            rule = Rule.model_validate(fields)
        except ValidationError as exc:
            out.skipped.append((where, "; ".join(e["msg"] for e in exc.errors(include_url=False))))
            continue
        rules.setdefault(owner, []).append(rule)
        out.rule_urns[(owner, len(rules[owner]))] = r.urn


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
