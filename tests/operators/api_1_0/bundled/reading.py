"""AIO-style 1.0.0 map that reads the host buffer and uses the sibling module ``payload``."""

import payload
from map_impl import exports, imports
from map_impl.imports import types


class Map(exports.Map):
    def init(self, configuration) -> bool:
        return True

    def process(self, message: types.DataModel) -> types.DataModel:
        raw = message.value.payload.value.read()
        converted = payload.to_celsius(payload.decode(raw))
        imports.logger.log(imports.logger.Level.DEBUG, "reading", f"converted {len(raw)} bytes")
        message.value.payload = types.BufferOrBytes_Bytes(payload.encode(converted))
        return message
