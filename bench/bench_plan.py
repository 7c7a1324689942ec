"""Plan 500 groups x 200 rules (100,000 rules, already loaded as models) with 5% changed,
and render the plan to JSON.

Targets (issue 3), each printed beside baselines measured in the same run:
- plan + JSON render of 100,000 rules: at most 1 s;
- at least 10x faster than DeepDiff on identity-keyed dicts of the same 100,000 rules;
- at least 1,000x faster than DeepDiff(ignore_order=True) on plain lists, both at 10,000
  rules (the planner is timed on the same 10,000-rule slice, so the ratio is like for like).

The 5% change mixes what real reviews see: new rules, removed rules, description edits and
rewrites (a port or priority changed, which is a remove plus an add). Best of 3 runs; the
semantic diff (--effects) is not part of this figure, it has its own benchmark
(bench_reach.py). Exit 1 when a target is missed.

Fairness: both sides start from loaded data. Loading a stack computes every rule's identity
while validating it (duplicates are an error), and the DeepDiff baselines get their keyed
dicts and lists built before the clock starts; so the identities of the live rules are
computed before the clock starts too (as `sgplan pull` + load would). The keyed baseline maps
each group to {identity: the rule's fields}, the shape one would hand to DeepDiff to learn
what changed.

    .venv/bin/python bench/bench_plan.py
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from typing import Any

from deepdiff import DeepDiff

from sgplan.formats.resource_ids import identity_text
from sgplan.model import Peer, Rule, SecurityGroup, Stack, State
from sgplan.model.validate import check_stack
from sgplan.plan import PlanOptions, plan_stack
from sgplan.render import render_json

GROUPS = 500
RULES = 200
CHANGED_SHARE = 0.05
SMALL = 10_000
TARGET_SECONDS = 1.0
TARGET_KEYED = 10.0
TARGET_LISTS = 1000.0
VPC = "vpc-bench"
SEED = 7


def _rule(rng: random.Random, g: int, i: int) -> Rule:
    """Rule ``i`` of group ``g``: unique within its group, peers repeated across the estate."""
    fields: dict[str, Any] = {
        "direction": "ingress" if i % 3 else "egress",
        "policy": "drop" if i % 17 == 0 else "accept",
        "priority": 1 + i % 100,
        "description": f"rule {i} of group {g}",
        "rule_id": f"sgr-{g:04d}{i:04d}",
    }
    if i % 13 == 0:  # 16 group peers per group (the limit is 20)
        fields.update(
            protocol="tcp", ports=f"{1000 + i}", peer=f"sg-bench{(g + 1 + i) % GROUPS:04d}"
        )
    elif i % 29 == 0:
        fields.update(protocol=rng.choice(["icmp", "all"]), peer=f"10.{g % 250}.{i}.0/24")
    else:
        peer = rng.choice(
            [
                f"10.{g % 250}.{i}.0/24",
                "0.0.0.0/0",
                "::/0",
                "192.168.0.0/16",
                f"2001:db8:{g:x}::/48",
            ]
        )
        fields.update(protocol=rng.choice(["tcp", "tcp", "udp"]), peer=peer,
                      ports=f"{1000 + i}/{1000 + i + rng.randrange(3)}")  # fmt: skip
    return Rule.model_validate(fields, context={"live": True})


def _named(r: Rule) -> Rule:
    """The stack names its own groups (``group:NAME``), as real stacks do."""
    if r.peer.kind != "group_id":
        return r
    return r.model_copy(update={"peer": Peer("group_name", f"prod-bench{r.peer.value[8:]}-app-sg")})


def estate() -> tuple[Stack, State]:
    rng = random.Random(SEED)
    live_groups, desired_groups = [], []
    for g in range(GROUPS):
        rules = [_rule(rng, g, i) for i in range(RULES)]
        name = f"prod-bench{g:04d}-app-sg"
        live_groups.append(SecurityGroup(name=name, description="bench", vpc_id=VPC, id=f"sg-bench{g:04d}",
                                         rules=tuple(rules)))  # fmt: skip
        want: list[Rule] = []
        new: list[Rule] = []
        for i, r in enumerate(rules):
            r = _named(r).model_copy(update={"rule_id": None})
            if rng.random() >= CHANGED_SHARE:
                want.append(r)
                continue
            kind = rng.randrange(4)
            if kind == 0:  # description edit
                want.append(r.model_copy(update={"description": "edited"}))
            elif kind == 1 and r.protocol in ("tcp", "udp"):  # rewrite: another port
                want.append(r.with_(ports=f"{30000 + i}"))
            elif kind == 2:  # removed from the stack
                continue
            else:  # a new rule
                want.append(r)
                new.append(r.with_(ports=f"{40000 + i}", protocol="tcp", peer="172.16.0.0/12"))
        want += new[: max(0, RULES - len(want))]
        desired_groups.append(
            SecurityGroup(name=name, description="bench", vpc_id=VPC, rules=tuple(want))
        )
    stack = Stack(name="prod", region="cn-hangzhou", vpc_id=VPC, groups=tuple(desired_groups))
    problems = check_stack(stack)  # what loading does: validation computes every identity
    assert not problems, problems[:3]
    state = State(region="cn-hangzhou", groups=tuple(live_groups))
    for g in state.groups:  # and the live side's identities likewise (see the module docstring)
        for r in g.rules:
            _ = r.key
    return stack, state


def slice_of(stack: Stack, state: State, rules: int) -> tuple[Stack, State]:
    n = rules // RULES
    return stack.model_copy(update={"groups": stack.groups[:n]}), state.model_copy(
        update={"groups": state.groups[:n]}
    )


def best(fn: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def resolved_groups(stack: Stack, state: State) -> tuple[SecurityGroup, ...]:
    ids = {g.name: g.id for g in state.groups}
    out = []
    for g in stack.groups:
        rules = [
            r.model_copy(update={"peer": Peer("group_id", ids[r.peer.value])})
            if r.peer.kind == "group_name"
            else r
            for r in g.rules
        ]
        out.append(g.model_copy(update={"rules": tuple(rules)}))
    return tuple(out)


def plan_and_render(stack: Stack, state: State) -> str:
    return render_json(plan_stack(stack, state, PlanOptions(max_remove_share=1)))


def keyed(groups: tuple[SecurityGroup, ...], full: bool) -> dict[str, dict[str, Any]]:
    """{group: {identity: the rule's fields}} (full), or {group: {identity: description}}."""
    return {
        g.name: {
            identity_text(r.key): (
                r.model_dump(mode="json", exclude={"rule_id", "waivers"}) if full else r.description
            )
            for r in g.rules
        }
        for g in groups
    }


def plain(groups: tuple[SecurityGroup, ...]) -> list[dict[str, Any]]:
    return [
        r.model_dump(mode="json", exclude={"rule_id", "waivers"}) for g in groups for r in g.rules
    ]


def main() -> int:
    stack, state = estate()
    total = sum(len(g.rules) for g in state.groups)
    seconds, doc = best(lambda: plan_and_render(stack, state))
    plan = plan_stack(stack, state, PlanOptions(max_remove_share=1))
    add, change, destroy = plan.counts
    print(f"estate: {GROUPS} groups, {total:,} live rules; plan: {add} to add, {change} to change, "
          f"{destroy} to destroy ({(add + change + destroy) / total:.1%} of the rules)")  # fmt: skip
    print(
        f"sgplan plan + JSON render, {total:,} rules:       {seconds * 1000:8.1f} ms  ({len(doc) / 1e6:.1f} MB JSON)"
    )

    # Baseline 1: DeepDiff on identity-keyed dicts, the same 100,000 rules. Live group-name
    # peers are IDs; the stack names them, so DeepDiff gets the stack with IDs resolved.
    resolved = resolved_groups(stack, state)
    live_keyed, want_keyed = keyed(state.groups, True), keyed(resolved, True)
    deep_seconds, _ = best(lambda: DeepDiff(live_keyed, want_keyed), runs=1)
    print(f"DeepDiff on identity-keyed dicts, {total:,} rules: {deep_seconds * 1000:8.1f} ms")
    thin_live, thin_want = keyed(state.groups, False), keyed(resolved, False)
    thin_seconds, _ = best(lambda: DeepDiff(thin_live, thin_want), runs=1)
    print(
        f"  (identity -> description only:             {thin_seconds * 1000:8.1f} ms, {thin_seconds / seconds:.1f}x; not a target)"
    )

    # Baseline 2: DeepDiff(ignore_order=True) on plain lists, at 10,000 rules (like for like).
    small_stack, small_state = slice_of(stack, state, SMALL)
    small_seconds, _ = best(lambda: plan_and_render(small_stack, small_state))
    live_list, want_list = plain(small_state.groups), plain(small_stack.groups)
    list_seconds, _ = best(lambda: DeepDiff(live_list, want_list, ignore_order=True), runs=1)
    print(f"sgplan plan + JSON render, {SMALL:,} rules:        {small_seconds * 1000:8.1f} ms")
    print(f"DeepDiff(ignore_order=True), {SMALL:,} rules:      {list_seconds * 1000:8.1f} ms")

    keyed_ratio = deep_seconds / seconds
    list_ratio = list_seconds / small_seconds
    checks = [
        (
            f"plan + render {total:,} rules <= {TARGET_SECONDS:.0f} s",
            seconds <= TARGET_SECONDS,
            f"{seconds:.3f} s",
        ),
        (
            f"vs DeepDiff keyed dicts >= {TARGET_KEYED:.0f}x",
            keyed_ratio >= TARGET_KEYED,
            f"{keyed_ratio:.1f}x",
        ),
        (
            f"vs DeepDiff ignore_order >= {TARGET_LISTS:.0f}x",
            list_ratio >= TARGET_LISTS,
            f"{list_ratio:.0f}x",
        ),
    ]
    print()
    for label, ok, figure in checks:
        print(f"{'OK  ' if ok else 'MISS'} {label}: {figure}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
