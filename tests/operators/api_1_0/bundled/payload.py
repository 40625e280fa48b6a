"""Pure-Python helpers bundled beside ``reading.py`` (they import the ``units`` package)."""

import json

from units import fahrenheit_to_celsius

VERSION = "payload-1"


def decode(raw: bytes) -> dict:
    return json.loads(raw)


def to_celsius(reading: dict) -> dict:
    converted = dict(reading)
    if reading.get("unit") == "F":
        converted.update(value=fahrenheit_to_celsius(reading["value"]), unit="C")
    converted["codec"] = VERSION
    return converted


def encode(reading: dict) -> bytes:
    return json.dumps(reading, sort_keys=True).encode()
