"""The shape of a Voice360 webhook, checked before anything is stored.

The API doc defines the envelope: `event_name` (a string), `account_id` (a string of
digits), `timestamp` (integer Unix seconds) and `metadata` (an object). POST sends it as a
JSON body; GET as query parameters with `metadata` JSON-encoded. What is not such an
envelope raises Rejected with a short reason (a metric label) and a detail that names
fields, never their values: values carry phone numbers and message bodies.

Every envelope is stored, whatever its metadata holds: the doc shows one metadata example,
and an event must never be lost for a field we guessed. An event of a type the counts do
not know, or whose metadata lacks (or mistypes) a field they need (EVENT_FIELDS), is kept
with its `problem` and counted as not countable instead.
"""

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Check = Callable[[object], bool]


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_int(value: object) -> bool:
    # Within a signed 64-bit column: a larger id would fail in the database, not here.
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


def _is_number(value: object) -> bool:
    return _is_int(value) or isinstance(value, float)


def _is_int_or_null(value: object) -> bool:
    return value is None or _is_int(value)


_TYPE_NAMES: dict[Check, str] = {
    _is_str: "a string",
    _is_int: "an integer",
    _is_number: "a number",
    _is_int_or_null: "an integer or null",
}

_QUEUE_EVENT = {
    "call_id": _is_str,
    "queue_id": _is_int,
    "queue_name": _is_str,
    "from_number": _is_str,
    "wait_seconds": _is_number,
}
_SMS = {"message_id": _is_str, "from_number": _is_str, "to_number": _is_str}

