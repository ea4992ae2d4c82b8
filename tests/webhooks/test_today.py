"""Today's counts: which event counts as what, per queue, in total and per agent."""

from zoneinfo import ZoneInfo

import pytest

from snapshots.models import AgentToday, QueueToday
from tests.webhooks.helpers import at, store_event
from webhooks.today import compute, today_counts

QUEUE_A, QUEUE_B = 100135, 200
NOW = at("2026-11-28 12:00:00")


def day_of_events(receiver) -> None:
    def event(name: str, when: str, **metadata):
        store_event(receiver, name, at(f"2026-11-{when}"), **metadata)

    # a1: answered by agent 7 (the answer delivered twice with different times: one call).
    event("INCOMING_EXTERNAL_CALL", "28 09:00:00", call_id="a1")
    event("USER_ANSWER", "28 09:00:10", call_id="a1", user_id=7)
    event("USER_ANSWER", "28 09:00:11", call_id="a1", user_id=7)
    event("CALL_ENDED", "28 09:05:00", call_id="a1")
    # a2: rang unanswered twice, then the caller hung up within the last hour.
    event("INCOMING_EXTERNAL_CALL", "28 10:00:00", call_id="a2")
    event("QUEUE_NO_ANSWER", "28 10:00:20", call_id="a2")
    event("QUEUE_NO_ANSWER", "28 10:00:45", call_id="a2")
    event("QUEUE_HANGUP_ABANDONED", "28 11:30:00", call_id="a2")
    # a3: the queue's max wait ran out.
    event("INCOMING_EXTERNAL_CALL", "28 08:00:00", call_id="a3")
    event("QUEUE_HANGUP_TIMEOUT", "28 08:10:00", call_id="a3")
    # a4, a5: still waiting (a ring round without answer does not end the wait).
    event("INCOMING_EXTERNAL_CALL", "28 11:50:00", call_id="a4")
    event("INCOMING_EXTERNAL_CALL", "28 11:55:00", call_id="a5")
    event("QUEUE_NO_ANSWER", "28 11:55:30", call_id="a5")
    # a6: arrived five hours ago and its end was lost: counted, but not "waiting".
    event("INCOMING_EXTERNAL_CALL", "28 07:00:00", call_id="a6")
    # b1: abandoned in queue B, more than an hour ago.
    event("INCOMING_EXTERNAL_CALL", "28 10:30:00", call_id="b1", queue_id=QUEUE_B)
    event("QUEUE_HANGUP_ABANDONED", "28 10:40:00", call_id="b1", queue_id=QUEUE_B)
    # d1: a direct inbound call to agent 8, no queue.
    event("USER_ANSWER", "28 09:30:00", call_id="d1", user_id=8, queue_id=None)
    # o1: agent 7 places a call.
    event("USER_DIAL", "28 09:40:00", call_id="o1", user_id=7)
    event("USER_HANGUP", "28 09:45:00", call_id="o1", user_id=7)
    event("CALL_ENDED", "28 09:45:00", call_id="o1", direction="outbound", queue_id=None)
    # Yesterday's calls and SMS count for nothing.
    event("INCOMING_EXTERNAL_CALL", "27 23:00:00", call_id="y1")
    event("QUEUE_HANGUP_ABANDONED", "27 23:05:00", call_id="y1")
    event("SMS_RECEIVED", "28 09:10:00")
    event("SMS_SENT", "28 09:11:00")


def test_it_counts_each_event_as_documented(receiver):
    day_of_events(receiver)
    counts = today_counts(receiver.account.account_id, NOW)
    assert counts is not None
    assert (counts.date, counts.time_zone) == ("2026-11-28", "UTC")
    assert counts.queues[QUEUE_A] == QueueToday(
        inbound=6,
        answered=1,
        abandoned=1,
        timed_out=1,
        not_answered=2,
        abandoned_last_hour=1,
        oldest_waiting_since=at("2026-11-28 11:50:00"),
    )
    assert counts.queues[QUEUE_B] == QueueToday(inbound=1, abandoned=1)
    assert counts.total == QueueToday(
        inbound=7,
        answered=2,
        abandoned=2,
        timed_out=1,
        not_answered=2,
        abandoned_last_hour=1,
        oldest_waiting_since=at("2026-11-28 11:50:00"),
    )
    assert counts.agents == {7: AgentToday(answered=1, placed=1), 8: AgentToday(answered=1)}


