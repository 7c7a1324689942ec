"""The RAM guard of SPEC section 4 ("Ops ports should restrict source IPs", seed 003) as a
building block: a custom RAM policy that denies

* writing security group rules (``ecs:AuthorizeSecurityGroup``,
  ``ecs:ConfigureSecurityGroupPermissions``, ``ecs:ModifySecurityGroupRule``) whose protocol
  is like one of ``protocols`` and whose source CIDR is in range of ``source_cidrs``;
* creating instances (``ecs:CreateInstance``, ``ecs:RunInstances``) without naming a group.

The document is generated from :class:`GuardSpec`; the defaults give exactly the seed's JSON.
Attach the policy to RAM users, groups or roles (or use the document as a Resource
Directory control policy) so the console and API refuse what ``sgplan lint`` reports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_alicloud as alicloud

RULE_WRITES: tuple[str, ...] = (
    "ecs:AuthorizeSecurityGroup",
    "ecs:ConfigureSecurityGroupPermissions",
    "ecs:ModifySecurityGroupRule",
)
INSTANCE_CREATES: tuple[str, ...] = ("ecs:CreateInstance", "ecs:RunInstances")


@dataclass(frozen=True)
class GuardSpec:
    """What the guard denies. ``protocols`` are matched with StringLike (``TCP``, ``*``),
    ``source_cidrs`` with CIDRInRange."""

    protocols: tuple[str, ...] = ("TCP",)
    source_cidrs: tuple[str, ...] = ("0.0.0.0/0",)
    rule_actions: tuple[str, ...] = RULE_WRITES
    instance_actions: tuple[str, ...] = INSTANCE_CREATES
    require_group_on_create: bool = True

    def __post_init__(self) -> None:
        if not self.protocols or not self.source_cidrs or not self.rule_actions:
            raise ValueError("a guard needs at least one protocol, source CIDR and rule action")


def guard_document(spec: GuardSpec | None = None) -> dict[str, Any]:
    """The RAM policy document (Version 1) for ``spec``."""
    spec = spec or GuardSpec()
    statements: list[dict[str, Any]] = [
        {
            "Effect": "Deny",
            "Action": list(spec.rule_actions),
            "Resource": "*",
            "Condition": {
                "StringLike": {"ecs:SecurityGroupIpProtocols": list(spec.protocols)},
                "CIDRInRange": {"ecs:SecurityGroupSourceCidrIps": list(spec.source_cidrs)},
            },
        }
    ]
    if spec.require_group_on_create and spec.instance_actions:
        statements.append(
            {
                "Effect": "Deny",
                "Action": list(spec.instance_actions),
                "Resource": "*",
                "Condition": {"Bool": {"ecs:NotSpecifySecureGroupId": ["true"]}},
            }
        )
    return {"Version": "1", "Statement": statements}


@dataclass(frozen=True)
class RamGuardArgs:
    policy_name: str = "sgplan-deny-open-ops-ports"
    description: str = "Deny security group rules open to any IP, and instances without a group"
    spec: GuardSpec = field(default_factory=GuardSpec)


class RamGuard(pulumi.ComponentResource):
    """A custom RAM policy holding the guard document."""

    policy: alicloud.ram.Policy

    def __init__(
        self,
        name: str,
        args: RamGuardArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("sgplan:modules:RamGuard", name, None, opts)
        args = args or RamGuardArgs()
        self.policy = alicloud.ram.Policy(
            f"{name}-policy",
            policy_name=args.policy_name,
            policy_document=json.dumps(guard_document(args.spec), indent=2),
            description=args.description,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs(
            {"policy_name": self.policy.policy_name, "policy_document": self.policy.policy_document}
        )
