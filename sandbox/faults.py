"""Fault injection for `/v3` requests: rules that delay, fail or corrupt answers."""

import random
from dataclasses import asdict, dataclass
from typing import Any

from starlette.responses import JSONResponse, Response

from sandbox.envelope import ERRORS, error_body

KINDS = (
    "latency",
    "status",
    "error_true",
    "malformed",
    "truncated",
    "wrong_types",
    "huge",
    "outage",
)


class InvalidRule(ValueError):
    pass


@dataclass
class FaultRule:
    kind: str
    rate: float = 1.0
    path: str | None = None
    account_id: int | None = None
    count: int | None = None
    ms: int = 1000
    status: int = 500
    error_code: str = "INTERNAL_ERROR"
    megabytes: float = 1.0

    @classmethod
    def parse(cls, data: object) -> "FaultRule":
        if not isinstance(data, dict):
            raise InvalidRule("a rule is a JSON object")
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise InvalidRule(f"unknown fields {sorted(unknown)}")
        try:
            rule = cls(**data)
        except TypeError as error:
            raise InvalidRule(str(error)) from None
        rule.check()
        return rule

    def check(self) -> None:
        if self.kind not in KINDS:
            raise InvalidRule(f"kind must be one of {KINDS}")
        if self.kind == "status" and self.status not in ERRORS:
            raise InvalidRule(f"status must be one of {sorted(ERRORS)}")
        if not 0 <= float(self.rate) <= 1:
            raise InvalidRule("rate is between 0 and 1")
        if not 0 < float(self.megabytes) <= 64:
            raise InvalidRule("megabytes is between 0 and 64")

    def matches(self, path: str, account_segment: str | None) -> bool:
        if self.path is not None and self.path not in path:
            return False
        return self.account_id is None or str(self.account_id) == account_segment


class Faults:
    def __init__(self, seed: int) -> None:
        self.rules: list[FaultRule] = []
        self._rng = random.Random(f"{seed}:faults")

    def as_json(self) -> list[dict[str, Any]]:
        return [asdict(rule) for rule in self.rules]

    def hits(self, path: str, account_segment: str | None) -> list[FaultRule]:
        """The rules this request triggers; a rule with a `count` expires once used up."""
        hit = []
        for rule in list(self.rules):
            if not rule.matches(path, account_segment) or self._rng.random() >= rule.rate:
                continue
            hit.append(rule)
            if rule.count is not None:
                rule.count -= 1
                if rule.count <= 0:
                    self.rules.remove(rule)
        return hit


def replacement(rule: FaultRule, epoch: float) -> Response | None:
    """The answer a rule gives instead of the real one, or None if it alters the real one."""
    if rule.kind == "outage":
        return _error(503, epoch)
    if rule.kind == "status":
        return _error(rule.status, epoch)
    if rule.kind == "error_true":
        body = error_body(500, epoch, "Something went wrong", error_code=rule.error_code)
        return JSONResponse(body, status_code=200)
    if rule.kind == "malformed":
        html = "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>"
        return Response(html, status_code=200, media_type="text/html")
    return None


def _error(status: int, epoch: float) -> Response:
    details = {"provided_key": None, "help": "injected fault"} if status in (401, 403) else None
    response = JSONResponse(error_body(status, epoch, details=details), status_code=status)
    if status in (429, 503):
        response.headers["Retry-After"] = "5"
    return response


def alter(rule: FaultRule, body: dict[str, Any], status: int) -> Response:
    """Corrupts a real answer: cut in half, wrong types, or padded to a huge size."""
    if rule.kind == "truncated":
        raw = JSONResponse(body).body  # the exact bytes the real answer would have had
        return Response(raw[: len(raw) // 2], status_code=200, media_type="application/json")
    if rule.kind == "wrong_types":
        return JSONResponse(_wrong_types(body), status_code=status)
    real_size = len(JSONResponse(body).body)
    padding_size = max(0, int(rule.megabytes * 1_000_000) - real_size - 20)
    return JSONResponse({**body, "padding": "x" * padding_size}, status_code=200)


def _wrong_types(value: Any) -> Any:
    """Numbers become strings, booleans become numbers, strings become lists."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [_wrong_types(item) for item in value]
    if isinstance(value, dict):
        return {key: _wrong_types(item) for key, item in value.items()}
    return value
