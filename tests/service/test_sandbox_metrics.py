"""End to end: calls in the sandbox, delivered as webhooks over real HTTP into a running
wallboard (daphne, Celery worker and beat: tests/stack.py), come out of the public JSON as
the figures a computation from the delivered events gives."""

from collections import defaultdict
from collections.abc import Iterator

import httpx
import pytest

from demo import announce
from demo import names as demo
from tests.stack import ACCOUNT_ID, Stack, wait_until

pytestmark = pytest.mark.slow
SLUG = "metrics-status"


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    stack = Stack(tmp_path_factory.mktemp("metrics-stack"))
    stack.start()
    yield stack
    stack.stop()


def add_queue(stack: Stack) -> int:
    """A queue without wrap-up whose one agent answers after a second, talks for 20 s."""
    queue = stack.control(
        "POST",
        f"/accounts/{ACCOUNT_ID}/queues",
        {"queue_name": "Metrics", "extension": "8301", "wrapuptime": 0, "arrivals_per_hour": 0},
    )
    agent = {"presence_id": "18301", "queues": [queue["pk"]], "answers": "always"}
    agent |= {"answer_delay": 1, "talk_seconds": 20}
    stack.control("POST", f"/accounts/{ACCOUNT_ID}/agents", agent)
    return queue["pk"]


def publish_board(stack: Stack, queue_id: int) -> None:
    stack.manage(
        "shell",
        "-c",
        "from accounts.models import Voice360Account; from boards.models import Board; "
        f"Board.objects.update_or_create(slug={SLUG!r}, defaults=dict(title='Metrics', "
        f"account=Voice360Account.objects.get(account_id={ACCOUNT_ID}), queue_ids=[{queue_id}], "
        "is_public=True, public_shows_today=True, public_shows_service_level=True))",
    )


def caller(stack: Stack, queue_id: int, number: str, patience: float | None) -> str:
    body = {"from_number": number, "patience": patience}
    joined = stack.control("POST", f"/accounts/{ACCOUNT_ID}/queues/{queue_id}/callers", body)
    return joined["call_id"]


def delivered(stack: Stack, call_ids: set[str]) -> list[dict]:
    """The payloads the sandbox delivered (200) for these calls, once each."""
    seen, payloads = set(), []
    for attempt in stack.control("GET", "/webhooks/deliveries"):
        payload = attempt["payload"]
        key = (payload["event_name"], payload["metadata"].get("call_id"))
        if attempt["ok"] and key[1] in call_ids and key not in seen:
            seen.add(key)
            payloads.append(payload)
    return payloads


def expected_figures(payloads: list[dict], threshold: int, short: int) -> dict:
    """docs/metrics.md for calls that all ended: waits from the events' own numbers."""
    calls: dict[str, dict[str, dict]] = defaultdict(dict)
    for payload in payloads:
        calls[payload["metadata"]["call_id"]][payload["event_name"]] = payload
    answered = within = abandoned = short_abandoned = 0
    waits = []
    for events in calls.values():
        if "USER_ANSWER" in events:
            wait = (
                events["USER_ANSWER"]["timestamp"] - events["INCOMING_EXTERNAL_CALL"]["timestamp"]
            )
            answered += 1
            within += wait <= threshold
            waits.append(wait)
        elif "QUEUE_HANGUP_ABANDONED" in events:
            abandoned += 1
            short_abandoned += events["QUEUE_HANGUP_ABANDONED"]["metadata"]["wait_seconds"] <= short
    offered = answered + abandoned
    return {
        "offered": offered,
        "answered": answered,
        "answered_within_threshold": within,
        "abandoned": abandoned,
        "short_abandoned": short_abandoned,
        "percent": round(100 * within / (offered - short_abandoned), 1),
        "asa_seconds": round(sum(waits) / len(waits), 1),
    }


def test_the_public_json_gives_the_figures_of_the_delivered_events(stack: Stack) -> None:
    stack.control("POST", "/reset", {"quiet": True})
    stack.control("PATCH", "/settings", {"webhook_backoff_seconds": 0.2})
    announce.register_webhook(stack.sandbox_url, stack.url(demo.demo_webhook_path()))
    queue_id = add_queue(stack)
    publish_board(stack, queue_id)
    # At 0 s: A is answered at 1 s; B hangs up at 2 s (a short abandon); D gives up at 10 s;
    # C waits until the agent is free again at 21 s and is answered at 22 s.
    calls = {
        caller(stack, queue_id, "+15550000001", None),
        caller(stack, queue_id, "+15550000002", 2),
        caller(stack, queue_id, "+15550000003", None),
        caller(stack, queue_id, "+15550000004", 10),
    }
    for _ in range(9):  # 45 simulated seconds, in steps the queue reacts to
        stack.control("POST", "/time/advance", {"seconds": 5})

    emitted = [
        e for e in stack.control("GET", "/state")["events"] if e["metadata"].get("call_id") in calls
    ]
    assert {e["metadata"]["call_id"] for e in emitted if e["name"] == "CALL_ENDED"} == calls

    def all_delivered() -> list[dict] | None:
        payloads = delivered(stack, calls)  # deliveries run in parallel: in any order
        return payloads if len(payloads) == len(emitted) else None

    payloads = wait_until(all_delivered, 30, "every call's events delivered")
    expected = expected_figures(payloads, threshold=20, short=5)
    assert (expected["offered"], expected["answered"], expected["short_abandoned"]) == (4, 2, 1)

    def published() -> dict | None:
        """The queue once its figures are the expected ones: events arrive in any order, so
        until the last one is in, the figures are those of the events so far."""
        queues = httpx.get(stack.url(f"/status/{SLUG}.json"), timeout=5).json()["queues"]
        level = queues[0].get("service_level") if queues else None
        if level and {name: level[name] for name in expected} == expected:
            return queues[0]
        return None

    try:
        queue = wait_until(published, 30, "the public JSON with every call")
    except Exception:
        print(httpx.get(stack.url(f"/status/{SLUG}.json"), timeout=5).json(), expected)
        raise
    assert queue["service_level_recent"]["offered"] == expected["offered"]
    assert (queue["calls_waiting"], queue["calls_waiting_estimated"]) == (0, False)
    assert queue["longest_wait_seconds"] is None
    assert queue["today"]["inbound"] == 4
