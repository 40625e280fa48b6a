"""Sample module "humidity": a map that rates humidity readings, in the style of AIO's samples.

Inputs are AIO's sample humidity readings, ``{"humidity": {"value": 85}}`` (percent). The map
adds ``"unit": "%"`` and a ``level``: ``"low"`` below ``low`` (configuration, default 30),
``"high"`` above ``high`` (default 70), ``"normal"`` in between.
"""

import json

from map_impl import exports, imports
from map_impl.imports import types

LIMITS = {"low": 30.0, "high": 70.0}


class Map(exports.Map):
    def init(self, configuration) -> bool:
        for key, value in configuration.properties:
            if key in LIMITS:
                LIMITS[key] = float(value)
        imports.logger.log(imports.logger.Level.INFO, "module-humidity/map", f"limits {LIMITS}")
        return True

    def process(self, message: types.DataModel) -> types.DataModel:
        if not isinstance(message, types.DataModel_Message):
            return message
        payload = message.value.payload
        if isinstance(payload, types.BufferOrBytes_Buffer):
            reading = json.loads(payload.value.read())
        else:
            reading = json.loads(payload.value)
        humidity = reading["humidity"]
        value = humidity["value"]
        humidity["unit"] = "%"
        humidity["level"] = "low" if value < LIMITS["low"] else "high" if value > LIMITS["high"] else "normal"
        message.value.payload = types.BufferOrBytes_Bytes(json.dumps(reading).encode())
        return message
