"""What users run, end to end: the real ``sgplan`` commands in subprocesses, at 1,000, 10,000
and 100,000 rules (and 1,000,000 with ``--full``; it takes minutes).

For each size a JSON stack and its snapshot are written (bench/e2e_data.py: groups x 200
rules, 5% changed), then timed (median of ``--runs``, default 3):

- ``sgplan plan --stack S --current STATE --format json`` (semantic diff on), and with
  ``--no-effects`` (what the semantic diff costs is the difference);
- ``sgplan lint --stack S`` as text and as JSON;
- ``sgplan validate --stack S``.

Each line shows wall time, the child's peak RSS (``os.wait4``'s rusage of that very child),
and the ratio to baselines measured in the same run: ``python -c pass``, and a child that
only reads both files and ``json.loads`` them. Memory per rule: a child loads the stack and
the snapshot as models and reports what stays allocated (tracemalloc), per rule held.

Targets (issue 15), checked at 100,000 rules (and at 1,000,000 with --full):

- plan <= 2.0 s and <= 4x the json.loads child; at 1M <= 20 s and <= 2.5 GB peak;
- lint, text and JSON, <= 2.5 s; at 1M <= 25 s;
- <= 600 bytes per validated rule held in a stack or a state;
- the semantic diff (plan minus plan --no-effects) costs at most loading both inputs.

    .venv/bin/python bench/bench_e2e.py [--full] [--runs N] [--sizes 1000,10000]

Exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from e2e_data import RULES_PER_GROUP, write_estate

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SIZES = (1_000, 10_000, 100_000)
FULL = 1_000_000

TARGETS: dict[tuple[str, int], float] = {
    ("plan", 100_000): 2.0,
    ("lint", 100_000): 2.5,
    ("lint-json", 100_000): 2.5,
    ("plan", 1_000_000): 20.0,
    ("lint", 1_000_000): 25.0,
    ("lint-json", 1_000_000): 25.0,
}
PLAN_RATIO = 4.0
PEAK_1M_MB = 2500.0
BYTES_PER_RULE = 600.0

# compiled modules cached, as users have them (see bench_startup.py)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
JSON_BASELINE = (
    "import json, sys\n"
    "for p in sys.argv[1:]:\n"
    "    with open(p, 'rb') as f:\n"
    "        json.loads(f.read())\n"
)
LOAD_PROBE = (
    "import sys\n"
    "from sgplan.formats.current import load_current\n"
    "from sgplan.load import load_stack\n"
    "load_stack(sys.argv[1])\n"
    "load_current(sys.argv[2])\n"
)
MEMORY_PROBE = (
    "import gc, sys, tracemalloc\n"
    "from pathlib import Path\n"
    "from sgplan.formats.snapshot import read\n"
    "from sgplan.load import load_stack\n"
    "gc.collect()\n"
    "tracemalloc.start()\n"
    "stack = load_stack(sys.argv[1])\n"
    "state = read(Path(sys.argv[2]))\n"
    "gc.collect()\n"
    "held = tracemalloc.get_traced_memory()[0]\n"
    "print(held, stack.rule_count + state.rule_count)\n"
)


@dataclass
class Run:
    seconds: float
    peak_mb: float
    code: int
    stdout: bytes
    stderr: bytes


def sgplan_cmd() -> list[str]:
    exe = Path(PY).parent / "sgplan"
    return [str(exe)] if exe.exists() else [PY, "-m", "sgplan"]


def run_once(cmd: list[str]) -> Run:
    """Run ``cmd``; wall time and the peak RSS of that child alone."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, out.read(), err.read())


def measure(cmd: list[str], runs: int, ok_codes: tuple[int, ...] = (0,)) -> Run:
    """Median wall time of ``runs`` runs (largest peak RSS); fail loudly on an error."""
    results = []
    if runs > 1:
        run_once(cmd)  # warm-up: caches and compiled modules, as a user's second run has
    for _ in range(runs):
        r = run_once(cmd)
        if r.code not in ok_codes or b"Traceback" in r.stderr:
            sys.exit(f"{' '.join(cmd)} exited {r.code}:\n{r.stderr.decode()[-2000:]}")
        results.append(r)
    secs = statistics.median(r.seconds for r in results)
    return Run(secs, max(r.peak_mb for r in results), results[0].code, b"", b"")


