"""The one staleness rule (snapshots/freshness.py), with the clock passed in."""

from snapshots import store
from snapshots.freshness import Freshness, read
from tests.snapshots.builders import agent, snapshot


def test_data_is_stale_after_three_intervals():
    fresh = Freshness(fetched_at=1000.0)
    assert not fresh.is_stale(2.0, now=1006.0)
    assert fresh.is_stale(2.0, now=1006.1)


def test_an_interval_the_budget_stretched_counts_not_the_configured_one():
    stretched = Freshness(fetched_at=1000.0, interval=10.0)
    assert not stretched.is_stale(2.0, now=1029.0)
    assert stretched.is_stale(2.0, now=1031.0)


def test_no_data_yet_is_stale():
    assert Freshness().is_stale(2.0, now=0.0)


def test_it_reads_what_the_poller_stored(redis_client):
    store.write_snapshot(
        61, snapshot([agent()]), 1000.0, expected_version=0, changed=True, interval=4.0
    )
    store.record_failure(61, "ServiceUnavailable: down", 1003.0)
    read_back = read(61)
    assert (read_back.fetched_at, read_back.interval) == (1000.0, 4.0)
    assert read_back.error == "ServiceUnavailable: down"
    assert read_back == Freshness.of(store.read_snapshot(61))


def test_a_good_poll_clears_the_error(redis_client):
    store.write_snapshot(61, snapshot([agent()]), 1000.0, expected_version=0, changed=True)
    store.record_failure(61, "ServiceUnavailable: down", 1003.0)
    store.write_snapshot(61, snapshot([agent()]), 1005.0, expected_version=1, changed=False)
    assert read(61).error is None
    assert read(61).fetched_at == 1005.0
