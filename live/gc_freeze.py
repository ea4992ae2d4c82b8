"""Keeps the objects of long-lived connections out of Python's full collections.

With thousands of open sockets a full collection walks every connection's objects: 0.35 to
0.7 s with the loop stopped, the p95 of the fan-out (bench/fanout_bench.py). `gc.freeze()`
after connections arrive moves what exists into a generation the collector skips. What
closed connections leave in it is only reclaimed after `gc.unfreeze()`, so that happens
when the viewers have halved.
"""

import gc


class GcFreezer:
    MIN_VIEWERS = 200
    GROWTH = 1.1

    def __init__(self) -> None:
        self.frozen_at = 0

    def check(self, viewers: int) -> None:
        if viewers >= max(self.MIN_VIEWERS, self.frozen_at * self.GROWTH):
            gc.freeze()
            self.frozen_at = viewers
        elif self.frozen_at and viewers < self.frozen_at / 2:
            gc.unfreeze()
            self.frozen_at = viewers
