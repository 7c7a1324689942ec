"""The docs are tested: every command shown in README.md and docs/*.md runs, and what it
prints is what the page shows.

The convention (README "Development"):

* A fenced block tagged ``console`` is run. Each line starting with ``$ `` is a command
  (a line ending in ``\\`` continues on the next); the lines after it, up to the next
  ``$ `` line or the end of the block, are its expected output (stdout and stderr, as a
  terminal shows them). ``...`` on a line of its own matches any number of lines.
  Trailing spaces and trailing blank lines are ignored.
* A block tagged ``sh`` is shown, not run: commands that need the cloud, the Pulumi CLI or a
  background server.
* An untagged block must not hold ``$ `` lines: choose ``console`` or ``sh``.

The commands of one page run in order in one shell (so ``source .venv/bin/activate`` or
``cd`` carries over), in a scratch copy of the project whose ``.venv`` is this checkout's,
so a page may write files without touching the working tree.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([\w+-]*)")
SKIP = {".git", "__pycache__", ".hypothesis", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


@dataclass
class Command:
    page: str
    line: int
    text: str
    expected: list[str] = field(default_factory=list)


@dataclass
class Block:
    tag: str
    line: int
    body: list[str]


def blocks(text: str) -> list[Block]:
    """Fenced blocks of a Markdown page with their tag and first line number."""
    out: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, tag = m.groups()
        body: list[str] = []
        start = i + 1
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            line = lines[i]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            i += 1
        out.append(Block(tag.lower(), start, body))
        i += 1
    return out


def commands(page: Path) -> list[Command]:
    """The ``$ `` commands of a page's console blocks, each with its expected output."""
    found: list[Command] = []
    name = page.relative_to(ROOT).as_posix()
    for block in blocks(page.read_text(encoding="utf-8")):
        if block.tag != "console":
            continue
        current: Command | None = None
        continuing = False
        for n, line in enumerate(block.body, start=block.line + 1):
            if continuing and current is not None:
                current.text += "\n" + line
                continuing = line.endswith("\\")
            elif line.startswith("$ "):
                current = Command(name, n, line[2:])
                found.append(current)
                continuing = line.endswith("\\")
            elif current is not None:
                current.expected.append(line)
            elif line.strip():
                raise AssertionError(f"{name}:{n}: console block output before any `$ ` line")
    return found


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; ``...`` alone on a line matches any run of lines (also none)."""
    exp = _trim(expected)
    act = _trim(actual)

    def go(i: int, j: int) -> bool:
        while i < len(exp):
            if exp[i].strip() == "...":
                return any(go(i + 1, k) for k in range(j, len(act) + 1))
            if j >= len(act) or exp[i] != act[j]:
                return False
            i, j = i + 1, j + 1
        return j == len(act)

    return go(0, 0)


def _trim(lines: list[str]) -> list[str]:
    out = [line.rstrip() for line in lines]
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return out


def scratch_project(tmp: Path) -> Path:
    """A copy of the project (not .git or venvs) whose .venv is this checkout's."""
    dest = tmp / "project"

    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in SKIP or n.startswith(".venv")}
        return skip | {n for n in names if n.endswith(".pyc")}

    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)
    venv = Path(sys.prefix)
    (dest / ".venv").symlink_to(venv if venv != Path(sys.base_prefix) else ROOT / ".venv")
    return dest


def run_page(cmds: list[Command], cwd: Path) -> list[tuple[int, list[str]]]:
    """Run a page's commands in one bash, in order; each one's exit code and output lines."""
    script = ["set +e"]
    for n, cmd in enumerate(cmds):
        script.append(f"echo '@@doc-begin {n}@@'")
        script.append(f"{{\n{cmd.text}\n}} 2>&1")
        script.append(f'echo "@@doc-end {n} $?@@"')
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SGPLAN_", "ALIBABA_CLOUD_", "PULUMI_", "VIRTUAL_ENV"))
    }
    env.update(
        PYTHONUNBUFFERED="1",
        NO_COLOR="1",
        TERM="dumb",
        COLUMNS="100",
        PATH=os.pathsep.join(
            p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT))
        ),
    )
    proc = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    results: list[tuple[int, list[str]]] = []
    chunks = re.split(r"^@@doc-begin \d+@@\n", proc.stdout, flags=re.M)[1:]
    for chunk in chunks:
        body, _, tail = chunk.rpartition("@@doc-end ")
        code = int(tail.split()[1].rstrip("@")) if tail else -1
        results.append((code, body.splitlines()))
    assert len(results) == len(cmds), proc.stdout[-2000:] + proc.stderr[-2000:]
    return results


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_console_blocks_run_as_shown(page: Path, tmp_path: Path) -> None:
    cmds = commands(page)
    if not cmds:
        return
    results = run_page(cmds, scratch_project(tmp_path))
    failures = []
    for cmd, (code, actual) in zip(cmds, results, strict=True):
        if not matches(cmd.expected, actual):
            shown = "\n".join(f"    {line}" for line in _trim(actual))
            want = "\n".join(f"    {line}" for line in _trim(cmd.expected))
            failures.append(
                f"{cmd.page}:{cmd.line}: $ {cmd.text}\n  exit {code}; printed:\n{shown}\n"
                f"  the page shows:\n{want}"
            )
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_untagged_blocks_hold_no_commands(page: Path) -> None:
    name = page.relative_to(ROOT).as_posix()
    bad = [
        f"{name}:{b.line}: an untagged block holds `$ ` lines; tag it console (run) or sh (shown)"
        for b in blocks(page.read_text(encoding="utf-8"))
        if b.tag == "" and any(line.startswith("$ ") for line in b.body)
    ]
    assert not bad, "\n".join(bad)


def test_matching_rules() -> None:
    assert matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert matches(["a", "...", "z"], ["a", "z"])
    assert matches(["...", "z"], ["x", "z", "", ""])
    assert not matches(["a", "z"], ["a", "b", "z"])
    assert not matches(["a", "...", "z"], ["a", "b"])
    assert not matches(["a"], ["a", "extra"])


def test_parser_reads_commands_and_outputs(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "text\n\n```console\n$ echo one \\\n  two\none two\n$ true\n```\n\n```sh\n$ not run\n```\n",
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = commands(page)
    finally:
        ROOT = saved
    assert [(c.text, c.expected) for c in found] == [
        ("echo one \\\n  two", ["one two"]),
        ("true", []),
    ]
