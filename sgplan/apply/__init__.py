"""The apply engine: turn a :class:`~sgplan.plan.Plan` into ECS API calls, in an order that
never lets a flow allowed before and after lapse and never breaks a quota (no Pulumi here).

    from sgplan.apply import apply_plan, connect
    from sgplan.live import LiveConfig

    writer = connect(LiveConfig(region="cn-hangzhou"))
    result = apply_plan(plan, writer)  # ApplyResult; raises ApplyRefused/ApplyImpossible/ApplyFailed

See ``APPLY_API.md`` and ``docs/apply.md``.
"""

from __future__ import annotations

import importlib
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

# Imported on first use: `sgplan plan` needs only the schedule, not the SDK behind the writer.
_WHERE = {
    "EcsWriter": "..live.writer",
    "connect": "..live.writer",
    "Progress": ".engine",
    "apply_group": ".engine",
    "apply_plan": ".engine",
    "check_plan": ".engine",
    "Guard": ".guard",
    "ApplyError": ".result",
    "ApplyFailed": ".result",
    "ApplyImpossible": ".result",
    "ApplyRefused": ".result",
    "ApplyResult": ".result",
    "CallRecord": ".result",
    "GroupOutcome": ".result",
    "Limits": ".schedule",
    "Op": ".schedule",
    "Schedule": ".schedule",
    "build_schedule": ".schedule",
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(where, __name__), name)


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
