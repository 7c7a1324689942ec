"""Run one piece of work on the other core while this process does another.

``plan`` has two independent questions to answer after planning: in what order the apply
engine could make the calls (and what it would refuse), and which flows the change opens or
closes. On a large estate each takes seconds; where the machine has a second core and the
platform forks cheaply, the first is answered in a forked child while the parent answers the
second. The child inherits everything already in memory (nothing is loaded twice), sends back
only its result, pickled, and exits without running any clean-up of the parent's.

    done = beside(order_findings, plan, members, lists)   # starts it (or not, see below)
    attach_effects(plan, state)                            # meanwhile, here
    findings = done()                                      # its result, or its exception

Small work is not worth a fork (a few milliseconds for a large heap); it runs here, in
order, when the result is asked for. So does everything when ``SGPLAN_SERIAL`` is set, on a
single core, where ``os.fork`` is missing, or while another thread runs (after a live read).
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """A second core, ``os.fork``, no ``SGPLAN_SERIAL``, and no other thread alive (a child
    forked beside a running thread could wait forever on a lock that thread held)."""
    return (
        hasattr(os, "fork")
        and (os.cpu_count() or 1) > 1
        and not os.environ.get("SGPLAN_SERIAL")
        and threading.active_count() == 1
    )


def beside(fn: Callable[..., T], *args: Any, worth_it: bool = True) -> Callable[[], T]:
    """Start ``fn(*args)`` in a forked child when ``worth_it`` and the machine allows; the
    returned function waits for it and returns its result or raises its exception."""
    if not (worth_it and can_fork()):
        return lambda: fn(*args)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer, send, and leave without the parent's clean-up
        os.close(read_end)
        code = 0
        try:
            try:
                payload = pickle.dumps((True, fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # every failure goes to the parent
                payload = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        except BaseException:  # cannot even report: the parent runs it
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)

    def done() -> T:
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0 or not payload:
            return fn(*args)  # the child died without an answer: answer here
        ok, value = pickle.loads(payload)
        if not ok:
            raise value
        return value

    return done
