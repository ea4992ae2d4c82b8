import asyncio
import contextlib
import time

import pytest
from channels.layers import get_channel_layer

from boards.feeds import FeedUpdate, feed_group
from boards.models import Board
from polling import budget, metrics
from snapshots import history, replay, store
from snapshots.freshness import Freshness
from tests.polling.helpers import DEMO_KEY, add_account, poll_now
from wallboard.redis import get_raw_redis


def start_call(sandbox, pk: int = 123, peer: str = "5557777") -> str:
    body = {"pk": pk, "direction": "inbound", "peer": peer, "duration": 600}
    return sandbox.control("POST", "/accounts/61/calls", body).json()["call_id"]


def test_a_poll_stores_a_snapshot_with_calls_queues_and_history(wallboard, redis_client):
    add_account()
    start_call(wallboard)
    before = time.time()
    result = poll_now()
    assert result.outcome == "changed"
    stored = store.read_snapshot(61)
    assert stored.version == 1
    assert stored.snapshot.source == "key"
    john = next(a for a in stored.snapshot.agents if a.id == 123)
    (active,) = john.calls
    assert (active.direction, active.peer) == ("inbound", "5557777")
    assert before - 5 <= active.started_at <= time.time()
    sales = next(q for q in stored.snapshot.queues if q.id == 100134)
    assert sales.config.strategy == "ringall"
    assert 123 in sales.member_ids
    assert history.read(61, history.RESOLUTIONS[0])[-1]["on_call"] >= 1


def test_an_unchanged_account_keeps_its_version(wallboard, redis_client):
    add_account()
    poll_now()
    assert poll_now().outcome == "unchanged"
    assert store.read_snapshot(61).version == 1


def test_each_changed_poll_goes_into_the_replay_log_and_an_unchanged_one_not(
    wallboard, redis_client
):
    add_account()
    replay.forget(61)
    poll_now()
    poll_now()  # unchanged: nothing to record
    start_call(wallboard)
    assert poll_now().outcome == "changed"
    entries = get_raw_redis().xrange(replay.key(61))
    assert [(fields[b"k"], fields[b"v"]) for _, fields in entries] == [(b"f", b"1"), (b"d", b"2")]
    now = replay.moment(61, time.time())
    assert now.version == 2 and now.snapshot == store.read_snapshot(61).snapshot


