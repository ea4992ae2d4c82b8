"""Waiting calls the events claim, checked against the polls: a caller whose end event was
lost is gone within two polls; a real caller the poll cannot see past stays."""

from zoneinfo import ZoneInfo

from service.ledger import State
from service.reconcile import apply
from service.tally import Tally
from snapshots.models import Snapshot
from tests.boards.factories import agent, call, queue

QUEUE = 1
NOW = 1_800_000_000.0


def state(waiting: dict[str, float], talking: dict[str, int] | None = None) -> State:
    tally = Tally(zone=ZoneInfo("UTC"), date="2027-01-15")
    tally.waiting = {key: (QUEUE, arrived) for key, arrived in waiting.items()}
    tally.talking = {key: (QUEUE, agent_id) for key, agent_id in (talking or {}).items()}
    return State(tally=tally, since=0.0, cursor=0.0)


def poll(active_calls: int, agents=()) -> Snapshot:
    return Snapshot(
        account_id=61,
        source="key",
        agents=list(agents),
        queues=[queue(QUEUE, "Q", active=active_calls)],
    )


def test_a_phantom_caller_is_ruled_out_at_the_second_poll_that_cannot_see_it():
    ledger = state({"lost@1": NOW - 1958})  # "waiting 32:38", but the queue has no call
    assert apply(ledger, poll(active_calls=0), NOW)  # first poll: only noted
    assert ledger.waiting(NOW) == {"lost@1": (QUEUE, NOW - 1958)}
    assert apply(ledger, poll(active_calls=0), NOW + 2)
    assert ledger.waiting(NOW + 2) == {}
    assert ledger.over == {QUEUE: NOW + 2}


def test_a_caller_the_poll_shows_stays_waiting():
    ledger = state({"real@1": NOW - 40})
    for at in (NOW, NOW + 2, NOW + 4):
        apply(ledger, poll(active_calls=1), at)
    assert list(ledger.waiting(NOW + 4)) == ["real@1"]
    assert ledger.over == {}


def test_an_agent_on_an_outbound_call_does_not_hide_a_real_caller():
    # active_calls - agents_on_call would say 0 here; only an answered call in progress
    # whose agent is on a call takes a place.
    busy = agent(7, "Ada Byron", calls=[call(direction="outbound")])
    ledger = state({"real@1": NOW - 40})
    for at in (NOW, NOW + 2):
        apply(ledger, poll(active_calls=1, agents=[busy]), at)
    assert list(ledger.waiting(NOW + 2)) == ["real@1"]


def test_an_answered_call_in_progress_takes_its_place_in_active_calls():
    talking = agent(7, "Ada Byron", calls=[call()])
    ledger = state({"lost@1": NOW - 300, "new@2": NOW - 1}, talking={"answered@3": 7})
    apply(ledger, poll(active_calls=2, agents=[talking]), NOW)  # 1 talking + 1 waiting
    apply(ledger, poll(active_calls=2, agents=[talking]), NOW + 2)
    assert list(ledger.waiting(NOW + 2)) == ["new@2"]  # the oldest was the phantom


def test_a_caller_who_arrived_after_the_first_poll_is_not_ruled_out_yet():
    ledger = state({"old@1": NOW - 100})
    apply(ledger, poll(active_calls=0), NOW)
    ledger.tally.waiting["fresh@2"] = (QUEUE, NOW + 1)  # its arrival event, before the API
    apply(ledger, poll(active_calls=0), NOW + 2)
    assert list(ledger.waiting(NOW + 2)) == ["fresh@2"]


def test_public_data_cannot_tell_so_nothing_is_ruled_out():
    ledger = state({"lost@1": NOW - 1958})
    public = poll(active_calls=0).model_copy(
        update={"queues": [queue(QUEUE, "Q").model_copy(update={"active_calls": None})]}
    )
    assert not apply(ledger, public, NOW)
    assert not apply(ledger, public, NOW + 2)
    assert list(ledger.waiting(NOW + 2)) == ["lost@1"]


def test_a_ruled_out_call_is_forgotten_once_its_outcome_arrives():
    ledger = state({"lost@1": NOW - 1958})
    apply(ledger, poll(active_calls=0), NOW)
    apply(ledger, poll(active_calls=0), NOW + 2)
    assert "lost@1" in ledger.dismissed
    del ledger.tally.waiting["lost@1"]  # its end event came after all
    assert apply(ledger, poll(active_calls=0), NOW + 4)
    assert ledger.dismissed == {}
