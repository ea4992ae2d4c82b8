"""The simulated clock: runs `scale` times faster than real time and can jump forward."""

import time


class SimClock:
    """Simulated seconds since the model started, plus the wall-clock epoch they map to.

    elapsed = offset + real seconds since the last rebase * scale. Changing the scale rebases,
    so the simulated time never jumps when the speed changes.
    """

    def __init__(self, scale: float = 1.0) -> None:
        self.epoch0 = float(int(time.time()))
        self.scale = scale
        self._offset = 0.0
        self._real0 = time.monotonic()

    def elapsed(self) -> float:
        return self._offset + (time.monotonic() - self._real0) * self.scale

    def epoch(self, elapsed: float | None = None) -> float:
        """Unix time of a simulated instant (now by default)."""
        return self.epoch0 + (self.elapsed() if elapsed is None else elapsed)

    def set_scale(self, scale: float) -> None:
        self._offset = self.elapsed()
        self._real0 = time.monotonic()
        self.scale = scale

    def advance(self, seconds: float) -> None:
        self._offset += seconds

    def restart(self) -> None:
        """Back to simulated second 0 (a model reset), keeping the wall-clock anchor fresh."""
        self.epoch0 = float(int(time.time()))
        self._offset = 0.0
        self._real0 = time.monotonic()
