"""The enabled alert rules of each account, read from the database once per change.

The engine judges them on every poll (alerts/engine.py); they change only when someone edits
a rule, its board or the board's account. Each process keeps what it read with the
generation it read it at; a save or delete of any of the three moves the generation on in
Redis at once and again when it commits (what another process read in between is read
again), and the next poll reads again. One GET a poll instead of a query
with two joins. (The generation: wallboard/redis.py, as the dispatcher's plan has it.)
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Voice360Account
from alerts.models import AlertRule
from boards.models import Board
from wallboard.redis import generation as redis_generation
from wallboard.redis import move_generation

GENERATION_KEY = "wb:alerts:rules:generation"

_cache: dict[int, tuple[str, list[AlertRule]]] = {}


def enabled_rules(account_id: int) -> list[AlertRule]:
    generation = redis_generation(GENERATION_KEY)
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


def forget() -> None:
    """This process reads every account's rules again (tests: their rollbacks send nothing)."""
    _cache.clear()
