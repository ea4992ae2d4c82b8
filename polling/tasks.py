"""Celery tasks of the polling engine. Beat runs `dispatch_due_polls` every second."""

from celery import shared_task

from polling import dispatcher, poller


@shared_task(ignore_result=True)
def dispatch_due_polls() -> int:
    return len(dispatcher.dispatch())


@shared_task(ignore_result=True)
def poll_account(account_id: int) -> str:
    return poller.poll_account(account_id).outcome
