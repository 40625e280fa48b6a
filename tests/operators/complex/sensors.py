"""Every operator the graph-complex-shaped test graph needs, in one module (AIO API 1.1.0).

Like AIO's sample temperature module, one module provides several operators; here the
graph references it under seven module names, and each operation picks its behaviour with
its ``role`` configuration parameter (module-level state is per operation: every operation
is its own instance). Inputs are AIO sample payloads: ``{"temperature": {"value", "unit"}}``,
``{"humidity": {"value"}}``, and snapshots ``{"camera", "frame"}`` on the snapshot topic.
"""

import json

from accumulate_impl import exports as accumulate_exports
from branch_impl import exports as branch_exports
from delay_impl import exports as delay_exports
from delay_impl.imports import hybrid_logical_clock
from filter_impl import exports as filter_exports
from map_impl import exports, imports
from map_impl.imports import state_store, state_store_types, types
from map_impl.types import Err

# Set by init from the operation's configuration; a new operator object serves every call.
CONFIG = {"role": "", "window_ms": "1000", "snapshot_topic": "sensors/snapshot",
          "temperature_lower_bound": "-40", "temperature_upper_bound": "3422", "site_key": "site"}


def configure(configuration, roles):
    CONFIG.update(dict(configuration.properties))
    if CONFIG["role"] not in roles:
        imports.logger.log(imports.logger.Level.ERROR, "sensors", f"unknown role {CONFIG['role']!r}")
        return False
    return True


def payload_of(data_model):
    payload = data_model.value.payload
    return payload.value.read() if isinstance(payload, types.BufferOrBytes_Buffer) else payload.value


def reading(data_model):
    data = payload_of(data_model)
    try:
        return json.loads(data) if data else None
    except ValueError as exc:
        raise Err(types.Error(message=f"payload is not JSON: {exc}")) from None


def with_payload(data_model, value):
    data_model.value.payload = types.BufferOrBytes_Bytes(json.dumps(value, sort_keys=True).encode())
    return data_model


def topic_of(data_model):
    topic = data_model.value.topic
    data = topic.value.read() if isinstance(topic, types.BufferOrBytes_Buffer) else topic.value
    return data.decode()


def millis_of(data_model):
    spec = data_model.value.timestamp.timestamp
    return spec.secs * 1000 + spec.nanos // 1_000_000


# -- maps ------------------------------------------------------------------------------------
def format_snapshot(message):
    data = reading(message)
    return with_payload(message, {"camera": data["camera"], "bytes": len(data["frame"])})


def label_snapshot(message):
    data = reading(message)
    data["large"] = data["bytes"] > 8
    return with_payload(message, data)


def to_celsius(message):
    data = reading(message)
    temperature = data["temperature"]
    if temperature.get("unit") == "F":
        temperature["value"] = round((temperature["value"] - 32) * 5 / 9, 2)
        temperature["unit"] = "C"
    return with_payload(message, data)


def enrich(message):
    summary = reading(message)
    site = state_store.get(CONFIG["site_key"].encode(), None).response
    summary["site"] = site.decode() if site is not None else None
    summary["window_end_ms"] = millis_of(message)
    count = int(state_store.get(b"windows", None).response or b"0") + 1
    options = state_store_types.SetOptions(state_store_types.SetConditions.UNCONDITIONAL, None)
    state_store.set(b"windows", str(count).encode(), None, None, options)
    state_store.set(b"last-window", str(summary["window_end_ms"]).encode(), None, None, options)
    imports.metrics.add_to_counter("windows", imports.metrics.CounterValue_U64(1), None)
    return with_payload(message, summary)


MAPS = {"format": format_snapshot, "snapshot": label_snapshot, "temperature": to_celsius, "enrichment": enrich}


class Map(exports.Map):
    def init(self, configuration) -> bool:
        return configure(configuration, MAPS)

    def process(self, message):
        return MAPS[CONFIG["role"]](message)


class Filter(filter_exports.Filter):
    """Plausible temperatures (°C), bounds from the configuration, as in AIO's sample."""

    def init(self, configuration) -> bool:
        return configure(configuration, ("temperature",))

    def process(self, message) -> bool:
        value = reading(message)["temperature"]["value"]
        low, high = float(CONFIG["temperature_lower_bound"]), float(CONFIG["temperature_upper_bound"])
        return low <= value <= high


class Branch(branch_exports.Branch):
    """``snapshot``: True for the snapshot topic. ``temperature``: True for temperature readings."""

    def init(self, configuration) -> bool:
        return configure(configuration, ("snapshot", "temperature"))

    def process(self, timestamp, message) -> bool:
        if CONFIG["role"] == "snapshot":
            return topic_of(message) == CONFIG["snapshot_topic"]
        return "temperature" in reading(message)


class Delay(delay_exports.Delay):
    """Moves each message to the end of its window (``window_ms``), stamped by node "window"."""

    def init(self, configuration) -> bool:
        return configure(configuration, ("window",))

    def process(self, data, timestamp):
        window = int(CONFIG["window_ms"])
        millis = timestamp.timestamp.secs * 1000 + timestamp.timestamp.nanos // 1_000_000
        end = (millis // window + 1) * window
        spec = hybrid_logical_clock.Timespec(end // 1000, (end % 1000) * 1_000_000)
        return hybrid_logical_clock.HybridLogicalClock(spec, 0, "window")


# -- accumulates: the first staged message of a timestamp has an empty payload ---------------
def fold_temperature(summary, message):
    value = reading(message)["temperature"]["value"]
    summary["count"] += 1
    summary["sum"] = round(summary["sum"] + value, 6)
    summary["min"] = value if summary["min"] is None else min(summary["min"], value)
    summary["max"] = value if summary["max"] is None else max(summary["max"], value)


def fold_humidity(summary, message):
    summary["count"] += 1
    summary["max"] = max(summary["max"], reading(message)["humidity"]["value"])


def fold_snapshot(summary, message):
    data = reading(message)
    summary["count"] += 1
    summary["large"] += 1 if data["large"] else 0


def fold_collection(summary, message):
    part = reading(message)
    summary[part.pop("kind")] = part


FOLDS = {
    "temperature": (fold_temperature, lambda: {"kind": "temperature", "count": 0, "sum": 0, "min": None, "max": None}),
    "humidity": (fold_humidity, lambda: {"kind": "humidity", "count": 0, "max": 0}),
    "snapshot": (fold_snapshot, lambda: {"kind": "snapshot", "count": 0, "large": 0}),
    "collection": (fold_collection, dict),
}


class Accumulate(accumulate_exports.Accumulate):
    def init(self, configuration) -> bool:
        return configure(configuration, FOLDS)

    def process(self, staged, messages):
        fold, fresh = FOLDS[CONFIG["role"]]
        summary = reading(staged)
        if summary is None:  # the first call for this timestamp
            summary = fresh()
        for message in messages:
            fold(summary, message)
        return with_payload(staged, summary)
