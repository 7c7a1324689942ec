"""API JSON files as current state: what ``aliyun ecs DescribeSecurityGroupAttribute`` and
``aliyun ecs DescribeSecurityGroups`` print, one body, a list of them, or several files.

Attribute bodies carry a group's rules (several pages of one group are merged); groups
bodies carry metadata (type, managed, tags, VPC) and are joined to the rules by group ID.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..model.group import SecurityGroup
from ..model.issues import InputError, Issue
from .api import group_from_attribute, meta_from_describe, permissions_of

SHAPES = (
    "a DescribeSecurityGroupAttribute body ({SecurityGroupId, Permissions: {Permission: [...]}}), "
    "a DescribeSecurityGroups body ({SecurityGroups: {SecurityGroup: [{SecurityGroupId, ...}]}}), "
    "or a list of them"
)
# Fields of a DescribeSecurityGroups item (SDK 7.x) and of an attribute body; anything else
# means the file is some other format that merely looks similar.
_ITEM_FIELDS = frozenset({
    "SecurityGroupId", "SecurityGroupName", "Description", "SecurityGroupType",
    "ServiceManaged", "ServiceID", "VpcId", "ResourceGroupId", "CreationTime", "RuleCount",
    "GroupToGroupRuleCount", "Tags", "AvailableInstanceAmount", "EcsCount", "RegionId",
    "Permissions", "InnerAccessPolicy", "InnerAccess", "NextToken", "RequestId",
})  # fmt: skip


def _kind(doc: Any) -> str | None:
    if not isinstance(doc, Mapping):
        return None
    if "SecurityGroups" in doc:
        return "groups"
    if "Permissions" in doc or "SecurityGroupId" in doc:
        return "attribute"
    return None


def _shape_error(source: str, what: str) -> InputError:
    return InputError(f"{source}: {what}; not an ECS API body. Accepted shapes: {SHAPES}")


def _group_items(source: str, doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The items of a DescribeSecurityGroups body, checked to be that API's shape."""
    items = doc["SecurityGroups"]
    if isinstance(items, Mapping):
        if set(items) - {"SecurityGroup"}:
            raise _shape_error(source, "SecurityGroups holds keys other than SecurityGroup")
        items = items.get("SecurityGroup") or []
    if not isinstance(items, list):
        raise _shape_error(source, "SecurityGroups is not a list of groups")
    for n, item in enumerate(items, start=1):
        if not isinstance(item, Mapping) or not item.get("SecurityGroupId"):
            raise _shape_error(source, f"SecurityGroups item {n} has no SecurityGroupId")
        extra = sorted(set(item) - _ITEM_FIELDS)
        if extra:
            raise _shape_error(
                source, f"SecurityGroups item {n} has fields the API does not: {', '.join(extra)}"
            )
    return list(items)


def _check_permissions(source: str, doc: Mapping[str, Any]) -> None:
    perms = doc.get("Permissions")
    if perms is None:
        return
    if isinstance(perms, Mapping):
        if set(perms) - {"Permission"}:
            raise _shape_error(source, "Permissions holds keys other than Permission")
        perms = perms.get("Permission") or []
    if not isinstance(perms, list) or not all(isinstance(p, Mapping) for p in perms):
        raise _shape_error(source, "Permissions is not a list of Permission objects")


def _flatten(docs: Iterable[tuple[str, Any]]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    for source, doc in docs:
        if isinstance(doc, list):
            for n, item in enumerate(doc, start=1):
                yield from _flatten([(f"{source}[{n}]", item)])
        else:
            yield source, doc


def looks_like(doc: Any) -> bool:
    """Whether parsed JSON is an ECS API body (or a list of them)."""
    if isinstance(doc, list):
        return bool(doc) and all(_kind(d) is not None for d in doc)
    return _kind(doc) is not None


def groups_from_api(
    docs: Iterable[tuple[str, Any]],
) -> tuple[list[SecurityGroup], str | None, list[Issue]]:
    """Groups from API bodies ``(source, parsed JSON)``; returns groups, region, warnings."""
    metas: dict[str, dict[str, Any]] = {}
    pages: dict[str, dict[str, Any]] = {}
    origin: dict[str, str] = {}
    regions: dict[str, str] = {}
    for source, doc in _flatten(docs):
        kind = _kind(doc)
        if kind is None:
            raise InputError(
                f"{source}: not an ECS API body; allowed: DescribeSecurityGroupAttribute or "
                "DescribeSecurityGroups output (or a list of them)"
            )
        if doc.get("RegionId"):
            regions.setdefault(str(doc["RegionId"]), source)
        if kind == "groups":
            for item in _group_items(source, doc):
                try:
                    meta = meta_from_describe(item)
                except ValueError as exc:
                    raise _shape_error(source, str(exc)) from None
                metas[meta["id"]] = meta
                if "Permissions" in item:  # an inventory listing each group with its rules
                    _check_permissions(source, item)
                    pages.setdefault(meta["id"], {**item, "Permissions": {
                        "Permission": list(permissions_of(item))}})  # fmt: skip
                    origin.setdefault(meta["id"], source)
            continue
        _check_permissions(source, doc)
        sg_id = str(doc.get("SecurityGroupId") or "")
        if not sg_id:
            raise InputError(
                f"{source}: a DescribeSecurityGroupAttribute body without SecurityGroupId"
            )
        merged = pages.get(sg_id)
        if merged is None:
            pages[sg_id] = {**doc, "Permissions": {"Permission": list(permissions_of(doc))}}
            origin[sg_id] = source
        else:
            have = merged["Permissions"]["Permission"]
            seen = {p.get("SecurityGroupRuleId") or repr(sorted(p.items())) for p in have}
            for p in permissions_of(doc):
                mark = p.get("SecurityGroupRuleId") or repr(sorted(p.items()))
                if mark not in seen:
                    have.append(p)
                    seen.add(mark)
    if len(regions) > 1:
        listed = ", ".join(f"{r} ({s})" for r, s in regions.items())
        raise InputError(f"current-state sources are in different regions: {listed}")
    region = next(iter(regions), None)
    groups: list[SecurityGroup] = []
    warnings: list[Issue] = []
    for sg_id, body in pages.items():
        group, problems = group_from_attribute(body, metas.get(sg_id), source=origin[sg_id])
        groups.append(group)
        warnings.extend(problems)
    for sg_id in metas:
        if sg_id not in pages:
            warnings.append(Issue(f"group {sg_id} is listed but its rules were not given, so "
                                  "it is not judged (add its DescribeSecurityGroupAttribute "
                                  "body)", group=sg_id))  # fmt: skip
    return groups, region, warnings