def test_a_waiting_call_stops_waiting_when_answered(receiver):
    store_event(receiver, "INCOMING_EXTERNAL_CALL", NOW - 60, call_id="w1")
    assert compute(receiver.account.pk, ZoneInfo("UTC"), NOW).total.oldest_waiting_since == (
        NOW - 60
    )
    store_event(receiver, "USER_ANSWER", NOW - 30, call_id="w1")
    counts = compute(receiver.account.pk, ZoneInfo("UTC"), NOW)
    assert counts.total.oldest_waiting_since is None
    assert counts.queues[100135].oldest_waiting_since is None


def test_abandoned_last_hour_reaches_back_before_midnight(receiver):
    store_event(receiver, "QUEUE_HANGUP_ABANDONED", at("2026-11-27 23:40:00"))
    counts = compute(receiver.account.pk, ZoneInfo("UTC"), at("2026-11-28 00:20:00"))
    assert counts.total.abandoned == 0
    assert counts.total.abandoned_last_hour == 1


def test_it_is_none_while_the_account_has_no_events(receiver):
    assert today_counts(receiver.account.account_id, NOW) is None
    assert today_counts(999, NOW) is None  # no such account


def test_it_is_none_once_every_event_is_past_retention(receiver, settings):
    settings.WEBHOOK_RETENTION_DAYS = 30
    store_event(receiver, "USER_DIAL", NOW - 31 * 86400)
    assert compute(receiver.account.pk, ZoneInfo("UTC"), NOW) is None


def test_it_is_zeros_not_none_on_a_quiet_day_after_earlier_events(receiver):
    store_event(receiver, "USER_DIAL", NOW - 2 * 86400)
    counts = compute(receiver.account.pk, ZoneInfo("UTC"), NOW)
    assert counts is not None
    assert counts.total == QueueToday()
    assert counts.agents == {}


@pytest.mark.parametrize(
    ("zone", "counted_at_nine_utc", "date"),
    [
        # 07:30 and 08:30 UTC are both on the 28th in Berlin (UTC+1)...
        ("Europe/Berlin", 2, "2026-11-28"),
        # ...but Los Angeles' 28th began at 08:00 UTC (UTC-8).
        ("America/Los_Angeles", 1, "2026-11-28"),
    ],
)
def test_the_day_starts_at_local_midnight(receiver, zone, counted_at_nine_utc, date):
    account = receiver.account
    account.time_zone = zone
    account.save()
    store_event(receiver, "INCOMING_EXTERNAL_CALL", at("2026-11-28 07:30:00"))
    store_event(receiver, "INCOMING_EXTERNAL_CALL", at("2026-11-28 08:30:00"))
    counts = today_counts(account.account_id, at("2026-11-28 09:00:00"))
    assert counts.total.inbound == counted_at_nine_utc
    assert (counts.date, counts.time_zone) == (date, zone)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Los_Angeles"])
def test_counts_start_again_at_midnight(receiver, zone):
    account = receiver.account
    account.time_zone = zone
    account.save()
    store_event(receiver, "INCOMING_EXTERNAL_CALL", at("2026-11-27 23:59:30", zone))
    store_event(receiver, "USER_DIAL", at("2026-11-27 23:59:40", zone), user_id=7)
    store_event(receiver, "INCOMING_EXTERNAL_CALL", at("2026-11-28 00:00:30", zone))

    before = today_counts(account.account_id, at("2026-11-27 23:59:50", zone))
    assert before.date == "2026-11-27"
    assert before.total.inbound == 1
    assert before.agents == {7: AgentToday(placed=1)}

    after = today_counts(account.account_id, at("2026-11-28 00:01:00", zone))
    assert after.date == "2026-11-28"
    assert after.total.inbound == 1
    assert after.agents == {}


def test_events_from_a_clock_a_little_ahead_count_at_once(receiver):
    store_event(receiver, "INCOMING_EXTERNAL_CALL", NOW + 60, call_id="early")
    store_event(receiver, "INCOMING_EXTERNAL_CALL", NOW + 400, call_id="too-early")
    counts = compute(receiver.account.pk, ZoneInfo("UTC"), NOW)
    assert counts.total.inbound == 1
    assert counts.total.oldest_waiting_since == NOW + 60
