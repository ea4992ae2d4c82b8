"""The enabled alert rules and the open alert events of each account, read from the
database once per change.

The engine judges them on every poll (alerts/engine.py); the rules change only when someone
edits a rule, its board or the board's account, and the open events when the engine opens,
closes or announces one, or someone acknowledges or edits one. Each process keeps what it
read with the generations it read it at: the rules' (one for every account) and the
account's open events'. A change moves its generation on in Redis at once and again when it
commits (what another process read in between is read again), and the next poll reads
again. One MGET a poll instead of two queries. (The generations: wallboard/redis.py, as the
dispatcher's plan has it.)
"""

from collections.abc import Callable

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Voice360Account
from alerts.models import AlertEvent, AlertRule
from alerts.signals import alert_acknowledged
from boards.models import Board
from wallboard.redis import generation as redis_generation
from wallboard.redis import get_redis, move_generation

GENERATION_KEY = "wb:alerts:rules:generation"

OpenEvents = dict[tuple[int, int], AlertEvent]  # (rule, queue) -> its open event

_cache: dict[int, tuple[str, list[AlertRule]]] = {}
_open_cache: dict[int, tuple[tuple[str, str], OpenEvents]] = {}


def events_key(account_id: int) -> str:
    return f"wb:alerts:open:{account_id}:generation"


def _generations(account_id: int) -> tuple[str, str]:
    """The rules' and the account's open events' generations, in one round trip."""
    rules, events = get_redis().mget(GENERATION_KEY, events_key(account_id))
    if rules is None:
        rules = redis_generation(GENERATION_KEY)  # a Redis that lost it: start anew
    if events is None:
        events = redis_generation(events_key(account_id))
    return rules, events


def enabled_rules(account_id: int, generation: str | None = None) -> list[AlertRule]:
    generation = generation or redis_generation(GENERATION_KEY)
    cached = _cache.get(account_id)
    if cached is not None and cached[0] == generation:
        return cached[1]
    rules = list(
        AlertRule.objects.filter(board__account__account_id=account_id, enabled=True)
        .select_related("board__account")
        .order_by("board_id", "pk")
    )
    _cache[account_id] = (generation, rules)
    return rules


def rules_and_open_events(
    account_id: int, read_open: Callable[[int], OpenEvents]
) -> tuple[list[AlertRule], OpenEvents]:
    """The account's enabled rules, and its open events as `read_open` read them last (a
    dict of the caller's own; the events stay as read: whoever changes one in the database
    calls events_changed)."""
    generations = _generations(account_id)
    rules = enabled_rules(account_id, generations[0])
    cached = _open_cache.get(account_id)
    if cached is None or cached[0] != generations:
        cached = _open_cache[account_id] = (generations, read_open(account_id))
    return rules, dict(cached[1])


def events_changed(account_id: int, committed: bool = False) -> None:
    """An open event of the account was opened, closed or changed: read them again.
    `committed`: the change is committed already (the engine's, in autocommit), so once is
    enough; else again when the transaction commits."""

    def move() -> None:
        move_generation(events_key(account_id))

    forget_events(account_id)
    move()
    if not committed:
        transaction.on_commit(move, robust=True)


def forget_events(account_id: int) -> None:
    """This process reads the account's open events again."""
    _open_cache.pop(account_id, None)


def _changed() -> None:
    move_generation(GENERATION_KEY)


@receiver([post_save, post_delete], sender=AlertRule, dispatch_uid="alerts-rules-changed")
@receiver([post_save, post_delete], sender=Board, dispatch_uid="alerts-rules-board-changed")
@receiver(
    [post_save, post_delete], sender=Voice360Account, dispatch_uid="alerts-rules-account-changed"
)
def rules_changed(sender: type, **kwargs: object) -> None:
    if not kwargs.get("raw"):
        _changed()
        transaction.on_commit(_changed, robust=True)


@receiver([post_save, post_delete], sender=AlertEvent, dispatch_uid="alerts-events-changed")
def event_changed(sender: type, instance: AlertEvent, **kwargs: object) -> None:
    """An event saved or deleted outside the engine (the admin, a rule or board deleted):
    rare, so every account reads again. The engine's own new events say so themselves."""
    if not kwargs.get("raw") and not kwargs.get("created"):
        _changed()
        transaction.on_commit(_changed, robust=True)


@receiver(alert_acknowledged, dispatch_uid="alerts-events-acknowledged")
def acknowledged(sender: type, account_id: int, **kwargs: object) -> None:
    events_changed(account_id)


def forget() -> None:
    """This process reads every account's rules and events again (tests: their rollbacks
    send nothing)."""
    _cache.clear()
    _open_cache.clear()
