"""Security groups, prefix lists and NIC memberships in canonical form."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from .base import Model
from .peers import parse_cidr_text
from .rule import Rule

GroupType = Literal["normal", "enterprise"]
NetworkType = Literal["vpc", "classic"]
InnerAccess = Literal["accept", "drop"]
AddressFamily = Literal["IPv4", "IPv6"]


class LiveInfo(Model):
    """Facts only the cloud knows about a group; absent in desired stacks."""

    service_managed: bool = False
    service_id: str | None = None
    deletion_protection: bool = False
    nic_count: int | None = None
    referenced_by: tuple[str, ...] = ()
    creation_time: str | None = None


class SecurityGroup(Model):
    name: str
    description: str | None = None
    network: NetworkType = "vpc"
    vpc_id: str | None = None
    type: GroupType = "normal"
    inner_access_policy: InnerAccess = "accept"
    tags: dict[str, str] = Field(default_factory=dict)
    resource_group_id: str | None = None
    id: str | None = Field(default=None, description="pinned live ID (sg-...)")
    key: str | None = Field(
        default=None,
        description="Pulumi logical name; defaults to name. Keep the old name here when renaming "
        "a group so it is updated in place, not replaced.",
    )
    rules: tuple[Rule, ...] = ()
    live: LiveInfo | None = None

    @model_validator(mode="before")
    @classmethod
    def _canonical(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name in ("type", "network", "inner_access_policy"):
            value = data.get(name)
            if isinstance(value, str):
                data[name] = value.lower()
        if data.get("type") == "enterprise" and "inner_access_policy" not in data:
            data["inner_access_policy"] = "drop"
        for name in ("description", "vpc_id", "resource_group_id", "id", "key"):
            if data.get(name) == "":
                data[name] = None
        if data.get("vpc_id") and "network" not in data:
            data["network"] = "vpc"
        return data

    @property
    def logical_name(self) -> str:
        return self.key or self.name

    @property
    def ref(self) -> str:
        """How reviewers see the group: ``name (sg-id)`` or just one of them."""
        if self.id and self.name:
            return f"{self.name} ({self.id})"
        return self.name or self.id or "?"

    @property
    def managed(self) -> bool:
        return bool(self.live and self.live.service_managed)

    def ingress(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.direction == "ingress")

    def egress(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.direction == "egress")


class PrefixListEntry(Model):
    cidr: str
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _canonical(cls, data: Any) -> Any:
        if isinstance(data, str):
            data = {"cidr": data}
        if isinstance(data, dict) and isinstance(data.get("cidr"), str):
            data = dict(data)
            data["cidr"] = parse_cidr_text(data["cidr"])
            if data.get("description") == "":
                data["description"] = None
        return data


class PrefixList(Model):
    name: str
    address_family: AddressFamily = "IPv4"
    max_entries: int
    entries: tuple[PrefixListEntry, ...] = ()
    description: str | None = None
    id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _canonical(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("address_family"), str):
            data = dict(data)
            fam = data["address_family"].lower()
            data["address_family"] = {"ipv4": "IPv4", "ipv6": "IPv6"}.get(
                fam, data["address_family"]
            )
        return data

    @property
    def cidrs(self) -> tuple[str, ...]:
        return tuple(e.cidr for e in self.entries)


class Member(Model):
    """A NIC (or an instance's primary NIC) and the groups it joins, in order.

    In a stack, ``groups`` holds group names; in a current state, group IDs.
    """

    nic: str
    instance: str | None = None
    groups: tuple[str, ...]
