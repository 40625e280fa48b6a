"""``tap``: a quick look at a live topic as a DataFrame that ``read_input`` reads back."""

from __future__ import annotations

import time

from workbench.datasets import read_input
from workbench.datasets.tables import FRAME_COLUMNS
from workbench.live import tap
from workbench.messages import Timestamp

from ._broker import Mosquitto
from ._mqtt import Sent, publish


def test_tap_returns_the_messages_as_a_frame(broker: Mosquitto, topic: str) -> None:
    sent = [Sent(f"{topic}/a", b'{"v": 1}', (("__ts", "1735689600000:3:edge"), ("k", "v")), "application/json"),
            Sent(f"{topic}/b", b"\xff\x00", (("__ts", "1735689600001:0:edge"),))]
    publish(broker.port, sent, retain=True)  # retained: delivered when tap subscribes
    frame = tap(broker.address, f"{topic}/#", count=2)
    assert list(frame.columns) == list(FRAME_COLUMNS) and frame.attrs["malformed"] == 0
    assert list(frame["payload"]) == ['{"v": 1}', b"\xff\x00"]
    assert list(frame["timestamp"]) == ["001735689600000:00003:edge", "001735689600001:00000:edge"]
    first, second = read_input(frame)
    assert (first.topic, first.timestamp, first.content_type) == (f"{topic}/a", Timestamp.from_millis(
        1_735_689_600_000, 3, "edge"), "application/json")
    assert first.properties == (("__ts", "001735689600000:00003:edge"), ("k", "v"))
    assert second.payload == b"\xff\x00"


def test_tap_on_a_quiet_topic_gives_an_empty_frame_after_seconds(broker: Mosquitto, topic: str) -> None:
    started = time.monotonic()
    frame = tap(broker.address, [f"{topic}/#"], seconds=0.3)
    assert frame.empty and list(frame.columns) == list(FRAME_COLUMNS)
    assert 0.3 <= time.monotonic() - started < 5
