"""The fork helper plan uses to answer the apply order on a second core."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sgplan.beside import beside, can_fork
from sgplan.model.issues import InputError

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs os.fork and two cores")


def _whoami(tag: str) -> tuple[str, int]:
    return tag, os.getpid()


def _fails(message: str) -> None:
    raise InputError(message)


class _Unpicklable(Exception):
    def __reduce__(self):  # type: ignore[no-untyped-def]
        raise TypeError("not picklable")


_calls: list[int] = []


def _fails_oddly() -> int:
    _calls.append(os.getpid())
    if os.getpid() != _PARENT:
        raise _Unpicklable()
    return 7


_PARENT = os.getpid()


_IN_A_FRESH_PROCESS = """
import os
from sgplan.beside import beside
from sgplan.model.issues import InputError

def fails():
    raise InputError("prefix list pl-x is used by web")

print(beside(os.getpid)() != os.getpid())
try:
    beside(fails)()
except InputError as exc:
    print(exc)
"""


def test_the_work_runs_in_a_child_and_its_result_or_error_comes_back():
    # a fresh interpreter: this one may have threads left by other tests (then no fork)
    out = subprocess.run(
        [sys.executable, "-c", _IN_A_FRESH_PROCESS], capture_output=True, text=True, check=True
    )
    assert out.stdout.splitlines() == ["True", "prefix list pl-x is used by web"]


def test_small_work_runs_here_when_asked():
    done = beside(_whoami, "order", worth_it=False)
    assert done() == ("order", os.getpid())


def test_serial_when_the_user_says_so(monkeypatch):
    monkeypatch.setenv("SGPLAN_SERIAL", "1")
    assert beside(_whoami, "x")()[1] == os.getpid()


def test_the_childs_error_is_raised_here_with_its_message():
    done = beside(_fails, "prefix list pl-x is used by web")
    with pytest.raises(InputError, match="prefix list pl-x is used by web"):
        done()


def test_a_child_that_cannot_report_is_answered_here():
    global _PARENT
    _PARENT = os.getpid()
    assert beside(_fails_oddly)() == 7
    assert _calls[-1] == os.getpid()


def test_serial_while_another_thread_runs():
    import threading

    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert beside(_whoami, "x")()[1] == os.getpid()
    finally:
        stop.set()
        worker.join()
