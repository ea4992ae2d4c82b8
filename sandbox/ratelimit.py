"""Sliding-window-log rate limits on real time, with counters for `/control/requests`."""

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int = 0


@dataclass
class BucketStats:
    requests: int = 0
    max_in_window: int = 0
    rate_limited: int = 0


@dataclass
class SlidingWindowLimiter:
    window_seconds: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _logs: dict[str, deque[float]] = field(default_factory=dict)
    stats: dict[str, BucketStats] = field(default_factory=dict)

    def hit(self, bucket: str, limit: int) -> Decision:
        """Counts one request in `bucket`; refused requests are not logged in the window."""
        now = self.clock()
        log = self._logs.setdefault(bucket, deque())
        while log and log[0] <= now - self.window_seconds:
            log.popleft()
        stats = self.stats.setdefault(bucket, BucketStats())
        stats.requests += 1
        if len(log) >= limit:
            stats.rate_limited += 1
            wait = log[len(log) - limit] + self.window_seconds - now if limit > 0 else 1
            return Decision(False, limit, 0, max(1, math.ceil(wait)))
        log.append(now)
        stats.max_in_window = max(stats.max_in_window, len(log))
        return Decision(True, limit, limit - len(log))

    def clear(self) -> None:
        self._logs.clear()
        self.stats.clear()