def memory_per_rule(stack: Path, state: Path) -> float:
    out = subprocess.run(
        [PY, "-c", MEMORY_PROBE, str(stack), str(state)],
        cwd=ROOT, check=True, capture_output=True, text=True, env=ENV,
    ).stdout.split()  # fmt: skip
    return int(out[0]) / int(out[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="also 1,000,000 rules (minutes)")
    parser.add_argument("--runs", type=int, default=3, help="runs per command (median)")
    parser.add_argument("--sizes", help="comma-separated rule counts instead of the defaults")
    parser.add_argument("--keep", type=Path, help="write (and reuse) the estates in this folder")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(SIZES)
    if args.full and FULL not in sizes:
        sizes.append(FULL)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="sgplan-e2e-"))
    sg = sgplan_cmd()
    checks: list[tuple[str, bool, str]] = []
    try:
        base = measure([PY, "-c", "pass"], args.runs)
        print(f"python -c pass: {base.seconds * 1000:.0f} ms, {base.peak_mb:.0f} MB")
        print()
        print(f"{'rules':>9}  {'command':<10} {'wall s':>8} {'peak MB':>8} "
              f"{'x json.loads':>12} {'x py pass':>10}  target")  # fmt: skip
        for size in sizes:
            stack, state = write_estate(folder / str(size), size // RULES_PER_GROUP)
            runs = 1 if size >= FULL else args.runs
            loads = measure([PY, "-c", JSON_BASELINE, str(stack), str(state)], runs)
            mb = (stack.stat().st_size + state.stat().st_size) / 1e6
            print(f"{size:>9,}  {'json.loads':<10} {loads.seconds:8.3f} {loads.peak_mb:8.0f} "
                  f"{1.0:12.2f} {loads.seconds / base.seconds:10.1f}  ({mb:.0f} MB of JSON)")  # fmt: skip
            commands = {
                "plan": [*sg, "plan", "--stack", str(stack), "--current", str(state),
                         "--format", "json", "--max-remove-share", "1"],
                "plan-noeff": [*sg, "plan", "--stack", str(stack), "--current", str(state),
                               "--format", "json", "--max-remove-share", "1", "--no-effects"],
                "lint": [*sg, "lint", "--stack", str(stack)],
                "lint-json": [*sg, "lint", "--stack", str(stack), "--format", "json"],
                "validate": [*sg, "validate", "--stack", str(stack)],
            }  # fmt: skip
            seconds: dict[str, float] = {}
            for label, cmd in commands.items():
                r = measure(cmd, runs, ok_codes=(0, 1) if label.startswith("lint") else (0,))
                target = TARGETS.get((label, size))
                note = ""
                if target is not None:
                    ok = r.seconds <= target
                    note = f"<= {target:.1f} s {'OK' if ok else 'MISSED'}"
                    checks.append((f"{label} {size:,} rules <= {target:.1f} s", ok,
                                   f"{r.seconds:.2f} s"))  # fmt: skip
                ratio = r.seconds / loads.seconds
                if label == "plan" and size >= 100_000:
                    ok = ratio <= PLAN_RATIO
                    checks.append((f"plan {size:,} rules <= {PLAN_RATIO:.0f}x json.loads", ok,
                                   f"{ratio:.2f}x"))  # fmt: skip
                if label == "plan" and size >= FULL:
                    ok = r.peak_mb <= PEAK_1M_MB
                    checks.append((f"plan {size:,} rules peak <= {PEAK_1M_MB:.0f} MB", ok,
                                   f"{r.peak_mb:.0f} MB"))  # fmt: skip
                print(f"{size:>9,}  {label:<10} {r.seconds:8.3f} {r.peak_mb:8.0f} "
                      f"{ratio:12.2f} {r.seconds / base.seconds:10.1f}  {note}")  # fmt: skip
                seconds[label] = r.seconds
            # the semantic diff's cost: plan with it minus plan without it (which loads both
            # inputs, plans and renders; its start-up is the 1,000-rule validate's, about)
            effects = seconds["plan"] - seconds["plan-noeff"]
            load = measure([PY, "-c", LOAD_PROBE, str(stack), str(state)], runs)
            print(f"{size:>9,}  semantic diff {effects:.3f} s (plan - plan --no-effects); "
                  f"loading both inputs as models {load.seconds:.3f} s")  # fmt: skip
            if size >= 100_000:
                checks.append((f"semantic diff {size:,} rules <= loading the inputs",
                               effects <= load.seconds, f"{effects:.2f} s vs {load.seconds:.2f} s"))  # fmt: skip
            if size == 100_000 or (size == max(sizes) and size < 100_000):
                per_rule = memory_per_rule(stack, state)
                ok = per_rule <= BYTES_PER_RULE
                print(f"{size:>9,}  memory held per validated rule (stack + state): "
                      f"{per_rule:.0f} bytes")  # fmt: skip
                checks.append((f"<= {BYTES_PER_RULE:.0f} bytes per rule", ok, f"{per_rule:.0f}"))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    for label, ok, figure in checks:
        print(f"{'OK  ' if ok else 'MISS'} {label}: {figure}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
