"""From a file's records to model instances, checked by the models' own full_clean: each
rule (ranges, choices, a rule's threshold, quiet hours, playlist seconds) has one home, the
model, and its message reaches the file's path unchanged."""

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from boards.as_code.document import Error, join, parse_time
from boards.as_code.schema import BOARD_FIELDS, RULE, RULE_FIELDS, TIME_FIELDS
from boards.models import Board, KioskToken, PlaylistEntry, QueueThreshold


def alert_rule_model() -> type[models.Model]:
    # Through the app registry: the alerts app sits above boards (docs/architecture.md),
    # which must not import it.
    return apps.get_model(RULE)


def clean(instance: models.Model, path: str, errors: list[Error], exclude=()) -> bool:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            where = path if field == NON_FIELD_ERRORS else join(path, field)
            errors.extend(Error(where, message) for message in messages)
        return False
    return True


def save_checked(instance: models.Model, path: str, errors: list[Error], exclude=()) -> bool:
    if clean(instance, path, errors, exclude):
        instance.save()
        return True
    return False


def set_board_fields(board: Board, wanted: dict, account: models.Model | None) -> None:
    board.title = wanted["title"]
    board.account = account
    for key in BOARD_FIELDS:
        setattr(board, key.name, _value(key.name, wanted[key.name]))


def board_fields_differ(current: dict, wanted: dict) -> list[str]:
    keys = ("title", "account", *(key.name for key in BOARD_FIELDS))
    return [key for key in keys if current[key] != wanted[key]]


def threshold(board: Board, item: dict) -> QueueThreshold:
    return QueueThreshold(board=board, **item)


def set_rule_fields(rule: models.Model, item: dict) -> None:
    for key in RULE_FIELDS:
        setattr(rule, key.name, _value(key.name, item[key.name]))


def new_rule(board: Board, item: dict) -> models.Model:
    rule = alert_rule_model()(board=board)
    set_rule_fields(rule, item)
    return rule


def screen(board: Board, item: dict) -> KioskToken:
    return KioskToken(board=board, name=item["name"], sound_enabled=item["sound_enabled"])


SCREEN_EXCLUDE = ("board", "token_hash")
ENTRY_EXCLUDE = ("token", "board")


def playlist_entry(item: dict, position: int) -> PlaylistEntry:
    return PlaylistEntry(seconds=item["seconds"], position=position)


def _value(name: str, value: object) -> object:
    return parse_time(value) if name in TIME_FIELDS else value
