"""All five operator kinds in one module, AIO API 1.1.0 (process raises Err on bad input)."""

import json

from accumulate_impl import exports as accumulate_exports
from branch_impl import exports as branch_exports
from delay_impl import exports as delay_exports
from delay_impl.imports import hybrid_logical_clock
from filter_impl import exports as filter_exports
from map_impl import exports, imports
from map_impl.imports import types
from map_impl.types import Err

# A new operator object is created for every call: configuration lives here.
SETTINGS = {"factor": 2.0, "threshold": 10.0, "delay_ms": 250}


def configure(configuration):
    for key, value in configuration.properties:
        if key in SETTINGS:
            SETTINGS[key] = type(SETTINGS[key])(value)
    return True


def payload_bytes(data_model):
    if isinstance(data_model, types.DataModel_Message):
        payload = data_model.value.payload
    else:
        payload = data_model.value
    if isinstance(payload, types.BufferOrBytes_Buffer):
        return payload.value.read()
    return payload.value


def reading(data_model):
    try:
        value = json.loads(payload_bytes(data_model))
    except ValueError as exc:
        raise Err(types.Error(message=f"payload is not JSON: {exc}")) from None
    if not isinstance(value, dict) or "value" not in value:
        raise Err(types.Error(message="payload has no 'value'"))
    return value


class Map(exports.Map):
    def init(self, configuration) -> bool:
        imports.logger.log(imports.logger.Level.INFO, "all_kinds", "map init")
        return configure(configuration)

    def process(self, message):
        data = reading(message)
        data["value"] = data["value"] * SETTINGS["factor"]
        data["mapped"] = True
        message.value.payload = types.BufferOrBytes_Bytes(json.dumps(data).encode())
        props = message.value.properties.user_properties
        props.append((types.BufferOrString_String("scaled-by"), types.BufferOrString_String(str(SETTINGS["factor"]))))
        imports.metrics.add_to_counter("mapped", imports.metrics.CounterValue_U64(1), None)
        return message


class Filter(filter_exports.Filter):
    def init(self, configuration) -> bool:
        return configure(configuration)

    def process(self, message) -> bool:
        return reading(message)["value"] >= 0


class Branch(branch_exports.Branch):
    def init(self, configuration) -> bool:
        return configure(configuration)

    def process(self, timestamp, message) -> bool:
        # Above the threshold, or stamped by the node "urgent", goes to the true arm.
        return reading(message)["value"] > SETTINGS["threshold"] or timestamp.node_id == "urgent"


class Accumulate(accumulate_exports.Accumulate):
    def init(self, configuration) -> bool:
        return configure(configuration)

    def process(self, staged, messages):
        total = json.loads(payload_bytes(staged) or b'{"count": 0, "sum": 0}')
        for message in messages:
            total["count"] += 1
            total["sum"] += reading(message)["value"]
        staged.value.payload = types.BufferOrBytes_Bytes(json.dumps(total, sort_keys=True).encode())
        return staged


class Delay(delay_exports.Delay):
    def init(self, configuration) -> bool:
        return configure(configuration)

    def process(self, data, timestamp):
        nanos = timestamp.timestamp.nanos + SETTINGS["delay_ms"] * 1_000_000
        spec = hybrid_logical_clock.Timespec(timestamp.timestamp.secs + nanos // 1_000_000_000,
                                             nanos % 1_000_000_000)
        return hybrid_logical_clock.HybridLogicalClock(spec, timestamp.counter + 1, "delayed")
