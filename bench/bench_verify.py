"""`sgplan verify` cost: drift + intents + lint on a landed estate of 100 groups x 100 rules
(10,000 rules, 3 intents over every group), against its parts measured in the same run.

    .venv/bin/python bench/bench_verify.py      # exit 1 if the target is missed

Target: verify takes at most 1.25 x (plan + intents + lint run separately): the report,
the waiver pairing and the rebuilt lint input cost little next to the checks themselves.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sgplan.intents import run_intents  # noqa: E402
from sgplan.lint import lint  # noqa: E402
from sgplan.model.build import build_stack  # noqa: E402
from sgplan.model.stack import State  # noqa: E402
from sgplan.plan import PlanOptions, plan_stack  # noqa: E402
from sgplan.plan.apply import apply_plan  # noqa: E402
from sgplan.verify import render_text, verify_stack  # noqa: E402

GROUPS, RULES, TARGET = 100, 100, 1.25
DAY = date(2026, 6, 1)


def estate():
    groups = [
        {"name": f"prod-app{g:03d}-web-sg", "description": "generated",
         "rules": [{"direction": "ingress", "protocol": "tcp", "ports": str(1000 + r),
                    "peer": f"10.{g % 250}.{r}.0/24", "description": f"rule {r}"}
                   for r in range(RULES)]}
        for g in range(GROUPS)
    ]  # fmt: skip
    intents = [
        {"expect": "deny", "protocol": "tcp", "port": 22, "source": "internet", "target": "*"},
        {"expect": "deny", "protocol": "tcp", "port": 3306, "source": "internet", "target": "*"},
        {"expect": "allow", "protocol": "tcp", "port": 1000, "source": "10.0.0.0/24",
         "target": "prod-app000-web-sg"},
    ]  # fmt: skip
    stack = build_stack({"name": "prod", "region": "cn-hangzhou", "vpc_id": "vpc-bench",
                         "groups": groups, "intents": intents})  # fmt: skip
    empty = State(region="cn-hangzhou")
    return stack, apply_plan(plan_stack(stack, empty, PlanOptions()), empty)


def best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    stack, live = estate()
    plan_s = best(lambda: plan_stack(stack, live, PlanOptions(max_remove_share=1.0)))
    intents_s = best(lambda: run_intents(stack, live))
    lint_s = best(lambda: lint(live, DAY))
    parts = plan_s + intents_s + lint_s
    verify_s = best(lambda: render_text(verify_stack(stack, live, today=DAY)))
    ratio = verify_s / parts
    print(f"estate: {GROUPS} groups x {RULES} rules = {GROUPS * RULES:,} rules")
    print(
        f"parts: plan {plan_s:.2f} s + intents {intents_s:.2f} s + lint {lint_s:.2f} s = {parts:.2f} s"
    )
    print(
        f"verify (with the text report): {verify_s:.2f} s = {ratio:.2f}x the parts (target <= {TARGET}x)"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
