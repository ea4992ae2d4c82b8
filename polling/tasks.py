"""Celery tasks of the polling engine. Beat runs `dispatch_due_polls` every second."""

from celery import shared_task

from polling import dispatcher, early, poller, publish, writer


def send_poll(account_id: int, expires: float, countdown: float) -> None:
    poll_account.apply_async((account_id,), countdown=countdown, expires=expires)


@shared_task(ignore_result=True)
def dispatch_due_polls() -> int:
    return len(dispatcher.dispatch(enqueue=send_poll))


@shared_task(ignore_result=True)
def poll_account(account_id: int) -> str:
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


def _again_if_busy(task, account_id: int, attempt: int, outcome: str) -> None:
    """The poll holding the account may have read the API, or judged the alerts, before the
    change that asked for this task: run it again shortly, a bounded number of times."""
    if outcome == "busy" and attempt < early.BUSY_RETRIES:
        task.apply_async(
            (account_id, attempt + 1),
            countdown=early.BUSY_RETRY_SECONDS,
            expires=early.EARLY_POLL_EXPIRES_SECONDS,
        )
