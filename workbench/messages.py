"""The messages that flow through operators, independent of wasm or native execution."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple


class Timestamp(NamedTuple):
    """An AIO hybrid logical clock: wall time, a counter, and the node that made it.

    Ordered by (secs, nanos, counter, node_id), as the runtime orders timestamps. A named
    tuple rather than a dataclass: immutable all the same, and the engine compares
    timestamps on every message and every frontier, which tuples do in C.
    """

    secs: int = 0
    nanos: int = 0
    counter: int = 0
    node_id: str = "workbench"

    @classmethod
    def from_millis(cls, millis: int, counter: int = 0, node_id: str = "workbench") -> Timestamp:
        return cls(millis // 1000, (millis % 1000) * 1_000_000, counter, node_id)

    @classmethod
    def parse(cls, text: str) -> Timestamp:
        """Parse AIO's ``__ts`` user property: ``<ms>:<counter>:<node>``."""
        parts = text.split(":", 2)
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            raise ValueError(f"malformed HLC timestamp {text!r}; expected '<ms>:<counter>:<node>'")
        return cls.from_millis(int(parts[0]), int(parts[1]), parts[2])

    @property
    def millis(self) -> int:
        return self.secs * 1000 + self.nanos // 1_000_000

    def __str__(self) -> str:
        return f"{self.millis}:{self.counter}:{self.node_id}"

    def __repr__(self) -> str:
        return f"Timestamp(secs={self.secs}, nanos={self.nanos}, counter={self.counter}, node_id={self.node_id!r})"


@dataclass(frozen=True)
class Message:
    """An MQTT message as operators see it (the ``message`` case of ``data-model``)."""

    payload: bytes = b""
    topic: str = ""
    timestamp: Timestamp = field(default_factory=Timestamp)
    content_type: str | None = None
    properties: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, payload: Any, topic: str = "", **kwargs: Any) -> Message:
        """Build a message from bytes, text, or any JSON-serialisable value."""
        if isinstance(payload, (bytes, bytearray)):
            data = bytes(payload)
        elif isinstance(payload, str):
            data = payload.encode()
        else:
            data = json.dumps(payload).encode()
        props = kwargs.pop("properties", ())
        if isinstance(props, dict):
            props = tuple(props.items())
        return cls(data, topic, properties=tuple(props), **kwargs)

    def json(self) -> Any:
        return json.loads(self.payload)

    def text(self) -> str:
        return self.payload.decode("utf-8", "replace")

    def with_payload(self, payload: bytes) -> Message:
        return replace(self, payload=payload)


@dataclass(frozen=True)
class RawData:
    """The ``buffer-or-bytes`` case of ``data-model``: bytes without message metadata."""

    payload: bytes = b""


DataModel = Message | RawData
