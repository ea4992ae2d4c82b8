"""Checking what an API request carries: ids in the path, fields of the JSON body."""

import re
from typing import Any

from sandbox.envelope import ApiError

PHONE = re.compile(r"^\+?[0-9]{3,15}$")


def parse_id(text: str, what: str) -> int:
    if not text.isdigit():
        raise ApiError(400, f"The {what} must be numeric")
    return int(text)


def require_string(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise ApiError(400, f"'{name}' is required and must be a string")
    return value


def require_phone(body: dict[str, Any], name: str) -> str:
    value = require_string(body, name)
    if not PHONE.match(value):
        raise ApiError(400, f"'{name}' must be a phone number")
    return value
