"""What the local endpoint serves: groups, rules, NICs and prefix lists in the API's shapes,
with the read calls of SPEC section 6 and their paging.

Rules are stored as the API returns them, quirks included (capitalised IpProtocol and
Policy, Priority sometimes as text, bare IPs without ``/32``, empty strings for absent peers),
so that whatever reads from the endpoint has to absorb them.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..formats.api import describe_item, full_permission, rule_to_permission
from ..model.limits import RULES_PER_GROUP
from ..model.stack import State


class ApiError(Exception):
    """An error the endpoint answers with: HTTP status, ``Code`` and ``Message``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


STATUS = {
    "Throttling": 400,
    "Rejected.Throttling": 400,
    "InvalidParameter": 400,
    "MissingParameter": 400,
    "InvalidNextToken.Malformed": 400,
    "Forbidden.RAM": 403,
    "Forbidden": 403,
    "InvalidOperation.ResourceManagedByCloudProduct": 403,
    "InvalidAccessKeyId.NotFound": 404,
    "InvalidSecurityGroupId.NotFound": 404,
    "InvalidPrefixListId.NotFound": 404,
    "InvalidAction.NotFound": 404,
    "InternalError": 500,
    "ServiceUnavailable": 503,
}

MESSAGES = {
    "Throttling": "Request was denied due to request throttling.",
    "Rejected.Throttling": "Request was denied due to flow control.",
    "ServiceUnavailable": "The request has failed due to a temporary failure of the server.",
    "InternalError": "The request processing has failed due to some unknown error.",
    "Forbidden.RAM": "User not authorized to operate on the specified resource.",
    "InvalidOperation.ResourceManagedByCloudProduct": "The security group is managed by a "
    "cloud product and cannot be modified.",
    "InvalidAccessKeyId.NotFound": "Specified access key is not found.",
}


def error(code: str, message: str | None = None) -> ApiError:
    return ApiError(STATUS.get(code, 400), code, message or MESSAGES.get(code, code))


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def _offset(params: Mapping[str, str]) -> int:
    token = params.get("NextToken") or ""
    if not token:
        return 0
    try:
        kind, _, number = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if kind == "o":
            return int(number)
    except (ValueError, UnicodeDecodeError):
        pass
    raise error("InvalidNextToken.Malformed", "The specified NextToken is invalid.")


def _page_size(params: Mapping[str, str], default: int, low: int, high: int) -> int:
    raw = params.get("MaxResults")
    if raw in (None, ""):
        return default
    try:
        size = int(raw)
    except ValueError:
        raise error("InvalidParameter", f"MaxResults {raw!r} is not a number.") from None
    if not low <= size <= high:
        raise error("InvalidParameter", f"MaxResults must be between {low} and {high}.")
    return size


def _page(items: list[Any], params: Mapping[str, str], size: int) -> tuple[list[Any], str]:
    start = _offset(params)
    chunk = items[start : start + size]
    more = start + size < len(items)
    return chunk, _token(start + size) if more else ""


def _quirky(perm: dict[str, Any], n: int) -> dict[str, Any]:
    """How the live API spells a permission: some quirks on some rules."""
    out = full_permission(perm)
    if n % 3 == 0:
        out["Priority"] = str(out["Priority"])
    for key in ("SourceCidrIp", "DestCidrIp"):
        if out[key].endswith("/32") and n % 2 == 0:
            out[key] = out[key][:-3]
    out["CreateTime"] = out["CreateTime"] or "2024-01-01T00:00:00Z"
    return out


