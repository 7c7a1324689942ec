"""Start-up time of the CLI: ``sgplan --help``, ``sgplan NAME --help``, ``sgplan validate
--stack prod``, ``sgplan plan --stack prod`` (the bundled stack and snapshot) and ``import
sgplan.cli``, each as a ratio to ``python -c pass`` measured in the same run, with where the
import time goes (``python -X importtime``, self time summed per top-level package).

Each command runs ``--runs`` times (median) in a fresh process. Wall time is what the targets
are about; the child's CPU time (user + system, from ``os.wait4``) is printed beside it
because on a shared machine it is what wall time would be if the machine were idle.

Targets (issues 12 and 15): ``--help`` and ``NAME --help`` <= 0.2 s, ``validate --stack
prod`` <= 0.3 s (wall); and commands that do not use them never import the Alibaba SDK,
aiohttp, deepdiff or pulumi (help: not pydantic or rich either).

    .venv/bin/python bench/bench_startup.py [--runs N] [--tree PATH]

``--tree`` times another checkout of sgplan (say ``git worktree add /tmp/base main``) with
this interpreter and its packages: before and after a change, in the same conditions.

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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the tree timed; --tree changes it
PY = sys.executable

COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    "validate --help": ["validate", "--help"],
    "plan --help": ["plan", "--help"],
    "validate --stack prod": ["validate", "--stack", "prod"],
    "plan --stack prod": ["plan", "--stack", "prod", "--allow-unpromoted"],
}
TARGETS = {
    "--help": 0.2,
    "validate --help": 0.2,
    "plan --help": 0.2,
    "validate --stack prod": 0.3,
}
# what users have: compiled modules cached (pip compiles what it installs; Python caches the
# rest on first import), so a PYTHONDONTWRITEBYTECODE in this environment is not passed on
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # --tree: +PYTHONPATH
HEAVY = ("alibabacloud_ecs20140526", "alibabacloud_credentials", "aiohttp", "deepdiff", "pulumi")
NOT_FOR_HELP = ("pydantic", "rich")
FLOOR = (
    "import typer, typer._adapters, pydantic.main, pydantic.plugin._loader; import os; os._exit(0)"
)


@dataclass(frozen=True)
class Timing:
    wall: float  # seconds, median
    cpu: float  # user + system seconds of the child, median


def timed(cmd: list[str], runs: int) -> Timing:
    walls, cpus = [], []
    subprocess.run(cmd, cwd=ROOT, check=False, capture_output=True, env=ENV)  # warm-up
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)  # fmt: skip
        _, _, usage = os.wait4(child.pid, 0)
        walls.append(time.perf_counter() - start)
        cpus.append(usage.ru_utime + usage.ru_stime)
    return Timing(statistics.median(walls), statistics.median(cpus))


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


def line(label: str, t: Timing, base: Timing, note: str = "") -> str:
    return (f"{label:<30} {t.wall * 1000:6.0f} ms {t.wall / base.wall:5.1f}x   "
            f"cpu {t.cpu * 1000:5.0f} ms {t.cpu / base.cpu:5.1f}x{note}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (median)")
    parser.add_argument("--tree", type=Path, help="time this checkout of sgplan instead")
    args = parser.parse_args()
    global ROOT
    exe = Path(PY).parent / "sgplan"
    sg = [str(exe)] if exe.exists() else [PY, "-m", "sgplan"]
    if args.tree is not None:
        ROOT = args.tree.resolve()
        ENV["PYTHONPATH"] = str(ROOT)
        sg = [PY, "-m", "sgplan"]
        print(f"timing the sgplan of {ROOT}")
    base = timed([PY, "-c", "pass"], args.runs)
    print(
        f"{'':<30} {'wall':>9} {'ratio':>6}   {'cpu':>8} {'ratio':>6}   (ratio: to python -c pass)"
    )
    print(line("python -c pass", base, base))
    print(line("import sgplan.cli", timed([PY, "-c", "import sgplan.cli"], args.runs), base))
    # before sgplan does anything: typer, and the pydantic it coerces option values with
    # (typer >= 0.26), which a command with an option imports whatever it does
    floor = timed([PY, "-c", FLOOR], args.runs)
    print(line("floor: typer + its pydantic", floor, base))
    checks: list[tuple[str, bool, str]] = []
    for label, cmd_args in COMMANDS.items():
        t = timed([*sg, *cmd_args], args.runs)
        target = TARGETS.get(label)
        note = ""
        if target is not None:
            ok = t.wall <= target
            note = f"  target <= {target:.1f} s {'OK' if ok else 'MISSED'}"
            if not ok and t.cpu <= target:
                note += " (CPU time meets it: the machine is busy)"
            figure = f"{t.wall:.3f} s = {t.wall / base.wall:.1f}x python -c pass"
            checks.append((f"sgplan {label} <= {target:.1f} s", ok, figure))
        print(line(f"sgplan {label}", t, base, note))
        packages, modules = import_profile(cmd_args)
        total = sum(packages.values())
        top = ", ".join(f"{name} {secs * 1000:.0f}" for name, secs in packages.most_common(8))
        print(f"  imports {total * 1000:.0f} ms (self time, ms): {top}")
        avoid = HEAVY + (NOT_FOR_HELP if label.endswith("--help") else ())
        if label.startswith("plan --stack"):  # the planner diffs group attributes with deepdiff
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
