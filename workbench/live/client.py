"""The only importer of paho-mqtt: one MQTT 5 client that connects, subscribes, publishes and reconnects.

``connect()`` blocks until the broker has accepted the connection (and the subscriptions), or
raises ``LiveError`` within ``connect_timeout`` seconds naming ``host:port``. Then paho's network
thread runs the link: when it is lost, paho reconnects with exponential backoff between
``reconnect_delay[0]`` and ``reconnect_delay[1]`` seconds, and every CONNACK subscribes again (a
broker that restarted has forgotten us). Every change of the link is an event (``events``).

``close()`` unsubscribes and waits for the UNSUBACK before it disconnects: closing a socket with
messages still unread in it resets the connection, and the broker would never read our DISCONNECT.
Callbacks run on the network thread and must not raise: paho would end the thread.
"""

from __future__ import annotations

import secrets
import socket
import threading
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from ..messages import Message
from .address import Broker
from .errors import LiveError
from .events import EventLog

_AUTH_REASONS = {0x86, 0x87, 0x8C}  # bad user name or password, not authorized, bad authentication method
DEFAULT_RECONNECT_DELAY = (0.5, 30.0)
UNSUBSCRIBE_TIMEOUT = 2.0


class MqttClient:
    """A connection to one broker, for a source (``filters`` and ``on_message``) or a publisher."""

    def __init__(self, broker: Broker, *, client_id: str | None = None, username: str | None = None,
                 password: str | None = None, filters: tuple[str, ...] = (), qos: int = 1,
                 on_message: Callable[[Message], None] | None = None,
                 on_failure: Callable[[LiveError], None] | None = None,
                 reconnect_delay: tuple[float, float] = DEFAULT_RECONNECT_DELAY,
                 connect_timeout: float = 5.0, keepalive: int = 60):
        self.broker, self.filters, self.qos = broker, filters, check_qos(qos)
        self.client_id = client_id or f"workbench-{secrets.token_hex(4)}"
        self.username, self.connect_timeout, self.keepalive = username, connect_timeout, keepalive
        self.events = EventLog(str(broker))
        self.acks = Acknowledgements()
        self._on_message, self._on_failure = on_message, on_failure
        self._ready = threading.Event()
        self._unsubscribed = threading.Event()
        self._failure: str | None = None
        self._connected_once = False
        self._closing = False
        self._client = self._paho(client_id=self.client_id, username=username, password=password,
                                  reconnect_delay=reconnect_delay)

    def _paho(self, *, client_id: str, username: str | None, password: str | None,
              reconnect_delay: tuple[float, float]) -> paho.Client:
        client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5)
        if username is not None:
            client.username_pw_set(username, password)
        low, high = _check_delays(reconnect_delay, self.connect_timeout)
        client.reconnect_delay_set(low, high)  # type: ignore[arg-type]  # paho sleeps on them: floats work
        client.connect_timeout = self.connect_timeout
        client.on_connect = self._connected
        client.on_connect_fail = self._connect_failed
        client.on_disconnect = self._disconnected
        client.on_subscribe = self._subscribed
        client.on_unsubscribe = lambda *args: self._unsubscribed.set()
        client.on_message = self._message
        client.on_publish = self._published
        return client

    # -- lifecycle ---------------------------------------------------------------------
    def connect(self) -> None:
        """Connect (and subscribe), or raise ``LiveError`` naming the broker."""
        try:
            self._client.connect(self.broker.host, self.broker.port, self.keepalive)
        except OSError as exc:
            raise LiveError(f"cannot reach the MQTT broker at {self.broker}: {_reason(exc, self.connect_timeout)}; "
                            "is it running, and is the address right?") from exc
        self._client.loop_start()
        if not self._ready.wait(self.connect_timeout):
            self._stop()
            raise LiveError(f"the MQTT broker at {self.broker} did not accept the connection within "
                            f"{self.connect_timeout:g} s (is it an MQTT 5 broker?)")
        if self._failure is not None:
            self._stop()
            raise LiveError(self._failure)

    @property
    def connected(self) -> bool:
        return self._client.is_connected()

    def close(self) -> None:
        """Disconnect and stop the network thread (also while reconnecting). Idempotent."""
        if not self._closing:
            self._stop()

    def _stop(self) -> None:
        self._closing = True
        if self.filters and self.connected:
            self._client.unsubscribe(list(self.filters))
            self._unsubscribed.wait(UNSUBSCRIBE_TIMEOUT)
        self._client.disconnect()
        self._client.loop_stop()

    # -- publishing --------------------------------------------------------------------
    def publish(self, topic: str, message: Message, qos: int) -> None:
        """Send ``message`` to ``topic`` with its user properties and content type (queued while disconnected)."""
        properties = Properties(PacketTypes.PUBLISH)
        if message.properties:
            properties.UserProperty = list(message.properties)
        if message.content_type is not None:
            properties.ContentType = message.content_type
        self.acks.sending()
        try:
            info = self._client.publish(topic, message.payload, qos, properties=properties)
        except ValueError as exc:
            self.acks.not_sent()
            raise LiveError(f"cannot publish to {topic!r} on {self.broker}: {exc}") from exc
        if info.rc == MQTTErrorCode.MQTT_ERR_NO_CONN and qos == 0:
            self.acks.dropped_one()  # QoS 0 is not kept for a reconnect
        elif info.rc not in (MQTTErrorCode.MQTT_ERR_SUCCESS, MQTTErrorCode.MQTT_ERR_NO_CONN):
            self.acks.not_sent()
            raise LiveError(f"cannot publish to {topic!r} on {self.broker}: {paho.error_string(info.rc)}")

    # -- paho callbacks (network thread) -----------------------------------------------
    def _connected(self, client: paho.Client, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if reason.is_failure:
            hint = (f" (username {self.username!r}: check the username and password)"
                    if reason.value in _AUTH_REASONS else "")
            self._fail(f"the MQTT broker at {self.broker} refused the connection: {reason}{hint}", "refused")
            return
        self.events.add("reconnected" if self._connected_once else "connected")
        self._connected_once = True
        if self.filters:
            client.subscribe([(f, SubscribeOptions(qos=self.qos)) for f in self.filters])
        else:
            self._ready.set()

    def _subscribed(self, client: paho.Client, userdata: Any, mid: int, reasons: list[Any], properties: Any) -> None:
        for topic_filter, reason in zip(self.filters, reasons):
            if reason.is_failure:
                self._fail(f"the MQTT broker at {self.broker} refused the subscription to {topic_filter!r}: "
                           f"{reason}", "subscribe_failed")
                return
        self.events.add("subscribed", ", ".join(self.filters))
        self._ready.set()

    def _fail(self, text: str, event: str) -> None:
        self.events.add(event, text)
        if not self._ready.is_set():
            self._failure = text
            self._ready.set()
        elif self._on_failure is not None:
            self._on_failure(LiveError(text))

    def _connect_failed(self, client: paho.Client, userdata: Any) -> None:
        self.events.add("reconnect_failed")

    def _disconnected(self, client: paho.Client, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        self.events.add("closed" if self._closing else "disconnected", str(reason))

    def _message(self, client: paho.Client, userdata: Any, received: paho.MQTTMessage) -> None:
        if self._on_message is None:
            return
        properties = received.properties
        pairs = getattr(properties, "UserProperty", None) or []
        self._on_message(Message(bytes(received.payload), received.topic,
                                 content_type=getattr(properties, "ContentType", None),
                                 properties=tuple((str(key), str(value)) for key, value in pairs)))

    def _published(self, client: paho.Client, userdata: Any, mid: int, reason: Any, properties: Any) -> None:
        self.acks.acknowledged(str(reason) if reason.is_failure else None)


class LinkStatus:
    """What a source or publisher reports of its broker link: its ``MqttClient``'s state and events."""

    _client: MqttClient

    @property
    def connected(self) -> bool:
        return self._client.connected

    @property
    def client_id(self) -> str:
        return self._client.client_id

    @property
    def events(self) -> Any:
        """Connection events as a DataFrame: ``event``, ``wall_time``, ``broker``, ``reason`` (see ``live.events``)."""
        return self._client.events.frame()

    @property
    def outages(self) -> Any:
        """Losses of the link as a DataFrame: ``disconnected``, ``reconnected``, ``seconds``, ``reason``."""
        return self._client.events.outages()

    def event_count(self, event: str) -> int:
        """How many events of a kind (``"disconnected"``, ``"reconnected"``, ``"subscribed"``, …) happened so far."""
        return self._client.events.count(event)


class Acknowledgements:
    """Counts of published messages, shared by the caller's thread and the network thread."""

    def __init__(self) -> None:
        self.sent = self.acknowledged_count = self.rejected = self.dropped = 0
        self.reasons: list[str] = []
        self._condition = threading.Condition()

    @property
    def pending(self) -> int:
        return self.sent - self.acknowledged_count - self.rejected - self.dropped

    def sending(self) -> None:
        with self._condition:
            self.sent += 1

    def not_sent(self) -> None:
        with self._condition:
            self.sent -= 1

    def dropped_one(self) -> None:
        with self._condition:
            self.dropped += 1
            self._condition.notify_all()

    def acknowledged(self, failure: str | None) -> None:
        with self._condition:
            if failure is None:
                self.acknowledged_count += 1
            else:
                self.rejected += 1
                if len(self.reasons) < 10:
                    self.reasons.append(failure)
            self._condition.notify_all()

    def wait(self, timeout: float | None) -> bool:
        """Whether every message sent was acknowledged, rejected or dropped within ``timeout`` seconds."""
        with self._condition:
            return self._condition.wait_for(lambda: self.pending <= 0, timeout)


def check_qos(qos: int) -> int:
    if qos not in (0, 1, 2) or isinstance(qos, bool):
        raise LiveError(f"qos must be 0, 1 or 2, not {qos!r}")
    return qos


def _check_delays(reconnect_delay: tuple[float, float], connect_timeout: float) -> tuple[float, float]:
    low, high = reconnect_delay
    if not 0 < low <= high:
        raise LiveError(f"reconnect_delay must be (first, longest) seconds with 0 < first <= longest, "
                        f"not {reconnect_delay!r}")
    if not connect_timeout > 0:
        raise LiveError(f"connect_timeout must be a positive number of seconds, not {connect_timeout!r}")
    return low, high


def _reason(exc: OSError, timeout: float) -> str:
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror})"
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} s"
    return exc.strerror or str(exc) or type(exc).__name__
