"""``mqtt_messages``: messages from a live MQTT topic, as they arrive, for ``run()``.

Each message keeps its topic, payload, content type and user properties. Its timestamp is the
``__ts`` user property (AIO's hybrid logical clock text ``<ms>:<counter>:<node>``, read as the file
readers read it: integer milliseconds and ISO-8601 pass too). Where that is missing or malformed,
it is the arrival time as an HLC (wall-clock milliseconds, the counter counting messages of the
same millisecond, node ``workbench``), taken when the network thread received the message, not
when the engine got to it. Malformed ``__ts`` values are counted (``malformed``)
and the first few kept (``malformed_examples``); the message's ``__ts`` is then rewritten to agree
with its timestamp, as every reader of the workbench does.

The source connects and subscribes when it is made, so an unreachable broker, a bad filter or a
refused login fails at once (``LiveError``), and messages that arrive before the run starts are
kept. Iterating it (once) yields messages until ``count`` were yielded, ``seconds`` passed since
iteration began, or nothing arrived for ``idle`` seconds; with none of them it runs until closed
(``close()`` from another thread, or the consumer dropping the iterator: closing the generator
disconnects). While the broker is away the source reconnects and yields nothing: the run's source
frontier stays flat, and ``events`` / ``outages`` tell when and for how long.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from ..datasets.timestamps import TS_PROPERTY, parse_timestamp, property_timestamp, stamp
from ..messages import Message, Timestamp
from .address import Broker, check_filters
from .client import DEFAULT_RECONNECT_DELAY, LinkStatus, MqttClient
from .errors import LiveError

_POLL = 0.25  # seconds between checks of deadlines (and a chance for Ctrl-C) while waiting
MALFORMED_EXAMPLES = 20


@dataclass(frozen=True)
class _Stop:
    error: LiveError | None = None


class ArrivalClock:
    """An HLC from the wall clock: milliseconds, and a counter for messages in the same millisecond."""

    def __init__(self, node_id: str = "workbench"):
        self.node_id = node_id
        self.millis, self.counter = -1, 0

    def now(self) -> Timestamp:
        millis = time.time_ns() // 1_000_000
        if millis > self.millis:
            self.millis, self.counter = millis, 0
        else:  # the same millisecond, or the wall clock stepped back: never go back
            self.counter += 1
        return Timestamp.from_millis(self.millis, self.counter, self.node_id)


class _Deadlines:
    """When iteration must stop: ``seconds`` after it began, or ``idle`` seconds after the last message."""

    def __init__(self, seconds: float | None, idle: float | None):
        now = time.monotonic()
        self.end = None if seconds is None else now + seconds
        self.idle = idle
        self.last = now

    def arrived(self) -> None:
        self.last = time.monotonic()

    def remaining(self) -> float | None:
        limits = [t for t in (self.end, None if self.idle is None else self.last + self.idle) if t is not None]
        return None if not limits else min(limits) - time.monotonic()


class MqttSource(LinkStatus):
    """A live MQTT subscription as an iterable of messages (see the module's doc and ``mqtt_messages``)."""

    def __init__(self, broker: str | Broker = "127.0.0.1:1883", topics: str | Iterable[str] = ("sensors/#",), *,
                 count: int | None = None, seconds: float | None = None, idle: float | None = None, qos: int = 1,
                 client_id: str | None = None, username: str | None = None, password: str | None = None,
                 reconnect_delay: tuple[float, float] = DEFAULT_RECONNECT_DELAY, connect_timeout: float = 5.0):
        self.broker = Broker.parse(broker)
        self.topics = check_filters(topics)
        self.count, self.seconds, self.idle = _check_limits(count, seconds, idle)
        self.arrived = self.delivered = self.malformed = 0
        self.malformed_examples: list[tuple[str, str]] = []  # (topic, the __ts value)
        self._queue: queue.SimpleQueue[Message | _Stop] = queue.SimpleQueue()
        self._clock = ArrivalClock()
        self._lock = threading.Lock()  # arrival counts and clock, shared with the network thread
        self._close_lock = threading.Lock()  # not _lock: closing joins the network thread, which may wait for _lock
        self._iterated = self._closed = False
        self._client = MqttClient(self.broker, client_id=client_id, username=username, password=password,
                                  filters=self.topics, qos=qos, on_message=self._arrive, on_failure=self._fail,
                                  reconnect_delay=reconnect_delay, connect_timeout=connect_timeout)
        self._client.connect()

    # -- network thread ----------------------------------------------------------------
    def _arrive(self, message: Message) -> None:
        self._queue.put(self._stamped(message))

    def _stamped(self, message: Message) -> Message:
        text = property_timestamp(message.properties)
        with self._lock:
            self.arrived += 1
            timestamp = None if text is None else self._parse(text, message.topic)
            if timestamp is None:
                timestamp = self._clock.now()
        return stamp(replace(message, timestamp=timestamp))

    def _parse(self, text: str, topic: str) -> Timestamp | None:
        try:
            return parse_timestamp(text)
        except ValueError:
            self.malformed += 1
            if len(self.malformed_examples) < MALFORMED_EXAMPLES:
                self.malformed_examples.append((topic, text))
            return None

    def _fail(self, error: LiveError) -> None:
        self._queue.put(_Stop(error))

    # -- consumer ----------------------------------------------------------------------
    def __iter__(self) -> Iterator[Message]:
        if self._iterated or self._closed:
            state = "closed" if self._closed else "already being iterated"
            raise LiveError(f"the MQTT source on {self.broker} ({', '.join(self.topics)}) is {state}; "
                            "make a new one with mqtt_messages(...) for another run")
        self._iterated = True
        return self._messages()

    def _messages(self) -> Iterator[Message]:
        try:
            deadlines = _Deadlines(self.seconds, self.idle)
            while self.count is None or self.delivered < self.count:
                message = self._next(deadlines)
                if message is None:
                    return
                self.delivered += 1
                yield message
        finally:
            self.close()

    def _next(self, deadlines: _Deadlines) -> Message | None:
        while True:
            remaining = deadlines.remaining()
            if remaining is not None and remaining <= 0:
                return None
            try:
                item = self._queue.get(timeout=_POLL if remaining is None else min(remaining, _POLL))
            except queue.Empty:
                continue
            if isinstance(item, _Stop):
                if item.error is not None:
                    raise item.error
                return None
            deadlines.arrived()
            return item

    def close(self) -> None:
        """Disconnect; an iteration in progress (in another thread) ends. Idempotent."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self._client.close()
        self._queue.put(_Stop())

    def __enter__(self) -> MqttSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "connected" if self.connected else "reconnecting"
        return (f"<MqttSource {self.broker} {list(self.topics)}: {state}, {self.delivered} delivered, "
                f"{self.arrived - self.delivered} waiting, {self.malformed} malformed {TS_PROPERTY}, "
                f"{self.event_count('disconnected')} outages>")


def _check_limits(count: int | None, seconds: float | None,
                  idle: float | None) -> tuple[int | None, float | None, float | None]:
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
        raise LiveError(f"count must be a whole number of messages (0 or more), not {count!r}")
    for name, value in (("seconds", seconds), ("idle", idle)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
            raise LiveError(f"{name} must be a positive number of seconds, not {value!r}")
    return count, seconds, idle


def mqtt_messages(broker: str | Broker = "127.0.0.1:1883", topics: str | Iterable[str] = ("sensors/#",), *,
                  count: int | None = None, seconds: float | None = None, idle: float | None = None, qos: int = 1,
                  client_id: str | None = None, username: str | None = None, password: str | None = None,
                  reconnect_delay: tuple[float, float] = DEFAULT_RECONNECT_DELAY,
                  connect_timeout: float = 5.0) -> MqttSource:
    """Subscribe to ``topics`` on ``broker`` and return the messages as they arrive: ``run(graph, mqtt_messages(...))``.

    Stops after ``count`` messages, ``seconds`` of iterating, or ``idle`` seconds without a message
    (none: until closed). ``qos`` is the subscription's maximum QoS. The returned ``MqttSource``
    has ``events``, ``outages``, ``malformed``, ``delivered`` and ``close()``; see
    ``workbench.live.source``. Raises ``LiveError`` at once when the broker cannot be reached
    (within ``connect_timeout`` seconds), refuses the login, or a topic filter is malformed.
    """
    return MqttSource(broker, topics, count=count, seconds=seconds, idle=idle, qos=qos, client_id=client_id,
                      username=username, password=password, reconnect_delay=reconnect_delay,
                      connect_timeout=connect_timeout)
