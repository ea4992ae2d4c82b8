"""The shape of a Voice360 webhook, checked field by field before anything is stored.

A payload has `event_name` (one of the 11 types), `account_id` (a string of digits),
`timestamp` (integer Unix seconds) and `metadata` (an object with the type's fields, see
EVENT_FIELDS; extra keys are tolerated). POST sends it as a JSON body; GET as query
parameters with `metadata` JSON-encoded. Anything else raises Rejected with a short reason
(a metric label) and a detail that names fields, never their values: values carry phone
numbers and message bodies.
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


def _loads(text: str | bytes) -> object:
    return json.loads(text, parse_constant=_no_constants)


def parse_json_body(body: bytes) -> Mapping[str, object]:
    try:
        data = _loads(body)
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
        except ValueError:
            raise Rejected("bad_json", "the metadata parameter is not JSON") from None
    return data


def validate(data: Mapping[str, object], account_id: int) -> WebhookPayload:
    """The payload, checked against the receiver's account; Rejected otherwise."""
    for name in ("event_name", "account_id", "timestamp", "metadata"):
        if name not in data:
            raise Rejected("missing_field", f"{name} is missing")
    event_name = data["event_name"]
    if not isinstance(event_name, str) or event_name not in EVENT_FIELDS:
        raise Rejected("unknown_event", "event_name is not a Voice360 event type")
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
    if "\\u0000" in json.dumps(metadata):  # PostgreSQL stores no NUL in text or JSON
        raise Rejected("bad_metadata", "metadata contains a NUL character")
    _check_metadata(event_name, metadata)
    return WebhookPayload(event_name, sender, timestamp, metadata)  # type: ignore[arg-type]


def _check_metadata(event_name: str, metadata: dict[str, object]) -> None:
    for field, check in EVENT_FIELDS[event_name].items():
        if field not in metadata:
            raise Rejected("missing_field", f"metadata.{field} is missing for {event_name}")
        if not check(metadata[field]):
            raise Rejected(
                "wrong_type", f"metadata.{field} is not {_TYPE_NAMES[check]} for {event_name}"
            )
