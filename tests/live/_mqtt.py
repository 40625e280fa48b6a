"""Raw paho-mqtt clients for the tests' side of the wire: independent of the code under test."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


@dataclass(frozen=True)
class Sent:
    topic: str
    payload: bytes
    properties: tuple[tuple[str, str], ...] = ()
    content_type: str | None = None


def _client(port: int) -> paho.Client:
    client = paho.Client(CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5)
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client


def publish(port: int, messages: Iterable[Sent], qos: int = 1, retain: bool = False) -> None:
    """Publish ``messages`` (QoS 1 by default) and wait until each is sent and acknowledged."""
    client = _client(port)
    try:
        for message in messages:
            properties = Properties(PacketTypes.PUBLISH)
            if message.properties:
                properties.UserProperty = list(message.properties)
            if message.content_type is not None:
                properties.ContentType = message.content_type
            client.publish(message.topic, message.payload, qos, retain, properties).wait_for_publish(5)
    finally:
        client.disconnect()
        client.loop_stop()


class Subscriber:
    """Collects what arrives on ``topic_filter`` as ``Sent`` records."""

    def __init__(self, port: int, topic_filter: str):
        self.received: list[Sent] = []
        self._lock = threading.Lock()
        subscribed = threading.Event()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5)
        self.client.on_message = self._message
        self.client.on_subscribe = lambda *args: subscribed.set()
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.client.subscribe(topic_filter, qos=1)
        assert subscribed.wait(5), f"no SUBACK for {topic_filter!r}"

    def _message(self, client: paho.Client, userdata: object, message: paho.MQTTMessage) -> None:
        properties = message.properties
        pairs = tuple(getattr(properties, "UserProperty", None) or ())
        with self._lock:
            self.received.append(Sent(message.topic, bytes(message.payload), pairs,
                                      getattr(properties, "ContentType", None)))

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Sent]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        with self._lock:
            return list(self.received)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
