"""A deterministic live estate for generator tests: many groups of every kind a stack can
declare (VPC and classic, normal and enterprise, group, prefix-list and other-account peers,
5-tuple fields, tags, resource groups, NICs), built straight from the model."""

from __future__ import annotations

import random
from typing import Any

from sgplan.model import limits
from sgplan.model.build import build_state
from sgplan.model.services import CATALOG
from sgplan.model.stack import State

REGION = "cn-hangzhou"
VPCS = ("vpc-bp1estate0a", "vpc-bp1estate0b")

# descriptions that are hard to write as Python literals
TRICKY_TEXT = (
    "压测临时开放 - 张三 2024-11",
    'quoted "web" tier',
    "it's the app's port",
    "mixed 'single' and \"double\" quotes",
    "back\\slash C:\\temp\\x",
    "tab\tand newline\nin one",
    "zero\u200bwidth and nbsp\xa0here",
    "emoji 🚀 and ＦＵＬＬＷＩＤＴＨ",
    "{braces} and %s and f'{x}'",
    "# not a comment",
    '"""triple"""',
    "x" * 300,
    "长" * 120,
)


def _cidr(rng: random.Random, v6: bool = False, single: bool = False) -> str:
    if v6:
        return f"2001:db8:{rng.randrange(1, 0xFFFF):x}::/{128 if single else rng.choice((48, 64))}"
    plen = 32 if single else rng.choice((8, 16, 24, 32))
    addr = (10 << 24) | rng.randrange(1 << 24)
    addr &= (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF
    return f"{addr >> 24}.{(addr >> 16) & 255}.{(addr >> 8) & 255}.{addr & 255}/{plen}"


def _service(rng: random.Random) -> list[tuple[str, str]]:
    if rng.random() < 0.6:
        svc = rng.choice(list(CATALOG.values()))
        return [(proto, str(ports)) for proto, ports in svc.parts]
    proto = rng.choice(("tcp", "udp"))
    start = rng.randrange(1, 65000)
    end = start if rng.random() < 0.5 else start + rng.randrange(1, 500)
    return [(proto, f"{start}/{end}")]


def estate(
    groups: int = 60,
    seed: int = 7,
    *,
    tricky: bool = True,
    console_only: bool = False,
) -> State:
    """A live state of ``groups`` groups. ``console_only`` keeps to what console files carry
    (no tags, resource groups, enterprise or classic groups, managed groups)."""
    rng = random.Random(seed)
    lists = [
        {"id": f"pl-bp1estate{n:03d}", "name": f"estate-list-{n}", "max_entries": 5,
         "address_family": "IPv6" if n == 2 else "IPv4",
         "entries": [{"cidr": _cidr(rng, v6=n == 2), "description": "office" if n else None}],
         "description": "estate prefix list"}
        for n in range(3)
    ]  # fmt: skip
    kinds: list[dict[str, Any]] = []
    for n in range(groups):
        kind = {"network": "vpc", "vpc_id": VPCS[n % 7 == 6], "type": "normal"}
        if not console_only:
            if n % 11 == 5:
                kind = {"network": "classic", "type": "normal"}
            elif n % 13 == 4:
                kind["type"] = "enterprise"
        kinds.append(kind)
    ids = [f"sg-bp1estate{n:04d}" for n in range(groups)]
    out_groups: list[dict[str, Any]] = []
    for n in range(groups):
        kind = kinds[n]
        peers_ok = [
            ids[m]
            for m in range(groups)
            if m != n
            and kinds[m]["type"] == "normal"
            and kinds[m]["network"] == kind["network"]
            and kinds[m].get("vpc_id") == kind.get("vpc_id")
        ]
        rules: dict[Any, dict[str, Any]] = {}
        group_peers = 0
        for _ in range(rng.randrange(0, 25)):
            direction = rng.choice(("ingress", "egress"))
            roll = rng.random()
            base: dict[str, Any] = {"direction": direction}
            v6 = False
            if roll < 0.15 and kind["type"] == "normal" and peers_ok and group_peers < 15:
                base["peer"] = rng.choice(peers_ok)
                group_peers += 1
            elif roll < 0.2 and kind["type"] == "normal" and group_peers < 15:
                base["peer"] = f"1234567890123456/sg-bp1other{rng.randrange(100):03d}"
                group_peers += 1
            elif roll < 0.27 and kind["network"] == "vpc":
                pl = rng.choice(lists)
                base["peer"] = pl["id"]
                v6 = pl["address_family"] == "IPv6"
            else:
                v6 = rng.random() < 0.2
                internet = kind["network"] == "classic" and rng.random() < 0.5
                if internet:
                    base["nic_type"] = "internet"
                base["peer"] = (
                    rng.choice(("0.0.0.0/0", "::/0"))
                    if rng.random() < 0.1 and not internet
                    else _cidr(rng, v6, single=internet)
                )
                v6 = ":" in base["peer"]
            base["policy"] = "drop" if rng.random() < 0.2 else "accept"
            base["priority"] = rng.choice((1, 1, 1, 5, 50, 100, rng.randrange(1, 101)))
            if rng.random() < 0.7:
                base["description"] = (
                    rng.choice(TRICKY_TEXT) if tricky and rng.random() < 0.3 else "team rule"
                )
            for protocol, ports in _service(rng):
                if protocol == "icmp" and v6:
                    protocol = "icmpv6"
                elif protocol == "icmpv6" and not v6:
                    protocol = "icmp"
                one = {**base, "protocol": protocol, "ports": ports}
                if protocol in ("tcp", "udp") and rng.random() < 0.05:
                    one["source_ports"] = "1024-65535"
                if ("/" in base["peer"] and "sg-" not in base["peer"]) and rng.random() < 0.05:
                    one["local_cidr"] = _cidr(rng, v6)
                key = tuple(sorted((k, str(v)) for k, v in one.items() if k != "description"))
                rules.setdefault(key, one)
        policy = "drop" if kind["type"] == "enterprise" or n % 9 == 3 else "accept"
        g: dict[str, Any] = {
            "id": ids[n],
            "name": f"prod-estate-{n:02d}-sg" if n % 10 else f"estate-legacy-{n}",
            "description": rng.choice(TRICKY_TEXT[:11])
            if tricky and n % 4 == 1
            else "estate group",
            **kind,
            "inner_access_policy": policy,
            "rules": list(rules.values())[: limits.RULES_PER_GROUP // 5],
        }
        if not console_only:
            g["tags"] = {"env": "prod", "team": f"t{n % 3}"} if n % 3 else {}
            if n % 5 == 2:
                g["resource_group_id"] = "rg-acfmestate01"
        out_groups.append(g)
    if not console_only:
        out_groups.append({"id": "sg-bp1estatemanaged", "name": "estate_managed_sg",
                           "description": "System created security group.", "vpc_id": VPCS[0],
                           "live": {"service_managed": True, "service_id": "nat"},
                           "rules": [{"direction": "ingress", "protocol": "all",
                                      "peer": "100.64.0.0/10"}]})  # fmt: skip
    members = []
    for n in range(0, groups, 3):
        same = [
            ids[m]
            for m in range(groups)
            if kinds[m] == kinds[n] and m != n and kinds[m]["network"] == "vpc"
        ][:2]
        members.append({"nic": f"eni-bp1estate{n:04d}", "instance": f"i-bp1estate{n:04d}",
                        "groups": [ids[n], *same]})  # fmt: skip
    return build_state(
        {"region": REGION, "groups": out_groups, "prefix_lists": lists, "members": members}
    )
