"""Today's calls and service figures from stored events: each case of docs/metrics.md."""

from zoneinfo import ZoneInfo

import pytest

from service import ledger, today
from service.models import ServiceTarget
from service.today import today_counts
from snapshots.models import AgentToday
from tests.service.helpers import QUEUE, stored
from tests.webhooks.helpers import at

QUEUE_B = 200
NOW = at("2026-11-28 12:00:00")


def day_of_events(receiver) -> None:
    def event(name: str, when: str, **metadata):
        stored(receiver, name, at(f"2026-11-{when}"), **metadata)

    # a1: answered by agent 7 after 10 s (its answer delivered twice with other times: one
    # answer), talked 290 s.
    event("INCOMING_EXTERNAL_CALL", "28 09:00:00", call_id="a1")
    event("USER_ANSWER", "28 09:00:10", call_id="a1", user_id=7)
    event("USER_ANSWER", "28 09:00:11", call_id="a1", user_id=7)
    event("CALL_ENDED", "28 09:05:00", call_id="a1")
    # a2: rang unanswered twice, then the caller hung up (after 35 s, says the event).
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
    # a6: arrived five hours ago and its end was lost: a call in, but neither offered nor
    # waiting.
    event("INCOMING_EXTERNAL_CALL", "28 07:00:00", call_id="a6")
    # a7: sent away by a full queue: not answered.
    event("INCOMING_EXTERNAL_CALL", "28 09:20:00", call_id="a7")
    event("CALL_ENDED", "28 09:20:00", call_id="a7", user_id=None, reason="rejected", duration=0)
    # b1: a short abandon in queue B, more than an hour ago.
    event("INCOMING_EXTERNAL_CALL", "28 10:30:00", call_id="b1", queue_id=QUEUE_B)
    event("QUEUE_HANGUP_ABANDONED", "28 10:30:04", call_id="b1", queue_id=QUEUE_B, wait_seconds=4)
    # d1: a direct inbound call to agent 8, no queue.
    event("USER_ANSWER", "28 09:30:00", call_id="d1", user_id=8, queue_id=None)
    # o1: agent 7 places a call.
    event("USER_DIAL", "28 09:40:00", call_id="o1", user_id=7)
    event("USER_HANGUP", "28 09:45:00", call_id="o1", user_id=7)
    event("CALL_ENDED", "28 09:45:00", call_id="o1", direction="outbound", queue_id=None)
    # Yesterday's calls and SMS count for nothing today.
    event("INCOMING_EXTERNAL_CALL", "27 23:00:00", call_id="y1")
    event("QUEUE_HANGUP_ABANDONED", "27 23:05:00", call_id="y1")
    event("SMS_RECEIVED", "28 09:10:00")


def test_it_counts_each_call_as_documented(receiver):
    day_of_events(receiver)
    counts = today_counts(receiver.account.account_id, NOW)
    assert (counts.date, counts.time_zone) == ("2026-11-28", "UTC")
    a = counts.queues[QUEUE]
    assert a.inbound == 7
    level = a.service
    assert (level.answered, level.abandoned, level.timed_out, level.not_answered) == (1, 1, 1, 1)
    assert level.offered == 4
    assert (level.answered_within_threshold, level.short_abandoned) == (1, 0)
    assert level.percent == pytest.approx(25.0)
    assert level.asa_seconds == pytest.approx(10.0)
    assert level.abandon_rate == pytest.approx(0.25)
    assert (a.calls_waiting, a.oldest_waiting_since) == (2, at("2026-11-28 11:50:00"))
    assert a.aht_seconds == pytest.approx(290.0)
    assert a.abandoned_last_hour == 1  # a2, at 11:30
    assert a.window(15).offered == 0
    b = counts.queues[QUEUE_B].service
    assert (b.abandoned, b.short_abandoned, b.percent, b.abandon_rate) == (1, 1, None, None)
    total = counts.total
    assert (total.inbound, total.answered, total.abandoned, total.calls_waiting) == (8, 1, 2, 2)
    assert total.service.percent == pytest.approx(100 / 4)  # b1's short abandon left out
    assert counts.direct_answered == 1
    assert counts.agents == {
        7: AgentToday(answered=1, placed=1, talked=1, talk_total=290.0),
        8: AgentToday(answered=1),
    }


