"""The shape of a boards file: which keys a record has, their types and defaults.

Checking a value gives it in its canonical form (the form the export writes), or records
an `Error` at its path in the document and gives INVALID. Defaults come from the models'
own fields, ranges and choices from their validators (checked later by full_clean): only
the YAML types are checked here. A key that is not in a record's spec is refused, so a
misspelt key never passes silently and later versions can add keys safely.
"""

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps

SCHEMA_VERSION = 1
INVALID = object()
REQUIRED = object()
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")


@dataclass(frozen=True)
class Error:
    path: str
    message: str

    def line(self, filename: str) -> str:
        return f"{filename}: {self.path or '(document)'}: {self.message}"


Check = Callable[[object, str, list[Error]], object]


@dataclass(frozen=True)
class Key:
    name: str
    check: Check
    default: object = REQUIRED

    def default_value(self) -> object:
        return self.default() if callable(self.default) else self.default


def field_default(model: str, name: str) -> Callable[[], object]:
    """The default of the model's field ("app_label.Model"), in the document's form."""

    def default() -> object:
        value = apps.get_model(model)._meta.get_field(name).get_default()
        return format_time(value) if isinstance(value, dt.time) else value

    return default


def _fail(errors: list[Error], path: str, message: str) -> object:
    errors.append(Error(path, message))
    return INVALID


def integer(value: object, path: str, errors: list[Error]) -> object:
    if isinstance(value, bool) or not isinstance(value, int):
        return _fail(errors, path, "not an integer")
    return value


def boolean(value: object, path: str, errors: list[Error]) -> object:
    if not isinstance(value, bool):
        return _fail(errors, path, "not true or false")
    return value


def string(value: object, path: str, errors: list[Error]) -> object:
    if not isinstance(value, str):
        return _fail(errors, path, "not a string")
    return value


def mapping(value: object, path: str, errors: list[Error]) -> object:
    """Any mapping, its entries checked by whoever reads it (a tile's options: the layout)."""
    if not isinstance(value, dict):
        return _fail(errors, path, "not a mapping (key: value lines)")
    return value


def time(value: object, path: str, errors: list[Error]) -> object:
    """ "HH:MM" or "HH:MM:SS". Unquoted, YAML 1.1 reads 22:00 as the number 1320."""
    match = TIME.match(value) if isinstance(value, str) else None
    if match is None:
        return _fail(errors, path, 'not a time: write it in quotes, e.g. "08:30"')
    hour, minute, second = (int(part or 0) for part in match.groups())
    return format_time(dt.time(hour, minute, second))


def format_time(value: dt.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def parse_time(value: str | None) -> dt.time | None:
    return None if value is None else dt.time.fromisoformat(value)


def optional(check: Check) -> Check:
    def check_optional(value: object, path: str, errors: list[Error]) -> object:
        return None if value is None else check(value, path, errors)

    return check_optional


def list_of(check: Check) -> Check:
    def check_list(value: object, path: str, errors: list[Error]) -> object:
        if not isinstance(value, list):
            return _fail(errors, path, "not a list")
        items = [check(item, f"{path}[{index}]", errors) for index, item in enumerate(value)]
        return INVALID if any(item is INVALID for item in items) else items

    return check_list


def record(keys: tuple[Key, ...]) -> Check:
    """A mapping with these keys (in this order once checked), defaults for those left out."""
    names = [key.name for key in keys]

    def check_record(value: object, path: str, errors: list[Error]) -> object:
        if not isinstance(value, dict):
            return _fail(errors, path, "not a mapping (key: value lines)")
        result, ok = {}, True
        for name in value:
            if name not in names:
                ok = False
                _fail(errors, join(path, name), unknown_key(name, names))
        for key in keys:
            if key.name in value:
                result[key.name] = key.check(value[key.name], join(path, key.name), errors)
            elif key.default is REQUIRED:
                result[key.name] = _fail(errors, join(path, key.name), "missing")
            else:
                result[key.name] = key.default_value()
            ok = ok and result[key.name] is not INVALID
        return result if ok else INVALID

    return check_record


def join(path: str, name: object) -> str:
    return f"{path}.{name}" if path else str(name)


def unknown_key(name: object, names: list[str]) -> str:
    close = difflib.get_close_matches(str(name), names, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    return f"unknown key{hint} (see docs/boards-as-code.md)"
