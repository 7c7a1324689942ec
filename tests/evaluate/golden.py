"""Golden files of the reachability renderers live under tests/golden/reach/."""

from __future__ import annotations

from tests.golden_files import check_golden as _check


def check_golden(name: str, text: str) -> None:
    _check(f"reach/{name}", text)
