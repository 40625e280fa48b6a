"""Sample module "temperature": a map, a filter, a branch and an accumulate in one module.

Written in the style of AIO's Python operator samples: the generated bindings (``map_impl``,
``filter_impl``, ...), ``imports.logger``, ``types.DataModel_Message`` and payloads that arrive
as host buffers, read with ``buffer.read()``. Inputs are AIO's sample temperature readings,
``{"temperature": {"value": 98.6, "unit": "F"}}``; anything else (such as a humidity reading,
``{"humidity": {"value": 40}}``) takes the branch's other arm.

- ``Map``: °F → °C, rounded to ``precision`` decimals (configuration, default 1).
- ``Filter``: keeps readings from ``temperature_lower_bound`` to ``temperature_upper_bound`` °C
  (configuration, defaults -40 and 3422).
- ``Branch``: ``True`` for a temperature reading, ``False`` for anything else.
- ``Accumulate``: folds the readings of one timestamp (a window, after a delay) into
  ``{"temperature": {"count", "min", "max", "sum", "average", "last", "unit"}}``.

A new operator object handles every call (componentize-py), and every operation of a graph is
its own instance: configuration lives in the module-level ``SETTINGS``.
"""

import json

from accumulate_impl import exports as accumulate_exports
from branch_impl import exports as branch_exports
from filter_impl import exports as filter_exports
from map_impl import exports, imports
from map_impl.imports import types

SETTINGS = {"precision": "1", "temperature_lower_bound": "-40", "temperature_upper_bound": "3422"}


def configure(configuration, context):
    for key, value in configuration.properties:
        if key in SETTINGS:
            SETTINGS[key] = value
    imports.logger.log(imports.logger.Level.INFO, context, f"init with {SETTINGS}")
    return True


def read_json(message):
    """The message's payload as JSON (None for an empty payload); buffers are read from the host."""
    payload = message.value.payload
    if isinstance(payload, types.BufferOrBytes_Buffer):
        data = payload.value.read()
    else:
        data = payload.value
    return json.loads(data) if data else None


def write_json(message, value):
    message.value.payload = types.BufferOrBytes_Bytes(json.dumps(value).encode())
    return message


class Map(exports.Map):
    def init(self, configuration) -> bool:
        return configure(configuration, "module-temperature/map")

    def process(self, message: types.DataModel) -> types.DataModel:
        if not isinstance(message, types.DataModel_Message):
            return message
        reading = read_json(message)
        temperature = reading["temperature"]
        if temperature.get("unit") == "F":
            celsius = (temperature["value"] - 32) * 5 / 9
            temperature["value"] = round(celsius, int(SETTINGS["precision"]))
            temperature["unit"] = "C"
        return write_json(message, reading)


class Filter(filter_exports.Filter):
    def init(self, configuration) -> bool:
        return configure(configuration, "module-temperature/filter")

    def process(self, message: types.DataModel) -> bool:
        value = read_json(message)["temperature"]["value"]
        low = float(SETTINGS["temperature_lower_bound"])
        high = float(SETTINGS["temperature_upper_bound"])
        if not low <= value <= high:
            imports.logger.log(imports.logger.Level.WARN, "module-temperature/filter",
                               f"dropped {value} (outside {low} .. {high})")
            return False
        return True


class Branch(branch_exports.Branch):
    def init(self, configuration) -> bool:
        return configure(configuration, "module-temperature/branch")

    def process(self, timestamp, message: types.DataModel) -> bool:
        return "temperature" in read_json(message)


class Accumulate(accumulate_exports.Accumulate):
    def init(self, configuration) -> bool:
        return configure(configuration, "module-temperature/accumulate")

    def process(self, staged: types.DataModel, messages: list) -> types.DataModel:
        # The first staged message of a timestamp has an empty payload.
        summary = (read_json(staged) or {}).get("temperature") or {"count": 0, "sum": 0.0, "unit": "C"}
        for message in messages:
            value = read_json(message)["temperature"]["value"]
            summary["count"] += 1
            summary["sum"] = round(summary["sum"] + value, 6)
            summary["min"] = min(summary.get("min", value), value)
            summary["max"] = max(summary.get("max", value), value)
            summary["last"] = value
        summary["average"] = round(summary["sum"] / summary["count"], 2)
        return write_json(staged, {"temperature": summary})
