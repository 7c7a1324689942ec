"""The JSON Schema of a stack file (what ``sgplan schema`` prints).

These models describe what a user may write in JSON or YAML, conveniences included
(services by name, lists of ports and peers). They exist for the schema and editor support;
:mod:`sgplan.model.build` is what validates, and the tests check both agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .services import CATALOG

PortSpec = int | str
PeerSpec = str | dict[str, str]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WaiverSpec(_Spec):
    check: str = Field(description="name of the check whose finding is accepted")
    reason: str = Field(min_length=3)
    expires: date = Field(description="the waiver stops counting after this day")


class RuleSpec(_Spec):
    direction: Literal["ingress", "egress"]
    service: str | list[str] | None = Field(
        default=None,
        description="well-known service(s) instead of protocol/ports: " + ", ".join(CATALOG),
    )
    protocol: str | None = Field(
        default=None, description="tcp, udp, icmp, icmpv6, gre or all (any case)"
    )
    ports: PortSpec | list[PortSpec] | None = Field(
        default=None,
        description="22, '22', '1000-2000', '1000/2000', '22/23,443/443' or a list; "
        "tcp/udp only. Several ports give one rule each.",
    )
    peer: PeerSpec | list[PeerSpec] = Field(
        description="source (ingress) or destination (egress): address or CIDR, group:NAME, "
        "sg-..., ACCOUNT/sg-..., pl-..., prefix-list:NAME. Several peers give one rule each."
    )
    policy: Literal["accept", "drop", "Accept", "Drop"] = "accept"
    priority: int | str = Field(default=1, description="1-100, smaller is stronger")
    nic_type: Literal["intranet", "internet"] | None = Field(
        default=None, description="classic network only; VPC groups are always intranet"
    )
    source_ports: PortSpec | None = None
    local_cidr: str | None = Field(
        default=None, description="the other side: ingress destination / egress source CIDR"
    )
    description: str | None = Field(default=None, min_length=1, max_length=512)
    waivers: list[WaiverSpec] = []
    rule_id: str | None = Field(default=None, description="live rule ID (read from the cloud)")
    port_list: str | None = Field(
        default=None,
        description="a port list used instead of ports: port-list:NAME (of the stack) or prl-...",
    )
    create_time: str | None = Field(default=None, description="CreateTime read from the cloud")
    peer_name: str | None = Field(
        default=None, description="the peer's name as the cloud reports it (display only)"
    )


class GroupSpec(_Spec):
    name: str = Field(min_length=2, max_length=128, description="convention env-app-purpose-sg")
    description: str | None = Field(default=None, min_length=2, max_length=256)
    network: Literal["vpc", "classic"] = "vpc"
    vpc_id: str | None = Field(default=None, description="defaults to the stack's vpc_id")
    type: Literal["normal", "enterprise"] = "normal"
    inner_access_policy: Literal["accept", "drop", "Accept", "Drop"] | None = None
    tags: dict[str, str] = {}
    resource_group_id: str | None = None
    id: str | None = Field(default=None, description="pin to this live group (sg-...)")
    key: str | None = Field(default=None, description="Pulumi logical name; defaults to name")
    rules: list[RuleSpec] = []


class PrefixListEntrySpec(_Spec):
    cidr: str
    description: str | None = None


class PrefixListSpec(_Spec):
    name: str
    address_family: Literal["IPv4", "IPv6", "ipv4", "ipv6"] = "IPv4"
    max_entries: int = Field(ge=1, le=200, description="fixed at creation; counts against quota")
    entries: list[PrefixListEntrySpec | str] = []
    description: str | None = None
    id: str | None = None


class PortRangeListEntrySpec(_Spec):
    ports: PortSpec
    description: str | None = Field(default=None, min_length=2, max_length=32)


class PortRangeListSpec(_Spec):
    name: str
    max_entries: int = Field(ge=1, le=2000, description="fixed at creation; counts against quota")
    entries: list[PortRangeListEntrySpec | PortSpec] = []
    description: str | None = None
    id: str | None = None


class MemberSpec(_Spec):
    nic: str = Field(description="ENI ID or a name for an instance's primary NIC")
    instance: str | None = None
    groups: list[str] = Field(description="group names of the stack, in order")


class IntentSpec(_Spec):
    name: str | None = None
    expect: Literal["allow", "deny"]
    protocol: Literal["tcp", "udp", "icmp", "icmpv6", "gre", "all"]
    port: int | None = Field(default=None, ge=1, le=65535)
    source: str = Field(description="internet, an address or CIDR, or group:NAME")
    target: str = Field(description="a group name of the stack, or * for all")
    direction: Literal["ingress", "egress"] = "ingress"


class StackSpec(_Spec):
    """An sgplan stack: the desired security groups of one environment."""

    name: str
    region: str
    environment: str | None = None
    vpc_id: str | None = None
    description: str | None = None
    groups: list[GroupSpec] = []
    prefix_lists: list[PrefixListSpec] = []
    port_lists: list[PortRangeListSpec] = []
    members: list[MemberSpec] = []
    intents: list[IntentSpec] = []


def stack_schema() -> dict[str, Any]:
    schema = StackSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sgplan stack"
    return schema
