"""Accounts, boards, rules and snapshots for the alert tests, from the real models."""

import datetime as dt

from accounts.models import Voice360Account
from alerts.models import AlertEvent, AlertRule, RuleKind
from boards.models import Board
from snapshots.models import QueueToday, Snapshot, TodayCounts
from tests.boards.factories import queue

ACCOUNT = 61
SALES, SUPPORT = 100134, 100135
# 2027-01-15 12:00:00 UTC; Europe/Berlin is UTC+1 then (13:00 local).
NOON_UTC = dt.datetime(2027, 1, 15, 12, 0, tzinfo=dt.UTC).timestamp()


def make_board(slug: str = "floor", *, account_id: int = ACCOUNT, tz: str = "UTC", **fields):
    account, _ = Voice360Account.objects.get_or_create(
        account_id=account_id, defaults={"name": f"Account {account_id}", "time_zone": tz}
    )
    return Board.objects.create(
        slug=slug, title=fields.pop("title", slug.title()), account=account, **fields
    )


def make_rule(board: Board, kind: str = RuleKind.NO_AGENT_READY, **fields) -> AlertRule:
    url = fields.pop("webhook_url", None)
    rule = AlertRule(board=board, kind=kind, **fields)
    rule.set_webhook_url(url)
    rule.full_clean()
    rule.save()
    return rule


def open_event(rule: AlertRule, message: str = "No agent ready in Sales") -> AlertEvent:
    """An alert of `rule` on Sales, fired at noon on 2027-01-15 and still on."""
    return AlertEvent.objects.create(
        rule=rule,
        board=rule.board,
        queue_id=SALES,
        kind=rule.kind,
        message=message,
        fired_at=dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC),
    )


def snapshot(*, sales_available: int = 2, support_available: int = 2, today=None) -> Snapshot:
    return Snapshot(
        account_id=ACCOUNT,
        source="key",
        agents=[],
        queues=[
            queue(SALES, "Sales", available=sales_available),
            queue(SUPPORT, "Support", available=support_available),
        ],
        today=today,
    )


def today(**per_queue: QueueToday) -> TodayCounts:
    ids = {"sales": SALES, "support": SUPPORT}
    return TodayCounts(
        date="2027-01-15",
        time_zone="UTC",
        total=QueueToday(),
        queues={ids[name]: counts for name, counts in per_queue.items()},
        agents={},
    )
