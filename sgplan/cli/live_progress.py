"""A progress bar for live reads, on a terminal only (stderr, so piped output stays clean)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..live.reader import Progress as ProgressFn


@contextmanager
def live_progress(region: str) -> Iterator[ProgressFn | None]:
    if not sys.stderr.isatty():
        yield None
        return
    bar = Progress(
        TextColumn(f"reading {region}"), BarColumn(), MofNCompleteColumn(), TextColumn("groups"),
        TimeElapsedColumn(), transient=True,
    )  # fmt: skip
    task = bar.add_task("read", total=None)
    with bar:

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
