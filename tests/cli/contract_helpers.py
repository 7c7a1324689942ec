"""What the CLI contract tests share: running a command, and proving nothing was written."""

from __future__ import annotations

import codecs
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from sgplan.cli import app

ROOT = Path(__file__).resolve().parents[2]
PROD_STATE = ROOT / "state" / "prod.json"
SHOP = ROOT / "tests" / "data" / "shop"
API = ROOT / "tests" / "data" / "api"
runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def sgplan(*args: object, cwd: Path = ROOT, env: dict[str, str] | None = None):
    """The installed entry point in a fresh process, as a pipeline runs it."""
    full = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "sgplan", *[str(a) for a in args]],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with a digest of its bytes: equal trees, nothing written."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def utf16(path: Path, text: str) -> Path:
    """A file as PowerShell's ``>`` writes it: UTF-16 LE with a BOM."""
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    return path


def binary(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 4)
    return path


def flat(text: str) -> str:
    """Output with line breaks removed (long messages wrap on a narrow terminal)."""
    return " ".join(text.split())
