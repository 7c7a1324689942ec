"""Build and validate a 500-group x 200-rule stack (100,000 rules) from DSL declarations.

Target: building and validating the declared stack takes at most 3 s on this machine.
Printed with a baseline measured in the same run: constructing the very same rules as plain
dicts (no model, no validation), and the ratio; the time to write the declarations with the
DSL is printed too. Exit 1 when the target is missed.

    .venv/bin/python bench/bench_model.py [--groups N]   (5000: a 1,000,000-rule stack)

The rules vary the way real estates do: repeated peers (offices, partner networks, a shared
prefix list, the neighbouring tiers' groups) and distinct ones (per-group hosts), named
services and raw port ranges, tcp/udp/icmp/all, ingress and egress, accept and drop, many
priorities. Every group stays within the provider's limits (200 rules, 20 group peers).
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sgplan import (
    GroupDecl,
    RuleDecl,
    define_stack,
    egress,
    group,
    ingress,
    prefix_list,
    prefix_list_of,
    security_group,
    svc,
    tcp,
    udp,
)

GROUPS = 500
RULES_PER_GROUP = 200
GROUP_PEERS_PER_GROUP = 15
PREFIX_LIST_RULES_PER_GROUP = 2
TARGET_SECONDS = 3.0
SEED = 20240708

SHARED_NETS = [f"10.{i}.0.0/16" for i in range(8)] + [
    "203.0.113.0/27", "198.51.100.16/29", "192.0.2.0/24", "100.100.2.136/32",
    "100.100.2.138/32", "47.96.0.0/16", "161.117.0.0/16", "100.104.0.0/16",
]  # fmt: skip
NAMED = ["ssh", "rdp", "http", "https", "http-alt", "mysql", "postgresql", "redis", "mongodb",
         "memcached", "smtp", "ntp"]  # fmt: skip
PRIORITIES = [1, 1, 1, 1, 2, 5, 10, 20, 50, 99, 100]

IDENTITY = ("direction", "protocol", "ports", "peer", "policy", "priority")

Spec = tuple[str, str, Any, Any, str, int, str | None]
"""(direction, service name or "tcp"/"udp"/"icmp"/"all", ports, peer, policy, priority, desc)"""


def group_name(i: int) -> str:
    return f"bench-app{i:03d}-tier-sg"


def own_host(gi: int, host: int) -> str:
    """An address of group ``gi``'s own: 172.16-31.x.y for the first 4,096 groups, then on
    through 10.64-127.x.y (every octet stays within 0-255, up to 20,480 groups)."""
    if gi < 4096:
        return f"172.{16 + gi % 16}.{gi // 16}.{host}"
    rest = gi - 4096
    return f"10.{64 + (rest // 256) % 64}.{rest % 256}.{host}"


def rule_specs(gi: int, rnd: random.Random) -> list[Spec]:
    """200 rules of group ``gi`` with distinct identities."""
    out: list[Spec] = []
    seen: set[tuple[Any, ...]] = set()

    def add(spec: Spec) -> None:
        plain = plain_rule(spec)
        ident = tuple(plain[k] for k in IDENTITY)
        if ident not in seen:
            seen.add(ident)
            out.append(spec)

    neighbours = [group_name((gi + k) % GROUPS) for k in range(1, 6)]
    while len(out) < GROUP_PEERS_PER_GROUP:
        add(("ingress", rnd.choice(NAMED), None, ("group", rnd.choice(neighbours)), "accept",
             1, "from a neighbouring tier"))  # fmt: skip
    while len(out) < GROUP_PEERS_PER_GROUP + PREFIX_LIST_RULES_PER_GROUP:
        add(("ingress", rnd.choice(["ssh", "rdp", "https"]), None, ("list", "bench-office"),
             "accept", 1, "office"))  # fmt: skip
    while len(out) < RULES_PER_GROUP:
        roll = rnd.random()
        direction = "ingress" if rnd.random() < 0.7 else "egress"
        # a shared network, or a host of this group's own
        peer = rnd.choice(SHARED_NETS) if roll < 0.5 else own_host(gi, rnd.randrange(1, 255))
        kind = rnd.random()
        if kind < 0.45:
            what, ports = rnd.choice(NAMED), None
        elif kind < 0.8:
            start = rnd.randrange(1024, 60000)
            what, ports = rnd.choice(["tcp", "udp"]), f"{start}/{start + rnd.randrange(0, 100)}"
        else:
            what, ports = rnd.choice(["icmp", "all"]), None
        policy = "drop" if rnd.random() < 0.15 else "accept"
        desc = f"rule {len(out)}" if rnd.random() < 0.6 else None
        add((direction, what, ports, peer, policy, rnd.choice(PRIORITIES), desc))
    return out


def specs() -> list[list[Spec]]:
    rnd = random.Random(SEED)
    return [rule_specs(gi, rnd) for gi in range(GROUPS)]


def _groups_from_argv(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--groups" and argv[1].isdigit():
        return int(argv[1])
    if argv:
        sys.exit("usage: bench_model.py [--groups N]")
    return GROUPS


def _peer(peer: Any) -> Any:
    if isinstance(peer, tuple):
        return group(peer[1]) if peer[0] == "group" else prefix_list(peer[1])
    return peer


def declare_rule(spec: Spec) -> RuleDecl:
    direction, what, ports, peer, policy, priority, desc = spec
    make = ingress if direction == "ingress" else egress
    if what == "tcp":
        service = tcp(ports)
    elif what == "udp":
        service = udp(ports)
    else:
        service = svc.CATALOG[what]
    where = {"from_" if direction == "ingress" else "to": _peer(peer)}
    return make(service, policy=policy, priority=priority, description=desc, **where)


def declarations(all_specs: list[list[Spec]]) -> list[GroupDecl]:
    """The stack's groups written with the DSL (what a stack module does)."""
    return [
        security_group(group_name(gi), "bench tier", [declare_rule(s) for s in rules])
        for gi, rules in enumerate(all_specs)
    ]


