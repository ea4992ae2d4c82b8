"""The board's recent alerts as plain rows for the presenters (which stay free of queries)."""

from datetime import UTC, datetime

from alerts.models import AlertEvent
from boards.view_models import AlertHistoryRow

HISTORY_ROWS = 20


def _epoch(value, as_of: float | None = None) -> float | None:
    """Unix seconds; None for what had not happened yet at `as_of` (a replay)."""
    at = value.timestamp() if value is not None else None
    return None if at is None or (as_of is not None and at > as_of) else at


def recent_alerts(
    board_id: int, limit: int = HISTORY_ROWS, as_of: float | None = None
) -> tuple[AlertHistoryRow, ...]:
    """The board's latest alerts, newest first: one query. `as_of`: as they stood then."""
    events = AlertEvent.objects.filter(board_id=board_id)
    if as_of is not None:
        events = events.filter(fired_at__lte=datetime.fromtimestamp(as_of, UTC))
    events = events.select_related("acknowledged_by").order_by("-fired_at", "-pk")[:limit]
    return tuple(
        AlertHistoryRow(
            id=event.pk,
            message=event.message,
            fired_at=event.fired_at.timestamp(),
            cleared_at=_epoch(event.cleared_at, as_of),
            acknowledged_at=_epoch(event.acknowledged_at, as_of),
            acknowledged_by=(
                event.acknowledged_by.get_username()
                if event.acknowledged_by and _epoch(event.acknowledged_at, as_of)
                else None
            ),
        )
        for event in events
    )
