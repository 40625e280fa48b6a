"""``Message`` ⇄ wire values of the processor ``data-model`` and ``hybrid-logical-clock`` types."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..messages import DataModel, Message, RawData, Timestamp
from .buffers import Lend

BUFFER, BYTES = 0, 1          # buffer-or-bytes cases
BUFFER_S, STRING = 0, 1       # buffer-or-string cases
RAW, MESSAGE, SNAPSHOT = 0, 1, 2  # data-model cases


def _text(wire: Any) -> str:
    case, value = wire
    return value if case == STRING else value.decode("utf-8", "replace")


def _bytes(wire: Any) -> bytes:
    return wire[1]


def message_to_wire(message: DataModel) -> Any:
    """Payloads go as host buffers (``own<buffer>``), the way the AIO runtime passes them."""
    if isinstance(message, RawData):
        return (RAW, (BUFFER, Lend(message.payload)))
    ts = message.timestamp
    return (MESSAGE, (
        ((ts.secs, ts.nanos), ts.counter, (STRING, ts.node_id)),
        (BYTES, message.topic.encode()),
        None if message.content_type is None else (STRING, message.content_type),
        (BUFFER, Lend(message.payload)),
        ([((STRING, k), (STRING, v)) for k, v in message.properties],),
        None,
    ))


def message_from_wire(wire: Any) -> DataModel:
    case, value = wire
    if case == RAW:
        return RawData(_bytes(value))
    if case != MESSAGE:
        raise TypeError("snapshot data is not supported by the workbench yet")
    ((secs, nanos), counter, node), topic, content_type, payload, (props,), _schema = value
    return Message(
        payload[1],
        topic[1].decode("utf-8", "replace"),
        Timestamp(secs, nanos, counter, node[1] if node[0] == STRING else _text(node)),
        None if content_type is None else _text(content_type),
        tuple((_text(k), _text(v)) for k, v in props) if props else (),
    )


def clock_to_wire(ts: Timestamp) -> Any:
    return ((ts.secs, ts.nanos), ts.counter, ts.node_id)


def clock_from_wire(wire: Any) -> Timestamp:
    (secs, nanos), counter, node_id = wire
    return Timestamp(secs, nanos, counter, node_id)


def configuration_to_wire(properties: dict[str, str], schemas: Sequence[tuple[str, str, str]] = ()) -> Any:
    return ([(str(k), str(v)) for k, v in properties.items()], [tuple(s) for s in schemas])
