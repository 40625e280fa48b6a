"""``mqtt_messages`` against a real Mosquitto: timestamps, properties, stopping and closing."""

from __future__ import annotations

import threading
import time

import pytest

from workbench.live import LiveError, mqtt_messages
from workbench.messages import Message, Timestamp

from ._broker import Mosquitto
from ._mqtt import Sent, publish


def stamped(topic: str, n: int) -> list[Sent]:
    return [Sent(f"{topic}/d{i % 2}", f'{{"n": {i}}}'.encode(),
                 (("__ts", f"{1_735_689_600_000 + i}:{i % 3}:edge"), ("device", f"d{i % 2}"), ("device", "again")),
                 "application/json") for i in range(n)]


def test_messages_keep_topic_payload_properties_content_type_and_their_ts(broker: Mosquitto, topic: str) -> None:
    sent = stamped(topic, 6)
    with mqtt_messages(broker.address, [f"{topic}/#"], count=6, seconds=20) as source:
        publish(broker.port, sent)  # before iterating: kept until the run takes them
        received = list(source)
    assert received == [Message(s.payload, s.topic, Timestamp.parse(dict(s.properties)["__ts"]), s.content_type,
                                ((s.properties[0][0], f"{1_735_689_600_000 + i:015d}:{i % 3:05d}:edge"),
                                 *s.properties[1:]))
                        for i, s in enumerate(sent)]
    assert (source.delivered, source.arrived, source.malformed) == (6, 6, 0)


def test_arrival_time_stands_in_for_a_missing_or_malformed_ts(broker: Mosquitto, topic: str) -> None:
    sent = [Sent(f"{topic}/a", b"1"), Sent(f"{topic}/b", b"2", (("__ts", "yesterday"), ("k", "v"))),
            Sent(f"{topic}/c", b"3", (("k", "w"),))]
    before = time.time_ns() // 1_000_000
    with mqtt_messages(broker.address, f"{topic}/+", count=3, seconds=20) as source:
        publish(broker.port, sent)
        received = list(source)
    after = time.time_ns() // 1_000_000
    stamps = [m.timestamp for m in received]
    assert all(before <= t.millis <= after and t.node_id == "workbench" for t in stamps)
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    assert [m.properties[1:] for m in received] == [(), (("k", "v"),), (("k", "w"),)]
    assert all(dict(m.properties)["__ts"] == f"{t.millis:015d}:{t.counter:05d}:workbench"
               for m, t in zip(received, stamps))
    assert source.malformed == 1 and source.malformed_examples == [(f"{topic}/b", "yesterday")]


def test_seconds_ends_a_quiet_subscription(broker: Mosquitto, topic: str) -> None:
    source = mqtt_messages(broker.address, [f"{topic}/#"], seconds=0.5)
    started = time.monotonic()
    assert list(source) == []
    assert 0.5 <= time.monotonic() - started < 5
    assert not source.connected and source.event_count("closed") == 1


def test_idle_ends_after_the_last_message(broker: Mosquitto, topic: str) -> None:
    with mqtt_messages(broker.address, [f"{topic}/#"], idle=0.5, seconds=20) as source:
        publish(broker.port, stamped(topic, 2))
        started = time.monotonic()
        assert len(list(source)) == 2
    assert time.monotonic() - started < 10


def test_closing_the_generator_early_disconnects_from_the_broker(broker: Mosquitto, topic: str) -> None:
    source = mqtt_messages(broker.address, [f"{topic}/#"])
    publish(broker.port, stamped(topic, 3))
    messages = iter(source)
    assert next(messages).payload == b'{"n": 0}'
    messages.close()  # as a run does when its operator fails, or the consumer breaks out
    assert not source.connected and list(source.events["event"]) == ["connected", "subscribed", "closed"]
    assert broker.wait_for_log(f"Client {source.client_id} disconnected."), broker.log_text()[-2000:]
    with pytest.raises(LiveError, match=rf"the MQTT source on {broker.address} \({topic}/#\) is closed"):
        iter(source)


def test_close_from_another_thread_ends_an_endless_iteration(broker: Mosquitto, topic: str) -> None:
    source = mqtt_messages(broker.address, [f"{topic}/#"])
    threading.Timer(0.3, source.close).start()
    started = time.monotonic()
    assert list(source) == []
    assert time.monotonic() - started < 5


def test_a_source_is_iterated_once(broker: Mosquitto, topic: str) -> None:
    with mqtt_messages(broker.address, [f"{topic}/#"], count=0) as source:
        assert list(source) == []
    with pytest.raises(LiveError, match="make a new one with mqtt_messages"):
        list(source)
