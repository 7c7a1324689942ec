"""Top functions by cumulative time (cProfile) of one sgplan command, as a short text table.

The frames every command shares (the interpreter's runpy, typer and click) are left out so
the ten lines shown are sgplan's own work and the libraries it calls.

    .venv/bin/python bench/profile_summary.py [--top N] [--save FILE.prof] -- plan --stack S ...
    .venv/bin/python bench/profile_summary.py --load FILE.prof
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

SKIP = ("runpy", "typer/", "click/", "<string>", "builtins.exec", "sgplan/cli/__init__.py",
        "sgplan/cli/app.py", "profile_summary.py")  # fmt: skip


def summary(stats: pstats.Stats, top: int) -> str:
    rows = []
    raw = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    for (path, line, name), (_, calls, tt, ct, _) in raw.items():
        where = f"{path}:{line}({name})"
        if any(s in where for s in SKIP) or name == "<module>":
            continue
        rows.append((ct, tt, calls, where))
    rows.sort(reverse=True)
    out = io.StringIO()
    out.write(f"total {total:.2f} s (under cProfile)\n")
    out.write(f"{'cumulative s':>12} {'share':>6} {'self s':>8} {'calls':>9}  function\n")
    for ct, tt, calls, where in rows[:top]:
        short = where.split("site-packages/")[-1].split("/sgplan/")[-1]
        if "/sgplan/" in where:
            short = "sgplan/" + short
        out.write(f"{ct:12.2f} {ct / total:6.1%} {tt:8.2f} {calls:9d}  {short}\n")
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--save", type=Path, help="also write the raw profile here")
    parser.add_argument("--load", type=Path, help="summarise a saved profile instead")
    parser.add_argument("args", nargs="*", help="the sgplan command line")
    opts = parser.parse_args()
    if opts.load:
        print(summary(pstats.Stats(str(opts.load)), opts.top), end="")
        return 0
    from sgplan.cli import app

    profiler = cProfile.Profile()
    start = time.perf_counter()
    stdout = sys.stdout
    sys.stdout = io.StringIO()
    try:
        profiler.runcall(app, opts.args, standalone_mode=False)
    except SystemExit:
        pass
    finally:
        sys.stdout = stdout
    wall = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    if opts.save:
        stats.dump_stats(str(opts.save))
    print(f"sgplan {' '.join(opts.args)}\nwall {wall:.2f} s")
    print(summary(stats, opts.top), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
