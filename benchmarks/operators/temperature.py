"""°F → °C in the style of AIO's Python sample map: logs each message, reads the
payload buffer, rewrites the JSON and returns the payload as module bytes."""

import json

from map_impl import exports, imports
from map_impl.imports import types


class Map(exports.Map):
    def init(self, configuration) -> bool:
        imports.logger.log(imports.logger.Level.INFO, "temperature/map", "Init invoked")
        return True

    def process(self, message: types.DataModel) -> types.DataModel:
        imports.logger.log(imports.logger.Level.INFO, "temperature/map", "processing from python")
        if not isinstance(message, types.DataModel_Message):
            raise ValueError("Unexpected input type: Expected DataModel_Message")
        data = json.loads(message.value.payload.value.read().decode("utf-8"))
        temperature = data.get("temperature")
        if temperature and isinstance(temperature.get("value"), int):
            temperature["value"] = round((temperature["value"] - 32) * 5.0 / 9.0)
            temperature["unit"] = "C"
            message.value.payload = types.BufferOrBytes_Bytes(value=json.dumps(data).encode("utf-8"))
        return message
