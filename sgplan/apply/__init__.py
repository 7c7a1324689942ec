"""The apply engine: turn a :class:`~sgplan.plan.Plan` into ECS API calls, in an order that
never lets a flow allowed before and after lapse and never breaks a quota (no Pulumi here).

    from sgplan.apply import apply_plan, connect
    from sgplan.live import LiveConfig

    writer = connect(LiveConfig(region="cn-hangzhou"))
    result = apply_plan(plan, writer)  # ApplyResult; raises ApplyRefused/ApplyImpossible/ApplyFailed

See ``APPLY_API.md`` and ``docs/apply.md``.
"""

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
