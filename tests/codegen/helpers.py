"""Round-trip helpers: generated module -> file -> ``load_stack`` -> sync plan against the state."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from sgplan.codegen import render_stack_module
from sgplan.load import load_stack
from sgplan.model.stack import Stack, State
from sgplan.plan import Plan, PlanOptions, plan_stack

ROOT = Path(__file__).resolve().parents[2]


def load_generated(text: str, folder: Path, name: str = "generated") -> Stack:
    """Write ``text`` as a stack module and load it the way ``sgplan plan --stack`` does."""
    path = folder / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    return load_stack(path)


def sync_plan(stack: Stack, state: State) -> Plan:
    return plan_stack(stack, state, PlanOptions(mode="sync"))


def assert_no_changes(plan: Plan) -> None:
    changed = [(g.name, g.action, g.attributes, g.add, g.remove, g.update) for g in plan.changed]
    assert not plan.has_changes, changed
    assert plan.drifted == 0
    assert not any(p.changed for p in plan.prefix_lists)
    assert not plan.blocked, plan.findings


def round_trip(state: State, folder: Path, **options: object) -> tuple[str, Plan]:
    """Generate, load from a file and plan against ``state``; returns the text and the plan."""
    text = render_stack_module(state, stack_name=str(options.pop("stack_name", "prod")), **options)  # type: ignore[arg-type]
    return text, sync_plan(load_generated(text, folder), state)


def ruff() -> str:
    """The ruff binary next to this Python, or on PATH (a dev dependency: always there)."""
    here = Path(sys.executable).parent / "ruff"
    found = str(here) if here.exists() else shutil.which("ruff")
    assert found is not None, "ruff is a dev dependency; install the project with '.[dev]'"
    return found


def ruff_problems(folder: Path) -> list[str]:
    """What ``ruff format --check`` and ``ruff check`` (project settings) say about a folder."""
    exe = ruff()
    config = str(ROOT / "pyproject.toml")
    out = []
    for args in (
        ["format", "--check", "--config", config],
        ["format", "--check", "--line-length", "88"],
        ["check", "--config", config, "--no-cache"],
    ):
        done = subprocess.run(
            [exe, *args, str(folder)], capture_output=True, text=True, cwd=folder, check=False
        )
        if done.returncode != 0:
            out.append(f"ruff {' '.join(args[:2])}: {done.stdout}{done.stderr}")
    return out
