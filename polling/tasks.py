"""Celery tasks of the polling engine. Beat runs `dispatch_due_polls` every second."""

from celery import shared_task

from polling import dispatcher, poller


@shared_task(ignore_result=True)
def dispatch_due_polls() -> int:
    return len(dispatcher.dispatch())


@shared_task(ignore_result=True)
def poll_account(account_id: int) -> str:
    return poller.poll_account(account_id).outcome


@shared_task(ignore_result=True)
def early_poll(account_id: int, attempt: int = 0) -> str:
    """A poll asked for by a webhook event (polling/early.py)."""
    outcome = poller.poll_account(account_id, early=True).outcome
    _again_if_busy(early_poll, account_id, attempt, outcome)
    return outcome


@shared_task(ignore_result=True)
def refresh_overlay(account_id: int, attempt: int = 0) -> str:
    """Publish a changed overlay (an alert acknowledged) without reading the API."""
    outcome = poller.refresh_overlay(account_id).outcome
    _again_if_busy(refresh_overlay, account_id, attempt, outcome)
    return outcome


def _again_if_busy(task, account_id: int, attempt: int, outcome: str) -> None:
    """The poll holding the account may have read the API, or judged the alerts, before the
    change that asked for this task: run it again shortly, a bounded number of times."""
    from polling import early

    if outcome == "busy" and attempt < early.BUSY_RETRIES:
        task.apply_async(
            (account_id, attempt + 1),
            countdown=early.BUSY_RETRY_SECONDS,
            expires=early.EARLY_POLL_EXPIRES_SECONDS,
        )
