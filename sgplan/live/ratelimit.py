"""A thread-safe token bucket: ``acquire`` waits for a token, ``try_take`` never waits.

The live reader paces its requests with it; the local ECS endpoint uses the same bucket to
answer requests over its limit with ``Throttling``, as the real API does.
"""

from __future__ import annotations

import threading
import time


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up (the bucket starts full)."""

    def __init__(self, rate: float, burst: float | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.capacity = float(burst if burst is not None else max(1.0, rate / 10))
        self._tokens = self.capacity
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def try_take(self) -> bool:
        with self._lock:
            self._refill(time.monotonic())
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False

    def acquire(self) -> float:
        """Take one token, waiting for it if need be; returns the seconds waited.

        Callers reserve tokens in arrival order (the balance may go below zero), so waiting
        threads leave evenly spaced instead of waking together and racing.
        """
        with self._lock:
            self._refill(time.monotonic())
            self._tokens -= 1.0
            pause = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if pause > 0:
            time.sleep(pause)
        return pause
