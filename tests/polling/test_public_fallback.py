import time

from polling import public_fallback
from snapshots import store
from tests.polling.helpers import DEMO_KEY, DEMO_USER_KEY, add_account, poll_now


def test_an_account_without_a_key_is_polled_in_public_mode_with_the_reason(wallboard, redis_client):
    add_account(key=None)
    assert poll_now().outcome == "changed"
    snap = store.read_snapshot(61).snapshot
    assert snap.source == "public"
    assert snap.source_reason == public_fallback.NO_KEY_REASON
    assert all(agent.calls is None for agent in snap.agents)
    assert all(queue.member_ids is None and queue.active_calls is None for queue in snap.queues)
    assert snap.queues[0].queue_name == "Sales Queue"
    seen = wallboard.control("GET", "/requests").json()
    assert "61:developer" not in seen["keys"]
    assert sum(ip["requests"] for ip in seen["ips"].values()) >= 2


def developer_requests(sandbox) -> int:
    return sandbox.control("GET", "/requests").json()["keys"]["61:developer"]["requests"]


def reject_key_once(sandbox) -> None:
    rule = {"kind": "status", "status": 403, "count": 1, "path": "/availability/queues"}
    sandbox.control("POST", "/faults", rule)


def test_a_rejected_key_falls_back_to_public_mode_and_full_mode_resumes_by_itself(
    wallboard, settings, redis_client
):
    settings.POLL_KEY_RETRY_SECONDS = 300
    add_account(key=DEMO_KEY)
    reject_key_once(wallboard)
    t0 = time.time()
    rejected = poll_now(at=t0)
    assert rejected.outcome == "key_rejected"
    assert rejected.next_due <= time.time()  # polled again at once, without the key
    assert poll_now(at=t0 + 1).outcome == "changed"
    snap = store.read_snapshot(61).snapshot
    assert snap.source == "public"
    assert "API key rejected (403" in snap.source_reason

    # Within the retry period the key is left alone.
    tried = developer_requests(wallboard)
    assert poll_now(at=t0 + 299).outcome == "unchanged"
    assert developer_requests(wallboard) == tried

    reject_key_once(wallboard)  # the retry period is over: the key is tried again
    assert poll_now(at=t0 + 301).outcome == "key_rejected"  # still refused
    assert poll_now(at=t0 + 302).outcome == "unchanged"  # public again

    assert poll_now(at=t0 + 302 + 301).outcome == "changed"
    resumed = store.read_snapshot(61).snapshot
    assert resumed.source == "key"
    assert resumed.source_reason is None
    assert all(agent.calls is not None for agent in resumed.agents)


def test_a_user_key_is_rejected_and_the_account_polled_in_public_mode(wallboard, redis_client):
    add_account(key=DEMO_USER_KEY)
    assert poll_now().outcome == "key_rejected"
    poll_now()
    assert store.read_snapshot(61).snapshot.source == "public"


def test_a_key_no_encryption_key_decrypts_falls_back_to_public_mode_with_the_reason(
    wallboard, redis_client, use_encryption_keys
):
    from cryptography.fernet import Fernet

    from polling import metrics

    use_encryption_keys(Fernet.generate_key().decode())
    add_account(key=DEMO_KEY)
    use_encryption_keys(Fernet.generate_key().decode())  # changed without rotating
    assert poll_now().outcome == "changed"  # no crash: polled without the key
    snap = store.read_snapshot(61).snapshot
    assert (snap.source, snap.source_reason) == ("public", public_fallback.UNDECRYPTABLE_REASON)
    assert metrics.read("rejections:61") == {"UndecryptableKey": 1}
