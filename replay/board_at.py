"""A board as it was at a past moment: the account's snapshot then, from the stored log
(snapshots/replay.py), rendered by the same presenters and partials as the live board, with
the sparklines and the alert history as they stood then.

Rendered on request, for one supervisor: replay is rare, and the worker renders only the
present. The board's settings are today's (its queues, thresholds, layout), its data then's.
"""

from dataclasses import dataclass

from alerts.history import recent_alerts
from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.models import Board
from boards.presenters import Extras, board_view
from boards.rendering import RenderedBoard, render_board
from snapshots import history, replay
from snapshots.models import HealthState, StoredSnapshot

SPARKLINE_SECONDS = 2 * 3600  # as on the live board: the last two hours
SPARKLINE_POINTS = 120  # about one a minute


@dataclass(frozen=True)
class BoardAt:
    render: RenderedBoard
    moment: replay.Moment


def _series_at(account_id: int, queue_ids: list[int], at: float) -> dict[int, list[int]]:
    """Each queue's available agents over the two hours before `at`: from the 10 s series
    while it reaches that far back, else from the 1 min one."""
    fine, coarse = history.RESOLUTIONS
    series = {}
    for queue_id in queue_ids:
        points = history.read(account_id, fine, queue_id)
        if not points or points[0]["t"] > at - SPARKLINE_SECONDS:
            points = history.read(account_id, coarse, queue_id)
        kept = [p for p in points if at - SPARKLINE_SECONDS <= p["t"] <= at]
        step = max(1, len(kept) // SPARKLINE_POINTS)
        series[queue_id] = [p["available"] or 0 for p in kept[::step]]
    return series


def board_at(board: Board, audience: Audience, at: float) -> BoardAt | None:
    """None when the log holds nothing for `at` (before its window, or nothing stored)."""
    account_id = board.account.account_id
    moment = replay.moment(account_id, at)
    if moment is None:
        return None
    stored = StoredSnapshot(
        snapshot=moment.snapshot,
        version=moment.version,
        fetched_at=moment.fetched_at,
        health=HealthState(),
    )
    queue_ids = [q.id for q in moment.snapshot.queues]
    extras = Extras(
        queue_series=_series_at(account_id, queue_ids, at),
        alert_history=recent_alerts(board.pk, as_of=at),
    )
    settings = BoardSettings.of(board)
    return BoardAt(render_board(board_view(settings, stored, audience, extras)), moment)
