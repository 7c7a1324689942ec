#!/usr/bin/env python3
"""Set up the project's virtualenv when needed, then run one task.

    python3 scripts/dev.py demo    # plan the bundled prod stack against its snapshot
    python3 scripts/dev.py test    # ruff + the whole test suite
    python3 scripts/dev.py bench   # every benchmark under bench/
    python3 scripts/dev.py setup   # only the virtualenv (what `pulumi preview` runs in)

Needs only Python 3.11 and access to PyPI. The virtualenv lives in .venv and is rebuilt when
pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def ensure_venv() -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"sgplan needs Python 3.11; this is {sys.version.split()[0]}")
    stamp = VENV / ".sgplan-installed"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == want and (BIN / "sgplan").exists():
        return
    if not (BIN / "python").exists():
        print("setting up .venv ...", flush=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    print("installing sgplan and its dependencies into .venv ...", flush=True)
    subprocess.check_call(
        [str(BIN / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         "-e", f"{ROOT}[dev]"]
    )  # fmt: skip
    stamp.write_text(want)


def run(*cmd: str) -> int:
    print("$ " + " ".join(cmd), flush=True)
    exe = str(BIN / cmd[0])
    return subprocess.call([exe, *cmd[1:]], cwd=ROOT)


def demo() -> int:
    code = run("sgplan", "validate", "--stack", "prod")
    if code:
        return code
    return run("sgplan", "plan", "--stack", "prod")


def test() -> int:
    for cmd in (("ruff", "check", "."), ("ruff", "format", "--check", ".")):
        code = run(*cmd)
        if code:
            return code
    return run("python", "-m", "pytest", *sys.argv[2:])


def bench() -> int:
    worst = 0
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        worst = max(worst, run("python", str(script.relative_to(ROOT))))
    return worst


def setup() -> int:
    return 0  # ensure_venv() already ran


TASKS = {"demo": demo, "test": test, "bench": bench, "setup": setup}

if __name__ == "__main__":
    task = sys.argv[1] if len(sys.argv) > 1 else ""
    if task not in TASKS:
        sys.exit(f"usage: python3 scripts/dev.py {{{'|'.join(TASKS)}}}")
    ensure_venv()
    sys.exit(TASKS[task]())
