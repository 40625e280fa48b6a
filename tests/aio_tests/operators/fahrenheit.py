"""Test operator (AIO API 1.1.0): readings in °F become °C, and cold ones are filtered out.

Payload in: ``{"sensor": "boiler", "fahrenheit": 212}``; out: ``{"sensor": "boiler", "celsius": 100.0}``
with the user property ``converted-by: fahrenheit``. Configuration: ``precision`` (map, decimals,
default 1), ``minimum`` (filter, °C, default 0: colder readings are dropped) and ``busy_ms``
(map: spin this long on every message, to test timeouts; default 0).
"""

import json
import time

from filter_impl import exports as filter_exports
from map_impl import exports, imports
from map_impl.imports import types

# componentize-py makes a new operator object for every call: configuration lives here.
SETTINGS = {"precision": 1, "minimum": 0.0, "busy_ms": 0}


def configure(configuration):
    for key, value in configuration.properties:
        if key in SETTINGS:
            SETTINGS[key] = type(SETTINGS[key])(value)
    return True


def payload_bytes(message):
    payload = message.value.payload
    return payload.value.read() if isinstance(payload, types.BufferOrBytes_Buffer) else payload.value


class Map(exports.Map):
    def init(self, configuration) -> bool:
        imports.logger.log(imports.logger.Level.INFO, "fahrenheit", "map init")
        return configure(configuration)

    def process(self, message):
        until = time.monotonic() + SETTINGS["busy_ms"] / 1000
        while time.monotonic() < until:
            pass
        reading = json.loads(payload_bytes(message))
        celsius = round((reading.pop("fahrenheit") - 32) * 5 / 9, SETTINGS["precision"])
        reading["celsius"] = celsius
        message.value.payload = types.BufferOrBytes_Bytes(json.dumps(reading).encode())
        message.value.properties.user_properties.append(
            (types.BufferOrString_String("converted-by"), types.BufferOrString_String("fahrenheit")))
        return message


class Filter(filter_exports.Filter):
    def init(self, configuration) -> bool:
        return configure(configuration)

    def process(self, message) -> bool:
        return json.loads(payload_bytes(message))["celsius"] >= SETTINGS["minimum"]
