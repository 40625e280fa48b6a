"""``mqtt_publisher``: a run's outputs published to an MQTT broker, as ``on_output=`` of ``run()``.

Each output goes to ``topic`` (a template: ``{sink}`` is the sink's name, ``{topic}`` the output
message's own topic; ``None``: the message's own topic) with its payload, content type and user
properties, ``__ts`` set to the dataflow timestamp text (``<ms>:<counter>:<node>``, zero-padded as
AIO's runtime writes it). QoS 1 and 2 messages published while the link is down are sent when it
is back; QoS 0 ones are dropped (counted). ``close()`` waits until the broker acknowledged every
message, then disconnects.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..datasets.timestamps import stamp
from ..messages import Message, Timestamp
from .address import Broker, check_topic
from .client import DEFAULT_RECONNECT_DELAY, LinkStatus, MqttClient, check_qos
from .errors import LiveError

FIELDS = ("sink", "topic")


class MqttPublisher(LinkStatus):
    """Publishes messages to one broker; call it as ``on_output(sink, message, timestamp)``."""

    def __init__(self, broker: str | Broker = "127.0.0.1:1883", topic: str | None = None, *, qos: int = 1,
                 client_id: str | None = None, username: str | None = None, password: str | None = None,
                 reconnect_delay: tuple[float, float] = DEFAULT_RECONNECT_DELAY, connect_timeout: float = 5.0):
        self.broker = Broker.parse(broker)
        self.topic = _check_template(topic)
        self.qos = check_qos(qos)
        self._client = MqttClient(self.broker, client_id=client_id, username=username, password=password, qos=qos,
                                  reconnect_delay=reconnect_delay, connect_timeout=connect_timeout)
        self._client.connect()
        self._closed = False

    def __call__(self, sink: str, message: Any, timestamp: Timestamp) -> None:
        """``on_output``: publish ``message`` of ``sink`` with ``__ts`` = the dataflow ``timestamp``."""
        self.publish(replace(_message(message, sink), timestamp=timestamp), sink)

    def publish(self, message: Message, sink: str = "") -> None:
        """Publish ``message`` (its ``__ts`` made to agree with its timestamp) to the topic for ``sink``."""
        if self._closed:
            raise LiveError(f"the MQTT publisher to {self.broker} is closed")
        self._client.publish(self._topic_for(sink, message), stamp(message), self.qos)

    def _topic_for(self, sink: str, message: Message) -> str:
        if self.topic is None:
            if not message.topic:
                raise LiveError(f"an output of sink {sink!r} has no topic; give mqtt_publisher(topic=...), "
                                "e.g. 'out/{sink}'")
            return check_topic(message.topic)
        return check_topic(self.topic.format(sink=sink, topic=message.topic))

    def flush(self, timeout: float | None = 10.0) -> bool:
        """Wait until the broker acknowledged every message sent; whether it did within ``timeout`` seconds."""
        return self._client.acks.wait(timeout)

    def close(self, timeout: float | None = 10.0) -> None:
        """Wait for the acknowledgements (``LiveError`` if some are missing after ``timeout`` s), then disconnect."""
        if self._closed:
            return
        self._closed = True
        try:
            if not self.flush(timeout):
                raise LiveError(f"{self.pending} of {self.sent} messages published to {self.broker} were not "
                                f"acknowledged within {timeout:g} s")
        finally:
            self._client.close()

    def __enter__(self) -> MqttPublisher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def sent(self) -> int:
        return self._client.acks.sent

    @property
    def published(self) -> int:
        """Messages the broker acknowledged (QoS 1, 2) or that were written to it (QoS 0)."""
        return self._client.acks.acknowledged_count

    @property
    def rejected(self) -> int:
        """Messages the broker answered with a failure reason (see ``rejections``)."""
        return self._client.acks.rejected

    @property
    def rejections(self) -> list[str]:
        return list(self._client.acks.reasons)

    @property
    def dropped(self) -> int:
        """QoS 0 messages published while the link was down."""
        return self._client.acks.dropped

    @property
    def pending(self) -> int:
        return self._client.acks.pending

    def __repr__(self) -> str:
        return (f"<MqttPublisher {self.broker} topic={self.topic!r} qos={self.qos}: {self.published} published, "
                f"{self.pending} pending, {self.rejected} rejected, {self.dropped} dropped>")


def _check_template(topic: str | None) -> str | None:
    if topic is None:
        return None
    if not isinstance(topic, str):
        raise LiveError(f"topic must be text such as 'out/{{sink}}', got {topic!r}")
    try:
        example = topic.format(sink="sink", topic="topic")
    except (KeyError, IndexError, ValueError) as exc:
        raise LiveError(f"topic template {topic!r}: only {{sink}} and {{topic}} can be filled in ({exc!r})") from exc
    check_topic(example)
    return topic


def _message(value: Any, sink: str) -> Message:
    if isinstance(value, Message):
        return value
    payload = getattr(value, "payload", None)
    if isinstance(payload, bytes):  # RawData: bytes without message metadata
        return Message(payload)
    raise LiveError(f"sink {sink!r} produced a {type(value).__name__}, not a message: {value!r:.120}")


def mqtt_publisher(broker: str | Broker = "127.0.0.1:1883", topic: str | None = None, *, qos: int = 1,
                   client_id: str | None = None, username: str | None = None, password: str | None = None,
                   reconnect_delay: tuple[float, float] = DEFAULT_RECONNECT_DELAY,
                   connect_timeout: float = 5.0) -> MqttPublisher:
    """A publisher for ``run(..., on_output=mqtt_publisher(broker, "out/{sink}"))``; ``close()`` it after the run.

    ``topic``: a template with ``{sink}`` and ``{topic}``, or ``None`` for each message's own topic.
    Raises ``LiveError`` at once when the broker cannot be reached or refuses the login, or the
    topic is malformed (wildcards, unknown ``{fields}``).
    """
    return MqttPublisher(broker, topic, qos=qos, client_id=client_id, username=username, password=password,
                         reconnect_delay=reconnect_delay, connect_timeout=connect_timeout)
