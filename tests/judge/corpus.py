"""The hand-decided corpus (tests/judge/data/corpus.yaml) as states, packets and verdicts."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sgplan.evaluate.packet import Packet
from sgplan.model import State, build_state

CORPUS = Path(__file__).parent / "data" / "corpus.yaml"
REACH_CHECKS = [
    "open-all", "open-admin-port", "open-database-port", "open-risky-port",
    "open-public-service", "open-to-classic-network", "cannot-judge", "shadowed-rule",
    "redundant-rule",
]  # fmt: skip


def rule_dict(text: str) -> dict[str, Any]:
    parts = text.split()
    direction, policy, protocol, ports, peer, priority = parts[:6]
    out: dict[str, Any] = {
        "direction": {"in": "ingress", "out": "egress"}[direction],
        "policy": policy,
        "protocol": protocol,
        "peer": peer,
        "priority": int(priority),
    }
    if ports.startswith(("port-list:", "prl-")):
        out["port_list"] = ports
    elif ports != "-":
        out["ports"] = ports if "/" in ports else f"{ports}/{ports}"
    if len(parts) > 6:
        out["nic_type"] = parts[6]
    return out


@dataclass
class Case:
    id: str
    state: State
    subject: list[str]
    lint: set[str]
    checks: list[dict[str, Any]]

    def packet(self, check: dict[str, Any]) -> Packet:
        peer = str(check["peer"])
        groups: tuple[str, ...] = ()
        address = None
        if peer.startswith("group:"):
            groups = (peer.removeprefix("group:"),)
        else:
            address = ipaddress.ip_address(peer)
        return Packet(
            check["d"], check["p"], check.get("port"), address, groups,
            check.get("nic_type", "intranet"),
        )  # fmt: skip


def _group(name: str, spec: Any) -> dict[str, Any]:
    if isinstance(spec, list):
        spec = {"rules": spec}
    out: dict[str, Any] = {
        "name": name,
        "id": f"sg-{name}000000000001",
        "rules": [rule_dict(r) for r in spec.get("rules", [])],
        "type": spec.get("type", "normal"),
    }
    if spec.get("classic"):
        out["network"] = "classic"
    else:
        out["vpc_id"] = "vpc-corpus1"
    if spec.get("inner"):
        out["inner_access_policy"] = spec["inner"]
    return out


def load_cases() -> list[Case]:
    cases = []
    for raw in yaml.safe_load(CORPUS.read_text(encoding="utf-8")):
        data = {
            "version": 1,
            "region": "cn-hangzhou",
            "groups": [_group(n, s) for n, s in raw["groups"].items()],
            "prefix_lists": [
                {"name": n, "id": f"pl-{n}0001", "max_entries": 10, "entries": e}
                for n, e in (raw.get("prefix_lists") or {}).items()
            ],
            "port_lists": [
                {"name": n, "id": f"prl-{n}0001", "max_entries": 10, "entries": e}
                for n, e in (raw.get("port_lists") or {}).items()
            ],
            "members": ([{"nic": "eni-corpus1", "groups": raw["nic"]}] if raw.get("nic") else []),
        }
        subject = raw.get("nic") or raw.get("on") or list(raw["groups"])[:1]
        cases.append(Case(raw["id"], build_state(data), subject, set(raw["lint"]), raw["checks"]))
    return cases
