"""Erlang C (service/erlang.py) against a published worked example, a direct simulation of
the queue it models, and the inputs it must refuse."""

import heapq
import math
import random

import pytest

from service import erlang

# The worked example of the Erlang C literature (e.g. Call Centre Helper's "Erlang C formula
# made simple"): 100 calls in 30 minutes, 180 s handle time, 80 % answered in 20 s. Traffic
# 10 Erlang; the chance to wait and the service level by agents, as published to 4 places.
EXAMPLE = {"calls_per_hour": 200, "aht": 180, "threshold": 20}
PUBLISHED = {11: (0.6821, 0.3896), 12: (0.4494, 0.6402), 13: (0.2853, 0.7956), 14: (0.1741, 0.8884)}


def test_the_worked_example():
    load = erlang.traffic(EXAMPLE["calls_per_hour"], EXAMPLE["aht"])
    assert load == pytest.approx(10.0)
    for agents, (waits, level) in PUBLISHED.items():
        assert erlang.erlang_c(agents, load) == pytest.approx(waits, abs=5e-5)
        assert erlang.service_level(agents, load, 180, 20) == pytest.approx(level, abs=5e-5)
    assert erlang.speed_of_answer(14, load, 180) == pytest.approx(7.8, abs=0.05)
    assert erlang.agents_needed(load, 180, 20, 0.80) == 14


def test_the_forecast_names_the_shortfall():
    forecast = erlang.forecast(
        200, 180, 12, window_minutes=30, threshold_seconds=20, target_percent=80
    )
    assert (forecast.agents_needed, forecast.shortfall) == (14, 2)
    assert forecast.predicted_service_level_percent == 64.0
    assert forecast.predicted_asa_seconds == pytest.approx(40.4)
    staffed = erlang.forecast(
        200, 180, 15, window_minutes=30, threshold_seconds=20, target_percent=80
    )
    assert staffed.shortfall == 0 and staffed.predicted_service_level_percent == 94.1


def simulate(calls_per_hour: float, aht: float, agents: int, threshold: float, calls: int):
    """M/M/N, first come first served, nobody gives up: the share answered within the
    threshold and the mean wait, after a tenth of the calls to fill the queue."""
    rng = random.Random(20261202)
    free_at = [0.0] * agents  # a heap of when each agent is next free
    now, within, waited, counted = 0.0, 0, 0.0, 0
    for n in range(calls):
        now += rng.expovariate(calls_per_hour / 3600)
        start = max(now, heapq.heappop(free_at))
        heapq.heappush(free_at, start + rng.expovariate(1 / aht))
        if n >= calls // 10:
            counted += 1
            within += start - now <= threshold
            waited += start - now
    return within / counted, waited / counted


@pytest.mark.parametrize(
    ("calls_per_hour", "aht", "agents"), [(200, 180, 12), (200, 180, 14), (600, 240, 46)]
)
def test_it_agrees_with_a_direct_simulation(calls_per_hour, aht, agents):
    level, asa = simulate(calls_per_hour, aht, agents, 20, 120_000)
    load = erlang.traffic(calls_per_hour, aht)
    assert erlang.service_level(agents, load, aht, 20) == pytest.approx(level, abs=0.02)
    assert erlang.speed_of_answer(agents, load, aht) == pytest.approx(asa, rel=0.2, abs=1.0)


def test_it_answers_from_one_agent_to_a_thousand():
    assert erlang.agents_needed(erlang.traffic(10, 60), 60, 20, 0.8) == 1
    load = erlang.traffic(19_000, 180)  # 950 Erlang
    needed = erlang.agents_needed(load, 180, 20, 0.8)
    assert 951 <= needed <= 1000
    level = erlang.service_level(needed, load, 180, 20)
    assert 0.8 <= level <= 1 and math.isfinite(level)
    assert erlang.erlang_c(1000, 950.0) == pytest.approx(0.0683, abs=5e-4)


@pytest.mark.parametrize(
    ("calls_per_hour", "aht"),
    [(0, 180), (200, None), (200, 0), (100_000, 180), (float("inf"), 180), (float("nan"), 180)],
)
def test_nonsense_is_not_enough_data(calls_per_hour, aht):
    forecast = erlang.forecast(
        calls_per_hour, aht, 5, window_minutes=30, threshold_seconds=20, target_percent=80
    )
    assert forecast.agents_needed is None
    assert forecast.shortfall is None and forecast.predicted_service_level_percent is None
    assert forecast.agents_available == 5 and forecast.window_minutes == 30


def test_too_few_agents_is_no_service():
    load = erlang.traffic(200, 180)
    assert erlang.erlang_c(10, load) == 1.0
    assert erlang.service_level(9, load, 180, 20) == 0.0
    assert math.isinf(erlang.speed_of_answer(10, load, 180))
    forecast = erlang.forecast(
        200, 180, 9, window_minutes=30, threshold_seconds=20, target_percent=80
    )
    assert forecast.predicted_asa_seconds is None and forecast.shortfall == 5
