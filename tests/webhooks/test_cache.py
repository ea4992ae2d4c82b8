"""Today's counts are cached in Redis, but the database is the truth: without the cache
(keys deleted, Redis flushed) they are computed again, the same."""

from zoneinfo import ZoneInfo

from tests.webhooks.helpers import ACCOUNT, at, store_event
from webhooks import today
from webhooks.models import WebhookEvent

NOW = at("2026-11-28 12:00:00")


def test_counts_are_rebuilt_after_the_cache_keys_are_deleted(receiver, redis_client):
    store_event(receiver, "INCOMING_EXTERNAL_CALL", NOW - 600, call_id="k1")
    store_event(receiver, "QUEUE_HANGUP_ABANDONED", NOW - 500, call_id="k1")
    first = today.today_counts(ACCOUNT, NOW)
    keys = redis_client.keys("wb:today:*")
    assert f"wb:today:{ACCOUNT}:2026-11-28" in keys
    redis_client.delete(*keys)
    again = today.today_counts(ACCOUNT, NOW)
    assert again == first
    assert again.total.abandoned == 1


def test_the_cache_serves_until_an_event_is_stored(receiver, redis_client):
    store_event(receiver, "INCOMING_EXTERNAL_CALL", NOW - 600)
    assert today.today_counts(ACCOUNT, NOW).total.inbound == 1
    # A row written behind the receiver's back is not seen while the cache lives...
    row = WebhookEvent.objects.get()
    row.pk, row.dedup_key, row.call_id = None, "x" * 64, "other"
    row.save()
    assert today.today_counts(ACCOUNT, NOW).total.inbound == 1
    # ...and is once an event is stored (the receiver invalidates after each commit).
    today.invalidate(ACCOUNT)
    assert today.today_counts(ACCOUNT, NOW).total.inbound == 2


def test_a_value_computed_before_an_invalidation_is_not_served(receiver, redis_client):
    store_event(receiver, "INCOMING_EXTERNAL_CALL", NOW - 600)
    generation, _ = today._read_cache(ACCOUNT, "2026-11-28")
    stale = today.compute(receiver.account.pk, ZoneInfo("UTC"), NOW)
    today.invalidate(ACCOUNT)  # an event landed while that was computed
    today._write_cache(ACCOUNT, "2026-11-28", generation, stale)
    assert today._read_cache(ACCOUNT, "2026-11-28")[1] is None


def test_no_events_is_cached_as_none_too(receiver, redis_client):
    assert today.today_counts(ACCOUNT, NOW) is None
    assert redis_client.get(f"wb:today:{ACCOUNT}:2026-11-28") == "0|null"
