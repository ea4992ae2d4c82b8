"""Acknowledging an alert: a supervisor says "seen, on it", and every screen stops beeping.

The button sits in the queue tile, which is rendered once per feed and shared by every
supervisor, so it carries only the event id and this URL; alerts.js posts with the CSRF
token of the (per-user) page. The answer is JSON: 200 when acknowledged now or already
(idempotent), 403 for an anonymous request, 404 for a board the user may not watch or an
event of another board.
"""

import logging

from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from alerts.models import AlertEvent
from alerts.signals import alert_acknowledged
from boards.models import Board

logger = logging.getLogger(__name__)


@require_POST
def acknowledge(request: HttpRequest, slug: str, event_id: int) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Log in to acknowledge alerts."}, status=403)
    board = get_object_or_404(Board.objects.select_related("account"), slug=slug)
    if not board.can_be_watched_by(request.user):
        raise Http404
    event = get_object_or_404(AlertEvent, pk=event_id, board=board)
    now = timezone.now()
    updated = AlertEvent.objects.filter(pk=event.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=request.user
    )
    if updated:
        _republish(board.account.account_id, event.pk)
    event.refresh_from_db(fields=["acknowledged_at", "acknowledged_by"])
    return JsonResponse(
        {
            "id": event.pk,
            "acknowledged": True,
            "already": not updated,
            "acknowledged_at": event.acknowledged_at.isoformat(),
            "acknowledged_by": event.acknowledged_by.get_username()
            if event.acknowledged_by
            else None,
        }
    )


def _republish(account_id: int, event_id: int) -> None:
    """Every screen sees the acknowledgement within a moment; should the broker be down,
    the account's next poll judges the alerts again and carries it all the same."""
    try:
        alert_acknowledged.send(sender=AlertEvent, account_id=account_id)
    except Exception:
        logger.warning(
            "alert %s acknowledged; overlay refresh not sent account=%s", event_id, account_id
        )
