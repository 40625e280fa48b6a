"""A module with one operator of every kind, for engine benchmarks and end-to-end tests.

Readings look like the ``temperature`` dataset: ``{"temperature": {"value": v, "unit": "F"|"C"}}``.
"""

import json

from accumulate_impl import exports
from accumulate_impl.imports import hybrid_logical_clock, types

WINDOW_SECONDS = 10


def _payload(message):
    payload = message.value.payload
    data = payload.value.read() if isinstance(payload, types.BufferOrBytes_Buffer) else payload.value
    return json.loads(data) if data else None


def _with_payload(message, value):
    message.value.payload = types.BufferOrBytes_Bytes(json.dumps(value).encode())
    return message


class Map(exports.Map):
    """°F → °C."""

    def init(self, configuration) -> bool:
        return True

    def process(self, message):
        reading = _payload(message)
        temperature = reading.get("temperature", {})
        if temperature.get("unit") == "F":
            temperature["value"] = round((temperature["value"] - 32) * 5 / 9, 2)
            temperature["unit"] = "C"
        return _with_payload(message, reading)


class Filter(exports.Filter):
    """Drops readings outside a plausible range."""

    def init(self, configuration) -> bool:
        return True

    def process(self, message) -> bool:
        value = _payload(message).get("temperature", {}).get("value")
        return value is not None and -50 <= value <= 150


class Branch(exports.Branch):
    """True for hot readings (≥ 25 °C)."""

    def init(self, configuration) -> bool:
        return True

    def process(self, timestamp, message) -> bool:
        return _payload(message).get("temperature", {}).get("value", 0) >= 25


class Delay(exports.Delay):
    """Moves each message to the end of its 10-second window."""

    def init(self, configuration) -> bool:
        return True

    def process(self, data, timestamp):
        secs = timestamp.timestamp.secs
        end = secs - secs % WINDOW_SECONDS + WINDOW_SECONDS
        return hybrid_logical_clock.HybridLogicalClock(hybrid_logical_clock.Timespec(end, 0), 0, "window")


class Accumulate(exports.Accumulate):
    """Count, min, max and mean of a window's temperatures."""

    def init(self, configuration) -> bool:
        return True

    def process(self, staged, messages):
        summary = _payload(staged) or {"count": 0, "sum": 0.0, "min": None, "max": None}
        for message in messages:
            value = _payload(message).get("temperature", {}).get("value")
            if value is None:
                continue
            summary["count"] += 1
            summary["sum"] += value
            summary["min"] = value if summary["min"] is None else min(summary["min"], value)
            summary["max"] = value if summary["max"] is None else max(summary["max"], value)
        summary["mean"] = summary["sum"] / summary["count"] if summary["count"] else None
        return _with_payload(staged, summary)
