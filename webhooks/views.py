"""The receiver: POST /webhooks/voice360/<token>/ (JSON body) or GET (query parameters).

Not rate-limited per IP: the upstream sends bursts from a few addresses, and only someone
who knows the account's token gets past the lookup; requests with a token that matches no
receiver are limited per address, so nobody guesses at speed. Answers are short JSON: 200 stored or
duplicate, 400 with the reason, 404 for an unknown token, 413 past the size limit, 503
when the database cannot store (so that the sender retries).
"""

import logging
import time

from django.conf import settings
from django.db import DatabaseError
from django.db.models import F
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from wallboard.body_limit import TOO_LARGE
from webhooks import metrics, storage
from webhooks.models import WebhookReceiver, hash_token
from webhooks.validation import Rejected, parse_json_body, parse_query, validate

logger = logging.getLogger(__name__)


class TooLarge(Exception):
    pass


def _rate(group: str, request: HttpRequest) -> str:
    return settings.PUBLIC_RATE_LIMIT


@csrf_exempt
def receive(request: HttpRequest, token: str) -> JsonResponse:
    received = time.time()
    try:
        receiver = _find_receiver(token)
    except DatabaseError as exc:
        return _unavailable(exc)
    if receiver is None:
        if is_ratelimited(
            request, group="webhook-unknown-token", key="ip", rate=_rate, increment=True
        ):
            return _reject(None, "unknown_token_limited", "too many unknown tokens", 429)
        return _reject(None, "unknown_token", "no receiver has this token", 404)
    if request.method not in ("GET", "POST"):
        return _reject(receiver, "bad_method", "use POST (or GET)", 405)
    try:
        payload = validate(_read(request), receiver.account.account_id)
    except TooLarge:
        limit = settings.WEBHOOK_MAX_BODY_BYTES
        return _reject(receiver, "too_large", f"the payload is over {limit} bytes", 413)
    except Rejected as rejected:
        return _reject(receiver, rejected.reason, rejected.detail, 400)
    try:
        stored = storage.store(receiver, payload, received)
    except DatabaseError as exc:
        return _unavailable(exc)
    return JsonResponse({"status": "stored" if stored else "duplicate"})


def _find_receiver(token: str) -> WebhookReceiver | None:
    lookup = WebhookReceiver.objects.select_related("account")
    return lookup.filter(token_hash=hash_token(token)).first()


def _read(request: HttpRequest) -> object:
    limit = settings.WEBHOOK_MAX_BODY_BYTES
    if getattr(request, "scope", {}).get(TOO_LARGE):
        raise TooLarge  # refused before it was read (wallboard/body_limit.py)
    if request.method == "GET":
        if len(request.META.get("QUERY_STRING", "")) > limit:
            raise TooLarge
        return parse_query(request.GET.dict())
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise TooLarge
    body = request.read(limit + 1)
    if len(body) > limit:
        raise TooLarge
    return parse_json_body(body)


def _reject(
    receiver: WebhookReceiver | None, reason: str, detail: str, status: int
) -> JsonResponse:
    # Names the account and the reason; never the token, a phone number or a message body.
    account = receiver.account.account_id if receiver else "-"
    logger.warning("webhook rejected account=%s reason=%s: %s", account, reason, detail)
    metrics.count_rejected(reason)
    if receiver is not None:
        try:
            WebhookReceiver.objects.filter(pk=receiver.pk).update(
                rejected_count=F("rejected_count") + 1, last_rejected_at=timezone.now()
            )
        except DatabaseError as exc:
            logger.warning("webhook rejection not counted in the database: %s", type(exc).__name__)
    return JsonResponse({"error": reason, "detail": detail}, status=status)


def _unavailable(exc: DatabaseError) -> JsonResponse:
    logger.warning("webhook not stored, database unavailable (%s): 503", type(exc).__name__)
    metrics.count_rejected("database_unavailable")
    return JsonResponse({"error": "database_unavailable"}, status=503)
