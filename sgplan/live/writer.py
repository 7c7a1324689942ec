"""The ECS write calls, on the same paced and retried client as the reads.

:class:`EcsWriter` is an :class:`~sgplan.live.client.EcsApi` (one token bucket, the same
retries with backoff and jitter, the default credentials chain) that also writes. Rules go
out with every field the model holds: the peer on the right side (``Source*`` for ingress,
``Dest*`` for egress), the 5-tuple fields (``SourcePortRange`` and the other-side CIDR), the
peer group's owner account, ``NicType`` and the description. At most 100 rules a call
(``Permissions.N`` / ``SecurityGroupRuleId.N``); splitting larger sets is the apply engine's
job, so a call here never holds more.

Creating calls carry a ``ClientToken``, so a retry after a lost answer does not create a
second group or prefix list.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote_plus

from alibabacloud_ecs20140526 import models as m
from alibabacloud_tea_openapi import utils_models as rpc

from ..formats.api import group_from_attribute, meta_from_describe, rule_to_permission
from ..model.group import PrefixList, SecurityGroup
from ..model.limits import PERMISSIONS_PER_CALL
from ..model.rule import Rule
from .client import CallFailed, EcsApi, LiveConfig

AUTHORIZE = {"ingress": "AuthorizeSecurityGroup", "egress": "AuthorizeSecurityGroupEgress"}
REVOKE = {"ingress": "RevokeSecurityGroup", "egress": "RevokeSecurityGroupEgress"}
MODIFY_RULE = {"ingress": "ModifySecurityGroupRule", "egress": "ModifySecurityGroupEgressRule"}
_NOT_SENT = ("Direction", "SecurityGroupRuleId", "CreateTime")


def permission(rule: Rule) -> dict[str, Any]:
    """A rule as an Authorize/Revoke ``Permissions.N`` entry (API field names).

    The peer must be resolved (a group or prefix list by ID, not by stack name). An owner
    account given as digits is an account ID and goes out as ``*GroupOwnerId``.
    """
    if rule.peer.kind in ("group_name", "prefix_list_name"):
        raise ValueError(f"rule {rule} names {rule.peer} by stack name; resolve it to an ID first")
    out = rule_to_permission(rule, with_id=False)
    for key in _NOT_SENT:
        out.pop(key, None)
    out["Priority"] = str(rule.priority)
    out["IpProtocol"] = rule.protocol.upper()
    side = "Source" if rule.direction == "ingress" else "Dest"
    owner = out.pop(f"{side}GroupOwnerAccount", None)
    if owner:
        out[f"{side}GroupOwnerId" if str(owner).isdigit() else f"{side}GroupOwnerAccount"] = owner
    return out


def _chunk_check(items: Sequence[Any], what: str) -> None:
    if not 1 <= len(items) <= PERMISSIONS_PER_CALL:
        raise ValueError(f"{what}: {len(items)} items; one call takes 1-{PERMISSIONS_PER_CALL}")


class EcsWriter(EcsApi):
    """Reads and writes; every call paced, retried on throttling and 5xx, and counted."""

    def __init__(self, config: LiveConfig, credential: Any = None) -> None:
        super().__init__(config, credential)
        self.writes = 0
        """write calls that succeeded"""

    def _send(self, action: str, target: str, request: Any, method: str) -> dict[str, Any]:
        fn = getattr(self.client, method)
        body = self.call(action, target, lambda: fn(request, self.runtime))
        with self._lock:
            self.writes += 1
        return body

    def _form(self, action: str, target: str, params: dict[str, str]) -> dict[str, Any]:
        """One RPC call with its parameters in a form body (flat ``Permissions.N.Field`` keys).

        The generated ``*_with_options`` methods put every parameter in the query string,
        where the SDK's URL encoding costs about 0.2 s of CPU for 100 rules; the API takes the
        same parameters as a form body, which the SDK's own ``call_api`` sends (same signing,
        same endpoint). Used for the calls that carry up to 100 rules.
        """
        spec = rpc.Params(action=action, version="2014-05-26", protocol="HTTPS", pathname="/",
                          method="POST", auth_type="AK", style="RPC", req_body_type="byte",
                          body_type="json")  # fmt: skip
        request = rpc.OpenApiRequest(body=form_text(params).encode(), headers=dict(FORM))
        body = self.call(
            action, target, lambda: _Body(self.client.call_api(spec, request, self.runtime))
        )
        with self._lock:
            self.writes += 1
        return body

    def _flat(
        self, sg_id: str, key: str, items: Sequence[Mapping[str, Any] | str]
    ) -> dict[str, str]:
        out = {"RegionId": self.config.region, "SecurityGroupId": sg_id}
        for n, item in enumerate(items, start=1):
            if isinstance(item, str):
                out[f"{key}.{n}"] = item
            else:
                for field, value in item.items():
                    out[f"{key}.{n}.{field}"] = str(value)
        return out

    def _base(self, **fields: Any) -> dict[str, Any]:
        return {
            "RegionId": self.config.region,
            **{k: v for k, v in fields.items() if v is not None},
        }

    # -- rules -----------------------------------------------------------------------------

    def authorize(self, sg_id: str, direction: str, rules: Sequence[Rule]) -> None:
        """Add 1-100 rules of one direction (existing ones are left as they are)."""
        _chunk_check(rules, AUTHORIZE[direction])
        self._form(
            AUTHORIZE[direction],
            sg_id,
            self._flat(sg_id, "Permissions", [permission(r) for r in rules]),
        )

    def revoke_ids(self, sg_id: str, direction: str, rule_ids: Sequence[str]) -> None:
        """Remove 1-100 rules of one direction by ID (an unknown ID fails the call)."""
        _chunk_check(rule_ids, REVOKE[direction])
        self._form(
            REVOKE[direction], sg_id, self._flat(sg_id, "SecurityGroupRuleId", list(rule_ids))
        )

    def revoke_rules(self, sg_id: str, direction: str, rules: Sequence[Rule]) -> None:
        """Remove 1-100 rules by their fields (for rules read without an ID; no match is fine)."""
        _chunk_check(rules, REVOKE[direction])
        self._form(
            REVOKE[direction],
            sg_id,
            self._flat(sg_id, "Permissions", [permission(r) for r in rules]),
        )

    def modify_description(self, sg_id: str, direction: str, rule_id: str, text: str) -> None:
        """Change one rule's description in place (an empty text clears it)."""
        data = self._base(SecurityGroupId=sg_id, SecurityGroupRuleId=rule_id, Description=text)
        if direction == "ingress":
            req: Any = m.ModifySecurityGroupRuleRequest().from_map(data)
            self._send(MODIFY_RULE[direction], sg_id, req,
                       "modify_security_group_rule_with_options")  # fmt: skip
        else:
            req = m.ModifySecurityGroupEgressRuleRequest().from_map(data)
            self._send(MODIFY_RULE[direction], sg_id, req,
                       "modify_security_group_egress_rule_with_options")  # fmt: skip

    # -- groups ----------------------------------------------------------------------------

    def create_group(self, group: SecurityGroup, client_token: str | None = None) -> str:
        """Create an empty group (name, description, VPC, type, resource group, tags)."""
        data = self._base(
            SecurityGroupName=group.name, Description=group.description,
            VpcId=group.vpc_id if group.network == "vpc" else None,
            SecurityGroupType=group.type, ResourceGroupId=group.resource_group_id,
            ClientToken=client_token,
            Tag=[{"Key": k, "Value": v} for k, v in sorted(group.tags.items())] or None,
        )  # fmt: skip
        req = m.CreateSecurityGroupRequest().from_map(data)
        body = self._send("CreateSecurityGroup", group.name, req,
                          "create_security_group_with_options")  # fmt: skip
        return str(body["SecurityGroupId"])

    def delete_group(self, sg_id: str) -> None:
        req = m.DeleteSecurityGroupRequest().from_map(self._base(SecurityGroupId=sg_id))
        self._send("DeleteSecurityGroup", sg_id, req, "delete_security_group_with_options")

    def modify_group(
        self, sg_id: str, name: str | None = None, description: str | None = None
    ) -> None:
        data = self._base(SecurityGroupId=sg_id, SecurityGroupName=name, Description=description)
        req = m.ModifySecurityGroupAttributeRequest().from_map(data)
        self._send("ModifySecurityGroupAttribute", sg_id, req,
                   "modify_security_group_attribute_with_options")  # fmt: skip

    def modify_policy(self, sg_id: str, inner_access_policy: str) -> None:
        data = self._base(SecurityGroupId=sg_id, InnerAccessPolicy=inner_access_policy.capitalize())
        req = m.ModifySecurityGroupPolicyRequest().from_map(data)
        self._send("ModifySecurityGroupPolicy", sg_id, req,
                   "modify_security_group_policy_with_options")  # fmt: skip

    def tag(self, sg_id: str, tags: Mapping[str, str]) -> None:
        data = self._base(ResourceType="securitygroup", ResourceId=[sg_id],
                          Tag=[{"Key": k, "Value": v} for k, v in sorted(tags.items())])  # fmt: skip
        req = m.TagResourcesRequest().from_map(data)
        self._send("TagResources", sg_id, req, "tag_resources_with_options")

    def untag(self, sg_id: str, keys: Sequence[str]) -> None:
        data = self._base(ResourceType="securitygroup", ResourceId=[sg_id], TagKey=sorted(keys))
        req = m.UntagResourcesRequest().from_map(data)
        self._send("UntagResources", sg_id, req, "untag_resources_with_options")

    # -- prefix lists ----------------------------------------------------------------------

    def create_prefix_list(self, pl: PrefixList, client_token: str | None = None) -> str:
        data = self._base(
            PrefixListName=pl.name, AddressFamily=pl.address_family, MaxEntries=pl.max_entries,
            Description=pl.description, ClientToken=client_token,
            Entry=[{"Cidr": e.cidr, **({"Description": e.description} if e.description else {})}
                   for e in pl.entries] or None,
        )  # fmt: skip
        req = m.CreatePrefixListRequest().from_map(data)
        body = self._send("CreatePrefixList", pl.name, req, "create_prefix_list_with_options")
        return str(body["PrefixListId"])

    def modify_prefix_list(
        self,
        pl_id: str,
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
        name: str | None = None,
        description: str | None = None,
    ) -> None:
        data = self._base(
            PrefixListId=pl_id, PrefixListName=name, Description=description,
            AddEntry=[{"Cidr": c} for c in add] or None,
            RemoveEntry=[{"Cidr": c} for c in remove] or None,
        )  # fmt: skip
        req = m.ModifyPrefixListRequest().from_map(data)
        self._send("ModifyPrefixList", pl_id, req, "modify_prefix_list_with_options")

    def delete_prefix_list(self, pl_id: str) -> None:
        req = m.DeletePrefixListRequest().from_map(self._base(PrefixListId=pl_id))
        self._send("DeletePrefixList", pl_id, req, "delete_prefix_list_with_options")

    # -- reading back ----------------------------------------------------------------------

    def group_items(self, group_ids: Sequence[str] = (), vpc_id: str | None = None,
                    name: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
        """``DescribeSecurityGroups`` items: by IDs (100 a call), or a VPC's, by name."""
        out: list[dict[str, Any]] = []
        chunks = [list(group_ids[i : i + 100]) for i in range(0, len(group_ids), 100)] or [[]]
        for chunk in chunks:
            for page in self.security_group_pages(vpc_id, chunk or None):
                out += page
        if name is not None:
            out = [i for i in out if i.get("SecurityGroupName") == name]
        return out

    def read_group(self, sg_id: str, item: Mapping[str, Any] | None = None) -> SecurityGroup | None:
        """One group with all its rules as the model holds them; None if it does not exist."""
        try:
            if item is None:
                found = self.group_items([sg_id])
                if not found:
                    return None
                item = found[0]
            body = self.describe_attribute(sg_id)
        except CallFailed as exc:
            if exc.failure.code == "InvalidSecurityGroupId.NotFound":
                return None
            raise
        group, problems = group_from_attribute(
            body, meta_from_describe(item), source=f"live {sg_id}"
        )
        if problems:
            raise CallFailed(exc_failure(sg_id, "; ".join(str(p) for p in problems)))
        return group


FORM = {"content-type": "application/x-www-form-urlencoded"}
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*\Z")
_ADDRESS = re.compile(r"[A-Za-z0-9_.~:/-]*\Z")


@functools.lru_cache(maxsize=65536)
def _quote(text: str) -> str:
    if _PLAIN.match(text):
        return text
    if _ADDRESS.match(text):  # CIDRs and port ranges: only "/" and ":" need escaping
        return text.replace("/", "%2F").replace(":", "%3A")
    return quote_plus(text)


def form_text(params: Mapping[str, str]) -> str:
    """The form body the SDK's ``to_form`` would make (sorted keys, ``quote_plus``), made
    faster: texts that need no quoting are passed through, repeated ones cached."""
    return "&".join(f"{_quote(k)}={_quote(v)}" for k, v in sorted(params.items()))


class _Body:
    """``call_api``'s answer shaped like a generated response (``.body.to_map()``)."""

    def __init__(self, answer: Mapping[str, Any]) -> None:
        self.body = self
        self._map = dict(answer.get("body") or {})

    def to_map(self) -> dict[str, Any]:
        return self._map


def exc_failure(target: str, message: str) -> Any:
    from .errors import CallFailure

    return CallFailure("DescribeSecurityGroupAttribute", target, "UnreadableRule", None, message, 1)


def connect(config: LiveConfig, credential: Any = None) -> EcsWriter:
    """A write-capable client for ``config`` (credentials from the default chain)."""
    return EcsWriter(config, credential)


__all__ = ["EcsWriter", "connect", "permission"]
