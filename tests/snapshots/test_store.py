import threading

from snapshots import store
from tests.snapshots.builders import agent, snapshot


def write(snap, expected: int, changed: bool = True, at: float = 1000.0) -> store.WriteResult:
    return store.write_snapshot(61, snap, at, expected_version=expected, changed=changed)


def test_the_version_grows_by_one_only_when_the_content_changes(redis_client):
    assert write(snapshot([agent(1)]), expected=0).version == 1
    assert write(snapshot([agent(1)]), expected=1, changed=False, at=1002.0).version == 1
    assert write(snapshot([agent(2)]), expected=1).version == 2
    stored = store.read_snapshot(61)
    assert stored.version == 2
    assert stored.fetched_at == 1000.0
    assert [a.id for a in stored.snapshot.agents] == [2]


def test_a_write_against_an_outdated_version_is_refused(redis_client):
    write(snapshot([agent(1)]), expected=0)
    write(snapshot([agent(2)]), expected=1)
    refused = write(snapshot([agent(3)]), expected=1)
    assert not refused.written
    assert [a.id for a in store.read_snapshot(61).snapshot.agents] == [2]


def test_a_failure_keeps_the_snapshot_and_only_changes_health(redis_client):
    write(snapshot([agent(1)]), expected=0)
    assert store.record_failure(61, "ConnectionFailed: refused", at=1010.0) == 1
    assert store.record_failure(61, "ConnectionFailed: refused", at=1012.0) == 2
    stored = store.read_snapshot(61)
    assert [a.id for a in stored.snapshot.agents] == [1]
    assert stored.fetched_at == 1000.0
    assert stored.health.consecutive_failures == 2
    assert stored.health.last_error == "ConnectionFailed: refused"
    write(snapshot([agent(1)]), expected=1, changed=False, at=1014.0)
    assert store.read_snapshot(61).health.consecutive_failures == 0


def test_readers_never_see_half_a_snapshot(redis_client):
    # Each snapshot's agent count equals its version: any mix of two writes shows up.
    stop = threading.Event()

    def writer() -> None:
        version = 0
        while not stop.is_set() and version < 300:
            snap = snapshot([agent(i) for i in range(version + 1)])
            version = write(snap, expected=version, at=1000.0 + version).version

    thread = threading.Thread(target=writer)
    thread.start()
    seen = set()
    try:
        while thread.is_alive():
            stored = store.read_snapshot(61)
            if stored is not None:
                assert len(stored.snapshot.agents) == stored.version
                assert stored.fetched_at == 1000.0 + stored.version - 1
                seen.add(stored.version)
    finally:
        stop.set()
        thread.join()
    assert len(seen) > 1


def test_a_snapshot_stored_by_another_build_is_read_as_empty_and_replaced(redis_client):
    """A deploy that changed the models finds snapshots it cannot read: the poll goes on."""
    redis_client.hset(
        "wb:snapshot:61",
        mapping={"version": 7, "body": '{"account_id": 61, "old": 1}', "fetched_at": 1.0},
    )
    stored = store.read_snapshot(61)
    assert (stored.version, stored.snapshot.agents, stored.snapshot.queues) == (7, [], [])
    written = store.write_snapshot(61, stored.snapshot, 2.0, expected_version=7, changed=True)
    assert written.written and written.version == 8