def test_figures_kept_up_to_date_equal_figures_rebuilt_from_the_table(receiver, redis_client):
    account_id = receiver.account.account_id
    stored(receiver, "INCOMING_EXTERNAL_CALL", NOW - 600, call_id="x")
    first = today_counts(account_id, NOW)  # built from the table
    assert first.total.calls_waiting == 1
    day_of_events(receiver)  # each one folded in by the next read
    folded = today_counts(account_id, NOW)
    redis_client.flushdb()
    from service import today

    today.forget()
    assert today_counts(account_id, NOW) == folded


def test_a_waiting_call_stops_waiting_when_answered(receiver):
    account_id = receiver.account.account_id
    stored(receiver, "INCOMING_EXTERNAL_CALL", NOW - 60, call_id="w1")
    assert today_counts(account_id, NOW).total.oldest_waiting_since == NOW - 60
    stored(receiver, "USER_ANSWER", NOW - 30, call_id="w1")
    counts = today_counts(account_id, NOW)
    assert counts.total.oldest_waiting_since is None
    assert counts.queues[QUEUE].service.asa_seconds == pytest.approx(30.0)


def test_an_answer_arriving_before_its_call_gives_the_same_figures(receiver):
    account_id = receiver.account.account_id
    stored(receiver, "CALL_ENDED", NOW - 100, call_id="late")
    stored(receiver, "USER_ANSWER", NOW - 200, call_id="late")
    partial = today_counts(account_id, NOW).queues[QUEUE].service
    assert (partial.answered, partial.answered_timed) == (1, 0)  # no arrival yet: wait unknown
    stored(receiver, "INCOMING_EXTERNAL_CALL", NOW - 215, call_id="late")
    level = today_counts(account_id, NOW).queues[QUEUE].service
    assert (level.answered, level.answered_within_threshold, level.asa_seconds) == (1, 1, 15.0)


def test_a_reused_call_id_is_two_calls(receiver):
    account_id = receiver.account.account_id
    for start in (NOW - 7200, NOW - 3000):
        stored(receiver, "INCOMING_EXTERNAL_CALL", start, call_id="c00001-61-b3221a")
        stored(receiver, "USER_ANSWER", start + 5, call_id="c00001-61-b3221a")
    level = today_counts(account_id, NOW).queues[QUEUE]
    assert (level.inbound, level.answered, level.service.asa_seconds) == (2, 2, 5.0)


def test_abandoned_last_hour_reaches_back_before_midnight(receiver):
    stored(receiver, "QUEUE_HANGUP_ABANDONED", at("2026-11-27 23:40:00"))
    counts = today_counts(receiver.account.account_id, at("2026-11-28 00:20:00"))
    assert counts.total.abandoned == 0
    assert counts.total.abandoned_last_hour == 1


def test_it_is_none_while_the_account_has_no_events(receiver):
    assert today_counts(receiver.account.account_id, NOW) is None
    assert today_counts(999, NOW) is None  # no such account


def test_it_is_zeros_not_none_on_a_quiet_day_after_earlier_events(receiver):
    stored(receiver, "USER_DIAL", NOW - 2 * 86400)
    counts = today_counts(receiver.account.account_id, NOW)
    assert counts is not None
    assert counts.total.service.offered == 0
    assert counts.agents == {}


