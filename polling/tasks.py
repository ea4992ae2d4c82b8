"""Celery tasks of the polling engine. Beat runs `dispatch_due_polls` every second."""

from collections import defaultdict
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from boards.messages import BoardMessage
from polling import dispatcher, early, poller, publish, repaint, writer
from wallboard.redis import get_redis

# Celery on Redis hands an ETA task to another worker again after the broker's visibility
# timeout (an hour by default) while the first still holds it: an 8 h expiry could run many
# times at once. The first run claims the message's expiry in Redis; the others do nothing.
EXPIRY_CLAIM_SECONDS = 24 * 3600


# A tick's claims go out as one task per quarter second of their due times, each task with
# the countdown to its step: polls start within a quarter second before they are due, and
# no task sleeps in a worker child (early polls need a free child at once).
STEP_SECONDS = 0.25


def in_steps(claims: list[dispatcher.Claim]) -> list[tuple[float, list, float]]:
    """(countdown, [(account id, wait after the countdown)], expires) of each task. Each
    expires with the first of its polls: a task that could not start in time is dropped,
    and its accounts are claimed again when their lease ends."""
    steps: dict[int, list[dispatcher.Claim]] = defaultdict(list)
    for claim in claims:
        steps[int(claim.wait // STEP_SECONDS)].append(claim)
    tasks = []
    for step, group in sorted(steps.items()):
        countdown = step * STEP_SECONDS
        due = [(c.account_id, c.wait - countdown) for c in group]
        tasks.append((countdown, due, min(c.expires for c in group)))
    return tasks


def send_polls(claims: list[dispatcher.Claim]) -> None:
    for countdown, due, expires in in_steps(claims):
        poll_due_accounts.apply_async((due,), countdown=countdown, expires=expires)


@shared_task(ignore_result=True)
def dispatch_due_polls() -> int:
    return len(dispatcher.dispatch(enqueue=send_polls))


@shared_task(ignore_result=True)
def poll_due_accounts(due: list[tuple[int, float]]) -> list[str]:
    """The scheduled polls of one tick: (account id, seconds from now) each."""
    return [str(r.outcome) for r in poller.poll_due([(int(a), float(w)) for a, w in due])]


@shared_task(ignore_result=True)
def poll_account(account_id: int) -> str:
    """One poll now (kept for tasks queued before an upgrade; the dispatcher sends batches)."""
    return poller.poll_account(account_id).outcome


def send_early_poll(account_id: int, countdown: float) -> None:
    early_poll.apply_async(
        (account_id,), countdown=countdown, expires=countdown + early.EARLY_POLL_EXPIRES_SECONDS
    )


@shared_task(ignore_result=True)
def early_poll(account_id: int, attempt: int = 0) -> str:
    """A poll asked for by a webhook event (polling/early.py)."""
    outcome = poller.poll_account(account_id, early=True).outcome
    _again_if_busy(early_poll, account_id, attempt, outcome)
    return outcome


@shared_task(ignore_result=True)
def refresh_overlay(account_id: int, attempt: int = 0) -> str:
    """Publish a changed overlay (an alert acknowledged) without reading the API."""
    outcome = writer.refresh_overlay(account_id, poller.lock_ttl()).outcome
    _again_if_busy(refresh_overlay, account_id, attempt, outcome)
    return outcome


@shared_task(ignore_result=True)
def refresh_board(board_id: int) -> None:
    """A board was edited or deleted: render it anew, then reconnect its screens."""
    publish.refresh_board(board_id)


def send_message_expiry(message_id: int, expires_at: datetime) -> None:
    message_expired.apply_async((message_id,), eta=expires_at)


@shared_task(ignore_result=True)
def message_expired(message_id: int) -> bool:
    """A message's time is up: its board's screens drop it (a publish on the way did
    already, or not: the snapshot may not have changed since). True when it refreshed."""
    message = BoardMessage.objects.select_related("board__account").filter(pk=message_id).first()
    if message is None or message.withdrawn_at is not None or message.expires_at is None:
        return False  # deleting or withdrawing it refreshed the board then
    if message.expires_at > timezone.now():
        send_message_expiry(message_id, message.expires_at)  # early (a clock moved): again
        return False
    if not get_redis().set(f"wb:message:expired:{message_id}", 1, nx=True, ex=EXPIRY_CLAIM_SECONDS):
        return False
    repaint_account(message.board.account.account_id)
    return True


@shared_task(ignore_result=True)
def repaint_account(account_id: int, attempt: int = 0) -> str:
    """A message to the floor posted, withdrawn or expired: the account's screens get it as
    a diff, without reconnecting (polling/repaint.py)."""
    outcome = repaint.repaint(account_id, poller.lock_ttl())
    _again_if_busy(repaint_account, account_id, attempt, outcome)
    return outcome


def _again_if_busy(task, account_id: int, attempt: int, outcome: str) -> None:
    """The poll holding the account may have read the API, or judged the alerts, before the
    change that asked for this task: run it again shortly, a bounded number of times."""
    if outcome == "busy" and attempt < early.BUSY_RETRIES:
        task.apply_async(
            (account_id, attempt + 1),
            countdown=early.BUSY_RETRY_SECONDS,
            expires=early.EARLY_POLL_EXPIRES_SECONDS,
        )
