"""The ECS API's own shapes (2014-05-26) <-> the canonical model.

One mapping, used everywhere the API's field names appear: the live reader, API JSON files
(what ``aliyun ecs DescribeSecurityGroupAttribute`` prints), console export files, the JSON
plan renderer and the local test endpoint. Every quirk of SPEC section 6 is absorbed here:
empty strings for absent peers, Priority as number or string, capitalised IpProtocol and
Policy, bare IPs, the egress side's Dest* names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from ..model.build import issues_from_validation
from ..model.group import LiveInfo, SecurityGroup
from ..model.issues import Issue, StackInvalid
from ..model.peers import Peer
from ..model.rule import Rule, normalize_rule

# Permission fields in the order the API documents them (also the console CSV's columns).
PERMISSION_FIELDS: tuple[str, ...] = (
    "SecurityGroupRuleId", "Direction", "Policy", "Priority", "IpProtocol", "PortRange",
    "SourcePortRange", "NicType", "SourceCidrIp", "DestCidrIp", "Ipv6SourceCidrIp",
    "Ipv6DestCidrIp", "SourceGroupId", "SourceGroupName", "SourceGroupOwnerAccount",
    "DestGroupId", "DestGroupName", "DestGroupOwnerAccount", "SourcePrefixListId",
    "SourcePrefixListName", "DestPrefixListId", "DestPrefixListName", "PortRangeListId",
    "PortRangeListName", "Description", "CreateTime",
)  # fmt: skip


def _s(value: Any) -> str:
    """API text: None and absent become the empty string, numbers become text."""
    if value is None:
        return ""
    return str(value).strip()


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return _s(value).lower() in ("true", "1", "yes")


def permission_to_fields(perm: Mapping[str, Any], direction: str | None = None) -> dict[str, Any]:
    """One API ``Permission`` as raw canonical-model fields (not yet validated).

    Raises ``ValueError`` for a permission that names several peers at once (the API allows
    one; taking any of them would judge a rule the cloud does not have).
    """
    d = _s(perm.get("Direction")).lower() or (direction or "")
    if d == "egress":
        cidr4, cidr6 = _s(perm.get("DestCidrIp")), _s(perm.get("Ipv6DestCidrIp"))
        gid, owner = _s(perm.get("DestGroupId")), _s(perm.get("DestGroupOwnerAccount"))
        plid = _s(perm.get("DestPrefixListId"))
        local = _s(perm.get("SourceCidrIp")) or _s(perm.get("Ipv6SourceCidrIp"))
    else:
        cidr4, cidr6 = _s(perm.get("SourceCidrIp")), _s(perm.get("Ipv6SourceCidrIp"))
        gid, owner = _s(perm.get("SourceGroupId")), _s(perm.get("SourceGroupOwnerAccount"))
        plid = _s(perm.get("SourcePrefixListId"))
        local = _s(perm.get("DestCidrIp")) or _s(perm.get("Ipv6DestCidrIp"))
    side = "Dest" if d == "egress" else "Source"
    named = {
        f"{side}CidrIp": cidr4,
        f"Ipv6{side}CidrIp": cidr6,
        f"{side}GroupId": gid,
        f"{side}PrefixListId": plid,
    }
    given = {k: v for k, v in named.items() if v}
    if len(given) > 1:
        listed = ", ".join(f"{k} {v}" for k, v in given.items())
        raise ValueError(
            f"sets several peers at once ({listed}); the API allows one of {', '.join(named)}"
        )
    peer: Any
    if gid:
        peer = f"{owner}/{gid}" if owner else gid
    elif plid:
        peer = plid
    else:
        peer = cidr4 or cidr6 or None
    peer_name = _s(perm.get(f"{side}GroupName")) if gid else ""
    if plid:
        peer_name = _s(perm.get(f"{side}PrefixListName"))
    fields: dict[str, Any] = {
        "direction": d or None,
        "policy": _s(perm.get("Policy")) or "accept",
        "priority": _s(perm.get("Priority")) or 1,
        "protocol": _s(perm.get("IpProtocol")) or None,
        "ports": _s(perm.get("PortRange")) or None,
        "source_ports": _s(perm.get("SourcePortRange")) or None,
        "nic_type": _s(perm.get("NicType")).lower() or "intranet",
        "peer": peer,
        "local_cidr": local or None,
        "description": _s(perm.get("Description")) or None,
        "rule_id": _s(perm.get("SecurityGroupRuleId")) or None,
        "port_list": _s(perm.get("PortRangeListId")) or None,
        "create_time": _s(perm.get("CreateTime")) or None,
        "peer_name": peer_name or None,
    }
    if fields["port_list"]:
        fields["ports"] = None  # the list's entries are the ports; PortRange says nothing
    if isinstance(fields["priority"], str) and fields["priority"].isdigit():
        fields["priority"] = int(fields["priority"])
    return fields


def rule_from_permission(
    perm: Mapping[str, Any], *, vpc: bool = True, direction: str | None = None
) -> Rule:
    """A live rule from an API permission; raises ``ValueError`` saying what is wrong."""
    fields = permission_to_fields(perm, direction)
    if vpc:
        fields["nic_type"] = "intranet"
    clean, problems = normalize_rule(fields, live=True)
    if problems:
        raise ValueError("; ".join(msg for _, msg in problems))
    return Rule.from_normalized(clean)


def rules_from_permissions(
    perms: Iterable[Mapping[str, Any]], *, vpc: bool = True, group: str = ""
) -> tuple[list[Rule], list[Issue]]:
    """Every readable rule, and an issue for each one that cannot be read (not fatal)."""
    rules: list[Rule] = []
    problems: list[Issue] = []
    for n, perm in enumerate(perms, start=1):
        try:
            rules.append(rule_from_permission(perm, vpc=vpc))
        except ValueError as exc:
            rid = _s(perm.get("SecurityGroupRuleId"))
            problems.append(
                Issue(str(exc), group=group or None, rule=n, rule_text=rid or _perm_text(perm))
            )
    return rules, problems


def _perm_text(perm: Mapping[str, Any]) -> str:
    keys = ("Direction", "Policy", "IpProtocol", "PortRange", "SourceCidrIp", "DestCidrIp")
    return " ".join(_s(perm.get(k)) for k in keys if _s(perm.get(k)))


def rule_to_permission(
    rule: Rule, group_ids: Mapping[str, str] | None = None, *, with_id: bool = True
) -> dict[str, Any]:
    """A rule as an API ``Permission`` (only the fields that apply, API spelling).

    ``group_ids`` maps stack group names (and ``prefix-list:NAME``, ``port-list:NAME``) to
    live IDs where known; a name without an ID is written in the ``*GroupName`` /
    ``*PrefixListName`` / ``PortRangeListName`` field.
    """
    ingress = rule.direction == "ingress"
    side, other = ("Source", "Dest") if ingress else ("Dest", "Source")
    out: dict[str, Any] = {
        "Direction": rule.direction,
        "Policy": rule.policy.capitalize(),
        "Priority": rule.priority,
        "IpProtocol": rule.protocol.upper(),
        "PortRange": str(rule.ports),
        "NicType": rule.nic_type,
    }
    if rule.source_ports is not None:
        out["SourcePortRange"] = str(rule.source_ports)
    ids_map = group_ids or {}
    _peer_fields(out, rule.peer, side, ids_map)
    if rule.local_cidr:
        v6 = ":" in rule.local_cidr
        out[("Ipv6" if v6 else "") + f"{other}CidrIp"] = rule.local_cidr
    if rule.port_list:
        out["PortRange"] = ""
        if rule.port_list.startswith("prl-"):
            out["PortRangeListId"] = rule.port_list
        elif rule.port_list in ids_map:
            out["PortRangeListId"] = ids_map[rule.port_list]
        if rule.port_list.startswith("port-list:"):
            out["PortRangeListName"] = rule.port_list.removeprefix("port-list:")
    if rule.peer_name:
        if rule.peer.kind == "group_id":
            out[f"{side}GroupName"] = rule.peer_name
        elif rule.peer.kind == "prefix_list_id":
            out[f"{side}PrefixListName"] = rule.peer_name
    if rule.description:
        out["Description"] = rule.description
    if with_id and rule.rule_id:
        out["SecurityGroupRuleId"] = rule.rule_id
    if with_id and rule.create_time:
        out["CreateTime"] = rule.create_time
    return out


def _peer_fields(out: dict[str, Any], peer: Peer, side: str, ids: Mapping[str, str]) -> None:
    if peer.kind == "ipv4":
        out[f"{side}CidrIp"] = peer.value
    elif peer.kind == "ipv6":
        out[f"Ipv6{side}CidrIp"] = peer.value
    elif peer.kind == "group_id":
        out[f"{side}GroupId"] = peer.value
        if peer.owner:
            out[f"{side}GroupOwnerAccount"] = peer.owner
    elif peer.kind == "group_name":
        if peer.value in ids:
            out[f"{side}GroupId"] = ids[peer.value]
        out[f"{side}GroupName"] = peer.value
    elif peer.kind == "prefix_list_id":
        out[f"{side}PrefixListId"] = peer.value
    else:
        key = str(peer)
        if key in ids:
            out[f"{side}PrefixListId"] = ids[key]
        out[f"{side}PrefixListName"] = peer.value


def full_permission(perm: Mapping[str, Any]) -> dict[str, Any]:
    """A permission with every documented field present, absent ones as empty strings."""
    return {k: perm.get(k, "") for k in PERMISSION_FIELDS}


# -- groups ------------------------------------------------------------------------------------


def tags_from_api(value: Any) -> dict[str, str]:
    """``Tags.Tag[{TagKey, TagValue}]`` (or a plain list / mapping) as a dict."""
    if isinstance(value, Mapping) and "Tag" in value:
        value = value["Tag"]
    if isinstance(value, Mapping):
        return {str(k): _s(v) for k, v in value.items()}
    out: dict[str, str] = {}
    for item in value or ():
        if isinstance(item, Mapping):
            key = _s(item.get("TagKey") or item.get("Key"))
            if key:
                out[key] = _s(item.get("TagValue") or item.get("Value"))
    return out


def tags_to_api(tags: Mapping[str, str]) -> dict[str, Any]:
    return {"Tag": [{"TagKey": k, "TagValue": v} for k, v in sorted(tags.items())]}


def meta_from_describe(item: Mapping[str, Any]) -> dict[str, Any]:
    """Group metadata from one ``DescribeSecurityGroups`` item, as model fields."""
    vpc = _s(item.get("VpcId"))
    meta: dict[str, Any] = {
        "id": _s(item.get("SecurityGroupId")) or None,
        "name": _s(item.get("SecurityGroupName")),
        "description": _s(item.get("Description")) or None,
        "type": _s(item.get("SecurityGroupType")).lower() or "normal",
        "network": "vpc" if vpc else "classic",
        "vpc_id": vpc or None,
        "resource_group_id": _s(item.get("ResourceGroupId")) or None,
        "tags": tags_from_api(item.get("Tags")),
    }
    # DeletionProtection is not read: DescribeSecurityGroups does not report it (the SDK's
    # model has no such field); only DeleteSecurityGroup's refusal reveals it (SPEC 1).
    live: dict[str, Any] = {
        "service_managed": _truthy(item.get("ServiceManaged")),
        "service_id": _service_id(item.get("ServiceID")),
        "creation_time": _s(item.get("CreationTime")) or None,
    }
    meta["live"] = live
    return meta


def _service_id(value: Any) -> int | str | None:
    """``ServiceID`` as the SDK types it (a long); absent, empty or 0 is None. Text that is
    not a number (hand-written files) is kept as it is."""
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        return int(value) or None
    except (TypeError, ValueError):
        return str(value)


def permissions_of(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    perms = body.get("Permissions") or {}
    if isinstance(perms, Mapping):
        perms = perms.get("Permission") or []
    return list(perms)


def group_from_attribute(
    body: Mapping[str, Any], meta: Mapping[str, Any] | None = None, *, source: str = "API body"
) -> tuple[SecurityGroup, list[Issue]]:
    """A live group from a ``DescribeSecurityGroupAttribute`` body (plus optional metadata).

    Returns the group and the rules that could not be read (as issues); raises
    :class:`StackInvalid` when the body itself is not a group.
    """
    sg_id = _s(body.get("SecurityGroupId")) or _s((meta or {}).get("id"))
    if not sg_id:
        raise StackInvalid(
            source, [Issue("no SecurityGroupId: not a DescribeSecurityGroupAttribute body")]
        )
    vpc_id = _s(body.get("VpcId")) or _s((meta or {}).get("vpc_id"))
    name = _s(body.get("SecurityGroupName")) or _s((meta or {}).get("name"))
    rules, problems = rules_from_permissions(
        permissions_of(body), vpc=bool(vpc_id), group=name or sg_id
    )
    fields: dict[str, Any] = {
        "id": sg_id,
        "name": name,
        "description": _s(body.get("Description")) or None,
        "network": "vpc" if vpc_id else "classic",
        "vpc_id": vpc_id or None,
        "inner_access_policy": _s(body.get("InnerAccessPolicy")).lower() or None,
    }
    if meta:
        for key, value in meta.items():
            if key not in fields or fields[key] in (None, ""):
                fields[key] = value
    if fields.get("inner_access_policy") is None:
        fields.pop("inner_access_policy")
    live = dict(fields.pop("live", None) or {})
    fields["live"] = LiveInfo.model_validate(live)
    fields["rules"] = tuple(rules)
    try:
        return SecurityGroup.model_validate(fields), [
            Issue(p.message, stack=source, group=p.group, rule=p.rule, rule_text=p.rule_text)
            for p in problems
        ]
    except ValidationError as exc:
        raise StackInvalid(source, issues_from_validation(exc, group=name or sg_id)) from None


def attribute_body(
    group: SecurityGroup,
    region: str | None = None,
    group_ids: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A ``DescribeSecurityGroupAttribute``-shaped body for a group (all rules, one page)."""
    body: dict[str, Any] = {
        "SecurityGroupId": group.id or "",
        "SecurityGroupName": group.name,
        "Description": group.description or "",
        "VpcId": group.vpc_id or "",
        "InnerAccessPolicy": group.inner_access_policy.capitalize(),
        "Permissions": {
            "Permission": [
                full_permission(rule_to_permission(r, group_ids))
                for r in sorted(group.rules, key=lambda r: r.sort_key)
            ]
        },
    }
    if region:
        body["RegionId"] = region
    return body


def describe_item(group: SecurityGroup) -> dict[str, Any]:
    """One ``DescribeSecurityGroups`` item for a group."""
    live = group.live or LiveInfo()
    group_peers = sum(1 for r in group.rules if r.peer.is_group)
    return {
        "SecurityGroupId": group.id or "",
        "SecurityGroupName": group.name,
        "Description": group.description or "",
        "SecurityGroupType": group.type,
        "ServiceManaged": live.service_managed,
        "ServiceID": live.service_id if live.service_id is not None else 0,
        "VpcId": group.vpc_id or "",
        "ResourceGroupId": group.resource_group_id or "",
        "CreationTime": live.creation_time or "",
        "RuleCount": len(group.rules),
        "GroupToGroupRuleCount": group_peers,
        "Tags": tags_to_api(group.tags),
    }
