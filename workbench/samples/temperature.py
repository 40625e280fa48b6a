"""Sample operator module: temperature readings in °F become °C.

Written in the style of AIO's Python samples (bindings module ``map_impl``), so it also
shows what those samples look like to the workbench.
"""

import json

from map_impl import exports, imports
from map_impl.imports import types

# componentize-py creates a new ``Map`` object for every call, so configuration that
# init() reads must live at module level, not on ``self``.
PRECISION = 1


class Map(exports.Map):
    def init(self, configuration) -> bool:
        global PRECISION
        for key, value in configuration.properties:
            if key == "precision":
                PRECISION = int(value)
        imports.logger.log(imports.logger.Level.INFO, "temperature", "initialised")
        return True

    def process(self, message: types.DataModel) -> types.DataModel:
        if not isinstance(message, types.DataModel_Message):
            return message
        payload = message.value.payload
        data = payload.value.read() if isinstance(payload, types.BufferOrBytes_Buffer) else payload.value
        reading = json.loads(data)
        temperature = reading.get("temperature", {})
        if temperature.get("unit") == "F":
            celsius = (temperature["value"] - 32) * 5 / 9
            temperature.update(value=round(celsius, PRECISION), unit="C")
            imports.metrics.add_to_counter(
                "converted", imports.metrics.CounterValue_U64(1), None)
        message.value.payload = types.BufferOrBytes_Bytes(json.dumps(reading).encode())
        return message
