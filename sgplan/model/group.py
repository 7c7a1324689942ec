"""Security groups, prefix lists and NIC memberships in canonical form."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, PlainSerializer, PlainValidator, model_validator
from pydantic_core import PydanticCustomError

from .base import Model
from .peers import parse_cidr_text
from .ports import PortRange, parse_port_range
from .rule import PortField, Rule

GroupType = Literal["normal", "enterprise"]
NetworkType = Literal["vpc", "classic"]
InnerAccess = Literal["accept", "drop"]
AddressFamily = Literal["IPv4", "IPv6"]


class LiveInfo(Model):
    """Facts only the cloud knows about a group; absent in desired stacks."""

    service_managed: bool = False
    service_id: int | str | None = Field(
        default=None,
        description="ServiceID of a service-managed group (the SDK types it int; older "
        "snapshots may hold text)",
    )
    deletion_protection: bool = Field(
        default=False,
        description="known only from a DeleteSecurityGroup refusal "
        "(InvalidOperation.DeletionProtection); the read APIs never report it",
    )
    nic_count: int | None = None
    referenced_by: tuple[str, ...] = ()
    creation_time: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _service_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("service_id"), str):
            text = data["service_id"].strip()
            data = dict(data)
            data["service_id"] = int(text) if text.isdigit() else (text or None)
        return data


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


def _port_entry(value: Any) -> PortRange:
    try:
        return parse_port_range(value)
    except ValueError as exc:
        raise PydanticCustomError("ports", str(exc)) from None


# A port list entry is a pydantic field (rules validate their ports in normalize_rule).
ListPortField = Annotated[
    PortField, PlainValidator(_port_entry), PlainSerializer(str, return_type=str)
]


class PortRangeListEntry(Model):
    """One port range of a port list (``start/end``), with an optional description."""

    ports: ListPortField
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _canonical(cls, data: Any) -> Any:
        if isinstance(data, (str, int)):
            data = {"ports": data}
        if isinstance(data, dict):
            data = dict(data)
            if "ports" not in data and "port_range" in data:
                data["ports"] = data.pop("port_range")
            if data.get("description") == "":
                data["description"] = None
        return data


class PortRangeList(Model):
    """A port list (``prl-...``, SPEC 2): named port ranges a tcp/udp rule uses instead of
    ``ports``. ``max_entries`` (1-2000, fixed at creation) is what a rule using it costs
    against the group's rule quota. ``entries`` is None when they are not known (an API body
    names the list but does not carry its entries): verdicts depending on it are unknown."""

    name: str
    max_entries: int = Field(ge=1, le=2000)
    entries: tuple[PortRangeListEntry, ...] | None = ()
    description: str | None = None
    id: str | None = None

    @property
    def ranges(self) -> tuple[PortRange, ...]:
        return tuple(e.ports for e in self.entries or ())

    @property
    def ref(self) -> str:
        """How rules of a stack name it (``port-list:NAME``)."""
        return f"port-list:{self.name}"
