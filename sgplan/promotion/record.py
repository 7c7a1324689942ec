"""The promotion record: which desired state was applied where, at which commit, and whether
``sgplan verify`` proved it landed.

A small JSON file the pipeline keeps (default ``state/promotion.json``; CI passes it from the
staging job to the prod job). Entries are keyed by the *change*, the SHA-256 of the desired
state being promoted (the prod stack as validated), and the stack it was verified on, so a
prod plan finds whether exactly this change was rehearsed on its clone::

    {"format": "sgplan-promotion", "version": 1, "entries": [
      {"change": "sha256:...", "stack": "staging", "target": "prod", "commit": "3f2a...",
       "verified_at": "2026-12-02T14:30:00Z", "passed": true, "failed": []}]}

Writes are atomic (a temporary file renamed over the old one); an unreadable or foreign file
is an error naming the file, never silently replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..model.issues import InputError
from ..model.stack import Stack

RECORD_FORMAT = "sgplan-promotion"
RECORD_VERSION = 1
MAX_ENTRIES = 200  # oldest entries are dropped beyond this: the file stays small


def change_digest(stack: Stack) -> str:
    """SHA-256 of a stack's desired state as validated (what ``sgplan apply`` also pins)."""
    data = json.dumps(stack.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(data.encode()).hexdigest()


def short(digest: str) -> str:
    return digest.removeprefix("sha256:")[:12]


@dataclass(frozen=True)
class Entry:
    change: str  # digest of the desired state promoted (the target's, or the stack's own)
    stack: str  # the stack that was applied and verified
    stack_digest: str  # digest of that stack's desired state
    target: str | None  # the stack this rehearses (prod), None for a stack's own record
    commit: str
    verified_at: str
    passed: bool
    failed: list[str] = field(default_factory=list)

    def when(self) -> str:
        return self.verified_at.replace("T", " ").removesuffix("Z") + " UTC"

    def outcome(self) -> str:
        if self.passed:
            return "verified"
        return "verification FAILED (" + ", ".join(self.failed) + ")"


def current_commit(root: Path) -> str:
    """The commit being built: CI's variable, else ``git rev-parse HEAD``, else unknown."""
    for var in ("SGPLAN_COMMIT", "GITHUB_SHA", "CI_COMMIT_SHA"):
        value = os.environ.get(var, "").strip()
        if value:
            return value
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else "unknown"


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def read_record(path: Path) -> list[Entry]:
    """Every entry of the record; an absent file is an empty record."""
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the promotion record {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); the promotion record "
            "is written by `sgplan verify --record`"
        ) from None
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        raise InputError(f"{path} is not a promotion record (expected format {RECORD_FORMAT!r})")
    if data.get("version") != RECORD_VERSION:
        raise InputError(
            f"{path}: promotion record version {data.get('version')!r} is not supported; "
            f"allowed: {RECORD_VERSION}"
        )
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise InputError(f"{path}: 'entries' must be a list")
    out: list[Entry] = []
    for n, item in enumerate(entries, start=1):
        try:
            out.append(Entry(**item))
        except TypeError:
            raise InputError(
                f"{path}: entry {n} is not a promotion entry; fields: "
                + ", ".join(Entry.__dataclass_fields__)
            ) from None
    return out


def write_record(path: Path, entries: list[Entry], new: list[Entry]) -> list[Entry]:
    """Add ``new`` (replacing entries of the same change and stack) and write atomically."""
    keys = {(e.change, e.stack) for e in new}
    kept = [e for e in entries if (e.change, e.stack) not in keys] + new
    kept = kept[-MAX_ENTRIES:]
    doc: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "version": RECORD_VERSION,
        "entries": [asdict(e) for e in kept],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".promotion-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return kept


def latest(entries: list[Entry], change: str, stack: str) -> Entry | None:
    for e in reversed(entries):
        if e.change == change and e.stack == stack:
            return e
    return None
