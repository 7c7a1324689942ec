"""The write calls of the local endpoint, with the cloud's semantics (SPEC sections 1, 2, 6).

* ``AuthorizeSecurityGroup[Egress]``: 1-100 ``Permissions.N``; a rule that already exists
  is a silent no-op; two equal rules in one request fail with
  ``InvalidParam.DuplicatePermissions``; the 200-rule quota (prefix lists at
  ``max_entries``), 20 group peers per normal group, none in enterprise groups, 1,000 rules
  per NIC; rule IDs and ``CreateTime`` assigned; classic groups default ``NicType`` to
  ``internet``, VPC groups always hold ``intranet``.
* ``RevokeSecurityGroup[Egress]``: by ``SecurityGroupRuleId.N`` (an unknown ID fails with
  ``InvalidParam.SecurityGroupRuleId``, as since 2024-07-08) or by ``Permissions.N`` (no
  match succeeds silently), never both.
* ``ModifySecurityGroupRule`` / ``ModifySecurityGroupEgressRule``, ``CreateSecurityGroup``,
  ``DeleteSecurityGroup`` (``DependencyViolation`` while attached or referenced,
  ``InvalidOperation.DeletionProtection``), ``ModifySecurityGroupAttribute``,
  ``ModifySecurityGroupPolicy``, ``TagResources`` / ``UntagResources``, and the prefix-list
  writes. Every write to a service-managed group fails with
  ``InvalidOperation.ResourceManagedByCloudProduct``.

Every write, successful or not, is appended to the store's write log (:class:`WriteRecord`);
replaying the successful ones in order onto a fresh store rebuilds each intermediate state.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ..formats.api import (
    full_permission,
    permission_to_fields,
    rule_from_permission,
    rule_to_permission,
)
from ..model import limits as L
from ..model.group import PrefixList
from ..model.rule import Rule, RuleKey, normalize_rule
from ..model.stack import State
from .store import ApiError, error

if TYPE_CHECKING:
    from .store import EcsStore

WRITE_STATUS = {
    "InvalidParam.DuplicatePermissions": 400,
    "InvalidParam.SecurityGroupRuleId": 400,
    "AuthorizationLimitExceed": 400,
    "AuthorizedGroupRule.LimitExceed": 400,
    "InvalidOperation.RuleDuplicate": 400,
    "InvalidOperation.DeletionProtection": 403,
    "DependencyViolation": 403,
    "InvalidSecurityGroupName.Duplicate": 400,
    "InvalidSourceGroupId.NotFound": 404,
    "InvalidPrefixListId.NotFound": 404,
    "InvalidParameter": 400,
    "InvalidOperation.EnterpriseGroupNotSupported": 400,
    "QuotaExceed.NetworkInterfaceRules": 400,
    "InvalidOperation.PrefixListInUse": 403,
}


def werror(code: str, message: str) -> ApiError:
    return ApiError(WRITE_STATUS.get(code, 400), code, message)


@dataclass
class WriteRecord:
    """One write call the endpoint answered: what was asked and what came of it."""

    seq: int
    action: str
    params: dict[str, str]
    ok: bool
    code: str = ""
    group: str | None = None
    created: list[str] = field(default_factory=list)
    """rule, group or prefix-list IDs the call created"""
    removed: list[str] = field(default_factory=list)


def indexed(params: Mapping[str, str], prefix: str) -> list[dict[str, str]]:
    """``Prefix.N.Field`` parameters as a list of dicts in N order (``Prefix.N`` as ``""``)."""
    found: dict[int, dict[str, str]] = {}
    head = prefix + "."
    cut = len(head)
    for key, value in params.items():
        if key.startswith(head):
            n, _, rest = key[cut:].partition(".")
            if n.isdigit():
                found.setdefault(int(n), {})[rest] = value
    return [found[n] for n in sorted(found)]


def _fast_rule(perm: Mapping[str, Any], vpc: bool, direction: str) -> Rule:
    """A rule from a request's permission: canonicalised and checked as the model does, built
    without a second validation pass (the endpoint reads up to 100 of them per call)."""
    fields = permission_to_fields(perm, direction)
    if vpc:
        fields["nic_type"] = "intranet"
    clean, problems = normalize_rule(fields, live=True)
    if problems:
        raise ValueError("; ".join(msg for _, msg in problems))
    return Rule.from_normalized(clean)


def listed(params: Mapping[str, str], prefix: str) -> list[str]:
    """``Prefix.N`` values in N order."""
    return [d[""] for d in indexed(params, prefix) if "" in d]


class Writes:
    """The write handlers; bound to one :class:`EcsStore` (which holds the data and lock)."""

    def __init__(self, store: EcsStore) -> None:
        self.store = store
        self.log: list[WriteRecord] = []
        self.clock: Callable[[int], str] = lambda n: (
            f"2026-01-{1 + n // 86400 % 28:02d}T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z"
        )
        self._next = 0
        self._keys: dict[str, dict[RuleKey, dict[str, Any]]] = {}
        self._tokens: dict[tuple[str, str], dict[str, Any]] = {}

    # -- helpers ---------------------------------------------------------------------------

    def _serial(self) -> int:
        self._next += 1
        return self._next

    def _new_id(self, prefix: str, seed: str) -> str:
        n = self._serial()
        digest = hashlib.sha1(f"{seed}/{n}".encode()).hexdigest()[:12]
        return f"{prefix}-bp1w{digest}{n:05d}"

    def group(self, params: Mapping[str, str]) -> dict[str, Any]:
        group = self.store._group(params)
        if group["item"].get("ServiceManaged"):
            raise error("InvalidOperation.ResourceManagedByCloudProduct")
        return group

    def _vpc(self, group: Mapping[str, Any]) -> bool:
        return bool(group["item"].get("VpcId"))

    def rule_of(self, group: Mapping[str, Any], perm: Mapping[str, Any]) -> Rule:
        return rule_from_permission(perm, vpc=self._vpc(group))

    def keys(self, sg_id: str) -> dict[RuleKey, dict[str, Any]]:
        """The group's rules by identity (built on first use, then kept up to date)."""
        found = self._keys.get(sg_id)
        if found is None:
            group = self.store.groups[sg_id]
            found = {self.rule_of(group, p).key: p for p in group["perms"]}
            self._keys[sg_id] = found
        return found

    def cost(self, rule: Rule) -> int:
        if rule.peer.is_prefix_list:
            pl = self.store.prefix_lists.get(rule.peer.value)
            if pl is not None:
                return int(pl["MaxEntries"])
        return 1

    def quota_of(self, sg_id: str) -> tuple[int, int]:
        """(rules counted against the quota, rules whose peer is a group)."""
        peers = [k[7] for k in self.keys(sg_id)]
        lists = self.store.prefix_lists
        cost = sum(int(lists[p.value]["MaxEntries"]) if p.is_prefix_list and p.value in lists
                   else 1 for p in peers)  # fmt: skip
        return cost, sum(1 for p in peers if p.is_group)

    def _recount(self, sg_id: str) -> None:
        group = self.store.groups[sg_id]
        item = group["item"]
        item["RuleCount"] = len(group["perms"])
        item["GroupToGroupRuleCount"] = sum(
            1 for p in group["perms"] if p.get("SourceGroupId") or p.get("DestGroupId")
        )

    # -- rules -----------------------------------------------------------------------------

    def _permission(self, group: dict[str, Any], raw: dict[str, str], direction: str) -> Rule:
        perm: dict[str, Any] = dict(raw)
        perm["Direction"] = direction
        vpc = self._vpc(group)
        nic = (perm.get("NicType") or "").lower()
        if nic not in ("", "internet", "intranet"):
            raise werror("InvalidParameter", f"NicType {nic!r} is not allowed: internet, intranet.")
        if not vpc and not nic:
            nic = "internet"  # the classic default
        side = "Source" if direction == "ingress" else "Dest"
        for kind in ("GroupOwnerId", "GroupOwnerAccount"):
            if perm.get(f"{side}{kind}") and not perm.get(f"{side}GroupOwnerAccount"):
                perm[f"{side}GroupOwnerAccount"] = perm[f"{side}{kind}"]
        perm["NicType"] = "intranet" if vpc else nic
        if not perm.get("IpProtocol"):
            raise werror("MissingParameter", "Permissions.N.IpProtocol is mandatory.")
        try:
            rule = _fast_rule(perm, vpc, direction)
        except ValueError as exc:
            raise werror("InvalidParameter", f"The permission is invalid: {exc}.") from None
        if not vpc and rule.peer.is_group and nic == "internet":
            raise werror("InvalidParameter", "A rule whose peer is a security group requires "
                         "NicType intranet.")  # fmt: skip
        if not vpc and nic == "internet" and direction == "ingress" and rule.peer.is_cidr:
            net = rule.peer.network
            if net is not None and net.prefixlen != net.max_prefixlen:
                raise werror("InvalidParameter", "Classic internet ingress takes single "
                             "addresses, not CIDR blocks.")  # fmt: skip
        if rule.peer.is_prefix_list and rule.peer.value not in self.store.prefix_lists:
            raise werror("InvalidPrefixListId.NotFound",
                         f"The prefix list {rule.peer.value} does not exist.")  # fmt: skip
        if rule.peer.kind == "group_id" and not rule.peer.owner:
            peer = self.store.groups.get(rule.peer.value)
            if peer is None:
                raise werror("InvalidSourceGroupId.NotFound",
                             f"The security group {rule.peer.value} does not exist.")  # fmt: skip
            if peer["item"].get("SecurityGroupType") == "enterprise":
                raise werror("InvalidOperation.EnterpriseGroupNotSupported",
                             "An enterprise security group cannot be the peer of a rule.")  # fmt: skip
        if rule.priority > L.PRIORITY_MAX:
            raise werror("InvalidParameter", f"Priority must be 1-{L.PRIORITY_MAX}.")
        return rule

    def authorize(self, params: Mapping[str, str], direction: str) -> dict[str, Any]:
        self.store._region(params)
        group = self.group(params)
        sg_id = group["item"]["SecurityGroupId"]
        raws = indexed(params, "Permissions")
        if not raws:
            raise werror("MissingParameter", "The input parameter Permissions is mandatory.")
        if len(raws) > L.PERMISSIONS_PER_CALL:
            raise werror("InvalidParameter",
                         f"Permissions holds at most {L.PERMISSIONS_PER_CALL} rules a call.")  # fmt: skip
        rules = [self._permission(group, raw, direction) for raw in raws]
        seen: set[RuleKey] = set()
        for rule in rules:
            if rule.key in seen:
                raise werror("InvalidParam.DuplicatePermissions",
                             f"The request holds the rule {rule} twice.")  # fmt: skip
            seen.add(rule.key)
        keys = self.keys(sg_id)
        new = [r for r in rules if r.key not in keys]
        if not new:
            return {}
        self._check_quota(group, sg_id, new)
        created = []
        for rule in new:
            rid = self._new_id("sgr", sg_id)
            perm = full_permission(rule_to_permission(rule, with_id=False))
            perm["SecurityGroupRuleId"] = rid
            perm["CreateTime"] = self.clock(self._next)
            if rule.peer.kind == "group_id" and rule.peer.value in self.store.groups:
                side = "Source" if direction == "ingress" else "Dest"
                name = self.store.groups[rule.peer.value]["item"]["SecurityGroupName"]
                perm[f"{side}GroupName"] = name
            if rule.peer.is_prefix_list:
                side = "Source" if direction == "ingress" else "Dest"
                pl = self.store.prefix_lists[rule.peer.value]
                perm[f"{side}PrefixListName"] = pl["PrefixListName"]
            group["perms"].append(perm)
            keys[rule.key] = perm
            created.append(rid)
        self._recount(sg_id)
        return {"_created": created}

    def _check_quota(self, group: dict[str, Any], sg_id: str, new: list[Rule]) -> None:
        rules, peers = self.quota_of(sg_id)
        add = sum(self.cost(r) for r in new)
        add_peers = sum(1 for r in new if r.peer.is_group)
        limit = self.store.rule_quota
        if rules + add > limit:
            raise werror("AuthorizationLimitExceed",
                         f"The security group {sg_id} would hold {rules + add} rules; the limit "
                         f"is {limit}.")  # fmt: skip
        if add_peers and group["item"].get("SecurityGroupType") == "enterprise":
            raise werror("InvalidOperation.EnterpriseGroupNotSupported",
                         "Enterprise security groups take no rules whose peer is a group.")  # fmt: skip
        if peers + add_peers > L.GROUP_PEER_RULES_PER_NORMAL_GROUP:
            raise werror("AuthorizedGroupRule.LimitExceed",
                         f"The security group {sg_id} would hold {peers + add_peers} rules whose "
                         f"peer is a group; the limit is {L.GROUP_PEER_RULES_PER_NORMAL_GROUP}.")  # fmt: skip
        for nic in self.store.nics:
            ids = nic["SecurityGroupIds"]["SecurityGroupId"]
            if sg_id not in ids:
                continue
            total = add + sum(self.quota_of(g)[0] for g in ids if g in self.store.groups)
            if total > L.RULES_PER_NIC:
                raise werror("QuotaExceed.NetworkInterfaceRules",
                             f"The network interface {nic['NetworkInterfaceId']} would carry "
                             f"{total} rules; the limit is {L.RULES_PER_NIC}.")  # fmt: skip

    def revoke(self, params: Mapping[str, str], direction: str) -> dict[str, Any]:
        self.store._region(params)
        group = self.group(params)
        sg_id = group["item"]["SecurityGroupId"]
        ids = listed(params, "SecurityGroupRuleId")
        raws = indexed(params, "Permissions")
        if ids and raws:
            raise werror("InvalidParameter",
                         "Give SecurityGroupRuleId.N or Permissions.N, not both.")  # fmt: skip
        if not ids and not raws:
            raise werror("MissingParameter", "SecurityGroupRuleId.N or Permissions.N is mandatory.")
        if len(ids) > L.PERMISSIONS_PER_CALL or len(raws) > L.PERMISSIONS_PER_CALL:
            raise werror("InvalidParameter", "At most 100 rules a call.")
        keys = self.keys(sg_id)
        if ids:
            by_id = {p["SecurityGroupRuleId"]: p for p in group["perms"]
                     if p["Direction"] == direction}  # fmt: skip
            unknown = [i for i in ids if i not in by_id]
            if unknown:
                raise werror("InvalidParam.SecurityGroupRuleId",
                             f"The security group rule {unknown[0]} does not exist in {sg_id}.")  # fmt: skip
            gone = {id(by_id[i]) for i in ids}
        else:
            wanted = {self._permission(group, raw, direction).key for raw in raws}
            gone = {id(keys[k]) for k in wanted if k in keys}
        removed = [p["SecurityGroupRuleId"] for p in group["perms"] if id(p) in gone]
        group["perms"] = [p for p in group["perms"] if id(p) not in gone]
        for k in [k for k, p in keys.items() if id(p) in gone]:
            del keys[k]
        self._recount(sg_id)
        return {"_removed": removed}

    def modify_rule(self, params: Mapping[str, str], direction: str) -> dict[str, Any]:
        self.store._region(params)
        group = self.group(params)
        sg_id = group["item"]["SecurityGroupId"]
        rid = params.get("SecurityGroupRuleId") or ""
        perm = next((p for p in group["perms"] if p["SecurityGroupRuleId"] == rid
                     and p["Direction"] == direction), None)  # fmt: skip
        if perm is None:
            raise werror("InvalidParam.SecurityGroupRuleId",
                         f"The security group rule {rid or '(none)'} does not exist in {sg_id}.")  # fmt: skip
        changed = {k: v for k, v in params.items() if k in perm and k not in
                   ("SecurityGroupRuleId", "SecurityGroupId", "RegionId", "Direction")}  # fmt: skip
        if not changed:
            return {}
        before = self.rule_of(group, perm)
        trial = {**perm, **changed}
        try:
            after = self.rule_of(group, trial)
        except ValueError as exc:
            raise werror("InvalidParameter", f"The rule is invalid: {exc}.") from None
        if before.peer.kind != after.peer.kind and not (before.peer.is_cidr and after.peer.is_cidr):
            raise werror("InvalidParameter", "Modify cannot change the kind of peer.")
        keys = self.keys(sg_id)
        if after.key != before.key and after.key in keys:
            raise werror("InvalidOperation.RuleDuplicate",
                         f"The change makes rule {rid} equal to another rule of {sg_id}.")  # fmt: skip
        del keys[before.key]
        perm.update(changed)
        keys[after.key] = perm
        return {}

    # -- groups ----------------------------------------------------------------------------

    def create_group(self, params: Mapping[str, str]) -> dict[str, Any]:
        self.store._region(params)
        name = params.get("SecurityGroupName") or ""
        kind = (params.get("SecurityGroupType") or "normal").lower()
        if kind not in ("normal", "enterprise"):
            raise werror("InvalidParameter", "SecurityGroupType must be normal or enterprise.")
        vpc = params.get("VpcId") or ""
        if kind == "enterprise" and not vpc:
            raise werror("InvalidParameter", "Enterprise security groups need a VpcId.")
        desc = params.get("Description") or ""
        if desc.startswith(("http://", "https://")):
            raise werror("InvalidParameter", "Description must not start with http:// or https://.")
        sg_id = self._new_id("sg", name)
        tags = [{"TagKey": t.get("Key", ""), "TagValue": t.get("Value", "")}
                for t in indexed(params, "Tag")]  # fmt: skip
        self.store.groups[sg_id] = {
            "item": {
                "SecurityGroupId": sg_id, "SecurityGroupName": name, "Description": desc,
                "SecurityGroupType": kind, "ServiceManaged": False, "ServiceID": "",
                "VpcId": vpc, "ResourceGroupId": params.get("ResourceGroupId") or "",
                "CreationTime": self.clock(self._next), "RuleCount": 0,
                "GroupToGroupRuleCount": 0, "Tags": {"Tag": tags},
            },
            "inner": "Drop" if kind == "enterprise" else "Accept",
            "perms": [],
        }  # fmt: skip
        self._keys[sg_id] = {}
        return {"SecurityGroupId": sg_id, "_created": [sg_id]}

    def delete_group(self, params: Mapping[str, str]) -> dict[str, Any]:
        self.store._region(params)
        group = self.group(params)
        sg_id = group["item"]["SecurityGroupId"]
        if sg_id in self.store.protected:
            raise werror("InvalidOperation.DeletionProtection",
                         f"The security group {sg_id} has deletion protection on.")  # fmt: skip
        nics = [n["NetworkInterfaceId"] for n in self.store.nics
                if sg_id in n["SecurityGroupIds"]["SecurityGroupId"]]  # fmt: skip
        if nics:
            raise werror("DependencyViolation",
                         f"The security group {sg_id} is still attached to {nics[0]}.")  # fmt: skip
        for other_id, other in self.store.groups.items():
            if other_id == sg_id:
                continue
            for p in other["perms"]:
                if sg_id in (p.get("SourceGroupId"), p.get("DestGroupId")):
                    raise werror("DependencyViolation",
                                 f"The security group {sg_id} is referenced by a rule of "
                                 f"{other_id}.")  # fmt: skip
        del self.store.groups[sg_id]
        self._keys.pop(sg_id, None)
        return {"_removed": [sg_id]}

    def modify_group(self, params: Mapping[str, str]) -> dict[str, Any]:
        self.store._region(params)
        item = self.group(params)["item"]
        if params.get("SecurityGroupName"):
            item["SecurityGroupName"] = params["SecurityGroupName"]
        if "Description" in params:
            item["Description"] = params["Description"]
        return {}

    def modify_policy(self, params: Mapping[str, str]) -> dict[str, Any]:
        self.store._region(params)
        group = self.group(params)
        policy = (params.get("InnerAccessPolicy") or "").capitalize()
        if policy not in ("Accept", "Drop"):
            raise werror("InvalidParameter", "InnerAccessPolicy must be Accept or Drop.")
        if group["item"]["SecurityGroupType"] == "enterprise":
            raise werror("InvalidOperation.EnterpriseGroupNotSupported",
                         "The inner access policy of an enterprise group cannot change.")  # fmt: skip
        group["inner"] = policy
        return {}

    def _tag_targets(self, params: Mapping[str, str]) -> list[dict[str, Any]]:
        self.store._region(params)
        if (params.get("ResourceType") or "").lower() != "securitygroup":
            raise werror("InvalidParameter", "ResourceType must be securitygroup here.")
        out = []
        for rid in listed(params, "ResourceId"):
            out.append(self.group({**params, "SecurityGroupId": rid})["item"])
        if not out:
            raise werror("MissingParameter", "ResourceId.N is mandatory.")
        return out

    def tag(self, params: Mapping[str, str]) -> dict[str, Any]:
        items = self._tag_targets(params)
        tags = [(t.get("Key", ""), t.get("Value", "")) for t in indexed(params, "Tag")]
        for item in items:
            current = {t["TagKey"]: t["TagValue"] for t in item["Tags"]["Tag"]}
            current.update(dict(tags))
            item["Tags"] = {"Tag": [{"TagKey": k, "TagValue": v} for k, v in current.items()]}
        return {}

    def untag(self, params: Mapping[str, str]) -> dict[str, Any]:
        items = self._tag_targets(params)
        keys = set(listed(params, "TagKey"))
        for item in items:
            item["Tags"] = {"Tag": [t for t in item["Tags"]["Tag"] if t["TagKey"] not in keys]}
        return {}

    # -- prefix lists ----------------------------------------------------------------------

    def create_prefix_list(self, params: Mapping[str, str]) -> dict[str, Any]:
        self.store._region(params)
        try:
            max_entries = int(params.get("MaxEntries") or "0")
        except ValueError:
            max_entries = 0
        if not 1 <= max_entries <= L.PREFIX_LIST_MAX_ENTRIES_MAX:
            raise werror("InvalidParameter", "MaxEntries must be 1-200.")
        entries = [{"Cidr": e.get("Cidr", ""), "Description": e.get("Description", "")}
                   for e in indexed(params, "Entry")]  # fmt: skip
        if len(entries) > max_entries:
            raise werror("InvalidParameter", "More entries than MaxEntries.")
        pl_id = self._new_id("pl", params.get("PrefixListName") or "")
        self.store.prefix_lists[pl_id] = {
            "PrefixListId": pl_id, "PrefixListName": params.get("PrefixListName") or "",
            "AddressFamily": params.get("AddressFamily") or "IPv4", "MaxEntries": max_entries,
            "Description": params.get("Description") or "",
            "CreationTime": self.clock(self._next), "Entries": {"Entry": entries},
        }  # fmt: skip
        return {"PrefixListId": pl_id, "_created": [pl_id]}

    def _prefix_list(self, params: Mapping[str, str]) -> dict[str, Any]:
        self.store._region(params)
        pl = self.store.prefix_lists.get(params.get("PrefixListId") or "")
        if pl is None:
            raise werror(
                "InvalidPrefixListId.NotFound", "The specified prefix list does not exist."
            )
        return pl

    def modify_prefix_list(self, params: Mapping[str, str]) -> dict[str, Any]:
        pl = self._prefix_list(params)
        entries = list(pl["Entries"]["Entry"])
        gone = {e.get("Cidr") for e in indexed(params, "RemoveEntry")}
        entries = [e for e in entries if e["Cidr"] not in gone]
        have = {e["Cidr"] for e in entries}
        for e in indexed(params, "AddEntry"):
            if e.get("Cidr") in have:
                raise werror("InvalidParameter", f"The entry {e.get('Cidr')} already exists.")
            entries.append({"Cidr": e.get("Cidr", ""), "Description": e.get("Description", "")})
        if len(entries) > int(pl["MaxEntries"]):
            raise werror("InvalidParameter", "More entries than MaxEntries.")
        pl["Entries"] = {"Entry": entries}
        if params.get("PrefixListName"):
            pl["PrefixListName"] = params["PrefixListName"]
        if "Description" in params:
            pl["Description"] = params["Description"]
        return {}

    def delete_prefix_list(self, params: Mapping[str, str]) -> dict[str, Any]:
        pl = self._prefix_list(params)
        pl_id = pl["PrefixListId"]
        for g in self.store.groups.values():
            for p in g["perms"]:
                if pl_id in (p.get("SourcePrefixListId"), p.get("DestPrefixListId")):
                    raise werror("InvalidOperation.PrefixListInUse",
                                 f"The prefix list {pl_id} is used by {g['item']['SecurityGroupId']}.")  # fmt: skip
        del self.store.prefix_lists[pl_id]
        return {"_removed": [pl_id]}

    # -- dispatch --------------------------------------------------------------------------

    HANDLERS: ClassVar[dict[str, Callable[[Writes, Mapping[str, str]], dict[str, Any]]]] = {
        "AuthorizeSecurityGroup": lambda w, p: w.authorize(p, "ingress"),
        "AuthorizeSecurityGroupEgress": lambda w, p: w.authorize(p, "egress"),
        "RevokeSecurityGroup": lambda w, p: w.revoke(p, "ingress"),
        "RevokeSecurityGroupEgress": lambda w, p: w.revoke(p, "egress"),
        "ModifySecurityGroupRule": lambda w, p: w.modify_rule(p, "ingress"),
        "ModifySecurityGroupEgressRule": lambda w, p: w.modify_rule(p, "egress"),
        "CreateSecurityGroup": lambda w, p: w.create_group(p),
        "DeleteSecurityGroup": lambda w, p: w.delete_group(p),
        "ModifySecurityGroupAttribute": lambda w, p: w.modify_group(p),
        "ModifySecurityGroupPolicy": lambda w, p: w.modify_policy(p),
        "TagResources": lambda w, p: w.tag(p),
        "UntagResources": lambda w, p: w.untag(p),
        "CreatePrefixList": lambda w, p: w.create_prefix_list(p),
        "ModifyPrefixList": lambda w, p: w.modify_prefix_list(p),
        "DeletePrefixList": lambda w, p: w.delete_prefix_list(p),
    }

    def call(self, action: str, params: Mapping[str, str]) -> dict[str, Any]:
        """Run one write (the store's lock held) and log it; returns the response body.

        A ``ClientToken`` seen before returns the first answer again (idempotent creation).
        """
        token = params.get("ClientToken")
        if token and (action, token) in self._tokens:
            return dict(self._tokens[(action, token)])
        handler = self.HANDLERS[action]
        record = WriteRecord(len(self.log) + 1, action, dict(params), False,
                             group=params.get("SecurityGroupId") or None)  # fmt: skip
        try:
            body = handler(self, params)
        except ApiError as exc:
            record.code = exc.code
            self.log.append(record)
            raise
        record.ok = True
        record.created = list(body.pop("_created", []))
        record.removed = list(body.pop("_removed", []))
        self.log.append(record)
        if token:
            self._tokens[(action, token)] = dict(body)
        return body


