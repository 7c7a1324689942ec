"""The apply engine: turn a :class:`~sgplan.plan.Plan` into ECS API calls, in an order that
never lets a flow allowed before and after lapse and never breaks a quota (no Pulumi here).

    from sgplan.apply import apply_plan, connect
    from sgplan.live import LiveConfig

    writer = connect(LiveConfig(region="cn-hangzhou"))
    result = apply_plan(plan, writer)  # ApplyResult; raises ApplyRefused/ApplyImpossible/ApplyFailed

See ``APPLY_API.md`` and ``docs/apply.md``.

Each name is imported from its module on first use: ``sgplan plan`` checks the apply order
with :mod:`sgplan.apply.schedule` and must not import the SDK the writer uses.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..live.writer import EcsWriter, connect
    from .engine import Progress, apply_group, apply_plan, check_plan
    from .guard import Guard
    from .result import (
        ApplyError,
        ApplyFailed,
        ApplyImpossible,
        ApplyRefused,
        ApplyResult,
        CallRecord,
        GroupOutcome,
    )
    from .schedule import Limits, Op, Schedule, build_schedule

_RESULTS = ("ApplyError", "ApplyFailed", "ApplyImpossible", "ApplyRefused", "ApplyResult",
            "CallRecord", "GroupOutcome")  # fmt: skip
_HOMES = {
    **dict.fromkeys(("EcsWriter", "connect"), "..live.writer"),
    **dict.fromkeys(("Progress", "apply_group", "apply_plan", "check_plan"), ".engine"),
    "Guard": ".guard",
    **dict.fromkeys(_RESULTS, ".result"),
    **dict.fromkeys(("Limits", "Op", "Schedule", "build_schedule"), ".schedule"),
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ApplyError",
    "ApplyFailed",
    "ApplyImpossible",
    "ApplyRefused",
    "ApplyResult",
    "CallRecord",
    "EcsWriter",
    "GroupOutcome",
    "Guard",
    "Limits",
    "Op",
    "Progress",
    "Schedule",
    "apply_group",
    "apply_plan",
    "build_schedule",
    "check_plan",
    "connect",
]