# Required metadata fields per event type and their types (docs/sandbox.md "Webhooks").
EVENT_FIELDS: dict[str, dict[str, Check]] = {
    "INCOMING_EXTERNAL_CALL": {
        "call_id": _is_str,
        "from_number": _is_str,
        "to_number": _is_str,
        "queue_id": _is_int,
        "queue_name": _is_str,
    },
    "USER_DIAL": {
        "call_id": _is_str,
        "user_id": _is_int,
        "extension": _is_str,
        "from_number": _is_str,
        "to_number": _is_str,
    },
    "USER_ANSWER": {
        "call_id": _is_str,
        "user_id": _is_int,
        "extension": _is_str,
        "direction": _is_str,
        "from_number": _is_str,
        "to_number": _is_str,
        "queue_id": _is_int_or_null,
    },
    "USER_HANGUP": {
        "call_id": _is_str,
        "user_id": _is_int,
        "extension": _is_str,
        "to_number": _is_str,
        "duration": _is_number,
    },
    "CALL_ENDED": {
        "call_id": _is_str,
        "direction": _is_str,
        "from_number": _is_str,
        "to_number": _is_str,
        "duration": _is_number,
        "queue_id": _is_int_or_null,
        "user_id": _is_int_or_null,
        "reason": _is_str,
    },
    "SMS_RECEIVED": {**_SMS, "body": _is_str},
    "SMS_SENT": {**_SMS, "body": _is_str},
    "SMS_DELIVERED": {**_SMS, "status": _is_str},
    "QUEUE_NO_ANSWER": _QUEUE_EVENT,
    "QUEUE_HANGUP_TIMEOUT": _QUEUE_EVENT,
    "QUEUE_HANGUP_ABANDONED": _QUEUE_EVENT,
}
EVENT_TYPES = tuple(EVENT_FIELDS)
# A timestamp further ahead of our clock than this is the sender's clock being wrong: the
# event is stored at its receipt time (webhooks/storage.py) so that it cannot count towards
# a day not yet begun; today's counts take events up to this far ahead of `now`.
MAX_CLOCK_SKEW_SECONDS = 300
_DIGITS = re.compile(r"[0-9]{1,18}")
MAX_EVENT_NAME = 64
# Deeper JSON is no webhook: refused before it is parsed (Python's parser recurses).
MAX_NESTING = 32
_JSON_STRUCTURE = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class Rejected(ValueError):
    """A payload we do not store: `reason` is a metric label, `detail` names fields only."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class WebhookPayload:
    event_name: str
    account_id: str
    timestamp: int
    metadata: dict[str, Any]
    # Why the counts cannot use it ("" when they can): stored all the same.
    problem: str = ""

    def dedup_key(self) -> str:
        """The same event sent twice (or once by GET, once by POST) gives the same key."""
        canonical = json.dumps(
            {
                "event_name": self.event_name,
                "account_id": self.account_id,
                "timestamp": self.timestamp,
                "metadata": self.metadata,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


def _no_constants(name: str) -> object:
    # NaN and Infinity are not JSON, and databases refuse them in JSON columns.
    raise ValueError(f"{name} is not JSON")


def nesting(text: str | bytes) -> int:
    """How deep arrays and objects nest in a JSON text (strings skipped), without parsing."""
    data = text.encode() if isinstance(text, str) else text
    depth = deepest = 0
    for match in _JSON_STRUCTURE.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def _loads(text: str | bytes) -> object:
    if nesting(text) > MAX_NESTING:
        raise Rejected("too_deep", f"the JSON nests deeper than {MAX_NESTING} levels")
    return json.loads(text, parse_constant=_no_constants)


def parse_json_body(body: bytes) -> Mapping[str, object]:
    try:
        data = _loads(body)
    except Rejected:
        raise
    except (UnicodeDecodeError, ValueError):
        raise Rejected("bad_json", "the body is not JSON") from None
    if not isinstance(data, dict):
        raise Rejected("not_an_object", "the body is not a JSON object")
    return data


def parse_query(params: Mapping[str, str]) -> Mapping[str, object]:
    """A GET delivery: every value is a string; timestamp and metadata are decoded here."""
    data: dict[str, object] = dict(params)
    timestamp = data.get("timestamp")
    if isinstance(timestamp, str) and _DIGITS.fullmatch(timestamp):
        data["timestamp"] = int(timestamp)
    metadata = data.get("metadata")
    if isinstance(metadata, str):
        try:
            data["metadata"] = _loads(metadata)
        except Rejected:
            raise
        except ValueError:
            raise Rejected("bad_json", "the metadata parameter is not JSON") from None
    return data


def validate(data: Mapping[str, object], account_id: int) -> WebhookPayload:
    """The envelope, checked against the receiver's account; Rejected when it is none."""
    for name in ("event_name", "account_id", "timestamp", "metadata"):
        if name not in data:
            raise Rejected("missing_field", f"{name} is missing")
    event_name = data["event_name"]
    if not isinstance(event_name, str) or not 0 < len(event_name) <= MAX_EVENT_NAME:
        raise Rejected("bad_event_name", f"event_name is not a string of 1 to {MAX_EVENT_NAME}")
    sender = data["account_id"]
    if not isinstance(sender, str) or not _DIGITS.fullmatch(sender):
        raise Rejected("bad_account_id", "account_id is not a string of digits")
    if int(sender) != account_id:
        raise Rejected("wrong_account", "account_id is not this receiver's account")
    timestamp = data["timestamp"]
    if not _is_int(timestamp) or not 0 <= timestamp < 2**41:  # type: ignore[operator]
        raise Rejected("bad_timestamp", "timestamp is not integer Unix seconds")
    metadata = data["metadata"]
    if not isinstance(metadata, dict):
        raise Rejected("bad_metadata", "metadata is not an object")
    metadata, had_nul = _without_nul(metadata)
    event_name, nul_in_name = _without_nul(event_name)
    problem = _countable_problem(event_name, metadata)
    if had_nul or nul_in_name:
        problem = problem or "NUL characters were replaced"
    return WebhookPayload(event_name, sender, timestamp, metadata, problem)  # type: ignore[arg-type]


def _without_nul(value: Any) -> tuple[Any, bool]:
    """PostgreSQL stores no NUL in text or JSON: each becomes U+FFFD (and is noted)."""
    if isinstance(value, str):
        return (value.replace("\x00", "\ufffd"), True) if "\x00" in value else (value, False)
    if isinstance(value, list):
        items = [_without_nul(v) for v in value]
        return [v for v, _ in items], any(found for _, found in items)
    if isinstance(value, dict):
        pairs = [(_without_nul(k), _without_nul(v)) for k, v in value.items()]
        cleaned = {k: v for (k, _), (v, _) in pairs}
        return cleaned, any(kf or vf for (_, kf), (_, vf) in pairs)
    return value, False


def _countable_problem(event_name: str, metadata: dict[str, object]) -> str:
    """Why the counts cannot use the event, or "" when they can."""
    fields = EVENT_FIELDS.get(event_name)
    if fields is None:
        return "event_name is not a type the counts know"
    for field, check in fields.items():
        if field not in metadata:
            return f"metadata.{field} is missing for {event_name}"
        if not check(metadata[field]):
            return f"metadata.{field} is not {_TYPE_NAMES[check]} for {event_name}"
    return ""
