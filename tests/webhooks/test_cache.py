"""Today's counts are cached in Redis, but the database is the truth: without the cache
(keys deleted, Redis flushed) they are computed again, the same."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.webhooks.helpers import ACCOUNT, at, store_event
from webhooks import counts_cache, today
from webhooks.models import WebhookEvent

NOW = at("2026-11-28 12:00:00")


def test_counts_are_rebuilt_after_the_cache_keys_are_deleted(receiver, redis_client):
    store_event(receiver, "INCOMING_EXTERNAL_CALL", NOW - 600, call_id="k1")
    store_event(receiver, "QUEUE_HANGUP_ABANDONED", NOW - 500, call_id="k1")
    first = today.today_counts(ACCOUNT, NOW)
    keys = redis_client.keys("wb:today:*")
    assert f"wb:today:{ACCOUNT}" in keys
    redis_client.delete(*keys)
    again = today.today_counts(ACCOUNT, NOW)
    assert again == first
    assert again.total.abandoned == 1


def test_a_cache_hit_reads_nothing_from_the_database(receiver, redis_client):
    store_event(receiver, "INCOMING_EXTERNAL_CALL", NOW - 600)
    first = today.today_counts(ACCOUNT, NOW)
    with CaptureQueriesContext(connection) as queries:
        assert today.today_counts(ACCOUNT, NOW + 5) == first
    assert len(queries) == 0


def test_the_cache_serves_until_an_event_is_stored(receiver, redis_client):
    store_event(receiver, "INCOMING_EXTERNAL_CALL", NOW - 600)
    assert today.today_counts(ACCOUNT, NOW).total.inbound == 1
    # A row written behind the receiver's back is not seen while the cache lives...
    row = WebhookEvent.objects.get()
    row.pk, row.dedup_key, row.call_id = None, "x" * 64, "other"
    row.save()
    assert today.today_counts(ACCOUNT, NOW).total.inbound == 1
    # ...and is once an event is stored (the receiver invalidates after each commit).
    counts_cache.invalidate(ACCOUNT)
    assert today.today_counts(ACCOUNT, NOW).total.inbound == 2


def test_a_cached_day_does_not_serve_the_next(receiver, redis_client):
    store_event(receiver, "INCOMING_EXTERNAL_CALL", at("2026-11-27 23:59:00"))
    assert today.today_counts(ACCOUNT, at("2026-11-27 23:59:30")).total.inbound == 1
    after_midnight = today.today_counts(ACCOUNT, at("2026-11-28 00:00:10"))
    assert (after_midnight.date, after_midnight.total.inbound) == ("2026-11-28", 0)


def test_a_value_computed_before_an_invalidation_is_not_served(receiver, redis_client):
    store_event(receiver, "INCOMING_EXTERNAL_CALL", NOW - 600)
    lookup = counts_cache.read(ACCOUNT)  # a poll starts computing...
    counts_cache.invalidate(ACCOUNT)  # ...an event lands meanwhile...
    stale = counts_cache.Entry(
        generation=lookup.generation, time_zone="UTC", date="2026-11-28", counts=None
    )
    counts_cache.write(ACCOUNT, stale)  # ...and the poll caches what it computed
    assert counts_cache.read(ACCOUNT).entry is None
    assert today.today_counts(ACCOUNT, NOW).total.inbound == 1


def test_no_events_is_cached_as_none_too(receiver, redis_client):
    assert today.today_counts(ACCOUNT, NOW) is None
    entry = json.loads(redis_client.get(f"wb:today:{ACCOUNT}"))
    assert entry == {"generation": "0", "time_zone": "UTC", "date": "2026-11-28", "counts": None}
