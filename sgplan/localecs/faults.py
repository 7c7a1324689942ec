"""Faults the local endpoint can inject: latency, a request-rate limit, random throttling,
503s, internal errors, dropped connections, and fixed errors for named groups or actions."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field


@dataclass
class Faults:
    latency_ms: float = 0.0
    rate_limit: float | None = None
    """requests a second the endpoint serves; more are answered ``Throttling`` (HTTP 400)"""
    burst: float | None = None
    """requests the limit lets through at once (default: a tenth of a second's worth)"""
    throttle_rate: float = 0.0
    """share of requests answered ``Throttling`` at random, on top of the limit"""
    unavailable_rate: float = 0.0
    """share answered HTTP 503 ``ServiceUnavailable``"""
    internal_error_rate: float = 0.0
    """share answered HTTP 500 ``InternalError``"""
    drop_rate: float = 0.0
    """share whose connection is closed without an answer"""
    group_errors: dict[str, str] = field(default_factory=dict)
    """group ID -> error code answered on every call naming that group"""
    action_errors: dict[str, str] = field(default_factory=dict)
    """action -> error code answered on every call of that action"""
    fail_first: dict[str, list[str]] = field(default_factory=dict)
    """action -> error codes answered, in order, to its first calls (then it succeeds)"""
    lost_answer_rate: float = 0.0
    """share of successful writes whose answer is lost (the write happened, the connection
    drops): the client retries a call that already took effect"""
    seed: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    def draw(self) -> str | None:
        """The random fault for one request, if any: a code, or ``"drop"``."""
        with self._lock:
            x = self._rng.random()
        for rate, code in (
            (self.drop_rate, "drop"),
            (self.throttle_rate, "Throttling"),
            (self.unavailable_rate, "ServiceUnavailable"),
            (self.internal_error_rate, "InternalError"),
        ):
            if x < rate:
                return code
            x -= rate
        return None

    def lose_answer(self) -> bool:
        if not self.lost_answer_rate:
            return False
        with self._lock:
            return self._rng.random() < self.lost_answer_rate

    def scripted(self, action: str) -> str | None:
        with self._lock:
            queue = self.fail_first.get(action)
            if queue:
                return queue.pop(0)
        return self.action_errors.get(action)
