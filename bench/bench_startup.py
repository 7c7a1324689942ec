"""Start-up time of the CLI: ``sgplan --help``, ``sgplan validate --stack prod`` and
``sgplan plan --stack prod`` (the bundled stack and snapshot), beside ``python -c pass``
measured in the same run, with where the import time goes (``python -X importtime``,
self time summed per top-level package).

Targets (issues 12 and 15): ``--help`` <= 0.2 s, ``validate --stack prod`` <= 0.3 s; and
commands that do not use them never import the Alibaba SDK, aiohttp, deepdiff or pulumi
(``--help`` not rich either).

    .venv/bin/python bench/bench_startup.py [--runs N]

Exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    "validate --stack prod": ["validate", "--stack", "prod"],
    "plan --stack prod": ["plan", "--stack", "prod"],
}
TARGETS = {"--help": 0.2, "validate --stack prod": 0.3}
# what users have: compiled modules cached (pip compiles what it installs; Python caches the
# rest on first import), so a PYTHONDONTWRITEBYTECODE in this environment is not passed on
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
HEAVY = ("alibabacloud_ecs20140526", "alibabacloud_credentials", "aiohttp", "deepdiff", "pulumi")
NOT_FOR_HELP = ("rich",)


def wall(cmd: list[str], runs: int) -> float:
    times = []
    subprocess.run(cmd, cwd=ROOT, check=False, capture_output=True, env=ENV)  # warm-up
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=False, capture_output=True, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_profile(args: list[str]) -> tuple[Counter[str], set[str]]:
    """Self import time per top-level package (seconds) and every module imported."""
    env = {**ENV, "PYTHONPROFILEIMPORTTIME": "1"}
    proc = subprocess.run(
        [PY, "-m", "sgplan", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    per_package: Counter[str] = Counter()
    modules: set[str] = set()
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = (part.strip() for part in line[len("import time:") :].split("|"))
        module = name.strip()
        modules.add(module)
        per_package[module.split(".")[0]] += int(self_us) / 1e6
    return per_package, modules


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (median)")
    args = parser.parse_args()
    exe = Path(PY).parent / "sgplan"
    sg = [str(exe)] if exe.exists() else [PY, "-m", "sgplan"]
    base = wall([PY, "-c", "pass"], args.runs)
    print(f"python -c pass: {base * 1000:6.0f} ms")
    checks: list[tuple[str, bool, str]] = []
    for label, cmd_args in COMMANDS.items():
        seconds = wall([*sg, *cmd_args], args.runs)
        target = TARGETS.get(label)
        note = ""
        if target is not None:
            ok = seconds <= target
            note = f"  target <= {target:.1f} s {'OK' if ok else 'MISSED'}"
            checks.append((f"sgplan {label} <= {target:.1f} s", ok, f"{seconds:.3f} s"))
        print(f"sgplan {label:<22} {seconds * 1000:6.0f} ms  {seconds / base:5.1f}x python -c pass"
              f"{note}")  # fmt: skip
        packages, modules = import_profile(cmd_args)
        total = sum(packages.values())
        top = ", ".join(f"{name} {secs * 1000:.0f}" for name, secs in packages.most_common(8))
        print(f"  imports {total * 1000:.0f} ms (self time, ms): {top}")
        avoid = HEAVY + (NOT_FOR_HELP if label == "--help" else ())
        if label.startswith("plan"):  # the planner diffs group attributes with deepdiff
            avoid = tuple(a for a in avoid if a != "deepdiff")
        loaded = sorted({m.split(".")[0] for m in modules} & set(avoid))
        checks.append((f"sgplan {label} imports none of {', '.join(avoid)}", not loaded,
                       ", ".join(loaded) or "none"))  # fmt: skip
    print()
    for label, ok, figure in checks:
        print(f"{'OK  ' if ok else 'MISS'} {label}: {figure}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
