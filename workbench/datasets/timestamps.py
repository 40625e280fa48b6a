"""Hybrid logical clock timestamps as input files and MQTT properties spell them.

AIO's runtime stamps every message with the user property ``__ts`` =
``<ms>:<counter>:<node>``, milliseconds and counter zero-padded (``001758255553528:00000:node``).
The HLC has millisecond resolution, so timestamps read from ISO-8601 text are truncated
to the millisecond: then ``__ts`` and ``message.timestamp`` always say the same thing.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from ..messages import Message, Timestamp

TS_PROPERTY = "__ts"
START_MS = 1_735_689_600_000
"""2025-01-01T00:00:00Z: where arrival-order timestamps and sample datasets start (never the wall clock)."""
MAX_MS = 253_402_300_799_999
"""9999-12-31T23:59:59.999Z: the latest timestamp input files may give (ISO-8601 and ``tst`` end there)."""
MAX_COUNTER = 2**64 - 1
"""The HLC counter is a u64 in the AIO API."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EXPECTED = "HLC text '<ms>:<counter>:<node>', integer milliseconds, or an ISO-8601 date-time"


def hlc_text(ts: Timestamp) -> str:
    """``__ts`` text of ``ts``, zero-padded as AIO's runtime writes it."""
    return f"{ts.millis:015d}:{ts.counter:05d}:{ts.node_id}"


def arrival(index: int) -> Timestamp:
    """The timestamp of the ``index``-th (0-based) message of a source that has none."""
    return Timestamp.from_millis(START_MS + index)


def parse_timestamp(value: Any) -> Timestamp:
    """A timestamp from HLC text, integer milliseconds, or an ISO-8601 date-time (text or datetime).

    Raises ``ValueError`` naming what was expected; callers add the file and row.
    """
    if isinstance(value, Timestamp):
        return value
    if isinstance(value, bool):
        raise ValueError(f"expected {EXPECTED}, got {value!r}")
    if isinstance(value, int):
        return _from_millis(value)
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError(f"expected {EXPECTED}, got {value!r}")
        return _from_millis(int(value))
    if isinstance(value, datetime):
        return _from_datetime(value)
    if hasattr(value, "to_pydatetime"):  # pandas.Timestamp, without importing pandas
        return _from_datetime(value.to_pydatetime(warn=False))
    if isinstance(value, str):
        return _from_text(value)
    raise ValueError(f"expected {EXPECTED}, got {type(value).__name__} {value!r}")


def _from_text(text: str) -> Timestamp:
    stripped = text.strip()
    if stripped.isdigit():
        return _from_millis(int(stripped))
    if stripped.count(":") >= 2 and stripped.split(":", 1)[0].isdigit():
        return _in_range(Timestamp.parse(text.lstrip()))  # the node id may end in spaces: keep them
    try:
        moment = datetime.fromisoformat(stripped)
    except ValueError:
        raise ValueError(f"expected {EXPECTED}, got {text!r}") from None
    return _from_datetime(moment)


def _from_millis(millis: int) -> Timestamp:
    if millis < 0:
        raise ValueError(f"timestamp {millis!r} is before 1970")
    return _in_range(Timestamp.from_millis(millis))


def _in_range(ts: Timestamp) -> Timestamp:
    if ts.millis > MAX_MS:
        raise ValueError(f"timestamp {ts.millis!r} ms is after 9999-12-31T23:59:59.999Z ({MAX_MS} ms)")
    if ts.counter > MAX_COUNTER:
        raise ValueError(f"counter {ts.counter!r} of timestamp {str(ts)!r} does not fit 64 bits")
    return ts


def _from_datetime(moment: datetime) -> Timestamp:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # naive date-times are UTC, as in AIO's payloads
    delta = moment - _EPOCH
    millis = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    return _from_millis(millis)


def iso_millis(millis: int) -> str:
    """``2025-01-01T00:00:00.250Z``: an OPC UA style date-time with milliseconds."""
    moment = datetime.fromtimestamp(millis // 1000, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{millis % 1000:03d}Z"


def stamp(message: Message) -> Message:
    """``message`` with a ``__ts`` property that agrees with its timestamp.

    An existing ``__ts`` keeps its place and is rewritten if it disagrees; a missing one is
    added first, where AIO's runtime puts it.
    """
    text = hlc_text(message.timestamp)
    props = message.properties
    for position, (key, value) in enumerate(props):
        if key == TS_PROPERTY:
            if value == text:
                return message
            fixed = (*props[:position], (key, text), *props[position + 1:])
            return replace(message, properties=fixed)
    return replace(message, properties=((TS_PROPERTY, text), *props))


def property_timestamp(properties: tuple[tuple[str, str], ...]) -> str | None:
    """The ``__ts`` property's text, if any."""
    for key, value in properties:
        if key == TS_PROPERTY:
            return value
    return None
