"""A board's day for its supervisors, from the interval history: as CSV,
`/boards/<slug>/report.csv?date=YYYY-MM-DD&by=interval|agent` (service/reports.py has the
rows), and today's intervals as a chart (boards/interval_chart.py)."""

import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from boards.access import watched_board
from boards.interval_chart import interval_chart
from boards.language import board_language
from boards.models import Board
from boards.presenters import agent_name
from service import reports
from snapshots import store


def names_of(board: Board) -> tuple[dict[int, str], dict[int, str]]:
    """Queue and agent names from the account's last snapshot (ids where it has none)."""
    stored = store.read_snapshot(board.account.account_id)
    if stored is None:
        return {}, {}
    snapshot = stored.snapshot
    queues = {q.id: q.queue_name or q.name for q in snapshot.queues}
    return queues, {a.id: agent_name(a) for a in snapshot.agents}


def report(board: Board, day: date, kind: str) -> str:
    queues, agents = names_of(board)
    if kind == "agent":
        return reports.to_csv(reports.agent_rows(board.account, day, agents))
    return reports.to_csv(reports.interval_rows(board.account, day, board.queue_ids or (), queues))


@login_required
def report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    board = watched_board(request, slug)
    kind = request.GET.get("by", "interval")
    if kind not in reports.KINDS:
        return HttpResponseBadRequest("by= must be interval or agent.", content_type="text/plain")
    today = datetime.now(ZoneInfo(board.account.time_zone)).date()
    try:
        day = date.fromisoformat(request.GET["date"]) if request.GET.get("date") else today
    except ValueError:
        return HttpResponseBadRequest("date= must be YYYY-MM-DD.", content_type="text/plain")
    response = HttpResponse(report(board, day, kind), content_type="text/csv; charset=utf-8")
    filename = f"{board.slug}-{day.isoformat()}-{kind}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def intervals(request: HttpRequest, slug: str) -> HttpResponse:
    """The chart's partial; the supervisor page loads it, and again every few minutes. In the
    board's language, as the page around it."""
    board = watched_board(request, slug)
    with board_language(board):
        chart = interval_chart(board, time.time())
        return render(request, "boards/history/_interval_chart.html", {"chart": chart})
