"""The rules of a board's own fields, beside the model (boards/models.py) that uses them."""

import re

from django.core.exceptions import ValidationError


def validate_queue_ids(value: object) -> None:
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) and item > 0 for item in value
    ):
        raise ValidationError("Queue ids must be a list of positive whole numbers, e.g. [100134].")


def validate_accent_color(value: str) -> None:
    if value and not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ValidationError('An accent colour is "#" and six hex digits, e.g. "#0a7cff".')


WEEKDAYS = ((1, "Mon"), (2, "Tue"), (3, "Wed"), (4, "Thu"), (5, "Fri"), (6, "Sat"), (7, "Sun"))


def default_business_days() -> list[int]:
    return [1, 2, 3, 4, 5]


def validate_business_days(value: object) -> None:
    if not isinstance(value, list) or not all(
        isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 7 for day in value
    ):
        raise ValidationError("Business days are ISO weekdays, 1 (Monday) to 7 (Sunday).")
