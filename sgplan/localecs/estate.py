"""A realistic estate to serve: apps with web, app, database, cache and bastion groups in
prod and staging VPCs, console-default leftovers, Chinese descriptions, IPv6, drop rules,
egress allow-lists, an office prefix list, a service-managed group, and NICs that join one
or several groups. Deterministic for a seed, so tests and benchmarks can compare snapshots.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from ..model.build import build_state
from ..model.stack import State

TIERS = ("web", "app", "db", "cache", "bastion")
DB_PORTS = ((3306, "mysql"), (5432, "postgresql"), (1433, "mssql"))


def _id(prefix: str, text: str, size: int = 17) -> str:
    return f"{prefix}-bp1{hashlib.sha1(text.encode()).hexdigest()[: size - 3]}"


def _rule(direction: str, protocol: str, ports: str, peer: str, description: str = "",
          policy: str = "accept", priority: int = 1) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {"direction": direction, "protocol": protocol, "ports": ports,
                           "peer": peer, "policy": policy, "priority": priority}  # fmt: skip
    if description:
        out["description"] = description
    return out


def _tier_rules(tier: str, ids: dict[str, str], office: str, rng: random.Random,
                db_port: int) -> list[dict[str, Any]]:  # fmt: skip
    r: list[dict[str, Any]] = []
    if tier == "web":
        r += [_rule("ingress", "tcp", "443/443", "0.0.0.0/0", "HTTPS from the internet"),
              _rule("ingress", "tcp", "80/80", "0.0.0.0/0", "HTTP, redirected to HTTPS"),
              _rule("ingress", "tcp", "443/443", "::/0", "HTTPS over IPv6"),
              _rule("ingress", "tcp", "22/22", ids["bastion"], "运维 SSH via bastion")]  # fmt: skip
        if rng.random() < 0.3:  # a console default left behind
            r.append(_rule("ingress", "icmp", "-1/-1", "0.0.0.0/0", "System created rule."))
    elif tier == "app":
        r += [_rule("ingress", "tcp", "8080/8080", ids["web"], "web to app"),
              _rule("ingress", "tcp", "22/22", ids["bastion"], "ops via bastion"),
              _rule("egress", "tcp", f"{db_port}/{db_port}", ids["db"], "app to database"),
              _rule("egress", "tcp", "6379/6379", ids["cache"], "app to redis"),
              _rule("egress", "udp", "53/53", "100.100.2.136/32", "VPC DNS"),
              _rule("egress", "tcp", "443/443", "47.96.0.0/16", "payment API"),
              _rule("egress", "all", "-1/-1", "0.0.0.0/0", "deny the rest", "drop", 100)]  # fmt: skip
    elif tier == "db":
        r += [_rule("ingress", "tcp", f"{db_port}/{db_port}", ids["app"], "app to database"),
              _rule("ingress", "tcp", f"{db_port}/{db_port}", ids["bastion"], "DBA via bastion"),
              _rule("ingress", "all", "-1/-1", "0.0.0.0/0", "拒绝其他访问", "drop", 100)]  # fmt: skip
    elif tier == "cache":
        r += [_rule("ingress", "tcp", "6379/6379", ids["app"], "app to redis")]
    else:
        r += [_rule("ingress", "tcp", "22/22", office, "office to bastion"),
              _rule("ingress", "tcp", "3389/3389", office, "office to bastion"),
              _rule("ingress", "tcp", "22/22", "100.104.0.0/16", "Alibaba Workbench")]  # fmt: skip
    return r


def _pad(rules: list[dict[str, Any]], want: int, seed_text: str) -> list[dict[str, Any]]:
    """Fill up to ``want`` rules with monitoring/partner rules that are all distinct."""
    n = 0
    h = int(hashlib.sha1(seed_text.encode()).hexdigest()[:6], 16)
    while len(rules) < want:
        n += 1
        net = f"10.{(h + n) % 200 + 20}.{(h // 7 + n * 13) % 250}.0/24"
        rules.append(_rule("ingress", "tcp", f"{9100 + n}/{9100 + n}", net,
                           f"metrics scrape {n}" if n % 4 else f"合作方接入 {n}"))  # fmt: skip
    return rules[:want] if want else rules


def estate_data(
    apps: int = 5,
    envs: tuple[str, ...] = ("prod", "staging"),
    *,
    rules_per_group: int | None = None,
    nics_per_group: int = 2,
    seed: int = 7,
    region: str = "cn-hangzhou",
    managed: bool = True,
) -> dict[str, Any]:
    """The estate as snapshot data (``apps x envs x 5`` groups plus one managed group per env)."""
    rng = random.Random(seed)
    groups: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    lists: list[dict[str, Any]] = []
    for env in envs:
        vpc = _id("vpc", f"{seed}/{env}", 22)
        office_id = _id("pl", f"{seed}/{env}/office")
        lists.append({"name": f"{env}-office-nets", "id": office_id, "max_entries": 10,
                      "address_family": "IPv4", "description": "office egress addresses",
                      "entries": [{"cidr": "203.0.113.0/27", "description": "HQ"},
                                  {"cidr": "198.51.100.0/28", "description": "上海办公室"}]})  # fmt: skip
        for a in range(apps):
            app = f"app{a:02d}"
            ids = {t: _id("sg", f"{seed}/{env}/{app}/{t}") for t in TIERS}
            db_port = DB_PORTS[a % len(DB_PORTS)][0]
            for t in TIERS:
                rules = _tier_rules(t, ids, office_id, rng, db_port)
                if rules_per_group:
                    rules = _pad(rules, rules_per_group, f"{env}/{app}/{t}")
                name = f"{env}-{app}-{t}-sg"
                groups.append({
                    "name": name, "id": ids[t], "vpc_id": vpc,
                    "description": f"{app} {t} tier ({env})",
                    "tags": {"env": env, "app": app},
                    "live": {"creation_time": f"2023-0{1 + a % 9}-1{t.__len__() % 9}T08:00:00Z"},
                    "rules": rules,
                })  # fmt: skip
                for n in range(nics_per_group):
                    nic = _id("eni", f"{seed}/{env}/{app}/{t}/{n}", 20)
                    joined = [ids[t]]
                    if t == "app" and n == 0:
                        joined.append(ids["cache"])  # an instance in two groups
                    members.append({"nic": nic, "instance": _id("i", nic, 20),
                                    "groups": joined})  # fmt: skip
        if not managed:
            continue
        managed_id = _id("sg", f"{seed}/{env}/cfw")
        groups.append({
            "name": f"sg-cfw-{env}", "id": managed_id, "vpc_id": vpc,
            "description": "created by Cloud Firewall", "tags": {},
            "live": {"service_managed": True, "service_id": 7712340001},
            "rules": [_rule("ingress", "all", "-1/-1", "10.0.0.0/8", "cloud firewall")],
        })  # fmt: skip
    return {"version": 1, "region": region, "groups": groups, "prefix_lists": lists,
            "members": members}  # fmt: skip


def generate_estate(apps: int = 5, **kwargs: Any) -> State:
    """The estate as a validated :class:`State` (see :func:`estate_data`)."""
    return build_state(estate_data(apps, **kwargs), source="generated estate")