@pytest.mark.parametrize(
    ("zone", "counted_at_nine_utc"),
    [
        ("Europe/Berlin", 2),  # 07:30 and 08:30 UTC are both on the 28th in Berlin...
        ("America/Los_Angeles", 1),  # ...but Los Angeles' 28th began at 08:00 UTC.
    ],
)
def test_the_day_starts_at_local_midnight(receiver, zone, counted_at_nine_utc):
    account = receiver.account
    account.time_zone = zone
    account.save()
    stored(receiver, "INCOMING_EXTERNAL_CALL", at("2026-11-28 07:30:00"))
    stored(receiver, "INCOMING_EXTERNAL_CALL", at("2026-11-28 08:30:00"))
    counts = today_counts(account.account_id, at("2026-11-28 09:00:00"))
    assert counts.total.inbound == counted_at_nine_utc
    assert (counts.date, counts.time_zone) == ("2026-11-28", zone)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Los_Angeles"])
def test_counts_start_again_at_midnight(receiver, zone):
    account = receiver.account
    account.time_zone = zone
    account.save()
    stored(receiver, "INCOMING_EXTERNAL_CALL", at("2026-11-27 23:59:30", zone))
    stored(receiver, "USER_DIAL", at("2026-11-27 23:59:40", zone), user_id=7)
    stored(receiver, "INCOMING_EXTERNAL_CALL", at("2026-11-28 00:00:30", zone))

    before = today_counts(account.account_id, at("2026-11-27 23:59:50", zone))
    assert before.date == "2026-11-27"
    assert before.total.inbound == 1
    assert before.agents == {7: AgentToday(placed=1)}

    after = today_counts(account.account_id, at("2026-11-28 00:01:00", zone))
    assert after.date == "2026-11-28"
    assert after.total.inbound == 1
    assert after.agents == {}
    assert after.total.calls_waiting == 2  # the caller from before midnight still waits


def test_a_tally_that_no_longer_fits_is_rebuilt_once_then_kept(
    receiver, monkeypatch, django_capture_on_commit_callbacks
):
    """After midnight and after a target edit the stored tally no longer fits: the next poll
    rebuilds it from the table and stores it, and the polls after it use the stored one."""
    rebuilds = []
    rebuild = ledger.rebuild
    monkeypatch.setattr(ledger, "rebuild", lambda *a, **k: rebuilds.append(a) or rebuild(*a, **k))
    day_of_events(receiver)
    account_id = receiver.account.account_id
    midnight = at("2026-11-29 00:00:00")
    for now in (NOW, NOW + 60, midnight + 30, midnight + 90, midnight + 150):
        today_counts(account_id, now)
    assert len(rebuilds) == 2  # the first poll, and the first of the new day
    with django_capture_on_commit_callbacks(execute=True):
        ServiceTarget.objects.create(account=receiver.account, queue_id=QUEUE, target_percent=90)
    for now in (midnight + 210, midnight + 270):
        counts = today_counts(account_id, now)
    assert len(rebuilds) == 3
    today.forget()  # another process, or this one restarted: it reads what was stored
    assert today_counts(account_id, midnight + 330) == counts
    assert len(rebuilds) == 3


def test_a_phantom_caller_ruled_out_stays_out_when_the_tally_is_rebuilt(
    receiver, django_capture_on_commit_callbacks
):
    """A rebuild (a target edit, midnight) keeps the callers the polls ruled out: the phantom
    does not come back for two polls, firing its alerts again."""
    stored(receiver, "INCOMING_EXTERNAL_CALL", NOW - 900, call_id="phantom")
    account_id = receiver.account.account_id
    assert today_counts(account_id, NOW).queues[QUEUE].calls_waiting == 1
    state = ledger.read(account_id, ZoneInfo("UTC"), {}, NOW)
    state.dismissed = dict.fromkeys(state.tally.waiting, NOW)  # as reconcile.apply does
    assert ledger.save(account_id, state)
    today.forget()
    assert today_counts(account_id, NOW + 2).queues[QUEUE].calls_waiting == 0
    with django_capture_on_commit_callbacks(execute=True):
        ServiceTarget.objects.create(account=receiver.account, queue_id=QUEUE, target_percent=90)
    assert today_counts(account_id, NOW + 4).queues[QUEUE].calls_waiting == 0
    today.forget()
    assert today_counts(account_id, NOW + 6).queues[QUEUE].calls_waiting == 0
