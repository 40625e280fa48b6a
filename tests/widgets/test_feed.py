"""``Feed``: counting, stopping and event-time pacing of a run's input (pacing on a fake clock)."""

from __future__ import annotations

import pytest

from workbench.messages import Message, Timestamp
from workbench.widgets import Feed
from workbench.widgets import feed as feed_module


def stamped(*millis: int) -> list[Message]:
    return [Message.of({"value": i}, "t", timestamp=Timestamp.from_millis(ms)) for i, ms in enumerate(millis)]


class FakeClock:
    """``time.monotonic`` and the stop event's ``wait``: time passes only when the feed waits."""

    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []
        self.stop_after: int | None = None

    def monotonic(self) -> float:
        return self.now

    def wait(self, timeout: float) -> bool:
        self.waits.append(round(timeout, 6))
        self.now += timeout
        return self.stop_after is not None and len(self.waits) > self.stop_after


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(feed_module.time, "monotonic", fake.monotonic)
    return fake


def test_an_unpaced_feed_yields_everything_and_counts_it() -> None:
    seen: list[int] = []
    feed = Feed(stamped(1, 2, 3), total=3, on_fed=seen.append, report_every=3600)
    assert [m.timestamp.millis for m in feed] == [1, 2, 3]
    assert feed.fed == 3 and feed.exhausted and not feed.stopped
    assert seen == [1, 3]  # the first message, then the end: coalesced in between


def test_stop_ends_the_feed_before_the_next_message() -> None:
    feed = Feed(stamped(1, 2, 3, 4), total=4)
    taken = []
    for message in feed:
        taken.append(message)
        if len(taken) == 2:
            feed.stop()
    assert len(taken) == 2 and feed.fed == 2
    assert feed.stopped and not feed.exhausted


def test_a_paced_feed_waits_for_event_time_divided_by_speed(clock: FakeClock) -> None:
    feed = Feed(stamped(1_000, 1_500, 1_400, 3_000), total=4, speed=10.0)
    feed._stop.wait = clock.wait  # type: ignore[method-assign]
    assert len(list(feed)) == 4
    # 0.5 s of event time at ×10 is 0.05 s; the late message (1_400) is fed at once.
    assert clock.waits == [0.0, 0.05, 0.0, 0.15]


def test_a_paced_feed_stops_while_waiting(clock: FakeClock) -> None:
    feed = Feed(stamped(0, 1_000, 2_000, 3_000), total=4, speed=1.0)
    feed._stop.wait = clock.wait  # type: ignore[method-assign]
    clock.stop_after = 2
    assert len(list(feed)) == 2
    assert feed.fed == 2


def test_a_negative_speed_is_refused() -> None:
    with pytest.raises(ValueError, match="speed must be 0"):
        Feed([], total=0, speed=-1)
