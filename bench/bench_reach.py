"""Reachability benchmarks: verdicts per second, the semantic diff of a busy NIC, and lint of
100,000 rules, each beside a naive baseline from the same run (the reference judge, which
tries every rule for every packet).

    .venv/bin/python bench/bench_reach.py          # exit 1 if a target is missed

Targets: >= 100,000 verdicts/s on a NIC of 5 groups x 200 rules (IPv4 and IPv6); the
semantic diff of that NIC in <= 200 ms; lint of 100,000 rules (500 groups x 200) in <= 2 s.
Inputs are generated from fixed seeds, so every run measures the same work. Times are the
best of three runs (the machine is shared); baselines that would take minutes are timed on
a sample and projected, and say so.
"""

from __future__ import annotations

import ipaddress
import random
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sgplan.evaluate.catalog import Context
from sgplan.evaluate.diff import DIRECTIONS, access_change
from sgplan.evaluate.evaluator import Evaluator
from sgplan.evaluate.packet import Packet
from sgplan.evaluate.reference import judge
from sgplan.lint import LintInput, lint
from sgplan.model import Rule, SecurityGroup

VERDICTS_PER_S = 100_000
DIFF_SECONDS = 0.200
LINT_SECONDS = 2.0
TODAY = date(2026, 1, 1)

# -- inputs --------------------------------------------------------------------------------

SERVICES: tuple[tuple[str, str | None], ...] = (
    ("tcp", "22"), ("tcp", "80"), ("tcp", "443"), ("tcp", "3306"), ("tcp", "5432"),
    ("tcp", "6379"), ("tcp", "8080"), ("tcp", "8000-8100"), ("tcp", "9000-9100"),
    ("udp", "53"), ("tcp", "53"), ("udp", "123"), ("tcp", "3389"), ("tcp", "27017"),
    ("tcp", "11211"), ("tcp", "30000-32767"), ("icmp", None), ("icmpv6", None),
)  # fmt: skip


def busy_rule(rng: random.Random, groups: int) -> Rule:
    """A rule of a busy NIC: any protocol, ports and ranges anywhere, IPv4 /0-/32, IPv6
    /0-/128, group peers, priorities 1-100, 20% drops (overlaps everywhere)."""
    kind = rng.random()
    if kind < 0.6:
        peer = str(
            ipaddress.ip_network(
                (rng.getrandbits(32), rng.choice((0, 8, 12, 16, 20, 24, 28, 32, 32, 32))),
                strict=False,
            )
        )
        protocols = ["tcp"] * 6 + ["udp"] * 2 + ["icmp", "all", "gre"]
    elif kind < 0.9:
        net = ((0x2001 << 112) | rng.getrandbits(112), rng.choice((0, 32, 48, 56, 64, 128)))
        peer = str(ipaddress.ip_network(net, strict=False))
        protocols = ["tcp"] * 6 + ["udp"] * 2 + ["icmpv6", "all", "gre"]
    else:
        peer = f"group:g{rng.randrange(groups * 6)}"
        protocols = ["tcp"] * 6 + ["udp", "all"]
    protocol = rng.choice(protocols)
    fields: dict[str, Any] = {
        "direction": rng.choice(("ingress", "egress")),
        "protocol": protocol,
        "peer": peer,
        "policy": "drop" if rng.random() < 0.2 else "accept",
        "priority": rng.randint(1, 100),
    }
    if protocol in ("tcp", "udp"):
        if rng.random() < 0.7:
            port = rng.choice(
                (22, 80, 443, 3306, 5432, 6379, 8080, 3389, 53, rng.randint(1, 65535))
            )
            fields["ports"] = port
        else:
            start = rng.randint(1, 65535)
            fields["ports"] = f"{start}/{min(65535, start + rng.randint(0, 5000))}"
    return Rule.model_validate(fields)


def busy_nic(seed: int, groups: int = 5, per_group: int = 200) -> list[SecurityGroup]:
    rng = random.Random(seed)
    out = []
    for i in range(groups):
        rules: dict[Any, Rule] = {}
        while len(rules) < per_group:
            r = busy_rule(rng, groups)
            rules[r.key] = r
        out.append(SecurityGroup(name=f"g{i}", vpc_id="vpc-1", rules=tuple(rules.values())))
    return out


