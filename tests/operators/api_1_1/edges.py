"""A map and a delay for payloads and timestamps at the edges; the ``mode`` parameter picks the behaviour.

Map modes:

- ``pass``: return the message untouched (its payload stays the host's buffer: nothing is copied).
- ``copy``: read the payload and return the same bytes, as new bytes.
- ``size``: read the payload and return its length, as text.
- ``text``: decode the payload as UTF-8 (fails on other bytes) and return it re-encoded.
- ``depth``: parse the payload as JSON and return how deeply it nests, as text.
- ``json``: parse the payload as JSON and return it serialised again.
- ``stamp``: return the message's own timestamp as ``secs nanos counter node``.

The delay adds the ``shift_ms`` parameter (default 0) to the timestamp it is given.
"""

import json

from delay_impl import exports as delay_exports
from delay_impl.imports import hybrid_logical_clock
from map_impl import exports
from map_impl.imports import types

SETTINGS = {"mode": "pass", "shift_ms": "0"}


def configure(configuration):
    SETTINGS.update(dict(configuration.properties))
    return SETTINGS["mode"] in MODES


def read(message):
    payload = message.value.payload
    if isinstance(payload, types.BufferOrBytes_Buffer):
        return payload.value.read()
    return payload.value


def depth(value):
    deepest, level = 0, [value]
    while level:
        deepest += 1
        level = [item for node in level if isinstance(node, (list, dict))
                 for item in (node.values() if isinstance(node, dict) else node)]
    return deepest


def stamp(message):
    ts = message.value.timestamp
    node = ts.node_id.value if isinstance(ts.node_id, types.BufferOrString_String) else ts.node_id.value.read().decode()
    return f"{ts.timestamp.secs} {ts.timestamp.nanos} {ts.counter} {node}".encode()


MODES = {
    "pass": None,
    "copy": lambda m: bytes(read(m)),
    "size": lambda m: str(len(read(m))).encode(),
    "text": lambda m: bytes(read(m)).decode("utf-8").encode("utf-8"),
    "depth": lambda m: str(depth(json.loads(read(m)))).encode(),
    "json": lambda m: json.dumps(json.loads(read(m))).encode(),
    "stamp": stamp,
}


class Map(exports.Map):
    def init(self, configuration) -> bool:
        return configure(configuration)

    def process(self, message):
        change = MODES[SETTINGS["mode"]]
        if change is not None:
            message.value.payload = types.BufferOrBytes_Bytes(change(message))
        return message


class Delay(delay_exports.Delay):
    def init(self, configuration) -> bool:
        SETTINGS.update(dict(configuration.properties))
        return True

    def process(self, data, timestamp):
        nanos = timestamp.timestamp.nanos + int(SETTINGS["shift_ms"]) * 1_000_000
        spec = hybrid_logical_clock.Timespec(timestamp.timestamp.secs + nanos // 1_000_000_000,
                                             nanos % 1_000_000_000)
        return hybrid_logical_clock.HybridLogicalClock(spec, timestamp.counter, timestamp.node_id)
