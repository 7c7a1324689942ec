"""Apply benchmark: create 500 groups x 200 rules (100,000 rules) on an empty estate through
the official SDK, against the local ECS endpoint (a separate process) that answers each call
after 20 ms and enforces 100 requests a second (requests over it are answered
``Throttling``).

    .venv/bin/python bench/bench_apply.py           # exit 1 if a target is missed
    .venv/bin/python bench/bench_apply.py --quick   # 50 groups x 200, for iteration

(a) write calls against the minimum (one CreateSecurityGroup per group plus
    ceil(rules / 100) Authorize calls per group and direction): at most 1.1 x;
(b) the apply's time against the minimum the rate limit allows for those calls
    (calls / 100 per second): at most 1.15 x;
(c) the calls a one-resource-per-rule tool makes for the same change (one per rule and one
    per group), as a ratio to ours;
(d) the same apply with 20% of requests answered ``Throttling`` and 2% answered 503 at
    random: zero failed calls and an end state identical to (a)'s (read back with the live
    reader and compared rule by rule, IDs aside).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("ALIBABA_CLOUD_ACCESS_KEY_ID", "local-bench-key-id")
os.environ.setdefault("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "bench-secret")
os.environ.setdefault("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
sys.path.insert(0, str(ROOT))

from sgplan.apply import ApplyResult, apply_plan, connect  # noqa: E402
from sgplan.live import LiveConfig, read_live  # noqa: E402
from sgplan.model.build import build_stack  # noqa: E402
from sgplan.model.stack import Stack, State  # noqa: E402
from sgplan.plan import PlanOptions, plan_stack  # noqa: E402

RULES = 200
LATENCY_MS = 20
LIMIT = 100.0
VPC = "vpc-bp1benchapply0000000"
TARGET_CALLS = 1.1
TARGET_TIME = 1.15


def _stack(groups: int) -> Stack:
    data = []
    for g in range(groups):
        rules = []
        for n in range(RULES):
            a, b = divmod(g * RULES + n, 250)
            rules.append({"direction": "ingress", "protocol": "tcp", "ports": str(1000 + n % 50),
                          "peer": f"10.{a // 250 % 250}.{a % 250}.{b + 1}",
                          "description": f"partner {n}"})  # fmt: skip
        data.append({"name": f"bench-g{g:03d}-sg", "vpc_id": VPC, "description": f"bench group {g}",
                     "tags": {"env": "bench"}, "rules": rules})  # fmt: skip
    return build_stack({"name": "bench", "region": "cn-hangzhou", "vpc_id": VPC, "groups": data})


def _serve(*extra: str) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "sgplan.localecs", "--apps", "0", "--no-managed",
           "--latency-ms", str(LATENCY_MS), "--rate-limit", str(LIMIT), *extra]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        raise SystemExit(f"local endpoint did not start: {line!r}")
    return proc, line.removeprefix("listening on ")


def _digest(state: State) -> str:
    """The end state rule by rule, IDs and creation times aside."""
    h = hashlib.sha256()
    for g in sorted(state.groups, key=lambda g: g.name):
        h.update(
            f"{g.name}|{g.description}|{sorted(g.tags.items())}|{g.inner_access_policy}".encode()
        )
        for line in sorted(f"{r.text()}|{r.description}" for r in g.rules):
            h.update(line.encode())
    return h.hexdigest()


def _cpu(pid: int) -> float:
    """CPU seconds a process has used (Linux), 0 where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _apply(stack: Stack, *extra: str) -> tuple[ApplyResult, int, State, float, int]:
    proc, endpoint = _serve(*extra)
    try:
        time.sleep(0.3)  # let the endpoint's bucket fill, as an idle API's would be
        # 3% under the endpoint's limit: evenly spaced requests still arrive with jitter
        config = LiveConfig(region="cn-hangzhou", endpoint=endpoint, rate=LIMIT * 0.97,
                            concurrency=8, seed=1)  # fmt: skip
        writer = connect(config)
        plan = plan_stack(stack, State(region="cn-hangzhou"), PlanOptions())
        server, client = _cpu(proc.pid), time.process_time()
        result = apply_plan(plan, writer, read_back=False)
        server, client = _cpu(proc.pid) - server, time.process_time() - client
        print(f"    CPU during the apply: sgplan {client:.1f} s, local endpoint {server:.1f} s; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
        failed = sum(1 for c in result.calls if not c.ok)
        read = read_live(config)
        return result, failed, read.state, result.seconds, writer.stats.retry_count
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50 groups instead of 500")
    parser.add_argument("--groups", type=int, default=None)
    parser.add_argument("--limit", type=float, default=None, help="requests a second (default 100)")
    args = parser.parse_args()
    global LIMIT
    LIMIT = args.limit or LIMIT
    groups = args.groups or (50 if args.quick else 500)
    stack = _stack(groups)
    rules = stack.rule_count
    minimum = sum(1 + sum(math.ceil(len(d) / 100) for d in (g.ingress(), g.egress()) if d)
                  for g in stack.groups)  # fmt: skip
    print(f"change: {groups:,} new groups x {RULES} rules = {rules:,} rules onto an empty estate; "
          f"endpoint latency {LATENCY_MS} ms, limit {LIMIT:.0f} req/s")  # fmt: skip
    clean, failed, state, seconds, retries = _apply(stack)
    calls = len(clean.ok_calls)
    at_limit = calls / LIMIT
    print(f"(a) calls: {calls:,} (minimum {minimum:,}); ratio {calls / minimum:.3f}")
    print(f"(b) time: {seconds:.2f} s; minimum at the limit {at_limit:.2f} s; ratio "
          f"{seconds / at_limit:.3f}; {retries} retries; {failed} failed")  # fmt: skip
    per_rule = rules + groups
    print(f"(c) one call per rule (and per group): {per_rule:,} calls, {per_rule / LIMIT:,.0f} s at "
          f"the limit; {per_rule / calls:.1f}x ours")  # fmt: skip
    digest = _digest(state)
    noisy, failed2, state2, seconds2, retries2 = _apply(
        stack, "--throttle-rate", "0.2", "--unavailable-rate", "0.02", "--seed", "11"
    )
    same = _digest(state2) == digest and state2.rule_count == rules
    print(f"(d) with 20% Throttling + 2% 503: {seconds2:.2f} s, {len(noisy.ok_calls):,} calls, "
          f"{retries2} retries, {failed2} failed; end state identical: {same} (sha256 {digest[:12]})")  # fmt: skip
    checks = [
        (f"(a) calls within {TARGET_CALLS} x the minimum", calls <= TARGET_CALLS * minimum,
         f"{calls / minimum:.3f}x"),
        (f"(b) time within {TARGET_TIME} x the limit's minimum", seconds <= TARGET_TIME * at_limit,
         f"{seconds / at_limit:.3f}x"),
        ("(c) fewer calls than one per rule", calls < per_rule, f"{per_rule / calls:.1f}x fewer"),
        ("(d) zero failures, identical end state", failed2 == 0 and failed == 0 and same,
         f"{retries2} retries, {seconds2:.2f} s"),
    ]  # fmt: skip
    print()
    for label, ok, figure in checks:
        print(f"{'OK  ' if ok else 'MISS'} {label}: {figure}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
