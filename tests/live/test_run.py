"""A graph run over a live topic, its outputs published back: the whole loop through Mosquitto."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from workbench import run
from workbench.dataflow.graph import Graph
from workbench.dataflow.registry import PythonModule
from workbench.live import LiveError, mqtt_messages, mqtt_publisher
from workbench.messages import Message, Timestamp

from ._broker import Mosquitto
from ._mqtt import Sent, Subscriber, publish

MODULE = "tests/live-double:1.0.0"


class Double:
    """Doubles ``n``; keeps everything else of the message."""

    def init(self, properties: dict[str, str]) -> bool:
        return True

    def process(self, message: Message) -> Message:
        value = json.loads(message.payload)
        return message.with_payload(json.dumps({"n": value["n"] * 2}).encode())


def double_graph() -> Graph:
    return Graph("live").source().map("double", MODULE).sink("out")


def run_live(graph: Graph, inputs: Any, **options: Any) -> Any:
    return run(graph, inputs, modules={MODULE: PythonModule(map=Double)}, mode="native", **options)


def inputs(topic: str, n: int) -> list[Sent]:
    return [Sent(f"{topic}/in/d{i % 3}", json.dumps({"n": i}).encode(),
                 (("__ts", f"{1_735_689_600_000 + 10 * i}:0:edge"), ("device", f"d{i % 3}")), "application/json")
            for i in range(n)]


def test_a_graph_over_a_live_topic_publishes_its_outputs(broker: Mosquitto, topic: str) -> None:
    n = 20
    subscriber = Subscriber(broker.port, f"{topic}/out/#")
    try:
        source = mqtt_messages(broker.address, [f"{topic}/in/#"], count=n, seconds=30)
        publish(broker.port, inputs(topic, n))
        with mqtt_publisher(broker.address, f"{topic}/out/{{sink}}") as publisher:
            result = run_live(double_graph(), source, on_output=publisher)
        received = subscriber.wait_for(n)
    finally:
        subscriber.close()
    assert (source.delivered, result.output_count, publisher.published, publisher.pending) == (n, n, n, 0)
    assert len(received) == n and {r.topic for r in received} == {f"{topic}/out/out"}
    assert sorted(json.loads(r.payload)["n"] for r in received) == [2 * i for i in range(n)]
    stamps = {str(t) for t in result.timestamps()}
    for r in received:
        properties = dict(r.properties)
        assert str(Timestamp.parse(properties["__ts"])) in stamps
        assert properties["device"] == f"d{json.loads(r.payload)['n'] // 2 % 3}"
        assert r.content_type == "application/json"


def test_the_publisher_can_keep_each_message_topic(broker: Mosquitto, topic: str) -> None:
    subscriber = Subscriber(broker.port, f"{topic}/#")
    try:
        with mqtt_publisher(broker.address, qos=0) as publisher:
            publisher("out", Message(b"x", f"{topic}/a", properties=(("k", "v"),)), Timestamp.from_millis(5, 1, "n"))
            publisher("out", Message(b"y", f"{topic}/b"), Timestamp.from_millis(6))
            assert publisher.flush(5)
        received = subscriber.wait_for(2)
    finally:
        subscriber.close()
    assert [(r.topic, r.payload, r.properties) for r in received] == [
        (f"{topic}/a", b"x", (("__ts", "000000000000005:00001:n"), ("k", "v"))),
        (f"{topic}/b", b"y", (("__ts", "000000000000006:00000:workbench"),))]
    assert publisher.published == 2 and publisher.sent == 2 and not publisher.connected


def test_publisher_errors_name_the_sink_and_topic(broker: Mosquitto) -> None:
    with mqtt_publisher(broker.address) as publisher:
        with pytest.raises(LiveError, match=r"an output of sink 'out' has no topic; give mqtt_publisher\(topic=\.\.\.\)"):
            publisher("out", Message(b"x"), Timestamp())
        with pytest.raises(LiveError, match=r"topic 'a/\+': cannot publish to a topic with wildcards"):
            publisher("out", Message(b"x", "a/+"), Timestamp())
        with pytest.raises(LiveError, match=r"sink 'out' produced a int, not a message: 7"):
            publisher("out", 7, Timestamp())
        assert publisher.sent == 0
    with pytest.raises(LiveError, match=rf"the MQTT publisher to {broker.address} is closed"):
        publisher.publish(Message(b"x", "a"))


def test_a_publisher_whose_broker_is_gone_says_what_was_not_acknowledged(
        new_broker: Callable[..., Mosquitto]) -> None:
    broker = new_broker()
    keeping = mqtt_publisher(broker.address, "gone/{sink}", reconnect_delay=(5, 5))
    dropping = mqtt_publisher(broker.address, "gone/{sink}", qos=0, reconnect_delay=(5, 5))
    broker.stop()
    deadline = time.monotonic() + 10
    while (keeping.connected or dropping.connected) and time.monotonic() < deadline:
        time.sleep(0.01)
    keeping("out", Message(b"x"), Timestamp())  # QoS 1: kept for a reconnect that does not come
    dropping("out", Message(b"x"), Timestamp())  # QoS 0: dropped
    with pytest.raises(LiveError, match=rf"1 of 1 messages published to {broker.address} were not acknowledged "
                                        r"within 0\.5 s"):
        keeping.close(timeout=0.5)
    dropping.close(timeout=0.5)
    assert (keeping.pending, keeping.published, dropping.dropped, dropping.published) == (1, 0, 1, 0)
    assert "disconnected" in list(keeping.events["event"]) and not keeping.connected
