"""Reading control API input: JSON bodies, typed fields, numeric path ids."""

import json
import math
from typing import Any

from starlette.requests import Request


class BadInput(ValueError):
    """Answered 400 by the control API."""


async def body_of(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise BadInput("the body is not JSON") from None
    if not isinstance(data, dict):
        raise BadInput("the body must be a JSON object")
    return data


def typed(
    body: dict[str, Any],
    name: str,
    kind: type | tuple[type, ...],
    default: Any = None,
) -> Any:
    value = body.get(name, default)
    if value is default:
        return value
    # bool is an int in Python; never let true pass as a number or a number as a flag.
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise BadInput(f"{name} has the wrong type")
    if not isinstance(value, kind):
        raise BadInput(f"{name} has the wrong type")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadInput(f"{name} must be finite")
    return value


def non_negative(body: dict[str, Any], name: str, default: Any = None) -> Any:
    value = typed(body, name, (int, float), default)
    if value is not None and value < 0:
        raise BadInput(f"{name} must not be negative")
    return value


def ids(request: Request, *names: str) -> list[int]:
    try:
        return [int(request.path_params[name]) for name in names]
    except ValueError:
        raise BadInput("ids are numeric") from None
