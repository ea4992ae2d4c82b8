"""Publishing a change the snapshot does not hold: a message to the floor posted, withdrawn
or expired (boards/messages.py). Its board's screens get it as a diff, within a moment,
without reconnecting.

Why not `publish.publish_account` alone: a feed's version is its account's snapshot
version, and a viewer drops an update that is not newer than what it holds
(live/fanout.py `Viewer.offer_update`), so a render that changed under the same version
reaches new viewers only. Why not `publish.refresh_board` (FeedReset): every viewer of the
board, public ones too, would reconnect for one banner. So: under the account's lock (as
an acknowledged alert's overlay, polling/writer.py), the stored snapshot is written again
as it is with its version moved on (its data, fetched_at and health untouched), and the
account published: only the fragments whose HTML changed are sent.
"""

from polling import publish, schedule
from polling.outcome import Outcome
from polling.writer import STORE_ATTEMPTS
from snapshots import store


def repaint(account_id: int, lock_ttl: float) -> Outcome:
    """BUSY while a poll holds the account (the caller tries again shortly: that poll may
    have rendered before the change); GONE when there is no snapshot yet (the first poll
    renders the change with everything else)."""
    token = schedule.acquire_lock(account_id, lock_ttl)
    if token is None:
        return Outcome.BUSY
    try:
        for _ in range(STORE_ATTEMPTS):
            previous = store.read_snapshot(account_id)
            if previous is None:
                return Outcome.GONE
            written = store.write_snapshot(
                account_id,
                previous.snapshot,
                previous.fetched_at,
                expected_version=previous.version,
                changed=True,
                success=False,
            )
            if written.written:
                publish.publish_account(account_id)
                return Outcome.OVERLAY
        return Outcome.SUPERSEDED
    finally:
        schedule.release_lock(account_id, token)