def fleet_group(rng: random.Random, i: int, per_group: int = 200) -> SecurityGroup:
    """A production-like group: services from the catalog, sources from a few dozen
    subnets, office addresses, IPv6 blocks and groups; most rules priority 1, 5% drops."""
    v4 = [f"10.{rng.randrange(256)}.{rng.randrange(256)}.0/24" for _ in range(40)]
    v4 += [f"198.51.100.{rng.randrange(256)}/32" for _ in range(20)]
    v4 += ["0.0.0.0/0", "10.0.0.0/8", "172.16.0.0/12", "100.104.0.0/16"]
    v6 = [f"2001:db8:{rng.randrange(65536):x}::/48" for _ in range(15)] + ["::/0"]
    peers = [f"group:prod-app{rng.randrange(500)}-web-sg" for _ in range(15)]
    rules: dict[Any, Rule] = {}
    while len(rules) < per_group:
        protocol, ports = rng.choice(SERVICES)
        roll = rng.random()
        if protocol == "icmpv6" or (protocol != "icmp" and roll < 0.1):
            peer = rng.choice(v6)
        elif roll < 0.25:
            peer = rng.choice(peers)
        else:
            peer = rng.choice(v4)
        fields: dict[str, Any] = {
            "direction": "ingress" if rng.random() < 0.75 else "egress",
            "protocol": protocol, "peer": peer, "description": "generated",
            "policy": "drop" if rng.random() < 0.05 else "accept",
            "priority": rng.choice((1, 1, 1, 1, 5, 10, 100)),
        }  # fmt: skip
        if ports:
            fields["ports"] = ports
        r = Rule.model_validate(fields)
        rules[r.key] = r
    return SecurityGroup(
        name=f"prod-app{i}-web-sg", id=f"sg-{i:08d}", description="generated", vpc_id="vpc-1",
        rules=tuple(rules.values()),
    )  # fmt: skip


def packets(seed: int, count: int, groups: int) -> list[Packet]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        roll = rng.random()
        protocol = rng.choice(("tcp", "tcp", "tcp", "udp", "icmp", "gre"))
        port = rng.randint(1, 65535) if protocol in ("tcp", "udp") else None
        direction = rng.choice(("ingress", "egress"))
        if roll < 0.6:
            addr: Any = ipaddress.IPv4Address(rng.getrandbits(32))
            out.append(Packet(direction, protocol, port, addr))
        elif roll < 0.9:
            protocol = "icmpv6" if protocol == "icmp" else protocol
            addr = ipaddress.IPv6Address((0x2001 << 112) | rng.getrandbits(112))
            out.append(Packet(direction, protocol, port, addr))
        else:
            member = (f"g{rng.randrange(groups * 6)}",)
            addr = ipaddress.IPv4Address(rng.getrandbits(32))
            out.append(Packet(direction, protocol, port, addr, member))
    return out


# -- measuring -------------------------------------------------------------------------------


