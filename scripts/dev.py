#!/usr/bin/env python3
"""Set up the project's virtualenv when needed, then run one task.

    python3 scripts/dev.py demo    # plan the bundled prod stack against its snapshot
    python3 scripts/dev.py test    # ruff + the whole test suite (pytest arguments may follow)
    python3 scripts/dev.py bench   # every benchmark under bench/
    python3 scripts/dev.py setup   # only the virtualenv (what `pulumi preview` runs in)
    python3 scripts/dev.py lock    # rewrite constraints.txt from the installed versions

Needs Python 3.11, 3.12 or 3.13 and access to PyPI. The virtualenv lives in .venv (or in
$SGPLAN_VENV) and is rebuilt when pyproject.toml, constraints.txt or the Python version
changes. Dependencies are installed at the versions pinned in constraints.txt, the ones the
tests passed with.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / os.environ.get("SGPLAN_VENV", ".venv")
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
CONSTRAINTS = ROOT / "constraints.txt"
SUPPORTED = ((3, 11), (3, 12), (3, 13))


def _python_tag() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def _stamp_text() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    if CONSTRAINTS.is_file():
        digest.update(CONSTRAINTS.read_bytes())
    return f"{_python_tag()} {digest.hexdigest()}"


def _venv_python_tag() -> str | None:
    cfg = VENV / "pyvenv.cfg"
    if not cfg.is_file():
        return None
    for line in cfg.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            return ".".join(value.strip().split(".")[:2])
    return None


def ensure_venv() -> None:
    if sys.version_info[:2] not in SUPPORTED:
        allowed = ", ".join(f"{a}.{b}" for a, b in SUPPORTED)
        sys.exit(f"sgplan needs Python {allowed}; this is {sys.version.split()[0]}")
    stamp = VENV / ".sgplan-installed"
    want = _stamp_text()
    if stamp.exists() and stamp.read_text() == want and (BIN / "sgplan").exists():
        return
    have = _venv_python_tag()
    if have is not None and have != _python_tag():
        print(f"{VENV.name} was made with Python {have}; rebuilding it for {_python_tag()} ...")
        shutil.rmtree(VENV)
    if not (BIN / "python").exists():
        print(f"setting up {VENV.name} (Python {_python_tag()}) ...", flush=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    print(f"installing sgplan and its dependencies into {VENV.name} ...", flush=True)
    pin = ["-c", str(CONSTRAINTS)] if CONSTRAINTS.is_file() else []
    subprocess.check_call(
        [str(BIN / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         *pin, "-e", f"{ROOT}[dev]"]
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
    # as a pull request shows it: nothing is rehearsed on staging yet, so the promotion gate
    # is reported and overridden (docs/pipeline.md)
    return run("sgplan", "plan", "--stack", "prod", "--allow-unpromoted")


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


def lock() -> int:
    """Pin every installed distribution but sgplan itself (what the tests passed with)."""
    frozen = subprocess.run(
        [str(BIN / "python"), "-m", "pip", "freeze", "--exclude-editable",
         "--disable-pip-version-check"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    pins = sorted(
        (line for line in frozen.splitlines() if "==" in line and not line.startswith("sgplan")),
        key=str.lower,
    )
    header = (
        "# Versions the test suite passed with (python3 scripts/dev.py lock writes this file;\n"
        "# scripts/dev.py installs with `pip install -c constraints.txt`).\n"
    )
    CONSTRAINTS.write_text(header + "\n".join(pins) + "\n")
    (VENV / ".sgplan-installed").write_text(_stamp_text())  # the venv is what it pins
    print(f"wrote {CONSTRAINTS.relative_to(ROOT)}: {len(pins)} pins")
    return 0


TASKS = {"demo": demo, "test": test, "bench": bench, "setup": setup, "lock": lock}

if __name__ == "__main__":
    task = sys.argv[1] if len(sys.argv) > 1 else ""
    if task not in TASKS:
        sys.exit(f"usage: python3 scripts/dev.py {{{'|'.join(TASKS)}}}")
    ensure_venv()
    sys.exit(TASKS[task]())