@dataclass
class EcsStore:
    """The estate one local endpoint serves (one region)."""

    region: str = "cn-hangzhou"
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    """group ID -> ``{"item": DescribeSecurityGroups item, "perms": [Permission]}``"""
    nics: list[dict[str, Any]] = field(default_factory=list)
    prefix_lists: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_keys: frozenset[str] | None = None
    """when set, only these AccessKey IDs are accepted"""
    rule_quota: int = RULES_PER_GROUP
    """rules per group (SPEC 2: 200; newer docs bind only the NIC-wide 1,000)"""
    protected: set[str] = field(default_factory=set)
    """group IDs with deletion protection on (the API does not report it)"""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        from .writes import Writes  # the write side lives in its own module

        self.writes = Writes(self)

    # -- building ------------------------------------------------------------------------------

    @classmethod
    def from_state(cls, state: State, region: str | None = None, quirks: bool = True) -> EcsStore:
        store = cls(region=region or state.region or "cn-hangzhou")
        names = {g.id: g.name for g in state.groups if g.id}
        lists = {p.id: p.name for p in state.prefix_lists if p.id}
        n = 0
        for g in state.groups:
            if not g.id:
                raise ValueError(f"group {g.name} has no ID; a live estate needs one per group")
            perms = []
            for r in sorted(g.rules, key=lambda r: r.sort_key):
                n += 1
                perm = rule_to_permission(r)
                perm.setdefault("SecurityGroupRuleId", f"sgr-{g.id[3:]}{n:06d}")
                for side in ("Source", "Dest"):
                    if perm.get(f"{side}GroupId") in names:
                        perm[f"{side}GroupName"] = names[perm[f"{side}GroupId"]]
                    if perm.get(f"{side}PrefixListId") in lists:
                        perm[f"{side}PrefixListName"] = lists[perm[f"{side}PrefixListId"]]
                perms.append(_quirky(perm, n) if quirks else full_permission(perm))
            item = describe_item(g)
            item["RuleCount"] = len(perms)
            store.groups[g.id] = {
                "item": item,
                "inner": g.inner_access_policy.capitalize(),
                "perms": perms,
            }
        vpcs = {g.id: g.vpc_id or "" for g in state.groups}
        for m in state.members:
            store.nics.append(
                {
                    "NetworkInterfaceId": m.nic,
                    "InstanceId": m.instance or "",
                    "VpcId": vpcs.get(m.groups[0], "") if m.groups else "",
                    "Type": "Primary" if m.instance else "Secondary",
                    "SecurityGroupIds": {"SecurityGroupId": list(m.groups)},
                }
            )
        for p in state.prefix_lists:
            if not p.id:
                continue
            store.prefix_lists[p.id] = {
                "PrefixListId": p.id,
                "PrefixListName": p.name,
                "AddressFamily": p.address_family,
                "MaxEntries": p.max_entries,
                "Description": p.description or "",
                "CreationTime": "2024-01-01T00:00:00Z",
                "Entries": {
                    "Entry": [
                        {"Cidr": e.cidr, "Description": e.description or ""} for e in p.entries
                    ]
                },
            }
        return store

    # -- the read calls ------------------------------------------------------------------------

    def _region(self, params: Mapping[str, str]) -> None:
        region = params.get("RegionId")
        if not region:
            raise error("MissingParameter", "The input parameter RegionId is mandatory.")
        if region != self.region:
            raise error("InvalidParameter", f"The specified RegionId {region} is not served here.")

    def _group(self, params: Mapping[str, str]) -> dict[str, Any]:
        sg_id = params.get("SecurityGroupId") or ""
        if not sg_id:
            raise error("MissingParameter", "The input parameter SecurityGroupId is mandatory.")
        group = self.groups.get(sg_id)
        if group is None:
            raise error("InvalidSecurityGroupId.NotFound",
                        f"The specified security group {sg_id} does not exist.")  # fmt: skip
        return group

    def describe_security_groups(self, params: Mapping[str, str]) -> dict[str, Any]:
        self._region(params)
        size = _page_size(params, 10, 1, 100)
        items = [g["item"] for g in self.groups.values()]
        if params.get("VpcId"):
            items = [i for i in items if i["VpcId"] == params["VpcId"]]
        if params.get("SecurityGroupIds"):
            try:
                wanted = set(json.loads(params["SecurityGroupIds"]))
            except ValueError:
                raise error("InvalidParameter", "SecurityGroupIds must be a JSON array.") from None
            if len(wanted) > 100:
                raise error("InvalidParameter", "SecurityGroupIds holds at most 100 IDs.")
            items = [i for i in items if i["SecurityGroupId"] in wanted]
        if params.get("SecurityGroupType"):
            items = [i for i in items if i["SecurityGroupType"] == params["SecurityGroupType"]]
        if params.get("ServiceManaged") in ("true", "false"):
            managed = params["ServiceManaged"] == "true"
            items = [i for i in items if bool(i["ServiceManaged"]) == managed]
        if params.get("NetworkType") in ("vpc", "classic"):
            vpc = params["NetworkType"] == "vpc"
            items = [i for i in items if bool(i["VpcId"]) == vpc]
        if params.get("SecurityGroupName"):
            items = [i for i in items if i["SecurityGroupName"] == params["SecurityGroupName"]]
        for n in range(1, 21):
            key = params.get(f"Tag.{n}.Key")
            if key is None:
                break
            value = params.get(f"Tag.{n}.Value")
            items = [i for i in items if _has_tag(i, key, value)]
        chunk, token = _page(items, params, size)
        return {
            "RegionId": self.region,
            "TotalCount": len(items),
            "NextToken": token,
            "SecurityGroups": {"SecurityGroup": chunk},
        }

    def describe_security_group_attribute(self, params: Mapping[str, str]) -> dict[str, Any]:
        self._region(params)
        group = self._group(params)
        direction = (params.get("Direction") or "all").lower()
        if direction not in ("all", "ingress", "egress"):
            raise error("InvalidParameter", "Direction must be all, ingress or egress.")
        perms = [p for p in group["perms"] if direction == "all" or p["Direction"] == direction]
        if params.get("NicType"):
            perms = [p for p in perms if p["NicType"] == params["NicType"]]
        item = group["item"]
        body: dict[str, Any] = {
            "RegionId": self.region,
            "SecurityGroupId": item["SecurityGroupId"],
            "SecurityGroupName": item["SecurityGroupName"],
            "Description": item["Description"],
            "VpcId": item["VpcId"],
            "InnerAccessPolicy": group["inner"],
        }
        if params.get("MaxResults") or params.get("NextToken"):
            size = _page_size(params, 10, 10, 1000)
            perms, body["NextToken"] = _page(perms, params, size)
        body["Permissions"] = {"Permission": perms}
        return body

    def describe_network_interfaces(self, params: Mapping[str, str]) -> dict[str, Any]:
        self._region(params)
        size = _page_size(params, 10, 10, 500)
        nics = self.nics
        if params.get("VpcId"):
            nics = [n for n in nics if n["VpcId"] == params["VpcId"]]
        if params.get("SecurityGroupId"):
            sg = params["SecurityGroupId"]
            nics = [n for n in nics if sg in n["SecurityGroupIds"]["SecurityGroupId"]]
        chunk, token = _page(nics, params, size)
        return {
            "TotalCount": len(nics),
            "NextToken": token,
            "NetworkInterfaceSets": {"NetworkInterfaceSet": chunk},
        }

    def describe_prefix_lists(self, params: Mapping[str, str]) -> dict[str, Any]:
        self._region(params)
        size = _page_size(params, 10, 1, 100)
        keys = ("PrefixListId", "PrefixListName", "AddressFamily", "MaxEntries", "Description",
                "CreationTime")  # fmt: skip
        items = [{k: p[k] for k in keys} for p in self.prefix_lists.values()]
        chunk, token = _page(items, params, size)
        return {"NextToken": token, "PrefixLists": {"PrefixList": chunk}}

    def describe_prefix_list_attributes(self, params: Mapping[str, str]) -> dict[str, Any]:
        self._region(params)
        pl = self.prefix_lists.get(params.get("PrefixListId") or "")
        if pl is None:
            raise error("InvalidPrefixListId.NotFound", "The specified prefix list does not exist.")
        return dict(pl)

    ACTIONS: ClassVar[dict[str, Any]] = {
        "DescribeSecurityGroups": describe_security_groups,
        "DescribeSecurityGroupAttribute": describe_security_group_attribute,
        "DescribeNetworkInterfaces": describe_network_interfaces,
        "DescribePrefixLists": describe_prefix_lists,
        "DescribePrefixListAttributes": describe_prefix_list_attributes,
    }

    def call(self, action: str, params: Mapping[str, str]) -> dict[str, Any]:
        handler = self.ACTIONS.get(action)
        if handler is None:
            if action in self.writes.HANDLERS:
                with self._lock:
                    return self.writes.call(action, params)
            raise error("InvalidAction.NotFound", f"The action {action} is not served here.")
        with self._lock:
            return handler(self, params)

    def group_of(self, params: Mapping[str, str]) -> str | None:
        return params.get("SecurityGroupId") or None


def _has_tag(item: Mapping[str, Any], key: str, value: str | None) -> bool:
    for tag in item.get("Tags", {}).get("Tag", []):
        if tag["TagKey"] == key and (value is None or tag["TagValue"] == value):
            return True
    return False


__all__ = ["ApiError", "EcsStore", "error"]
