"""Message records: the JSON shape of one message in JSONL and JSON input and output files.

A record is an object with a ``payload`` key (or ``payload64``); anything else is a bare payload.
Record keys:

- ``payload``: a JSON value (serialised with ``json.dumps``) or a string (its UTF-8 text, as-is).
- ``payload64``: base64 bytes, for payloads that are not UTF-8 text (a workbench extension).
- ``topic``: text. ``content_type``: text.
- ``properties``: MQTT user properties, an object of strings (or a list of ``[key, value]``
  pairs when keys repeat), or AIO's MQTT properties object: ``{"user-properties": {...},
  "content-type": "..."}``.
- ``timestamp``: HLC text ``<ms>:<counter>:<node>``, integer milliseconds, or ISO-8601.
- ``tst``, ``qos``, ``retain``, ``payloadlen``: written by AIO's local runtime (mosquitto's
  JSON output); read and ignored.

``message_record`` writes the format of AIO's local runtime output, one object a line:
``{"tst", "topic", "qos", "retain", "payloadlen", "properties": {"user-properties", "content-type"},
"payload"}``, the HLC timestamp in the ``__ts`` user property.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from ..messages import Message, Timestamp
from .timestamps import parse_timestamp, property_timestamp, stamp

PAYLOAD_KEYS = ("payload", "payload64")
RECORD_KEYS = (*PAYLOAD_KEYS, "topic", "timestamp", "properties", "content_type", "tst", "qos", "retain",
               "payloadlen")
USER_PROPERTIES = "user-properties"
CONTENT_TYPE = "content-type"


class RecordError(ValueError):
    """A record or value is malformed; readers add the file and line."""


def is_record(item: Any) -> bool:
    return isinstance(item, dict) and any(key in item for key in PAYLOAD_KEYS)


def payload_bytes(value: Any) -> bytes:
    """Bytes of a payload given as a JSON value: text as-is, anything else serialised."""
    if isinstance(value, str):
        return value.encode("utf-8")
    try:
        return json.dumps(value, allow_nan=False).encode("utf-8")
    except ValueError as exc:
        raise RecordError(f"payload {value!r} is not valid JSON: {exc}") from exc


def message_from_payload(item: Any, topic: str, fallback: Timestamp) -> Message:
    """A bare payload (already parsed JSON) as a message."""
    return stamp(Message(payload_bytes(item), topic, fallback))


def message_from_record(record: dict[str, Any], topic: str, fallback: Timestamp) -> Message:
    """A record as a message; its timestamp from ``timestamp``, else ``__ts``, else ``fallback``."""
    unknown = [key for key in record if key not in RECORD_KEYS]
    if unknown:
        raise RecordError(f"unknown record key {unknown[0]!r}; a record has keys among {', '.join(RECORD_KEYS)}")
    payload = _record_payload(record)
    properties, content_type = _record_properties(record.get("properties"))
    content_type = _text(record, "content_type", content_type)
    topic = _text(record, "topic", topic) or ""
    return stamp(Message(payload, topic, _timestamp(record, properties, fallback), content_type, properties))


def _record_payload(record: dict[str, Any]) -> bytes:
    if "payload64" in record:
        try:
            return base64.b64decode(record["payload64"], validate=True)
        except (binascii.Error, TypeError, ValueError) as exc:
            raise RecordError(f"payload64 {record['payload64']!r} is not base64") from exc
    return payload_bytes(record["payload"])


def _text(record: dict[str, Any], key: str, default: str | None) -> str | None:
    value = record.get(key, default)
    if value is not None and not isinstance(value, str):
        raise RecordError(f"{key} must be text, got {value!r}")
    return value


def _record_properties(value: Any) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """User properties and content type from a ``properties`` value."""
    if isinstance(value, dict) and (USER_PROPERTIES in value or CONTENT_TYPE in value):
        content_type = value.get(CONTENT_TYPE)
        if content_type is not None and not isinstance(content_type, str):
            raise RecordError(f"content-type must be text, got {content_type!r}")
        return user_properties(value.get(USER_PROPERTIES)), content_type
    return user_properties(value), None


def user_properties(value: Any) -> tuple[tuple[str, str], ...]:
    """MQTT user properties from an object of strings or a list of ``[key, value]`` pairs."""
    if value is None:
        return ()
    if isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, list) and all(isinstance(p, list) and len(p) == 2 for p in value):
        pairs = [tuple(p) for p in value]
    else:
        raise RecordError(f"properties must be an object of strings or a list of [key, value] pairs, got {value!r}")
    for key, text in pairs:
        if not isinstance(key, str) or not isinstance(text, str):
            raise RecordError(f"user property {key!r}: {text!r} is not a pair of strings")
    return tuple((str(k), str(v)) for k, v in pairs)


def _timestamp(record: dict[str, Any], properties: tuple[tuple[str, str], ...], fallback: Timestamp) -> Timestamp:
    value: Any = record.get("timestamp")
    if value is None:
        value = property_timestamp(properties)
    if value is None:
        return fallback
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise RecordError(f"unparseable timestamp {value!r}: {exc}") from exc


def message_record(message: Message) -> dict[str, Any]:
    """The JSON record AIO's local runtime writes for an output message."""
    message = stamp(message)
    props = message.properties
    keys = [key for key, _ in props]
    user: Any = dict(props) if len(set(keys)) == len(keys) else [list(p) for p in props]
    properties: dict[str, Any] = {USER_PROPERTIES: user}
    if message.content_type is not None:
        properties[CONTENT_TYPE] = message.content_type
    record: dict[str, Any] = {"tst": _tst(message.timestamp), "topic": message.topic, "qos": 0, "retain": 0,
                              "payloadlen": len(message.payload), "properties": properties}
    if record["tst"] is None:
        del record["tst"]  # readers ignore tst; __ts keeps the timestamp whatever its value
    record.update(_payload_field(message.payload))
    return record


def _tst(ts: Timestamp) -> str | None:
    """The date-time of ``ts``, or None outside what a date-time can say (before 1970, after 9999)."""
    if not 0 <= ts.secs < 253_402_300_800 or not 0 <= ts.nanos < 1_000_000_000:
        return None
    moment = datetime.fromtimestamp(ts.secs, UTC).replace(microsecond=ts.nanos // 1000)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f+0000")


def _payload_field(payload: bytes) -> dict[str, Any]:
    """``payload`` as a JSON value when it parses (and is not a JSON string), else as text."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return {"payload64": base64.b64encode(payload).decode("ascii")}
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to parse: the text as-is
        return {"payload": text}
    return {"payload": text if isinstance(value, str) else value}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
