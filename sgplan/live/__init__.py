"""Reading live state from the ECS API with the official SDK: paced, retried, complete."""

from .client import ENDPOINT_ENV, CallStats, EcsApi, LiveConfig
from .errors import CallFailure, LiveReadError
from .reader import Filters, LiveRead, filters_for_stack, read_live, read_live_for_stack

__all__ = [
    "ENDPOINT_ENV",
    "CallFailure",
    "CallStats",
    "EcsApi",
    "Filters",
    "LiveConfig",
    "LiveRead",
    "LiveReadError",
    "filters_for_stack",
    "read_live",
    "read_live_for_stack",
]