def best_of(runs: int, fn: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_verdicts() -> tuple[str, bool]:
    nic = busy_nic(1)
    pks = packets(2, 200_000, 5)
    ctx = Context.of(nic)

    def fresh() -> None:
        ev = Evaluator(nic, Context.of(nic))  # cold: decision maps built on the way
        for p in pks:
            ev.decide(p)

    seconds = best_of(3, fresh)
    rate = len(pks) / seconds
    sample = pks[:2_000]
    naive_s = best_of(1, lambda: [judge(nic, p, ctx) for p in sample])
    naive_rate = len(sample) / naive_s
    ok = rate >= VERDICTS_PER_S
    return (
        f"verdicts: {rate:,.0f}/s on a NIC of 5 x 200 rules ({len(pks):,} packets, cold start); "
        f"naive {naive_rate:,.0f}/s -> {rate / naive_rate:,.0f}x; target >= {VERDICTS_PER_S:,}/s",
        ok,
    )


def _changed(nic: list[SecurityGroup], seed: int, per_group: int) -> list[SecurityGroup]:
    rng = random.Random(seed)
    out = []
    for g in nic:
        rules = list(g.rules)
        for _ in range(per_group):
            rules.pop(rng.randrange(len(rules)))
            rules.append(busy_rule(rng, len(nic)))
        out.append(g.model_copy(update={"rules": tuple({r.key: r for r in rules}.values())}))
    return out


def _halved(nic: list[SecurityGroup]) -> list[SecurityGroup]:
    """The same NIC with every IPv4 rule wider than one address written as two halves."""
    out = []
    for g in nic:
        rules: list[Rule] = []
        for r in g.rules:
            net = r.peer.network
            if net is None or net.version != 4 or net.prefixlen == 32:
                rules.append(r)
                continue
            rules.extend(r.with_(peer=str(half)) for half in net.subnets())
        out.append(g.model_copy(update={"rules": tuple({r.key: r for r in rules}.values())}))
    return out


def _diff(old: list[SecurityGroup], new: list[SecurityGroup]) -> int:
    ctx = Context.of(old)
    before, after = Evaluator(old, ctx), Evaluator(new, ctx.with_lists(()))
    lines = 0
    for d in DIRECTIONS:
        change = access_change(before, after, d)
        lines += len(change.allowed_flows) + len(change.denied_flows)
    return lines


def bench_diff() -> list[tuple[str, bool]]:
    nic = busy_nic(1)
    scenarios = {
        "20 rules changed": _changed(nic, 3, 4),
        "every IPv4 rule split in two halves (no effect)": _halved(nic),
        "every rule replaced": busy_nic(7),
    }
    out = []
    ctx = Context.of(nic)
    for label, new in scenarios.items():
        seconds = best_of(3, lambda new=new: _diff(nic, new))
        # naive: judge both versions packet by packet; projected to the packets the exact
        # diff had to settle (one per elementary cell of the changed area)
        sample = packets(5, 500, 5)
        naive_each = best_of(
            1,
            lambda new=new, sample=sample: [
                (judge(nic, p, ctx), judge(new, p, ctx)) for p in sample
            ],
        ) / len(sample)
        cells = _cells_settled(nic, new)
        naive = naive_each * cells
        ok = seconds <= DIFF_SECONDS
        out.append(
            (
                f"semantic diff ({label}): {seconds * 1000:.0f} ms; naive {naive:,.1f} s "
                f"(projected: {cells:,} packets x {naive_each * 1e6:.0f} us) -> "
                f"{naive / seconds:,.0f}x; target <= {DIFF_SECONDS * 1000:.0f} ms",
                ok,
            )
        )
    return out


def _cells_settled(old: list[SecurityGroup], new: list[SecurityGroup]) -> int:
    """How many distinct packets (elementary cells) the exact diff settled."""
    from sgplan.evaluate.diff import changed_region

    ctx = Context.of(old)
    before, after = Evaluator(old, ctx), Evaluator(new, ctx.with_lists(()))
    total = 0
    for d in DIRECTIONS:
        a, b = before.decision_map(d), after.decision_map(d)
        region = changed_region(a.compiled, b.compiled)
        for dm in (a, b):
            for proto, parts in region.items():
                seg = dm.segments(proto)
                for lo, hi, _ in parts:
                    for i, start in enumerate(seg.starts):
                        if seg.ends[i] >= lo and start <= hi:
                            total += len(dm.cells(proto, i).starts)
    return total


def bench_lint() -> tuple[str, bool]:
    rng = random.Random(11)
    fleet = LintInput(tuple(fleet_group(rng, i) for i in range(500)))
    rules = sum(len(g.rules) for g in fleet.groups)
    findings: list[Any] = []
    seconds = best_of(3, lambda: findings.append(lint(fleet, TODAY)))
    # naive: for each rule, judge its group with and without it on one packet per
    # elementary cell it covers; projected from a sample of rules
    naive_per_rule = _naive_lint_per_rule(fleet.groups[:1], rules=40)
    naive = naive_per_rule * rules
    ok = seconds <= LINT_SECONDS
    return (
        f"lint: {rules:,} rules in {seconds:.2f} s ({len(findings[-1]):,} findings); naive "
        f"{naive:,.0f} s (64 sampled packets per rule, projected from 40 rules at {naive_per_rule * 1000:.1f} ms each) -> "
        f"{naive / seconds:,.0f}x; target <= {LINT_SECONDS:.0f} s",
        ok,
    )


def _naive_lint_per_rule(groups: tuple[SecurityGroup, ...], rules: int, probes: int = 64) -> float:
    """Naive shadow/redundancy check: judge the group with and without each rule on
    ``probes`` packets inside the rule's region (sampled, so not even exact)."""
    rng = random.Random(13)
    start = time.perf_counter()
    count = 0
    for g in groups:
        ctx = Context.of([g])
        for i, r in enumerate(g.rules[:rules]):
            without = g.model_copy(update={"rules": g.rules[:i] + g.rules[i + 1 :]})
            for p in _inside(rng, r, probes):
                judge([g], p, ctx)
                judge([without], p, ctx)
            count += 1
    return (time.perf_counter() - start) / count


def _inside(rng: random.Random, rule: Rule, count: int) -> list[Packet]:
    if rule.peer.is_group:
        return [Packet(rule.direction, "tcp", 80, None, (rule.peer.value,))] * count  # type: ignore[arg-type]
    net = rule.peer.network
    assert net is not None
    protocol = {"all": "tcp"}.get(rule.protocol, rule.protocol)
    port = (
        rule.ports.start if rule.protocol in ("tcp", "udp") else (80 if protocol == "tcp" else None)
    )
    first = int(net.network_address)
    return [
        Packet(
            rule.direction,
            protocol,
            port,
            ipaddress.ip_address(first + rng.randrange(net.num_addresses)),
        )  # type: ignore[arg-type]
        for _ in range(count)
    ]


def main() -> int:
    results = [bench_verdicts(), *bench_diff(), bench_lint()]
    for line, ok in results:
        print(("ok    " if ok else "MISS  ") + line)
    missed = [line for line, ok in results if not ok]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
