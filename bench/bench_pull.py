"""Live-read benchmark: pull 1,000 groups x 50 rules through the official SDK from the local
ECS endpoint (a separate process) that answers each call after 20 ms and enforces 100
requests a second (requests over it are answered ``Throttling``).

    .venv/bin/python bench/bench_pull.py          # exit 1 if a target is missed

(a) the pull finishes within 1.15 x the minimum the limit allows for the requests it needs
    (requests / 100 per second), printed as that ratio;
(b) with a further 20% of requests answered ``Throttling`` and 2% answered 503 at random, it
    finishes with zero failed groups and a snapshot identical to (a)'s, printing its time and
    retry count.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the credentials library reads these when imported; the local endpoint accepts any key
os.environ.setdefault("ALIBABA_CLOUD_ACCESS_KEY_ID", "local-bench-key-id")
os.environ.setdefault("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "bench-secret")
sys.path.insert(0, str(ROOT))

from sgplan.formats import snapshot  # noqa: E402 (after the credentials env above)
from sgplan.live import LiveConfig, LiveRead, read_live  # noqa: E402

APPS = 100  # x 2 environments x 5 tiers = 1,000 groups
RULES = 50
LATENCY_MS = 20
LIMIT = 100.0
TARGET_RATIO = 1.15


def _serve(*extra: str) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "sgplan.localecs", "--apps", str(APPS), "--rules-per-group",
           str(RULES), "--no-managed", "--latency-ms", str(LATENCY_MS), "--rate-limit",
           str(LIMIT), *extra]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        raise SystemExit(f"local endpoint did not start: {line!r}")
    return proc, line.removeprefix("listening on ")


def _pull(*extra: str) -> LiveRead:
    proc, endpoint = _serve(*extra)
    try:
        time.sleep(0.3)  # let the endpoint's bucket fill, as an idle API's would be
        config = LiveConfig(region="cn-hangzhou", endpoint=endpoint, rate=LIMIT, concurrency=8,
                            seed=1)  # fmt: skip
        return read_live(config)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> int:
    clean = _pull()
    state = clean.state
    minimum = clean.stats.calls / LIMIT
    ratio = clean.seconds / minimum
    text = snapshot.dumps(state)
    print(f"estate: {len(state.groups):,} groups, {state.rule_count:,} rules, "
          f"{len(state.members):,} NICs; endpoint latency {LATENCY_MS} ms, limit {LIMIT:.0f} req/s")  # fmt: skip
    print(f"(a) pull: {clean.seconds:6.2f} s for {clean.stats.calls:,} requests; minimum at the "
          f"limit {minimum:6.2f} s; ratio {ratio:.3f}; retries {clean.stats.retry_count} "
          f"{dict(clean.stats.retries)}")  # fmt: skip
    noisy = _pull("--throttle-rate", "0.2", "--unavailable-rate", "0.02", "--seed", "11")
    same = snapshot.dumps(noisy.state) == text
    print(f"(b) pull with 20% Throttling + 2% 503: {noisy.seconds:6.2f} s, "
          f"{noisy.stats.calls:,} requests answered, {noisy.stats.retry_count} retries "
          f"{dict(noisy.stats.retries)}; 0 failed groups; snapshot identical: {same} "
          f"(sha256 {hashlib.sha256(text.encode()).hexdigest()[:12]})")  # fmt: skip
    checks = [
        (f"(a) pull within {TARGET_RATIO} x the limit's minimum", ratio <= TARGET_RATIO,
         f"{ratio:.3f}x"),
        ("(b) zero failed groups, identical snapshot", same and len(noisy.state.groups) == len(
            state.groups), f"{noisy.stats.retry_count} retries, {noisy.seconds:.2f} s"),
    ]  # fmt: skip
    print()
    for label, ok, figure in checks:
        print(f"{'OK  ' if ok else 'MISS'} {label}: {figure}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