def state_of(store: EcsStore) -> State:
    """What the store holds now, as a canonical :class:`State` (for tests and replays)."""
    from ..formats.api import group_from_attribute, meta_from_describe
    from ..model.group import Member

    groups = []
    for sg_id, g in store.groups.items():
        body = store.describe_security_group_attribute(
            {"RegionId": store.region, "SecurityGroupId": sg_id}
        )
        group, _ = group_from_attribute(body, meta_from_describe(g["item"]))
        groups.append(group)
    members = [
        Member(nic=n["NetworkInterfaceId"], instance=n.get("InstanceId") or None,
               groups=tuple(n["SecurityGroupIds"]["SecurityGroupId"]))
        for n in store.nics
    ]  # fmt: skip
    lists = [
        PrefixList.model_validate({
            "id": p["PrefixListId"], "name": p["PrefixListName"] or p["PrefixListId"],
            "address_family": p["AddressFamily"], "max_entries": int(p["MaxEntries"]),
            "description": p["Description"] or None,
            "entries": [{"cidr": e["Cidr"], "description": e.get("Description") or None}
                        for e in p["Entries"]["Entry"]],
        })
        for p in store.prefix_lists.values()
    ]  # fmt: skip
    return State(region=store.region, groups=tuple(groups), prefix_lists=tuple(lists),
                 members=tuple(members))  # fmt: skip
