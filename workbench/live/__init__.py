"""Live MQTT: run graphs over a broker's topics and publish their outputs (paho-mqtt, MQTT 5).

- ``mqtt_messages(broker, topics, count=, seconds=, idle=)``: the messages of a live subscription,
  as they arrive, for ``run()``; timestamps from the ``__ts`` user property (AIO's HLC), else the
  arrival time. Reconnects with backoff when the broker goes away; ``events`` and ``outages`` say
  when.
- ``mqtt_publisher(broker, topic="out/{sink}")``: ``on_output=`` of ``run()``: publishes every
  output with its user properties, content type and ``__ts`` = its dataflow timestamp;
  ``close()`` waits for the acknowledgements.
- ``tap(broker, topics, count=, seconds=)``: a DataFrame of what arrives, for a quick look.

A graph over a live topic, its results published back::

    from workbench import run
    from workbench.live import mqtt_messages, mqtt_publisher

    source = mqtt_messages("127.0.0.1:1883", ["sensors/#"], seconds=60)
    with mqtt_publisher("127.0.0.1:1883", "out/{sink}") as publish:
        result = run(graph, source, on_output=publish)
    source.outages          # when the broker was away (the progress plot is flat there)

Errors are ``LiveError`` (a ``WorkbenchError``) naming the broker ``host:port``. paho-mqtt is
imported by ``workbench.live.client`` only, and nothing is imported until a name is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench._lazy import lazy_exports

if TYPE_CHECKING:
    from .address import Broker
    from .errors import LiveError
    from .events import ConnectionEvent
    from .publisher import MqttPublisher, mqtt_publisher
    from .source import MqttSource, mqtt_messages
    from .tap import tap

_EXPORTS = {
    "Broker": ".address",
    "LiveError": ".errors",
    "ConnectionEvent": ".events",
    "MqttPublisher": ".publisher",
    "mqtt_publisher": ".publisher",
    "MqttSource": ".source",
    "mqtt_messages": ".source",
    "tap": ".tap",
}

__all__ = [
    "Broker", "ConnectionEvent", "LiveError", "MqttPublisher", "MqttSource", "mqtt_messages",
    "mqtt_publisher", "tap"
]
_, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
