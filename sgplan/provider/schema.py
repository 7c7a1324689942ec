"""The sgplan package schema: provider config and the one resource, ``sgplan:ecs:RuleSet``."""

from __future__ import annotations

import json
from typing import Any

PACKAGE = "sgplan"
VERSION = "0.1.0"
RULESET = "sgplan:ecs:RuleSet"
RULE = "sgplan:ecs:Rule"


def _s(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


RULE_PROPERTIES: dict[str, Any] = {
    "direction": _s("ingress or egress"),
    "protocol": _s("tcp, udp, icmp, icmpv6, gre or all"),
    "ports": _s("start/end (tcp/udp 1-65535), -1/-1 for every other protocol"),
    "peer": _s(
        "the source (ingress) or destination (egress): an IPv4/IPv6 CIDR, sg-..., "
        "ACCOUNT/sg-... or pl-..."
    ),
    "policy": _s("accept or drop", default="accept"),
    "priority": {"type": "integer", "description": "1-100, smaller is stronger", "default": 1},
    "nicType": _s("intranet (VPC groups) or internet (classic public side)", default="intranet"),
    "sourcePorts": _s("source port range (the API's 5-tuple SourcePortRange)"),
    "localCidr": _s(
        "this side's CIDR (the API's 5-tuple DestCidrIp on ingress, SourceCidrIp on egress)"
    ),
    "description": _s("1-512 characters; the only field updated in place"),
}

INPUTS: dict[str, Any] = {
    "groupId": _s("the security group's ID (sg-...)"),
    "region": _s("the group's region, e.g. cn-hangzhou"),
    "groupName": _s("the group's name, for messages"),
    "mode": _s(
        "sync: the group holds exactly these rules (rules made outside the stack are "
        "removed); additive: never removes a rule it is not given",
        default="sync",
    ),
    "rules": {
        "type": "object",
        "additionalProperties": {"$ref": f"#/types/{RULE}"},
        "description": "every rule of the group, keyed by its identity-derived name "
        "(direction-protocol-ports-hash); reordering changes nothing",
    },
}

OUTPUTS: dict[str, Any] = {
    **INPUTS,
    "ruleIds": {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "live rule ID (sgr-...) of each declared rule, by name",
    },
    "appliedRuleIds": {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "the rules this RuleSet authorized itself (delete revokes "
        "these and nothing else), by name",
    },
    "counts": {
        "type": "object",
        "additionalProperties": {"type": "integer"},
        "description": "rules, ingress, egress, live; added, removed, updated by the last apply",
    },
    "fingerprint": _s("sha256 of the declared rules as live after the last apply"),
}

CONFIG: dict[str, Any] = {
    "region": _s("region for `pulumi import` (a RuleSet's own region input wins)"),
    "accessKeyId": _s("AccessKey ID; default: the Alibaba Cloud credentials chain", secret=True),
    "accessKeySecret": _s("AccessKey secret", secret=True),
    "securityToken": _s("STS token, with a temporary AccessKey", secret=True),
    "endpoint": _s("ECS API host[:port]; default ecs.<region>.aliyuncs.com"),
    "rate": {"type": "number", "description": "ECS requests a second (default 50)"},
}


def schema() -> dict[str, Any]:
    return {
        "name": PACKAGE,
        "displayName": "sgplan",
        "version": VERSION,
        "description": "Alibaba Cloud ECS security group rule sets, planned by sgplan's "
        "planner and applied by its apply engine",
        "config": {"variables": CONFIG},
        "provider": {"type": "object", "inputProperties": CONFIG},
        "types": {
            RULE: {
                "type": "object",
                "properties": RULE_PROPERTIES,
                "required": ["direction", "protocol", "peer"],
            }
        },
        "resources": {
            RULESET: {
                "description": "The complete rule set of one ECS security group.",
                "properties": OUTPUTS,
                "required": [*OUTPUTS],
                "inputProperties": INPUTS,
                "requiredInputs": ["groupId", "region", "rules"],
            }
        },
        "language": {"python": {"packageName": "pulumi_sgplan"}},
    }


def schema_json() -> str:
    return json.dumps(schema(), sort_keys=True)
