"""Small builders for planner tests: a stack and a live state from compact rule tuples."""

from __future__ import annotations

from typing import Any

from sgplan.model.build import build_stack, build_state

VPC = "vpc-plan1"


def rule(spec: str, **extra: Any) -> dict[str, Any]:
    """``"in tcp 22 10.0.0.0/8 p1 accept"`` -> a rule dict (fields after the peer optional)."""
    parts = spec.split()
    direction = {"in": "ingress", "out": "egress"}[parts[0]]
    out: dict[str, Any] = {"direction": direction, "protocol": parts[1]}
    i = 2
    if parts[1] in ("tcp", "udp"):
        out["ports"] = parts[2]
        i = 3
    out["peer"] = parts[i]
    for token in parts[i + 1 :]:
        if token.startswith("p") and token[1:].isdigit():
            out["priority"] = int(token[1:])
        else:
            out["policy"] = token
    out.update(extra)
    return out


def stack(*groups: dict[str, Any], **extra: Any):
    return build_stack(
        {"name": "prod", "region": "cn-hangzhou", "vpc_id": VPC, "groups": list(groups), **extra}
    )


def group(name: str, *rules: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"name": name, "description": f"{name} group", "rules": list(rules), **fields}


def state(*groups: dict[str, Any], **extra: Any):
    return build_state({"region": "cn-hangzhou", "groups": list(groups), **extra})


def live(sg_id: str, name: str, *rules: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "id": sg_id,
        "name": name,
        "description": f"{name} group",
        "vpc_id": VPC,
        "rules": list(rules),
        **fields,
    }