class Subscriber:
    """Collects every message of a group; a cancelled receive() would drop the channel."""

    def __init__(self, group: str) -> None:
        self.group = group
        self.messages: list[dict] = []
        self.arrived = asyncio.Event()

    async def __aenter__(self) -> "Subscriber":
        self.layer = get_channel_layer()
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)
        self.task = asyncio.ensure_future(self._collect())
        return self

    async def _collect(self) -> None:
        while True:
            self.messages.append(await self.layer.receive(self.channel))
            self.arrived.set()

    async def wait_for(self, count: int, seconds: float) -> None:
        """Until `count` messages arrived or `seconds` passed, whichever comes first."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while len(self.messages) < count:
                    self.arrived.clear()
                    await self.arrived.wait()

    async def __aexit__(self, *exc: object) -> None:
        self.task.cancel()
        await self.layer.flush()


@pytest.mark.django_db(transaction=True)
async def test_a_change_is_published_once_with_both_versions_and_no_change_publishes_nothing(
    wallboard, redis_client
):
    account = await asyncio.to_thread(add_account)
    board = await Board.objects.acreate(title="Floor", slug="floor", account=account)
    await asyncio.to_thread(poll_now)
    async with Subscriber(feed_group(board.pk, "tv")) as subscriber:
        assert (await asyncio.to_thread(poll_now)).outcome == "unchanged"
        await asyncio.to_thread(start_call, wallboard)
        assert (await asyncio.to_thread(poll_now)).outcome == "changed"
        await subscriber.wait_for(1, seconds=5)
        assert (await asyncio.to_thread(poll_now)).outcome == "unchanged"
        await subscriber.wait_for(2, seconds=0.5)  # a second message would be a bug
    (message,) = subscriber.messages
    update = FeedUpdate.from_message(message)
    assert (message["type"], update.base, update.version) == (FeedUpdate.TYPE, 1, 2)
    assert 'id="agent-123"' in update.html  # John took a call
    assert 'id="agent-124"' not in update.html  # the others did not change
    assert "5557777" not in update.html  # and a TV shows no number


def test_an_outage_keeps_the_last_snapshot_with_a_growing_age_then_recovers(
    wallboard, redis_client
):
    add_account()
    poll_now()
    good = store.read_snapshot(61)
    wallboard.control("PUT", "/faults", {"rules": [{"kind": "outage"}]})
    first = poll_now()
    second = poll_now()
    assert (first.outcome, second.outcome) == ("failed", "failed")
    assert second.next_due > time.time()  # backed off, not hammering
    stale = store.read_snapshot(61)
    assert stale.snapshot == good.snapshot
    assert stale.version == good.version
    assert stale.fetched_at == good.fetched_at
    # The last good data stays, and is told stale once three intervals passed without news.
    assert not Freshness.of(stale).is_stale(2.0, now=good.fetched_at + 5.9)
    assert Freshness.of(stale).is_stale(2.0, now=good.fetched_at + 6.1)
    assert stale.health.consecutive_failures == 2
    assert "ServiceUnavailable" in stale.health.last_error

    wallboard.control("DELETE", "/faults")
    assert poll_now().outcome == "unchanged"
    recovered = store.read_snapshot(61)
    assert recovered.health.consecutive_failures == 0
    assert recovered.fetched_at > good.fetched_at


def test_an_unreachable_api_is_a_failure_with_a_health_error(wallboard, settings, redis_client):
    add_account()
    poll_now()
    settings.VOICE360_BASE_URL = "http://127.0.0.1:9/v3/voice"
    assert poll_now().outcome == "failed"
    stored = store.read_snapshot(61)
    assert stored.version == 1
    assert "ConnectionFailed" in stored.health.last_error


BAD_DATA_FAULTS = [
    ({"kind": "malformed"}, "BadResponse"),
    ({"kind": "truncated"}, "BadResponse"),
    ({"kind": "wrong_types"}, "BadResponse"),
    ({"kind": "huge", "megabytes": 6}, "ResponseTooLarge"),
    ({"kind": "error_true", "error_code": "INTERNAL_ERROR"}, "InternalError"),
    ({"kind": "status", "status": 500}, "InternalError"),
    ({"kind": "status", "status": 400}, "BadRequest"),
    ({"kind": "status", "status": 404}, "NotFound"),
]


@pytest.mark.parametrize(("rule", "reason"), BAD_DATA_FAULTS, ids=lambda v: str(v))
def test_bad_upstream_data_is_rejected_counted_and_logged_and_the_snapshot_kept(
    wallboard, redis_client, caplog, rule, reason
):
    add_account()
    poll_now()
    good = store.read_snapshot(61)
    wallboard.control("POST", "/faults", {**rule, "path": "/availability"})
    with caplog.at_level("WARNING", logger="polling.poller"):
        assert poll_now().outcome == "failed"
    assert metrics.read("rejections:61") == {reason: 1}
    assert metrics.read("rejections")[reason] == 1
    assert any("account=61" in r.getMessage() and reason in r.getMessage() for r in caplog.records)
    assert DEMO_KEY not in caplog.text
    stored = store.read_snapshot(61)
    assert stored.snapshot == good.snapshot
    assert stored.version == good.version


def test_a_429_pauses_the_key_until_retry_after(wallboard, redis_client):
    add_account()
    poll_now()
    wallboard.control("POST", "/faults", {"kind": "status", "status": 429, "count": 1})
    result = poll_now()
    assert result.outcome == "rate_limited"
    assert 4.5 <= result.next_due - time.time() <= 5.6  # the sandbox sends Retry-After: 5
    bucket = budget.key_bucket(DEMO_KEY)
    assert 4 < budget.paused_for(bucket) <= 5
    counted = wallboard.control("GET", "/requests").json()["keys"]["61:developer"]["requests"]
    assert poll_now().outcome == "budget_wait"
    assert wallboard.control("GET", "/requests").json()["keys"]["61:developer"]["requests"] == (
        counted
    )
    assert store.read_snapshot(61).version == 1


def test_any_crash_in_a_poll_is_recorded_on_the_accounts_health_and_it_stays_scheduled(
    wallboard, redis_client, monkeypatch, caplog
):
    from polling import dispatcher, schedule, writer

    add_account()
    poll_now()
    dispatcher.dispatch(enqueue=lambda *_: None)  # on the schedule, as beat puts it

    def crash(*args, **kwargs):
        raise RuntimeError("an unexpected bug")

    monkeypatch.setattr(writer, "store_poll", crash)
    result = poll_now()
    assert result.outcome == "failed"
    assert result.next_due > time.time()  # backed off, not dropped from the schedule
    assert schedule.due_at(61) == pytest.approx(result.next_due)
    health = store.read_snapshot(61).health
    assert (health.last_error, health.consecutive_failures) == ("RuntimeError in the poller", 1)
    assert metrics.read("rejections:61") == {"crash_RuntimeError": 1}
    assert "poll crashed account=61" in caplog.text
