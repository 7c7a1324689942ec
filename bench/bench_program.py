"""The Pulumi program under Pulumi's mock runtime for 100,000 rules (500 groups x 200).

Two ways of registering the same stack, each in its own process (so peak memory is its
own), measured in the same run:

- ``ruleset``: what the program does now: one ``alicloud.ecs.SecurityGroup`` and one
  ``sgplan:ecs:RuleSet`` per group (500 + 500 resources, plus the component);
- ``per-rule``: the path it replaced (the baseline): one ``alicloud.ecs.SecurityGroupRule``
  per rule (500 + 100,000 resources).

Printed: registration time, wall and CPU (the component's construction through the mock
engine's last answer; the mock runtime is CPU-bound, and CPU time is what the ratio uses,
because the machine is shared), peak RSS growth over the process after building the stack,
and the ratios. The
stack is the one of ``bench_model.py`` (peers to neighbouring groups, a prefix list...).

    .venv/bin/python bench/bench_program.py                 # 500 x 200, both paths
    .venv/bin/python bench/bench_program.py --groups 50     # smaller, while iterating

Target: the RuleSet path registers the rules at least 5x faster than one resource per
rule, in less peak memory. Exit 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

TARGET_SPEEDUP = 5.0


def stack_of(groups: int) -> Any:
    import bench_model

    from sgplan import define_stack, prefix_list_of

    bench_model.GROUPS = groups  # neighbours wrap around the groups there are
    decls = bench_model.declarations(bench_model.specs())
    return define_stack(
        "bench", "cn-hangzhou", decls, vpc_id="vpc-bench",
        prefix_lists=[prefix_list_of("bench-office", ["203.0.113.0/27"], max_entries=1)],
    )  # fmt: skip


def per_rule_program(stack: Any) -> None:
    """The replaced path: one pulumi-alicloud SecurityGroupRule per rule."""
    import pulumi
    import pulumi_alicloud as alicloud

    from sgplan.formats.resource_ids import rule_resource_name

    lists = {p.name: alicloud.ecs.EcsPrefixList(p.name, prefix_list_name=p.name, address_family="IPv4",
                                                 max_entries=p.max_entries,
                                                 entries=[alicloud.ecs.EcsPrefixListEntryArgs(cidr=c)
                                                          for c in p.cidrs]) for p in stack.prefix_lists}  # fmt: skip
    groups = {g.name: alicloud.ecs.SecurityGroup(g.logical_name, security_group_name=g.name,
                                                 description=g.description, vpc_id=g.vpc_id)
              for g in stack.groups}  # fmt: skip
    for g in stack.groups:
        for rule in g.rules:
            peer = rule.peer
            fields: dict[str, Any] = {}
            if peer.kind == "group_name":
                fields["source_security_group_id"] = groups[peer.value].id
            elif peer.kind == "prefix_list_name":
                fields["prefix_list_id"] = lists[peer.value].id
            elif peer.kind == "ipv6":
                fields["ipv6_cidr_ip"] = peer.value
            else:
                fields["cidr_ip"] = peer.value
            alicloud.ecs.SecurityGroupRule(
                rule_resource_name(g.logical_name, rule), security_group_id=groups[g.name].id,
                type=rule.direction, ip_protocol=rule.protocol, port_range=str(rule.ports),
                nic_type=rule.nic_type, policy=rule.policy, priority=rule.priority,
                description=rule.description, opts=pulumi.ResourceOptions(), **fields,
            )  # fmt: skip


def ruleset_program(stack: Any) -> None:
    from modules.component import SecurityGroupStack, SecurityGroupStackArgs

    SecurityGroupStack(stack.name, SecurityGroupStackArgs(stack))


def measure(variant: str, groups: int) -> dict[str, Any]:
    import pulumi
    import pulumi_alicloud.ecs  # noqa: F401  imports (pulumi_alicloud is large) are not timed
    from pulumi.runtime.mocks import MockMonitor
    from pulumi.runtime.settings import reset_options

    import modules.component  # noqa: F401

    stack = stack_of(groups)
    counted = [0]

    class Counting(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
            counted[0] += 1
            return f"id-{counted[0]}", {}

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, None]:
            return {}, None

    mocks = Counting()
    reset_options(project="sgplan", stack="bench", preview=False)
    pulumi.runtime.set_mocks(mocks, project="sgplan", stack="bench", preview=False,
                             monitor=MockMonitor(mocks))  # fmt: skip
    body = ruleset_program if variant == "ruleset" else per_rule_program
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    @pulumi.runtime.test
    def program() -> None:
        body(stack)

    start, cpu = time.perf_counter(), time.process_time()
    program()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"variant": variant, "rules": stack.rule_count, "resources": counted[0],
            "seconds": seconds, "cpu": cpu, "peak_mb": (peak - before) / 1024}  # fmt: skip


def run(variant: str, groups: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", variant, "--groups", str(groups)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--one", choices=["ruleset", "per-rule"])
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.groups)))
        return 0
    ours, base = run("ruleset", args.groups), run("per-rule", args.groups)
    rules = ours["rules"]
    print(f"stack: {args.groups} groups x 200 rules = {rules:,} rules")
    for r in (ours, base):
        label = "one RuleSet per group " if r is ours else "one resource per rule (baseline)"
        print(f"{label:34} {r['resources']:>7,} resources  {r['seconds']:8.2f} s wall  "
              f"{r['cpu']:8.2f} s CPU  {r['cpu'] / r['resources'] * 1000:7.2f} ms CPU/resource  "
              f"peak +{r['peak_mb']:7.1f} MB")  # fmt: skip
    print(
        f"load average while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        "(2 cores, shared); ratios use CPU time, which other processes disturb less"
    )
    speedup = base["cpu"] / ours["cpu"]
    memory = base["peak_mb"] / max(ours["peak_mb"], 0.1)
    ok = speedup >= TARGET_SPEEDUP and ours["peak_mb"] < base["peak_mb"]
    print(f"ratio time per-rule / ruleset: {speedup:.1f}x (target >= {TARGET_SPEEDUP:.0f}x); "
          f"peak memory per-rule / ruleset: {memory:.1f}x  {'OK' if ok else 'MISSED'}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
