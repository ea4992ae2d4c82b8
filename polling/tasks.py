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
    from polling import early

    outcome = poller.poll_account(account_id, early=True).outcome
    if outcome == "busy" and attempt < early.BUSY_RETRIES:
        early.send_early_poll(account_id, early.BUSY_RETRY_SECONDS, attempt + 1)
    return outcome


@shared_task(ignore_result=True)
def refresh_overlay(account_id: int, attempt: int = 0) -> str:
    """Publish a changed overlay (an alert acknowledged) without reading the API. While a
    poll holds the account it may have judged the alerts before the change: try again."""
    from polling import early

    outcome = poller.refresh_overlay(account_id).outcome
    if outcome == "busy" and attempt < early.BUSY_RETRIES:
        refresh_overlay.apply_async(
            (account_id, attempt + 1), countdown=early.BUSY_RETRY_SECONDS, expires=30
        )
    return outcome
