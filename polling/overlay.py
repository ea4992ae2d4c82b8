"""The overlay: what a snapshot carries besides the API's data, put on before it is stored.

Today's counts and service figures come from webhook events (service/today.py, checked
against the poll's queues) and the alerts from each board's rules, judged on the snapshot
with its counts. Both ride on the snapshot so that they share its version,
diff and push path: a count that moved or an alert that fired is one more visible change.
If the overlay cannot be worked out (the database is down), the previous one is kept: the
API's data still goes out, and nothing shown disappears.
"""

import logging

from alerts import engine
from service import today
from snapshots.models import Snapshot

logger = logging.getLogger(__name__)


def apply(snapshot: Snapshot, previous: Snapshot | None, now: float) -> Snapshot:
    account_id = snapshot.account_id
    kept = previous or snapshot
    try:
        counts = today.today_counts(account_id, now, snapshot)
    except Exception:
        logger.exception("today's counts failed account=%s; keeping the last ones", account_id)
        counts = kept.today
    snapshot = snapshot.model_copy(update={"today": counts})
    try:
        alerts = engine.evaluate(account_id, snapshot, now)
    except Exception:
        logger.exception("alert evaluation failed account=%s; keeping the last state", account_id)
        alerts = kept.alerts
    return snapshot.model_copy(update={"alerts": alerts})