def build(groups: list[GroupDecl]) -> int:
    """Build and validate the whole stack from its declarations; returns its rule count."""
    stack = define_stack(
        "bench", "cn-hangzhou", groups, vpc_id="vpc-bench",
        prefix_lists=[prefix_list_of("bench-office", ["203.0.113.0/27"], max_entries=1)],
    )  # fmt: skip
    return stack.rule_count


def plain_rule(spec: Spec) -> dict[str, Any]:
    direction, what, ports, peer, policy, priority, desc = spec
    if what in ("tcp", "udp", "icmp", "all"):
        protocol, port_range = what, ports or "-1/-1"
    else:
        protocol, rng = svc.CATALOG[what].parts[0]
        port_range = str(rng)
    if isinstance(peer, tuple):
        peer = f"{'group' if peer[0] == 'group' else 'prefix-list'}:{peer[1]}"
    return {"direction": direction, "protocol": protocol, "ports": port_range, "peer": peer,
            "policy": policy, "priority": priority, "description": desc}  # fmt: skip


def with_plain_dicts(all_specs: list[list[Spec]]) -> int:
    """The same rules as plain dicts: what building costs with no model at all."""
    groups = [
        {"name": group_name(gi), "description": "bench tier",
         "rules": [plain_rule(s) for s in rules]}
        for gi, rules in enumerate(all_specs)
    ]  # fmt: skip
    return sum(len(g["rules"]) for g in groups)


T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> int:
    global GROUPS
    GROUPS = _groups_from_argv(sys.argv[1:])
    data = specs()
    base_s, base_n = timed(lambda: with_plain_dicts(data))
    decl_s, groups = timed(lambda: declarations(data))
    build_s, count = timed(lambda: build(groups))
    assert count == base_n == GROUPS * RULES_PER_GROUP, (count, base_n)
    target = TARGET_SECONDS * GROUPS / 500  # the target scales with the estate
    ok = build_s <= target
    print(f"stack: {GROUPS} groups x {RULES_PER_GROUP} rules = {count:,} rules")
    print(f"baseline, the same rules as plain dicts:  {base_s:7.3f} s")
    print(f"sgplan, build + validate from declarations: {build_s:5.3f} s  "
          f"target <= {target:.1f} s  {'OK' if ok else 'MISSED'}")  # fmt: skip
    print(f"ratio build / baseline: {build_s / base_s:.1f}x  "
          f"({count / build_s:,.0f} vs {base_n / base_s:,.0f} rules/s)")  # fmt: skip
    print(f"(writing the declarations with the DSL took {decl_s:.3f} s more; "
          f"declare + build {decl_s + build_s:.3f} s)")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
