"""``pulumi stack export`` output as current state: the alicloud group, rule and prefix-list
resources it holds (their outputs, else their inputs), peers by live ID."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model.issues import InputError

GROUP = "alicloud:ecs/securityGroup:SecurityGroup"
RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule"
PREFIX_LIST = "alicloud:ecs/ecsPrefixList:EcsPrefixList"
PROVIDER = "pulumi:providers:alicloud"


def looks_like(doc: Any) -> bool:
    return isinstance(doc, Mapping) and (
        isinstance(doc.get("deployment"), Mapping)
        or (isinstance(doc.get("resources"), list) and "manifest" in doc)
    )


def _resources(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    deployment = doc.get("deployment", doc)
    resources = deployment.get("resources") if isinstance(deployment, Mapping) else None
    if not isinstance(resources, list):
        raise InputError("pulumi stack export: no deployment.resources list")
    return resources


def _props(res: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(res.get("inputs") or {})
    out.update({k: v for k, v in (res.get("outputs") or {}).items() if v not in (None, "")})
    return out


def _first(props: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        value = props.get(name)
        if value not in (None, ""):
            return value
    return None


def state_dict_from_export(doc: Mapping[str, Any], source: str = "pulumi export") -> dict[str, Any]:
    """A state declaration (for ``build_state``) from a ``pulumi stack export`` document."""
    groups: dict[str, dict[str, Any]] = {}
    lists: list[dict[str, Any]] = []
    rules: list[tuple[str, dict[str, Any]]] = []
    region = None
    for res in _resources(doc):
        kind = res.get("type")
        props = _props(res)
        if kind == PROVIDER:
            region = region or props.get("region")
        elif kind == GROUP:
            sg_id = _first(props, "id") or res.get("id")
            if not sg_id:
                continue  # planned, never created
            vpc = _first(props, "vpcId")
            groups[sg_id] = {
                "id": sg_id,
                "name": _first(props, "securityGroupName", "name") or "",
                "description": _first(props, "description"),
                "network": "vpc" if vpc else "classic",
                "vpc_id": vpc,
                "type": _first(props, "securityGroupType") or "normal",
                "inner_access_policy": _first(props, "innerAccessPolicy") or "Accept",
                "resource_group_id": _first(props, "resourceGroupId"),
                "tags": dict(props.get("tags") or {}),
                "rules": [],
            }
        elif kind == RULE:
            sg_id = _first(props, "securityGroupId")
            if not sg_id:
                continue
            owner = _first(props, "sourceGroupOwnerId", "sourceGroupOwnerAccount")
            group_peer = _first(props, "sourceSecurityGroupId")
            peer = (f"{owner}/{group_peer}" if owner else group_peer) if group_peer else None
            peer = peer or _first(props, "cidrIp", "ipv6CidrIp", "prefixListId")
            rules.append((sg_id, {
                "direction": _first(props, "type"),
                "protocol": _first(props, "ipProtocol"),
                "ports": _first(props, "portRange") or "-1/-1",
                "nic_type": _first(props, "nicType") or "intranet",
                "policy": _first(props, "policy") or "accept",
                "priority": _first(props, "priority") or 1,
                "peer": peer,
                "description": _first(props, "description"),
                "rule_id": _first(props, "securityGroupRuleId"),
            }))  # fmt: skip
        elif kind == PREFIX_LIST:
            pl_id = _first(props, "id") or res.get("id")
            if pl_id:
                lists.append({
                    "id": pl_id,
                    "name": _first(props, "prefixListName") or pl_id,
                    "address_family": _first(props, "addressFamily") or "IPv4",
                    "max_entries": int(_first(props, "maxEntries") or 1),
                    "description": _first(props, "description"),
                    "entries": [{"cidr": e.get("cidr"), "description": e.get("description") or None}
                                for e in props.get("entries") or []],
                })  # fmt: skip
    for sg_id, rule in rules:
        group = groups.setdefault(sg_id, {"id": sg_id, "name": "", "vpc_id": None, "rules": []})
        if group.get("vpc_id"):
            rule["nic_type"] = "intranet"
        group["rules"].append(rule)
    if not groups and not lists:
        raise InputError(
            f"{source}: holds no alicloud security group, rule or prefix list resources"
        )
    return {"region": region, "groups": list(groups.values()), "prefix_lists": lists}
