"""The board's recent alerts as plain rows for the presenters (which stay free of queries)."""

from alerts.models import AlertEvent
from boards.view_models import AlertHistoryRow

HISTORY_ROWS = 20


def _epoch(value) -> float | None:
    return value.timestamp() if value is not None else None


def recent_alerts(board_id: int, limit: int = HISTORY_ROWS) -> tuple[AlertHistoryRow, ...]:
    """The board's latest alerts, newest first: one query."""
    events = (
        AlertEvent.objects.filter(board_id=board_id)
        .select_related("acknowledged_by")
        .order_by("-fired_at", "-pk")[:limit]
    )
    return tuple(
        AlertHistoryRow(
            id=event.pk,
            message=event.message,
            fired_at=event.fired_at.timestamp(),
            cleared_at=_epoch(event.cleared_at),
            acknowledged_at=_epoch(event.acknowledged_at),
            acknowledged_by=event.acknowledged_by.get_username() if event.acknowledged_by else None,
        )
        for event in events
    )
