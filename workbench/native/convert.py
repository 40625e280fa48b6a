"""``Message`` ⇄ the dataclasses of a generated bindings package."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

from ..messages import DataModel, Message, RawData, Timestamp


class BindingTypes:
    """Builds and reads binding objects of one bindings package."""

    def __init__(self, package: ModuleType):
        self.types = package.imports.types
        self.clock = package.imports.hybrid_logical_clock
        self.Err = package.types.Err
        types = self.types

        class HostBuffer(types.Buffer):  # type: ignore[name-defined, misc]
            """A payload held by the (native) host; ``read()`` returns its bytes."""

            def __init__(self, data: bytes):
                self._data = data

            def read(self) -> bytes:
                return self._data

            def __exit__(self, *args: object) -> None:
                return None

            def __repr__(self) -> str:
                return f"<buffer of {len(self._data)} bytes>"

        self.HostBuffer = HostBuffer

    # -- to bindings -------------------------------------------------------------------
    def data_model(self, message: DataModel) -> Any:
        t = self.types
        if isinstance(message, RawData):
            return t.DataModel_BufferOrBytes(t.BufferOrBytes_Buffer(self.HostBuffer(message.payload)))
        ts = message.timestamp
        return t.DataModel_Message(t.Message(
            timestamp=t.Timestamp(self.clock.Timespec(ts.secs, ts.nanos), ts.counter,
                                  t.BufferOrString_String(ts.node_id)),
            topic=t.BufferOrBytes_Bytes(message.topic.encode()),
            content_type=None if message.content_type is None else t.BufferOrString_String(message.content_type),
            payload=t.BufferOrBytes_Buffer(self.HostBuffer(message.payload)),
            properties=t.MessageProperties([(t.BufferOrString_String(k), t.BufferOrString_String(v))
                                            for k, v in message.properties]),
            schema=None,
        ))

    def hlc(self, ts: Timestamp) -> Any:
        return self.clock.HybridLogicalClock(self.clock.Timespec(ts.secs, ts.nanos), ts.counter, ts.node_id)

    def configuration(self, properties: dict[str, str], schemas: Any = ()) -> Any:
        return self.types.ModuleConfiguration(
            [(str(k), str(v)) for k, v in properties.items()],
            [self.types.ModuleSchema(*s) for s in schemas])

    def arguments(self, kind: str, inputs: Sequence[Any]) -> tuple[Any, ...]:
        """The ``process`` arguments of an operator kind, from workbench values."""
        if kind in ("map", "filter"):
            (message,) = inputs
            return (self.data_model(message),)
        if kind == "branch":
            timestamp, message = inputs
            return (self.hlc(timestamp), self.data_model(message))
        if kind == "accumulate":
            staged, messages = inputs
            return (self.data_model(staged), [self.data_model(m) for m in messages])
        message, timestamp = inputs
        return (self.data_model(message), self.hlc(timestamp))

    def result(self, kind: str, value: Any) -> Any:
        """A ``process`` result as a workbench value; ``TypeError`` if it has the wrong type."""
        if kind in ("map", "accumulate"):
            return self.message(value)
        if kind == "delay":
            return self.timestamp(value)
        return self.boolean(value)

    # -- from bindings -----------------------------------------------------------------
    def _bytes(self, value: Any) -> bytes:
        inner = value.value
        data = inner.read() if isinstance(value, (self.types.BufferOrBytes_Buffer,)) else inner
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"expected bytes, got {type(data).__name__}")
        return bytes(data)

    def _text(self, value: Any) -> str:
        if isinstance(value, self.types.BufferOrString_Buffer):
            return value.value.read().decode("utf-8", "replace")
        if isinstance(value, self.types.BufferOrString_String) and isinstance(value.value, str):
            return value.value
        raise TypeError(f"expected BufferOrString, got {type(value).__name__}")

    def message(self, value: Any) -> DataModel:
        t = self.types
        if isinstance(value, t.DataModel_BufferOrBytes):
            return RawData(self._bytes(value.value))
        if not isinstance(value, t.DataModel_Message):
            raise TypeError(f"expected a DataModel (e.g. types.DataModel_Message), got {type(value).__name__}")
        m = value.value
        ts = m.timestamp
        return Message(
            payload=self._bytes(m.payload),
            topic=self._bytes(m.topic).decode("utf-8", "replace"),
            timestamp=Timestamp(ts.timestamp.secs, ts.timestamp.nanos, ts.counter, self._text(ts.node_id)),
            content_type=None if m.content_type is None else self._text(m.content_type),
            properties=tuple((self._text(k), self._text(v)) for k, v in m.properties.user_properties),
        )

    def timestamp(self, value: Any) -> Timestamp:
        if not isinstance(value, self.clock.HybridLogicalClock):
            raise TypeError(f"expected a HybridLogicalClock, got {type(value).__name__}")
        return Timestamp(value.timestamp.secs, value.timestamp.nanos, value.counter, value.node_id)

    def boolean(self, value: Any) -> bool:
        if not isinstance(value, (bool, int)):
            raise TypeError(f"expected a bool, got {type(value).__name__}")
        return bool(value)
