"""Erlang C: how many agents a queue needs for its service-level target (docs/metrics.md,
"Staffing forecast").

The queue is modelled as M/M/N: calls arrive at random (Poisson) at the recent rate, each
agent handles one call at a time for the average handle time (exponential), callers wait in
order and never give up. Traffic A = calls per second x handle time (in Erlang). With N > A
agents the chance that a caller waits at all is Erlang C; of those who wait, the wait is
exponential with rate (N - A) / handle time. So

    service level(T) = 1 - C(N, A) x exp(-(N - A) x T / handle time)
    speed of answer  = C(N, A) x handle time / (N - A)

C comes from the Erlang B recursion, B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1)), and
C = N B / (N - A (1 - B)): no factorials and no powers, so no overflow at 1,000 agents.
Abandons make the real queue shorter than the model's, so the forecast errs on the safe side.
"""

import math
from dataclasses import dataclass, replace

MAX_AGENTS = 1000
MAX_TRAFFIC = 1000.0  # Erlang: beyond it no answer within MAX_AGENTS could meet a target


class NotEnoughData(ValueError):
    """No arrivals, no handle time, or more traffic than MAX_AGENTS can carry."""


def traffic(calls_per_hour: float, aht_seconds: float) -> float:
    """The offered load in Erlang; refuses what no forecast can be made of."""
    if not (calls_per_hour > 0 and aht_seconds > 0):
        raise NotEnoughData("no arrivals or no handle time")
    load = calls_per_hour * aht_seconds / 3600
    if not math.isfinite(load) or load > MAX_TRAFFIC:
        raise NotEnoughData(f"traffic of {load:.0f} Erlang is beyond {MAX_TRAFFIC:.0f}")
    return load


def erlang_c(agents: int, load: float) -> float:
    """The chance that a caller waits at all; 1 when the agents cannot carry the load."""
    if agents <= load:
        return 1.0
    blocked = 1.0
    for n in range(1, agents + 1):
        blocked = load * blocked / (n + load * blocked)
    return agents * blocked / (agents - load * (1 - blocked))


def service_level(agents: int, load: float, aht_seconds: float, threshold_seconds: float) -> float:
    """The share of calls answered within the threshold (0..1)."""
    if agents <= load:
        return 0.0
    waits = erlang_c(agents, load)
    return 1 - waits * math.exp(-(agents - load) * threshold_seconds / aht_seconds)


def speed_of_answer(agents: int, load: float, aht_seconds: float) -> float:
    """The mean wait of all calls, in seconds; infinite when the queue only grows."""
    if agents <= load:
        return math.inf
    return erlang_c(agents, load) * aht_seconds / (agents - load)


def agents_needed(load: float, aht_seconds: float, threshold_seconds: float, target: float) -> int:
    """The fewest agents whose service level meets `target` (0..1)."""
    if not 0 < target < 1:
        raise NotEnoughData("a target between 0 and 100 % (exclusive) is needed")
    for agents in range(max(1, math.floor(load) + 1), MAX_AGENTS + 1):
        if service_level(agents, load, aht_seconds, threshold_seconds) >= target:
            return agents
    raise NotEnoughData(f"more than {MAX_AGENTS} agents would be needed")


@dataclass(frozen=True)
class Forecast:
    """One queue's staffing forecast; `agents_needed` and the predictions are None while
    there is not enough data (the rest is still known)."""

    calls_per_hour: float
    aht_seconds: float | None
    agents_available: int
    window_minutes: int
    threshold_seconds: int | None
    target_percent: float | None
    agents_needed: int | None = None
    predicted_service_level_percent: float | None = None
    predicted_asa_seconds: float | None = None

    @property
    def shortfall(self) -> int | None:
        """Agents missing for the target (0 when staffed); None while not known."""
        if self.agents_needed is None:
            return None
        return max(0, self.agents_needed - self.agents_available)


def forecast(
    calls_per_hour: float,
    aht_seconds: float | None,
    agents_available: int,
    *,
    window_minutes: int,
    threshold_seconds: int | None,
    target_percent: float | None,
) -> Forecast:
    known = Forecast(
        calls_per_hour=round(calls_per_hour, 1),
        aht_seconds=None if aht_seconds is None else round(aht_seconds, 1),
        agents_available=agents_available,
        window_minutes=window_minutes,
        threshold_seconds=threshold_seconds,
        target_percent=target_percent,
    )
    if threshold_seconds is None or target_percent is None:
        return known
    try:
        load = traffic(calls_per_hour, aht_seconds or 0.0)
        needed = agents_needed(load, aht_seconds, threshold_seconds, target_percent / 100)
    except NotEnoughData:
        return known
    level = service_level(agents_available, load, aht_seconds, threshold_seconds)
    asa = speed_of_answer(agents_available, load, aht_seconds)
    return replace(
        known,
        agents_needed=needed,
        predicted_service_level_percent=round(100 * level, 1),
        predicted_asa_seconds=None if math.isinf(asa) else round(asa, 1),
    )
