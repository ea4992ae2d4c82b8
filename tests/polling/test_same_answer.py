"""An answer whose bytes are the last stored one's is not parsed again, and the poll is still
a success: fetched_at moves, the overlay is judged anew, a change upstream shows at once."""

import json
import time

import pytest

from alerts.models import AlertRule, RuleKind
from boards.models import Board
from polling import compose, same_answer
from polling.same_answer import Answers
from snapshots import store
from snapshots.freshness import Freshness
from tests.polling.helpers import add_account, poll_now
from tests.polling.test_poller import start_call
from voice360 import client as voice360_client
from wallboard.redis import get_redis


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The endpoints whose answers the client parses (the real parser, counted)."""
    seen: list[str] = []
    real = voice360_client.parse_answer

    def counted(status, headers, body, adapter, *, endpoint="Voice360"):
        seen.append(endpoint)
        return real(status, headers, body, adapter, endpoint=endpoint)

    monkeypatch.setattr(voice360_client, "parse_answer", counted)
    return seen


def envelope(result, timestamp: str, first: bool = False) -> bytes:
    members = {"result": result, "error": False, "message": "OK"}
    if first:
        members = {"timestamp": timestamp, **members}
    else:
        members["timestamp"] = timestamp
    return json.dumps(members).encode()


def test_the_digest_leaves_out_the_envelopes_timestamp_and_nothing_else():
    result = [{"pk": 1, "first_name": "Ann", "timestamp": "2027-01-01T00:00:00Z"}]
    now, later = "2027-01-15T12:00:00Z", "2027-01-15T12:00:02Z"
    assert same_answer.digest(envelope(result, now)) == same_answer.digest(envelope(result, later))
    first = same_answer.digest(envelope(result, now, first=True))
    assert first == same_answer.digest(envelope(result, later, first=True))
    # A timestamp inside the result is data, and so is every other byte.
    moved = [{**result[0], "timestamp": "2027-01-02T00:00:00Z"}]
    assert same_answer.digest(envelope(moved, now)) != same_answer.digest(envelope(result, now))
    renamed = [{**result[0], "first_name": "Anne"}]
    assert same_answer.digest(envelope(renamed, now)) != same_answer.digest(envelope(result, now))


def test_the_stored_answers_read_back_and_anything_else_is_unknown():
    answers = Answers("a" * 32, "b" * 32, frozenset({100134, 100135}))
    assert Answers.decode(answers.encode()) == answers
    for raw in (None, "", "garbage", "a b c d", "a b x,y"):
        assert Answers.decode(raw) is None


def test_an_unchanged_answer_is_not_parsed_yet_the_poll_is_a_fresh_success(
    wallboard, redis_client, parsed
):
    add_account()
    poll_now()
    assert {"GET /61/availability", "GET /61/availability/queues"} <= set(parsed)
    first = store.read_snapshot(61)
    parsed.clear()
    result = poll_now(at=time.time() + 5)
    after = store.read_snapshot(61)
    assert result.outcome == "unchanged" and parsed == []
    assert after.version == first.version and after.snapshot == first.snapshot
    assert after.fetched_at > first.fetched_at
    assert after.health.last_success_at == after.fetched_at
    assert not Freshness.of(after).is_stale(2.0, now=after.fetched_at + 1)


def test_a_change_upstream_is_parsed_and_shown_at_once(wallboard, redis_client, parsed):
    add_account()
    poll_now()
    poll_now()
    parsed.clear()
    start_call(wallboard)
    assert poll_now().outcome == "changed"
    assert "GET /61/availability" in parsed
    john = next(a for a in store.read_snapshot(61).snapshot.agents if a.id == 123)
    assert john.calls and john.state_since is not None


def test_the_overlay_is_judged_anew_on_an_unchanged_answer(wallboard, redis_client, parsed):
    account = add_account()
    board = Board.objects.create(title="Floor", slug="floor", account=account, queue_ids=[])
    poll_now()
    parsed.clear()
    AlertRule.objects.create(board=board, kind=RuleKind.AVAILABLE_AT_OR_BELOW, threshold=99)
    assert poll_now().outcome == "changed"
    assert parsed == []  # the API said the same; the new rule's alerts are what changed
    assert {a.kind for a in store.read_snapshot(61).snapshot.alerts} == {"available_at_or_below"}


def test_without_the_stored_answers_every_answer_is_parsed(wallboard, redis_client, parsed):
    add_account()
    poll_now()
    get_redis().hdel(store.snapshot_key(61), "answers")  # an older build's snapshot, say
    parsed.clear()
    assert poll_now().outcome == "unchanged"
    assert sorted(parsed) == ["GET /61/availability", "GET /61/availability/queues"]
    assert Answers.decode(store.read_snapshot(61).answers) is not None


def test_a_poll_whose_kept_part_another_poll_replaced_meanwhile_is_superseded(
    wallboard, redis_client
):
    add_account()
    poll_now()
    stored = store.read_snapshot(61)
    last = Answers.decode(stored.answers)
    fresh = compose.Fresh(stored.snapshot, True, True, last, {}, None)
    assert fresh.on(stored) is not None
    other = Answers("c" * 32, last.queues, last.queue_ids).encode()
    replaced = stored.model_copy(update={"answers": other})
    assert fresh.on(replaced) is None
    assert compose.Fresh(stored.snapshot, False, True, last, {}, None).on(replaced) is not None
