"""The shape every sample dataset shares: an event clock with gaps, and arrivals out of order.

Events happen ``interval_ms`` apart (with jitter below half an interval, so timestamps strictly
increase). Before an event, with probability ``gaps``, the clock jumps 10–60 intervals ahead: a
silence. With probability ``out_of_order``, an event arrives 1–``max_delay`` messages late: after
at least one later event, so it is behind the newest timestamp seen (a late message). Values,
clock and arrivals use separate random streams, so changing ``out_of_order`` changes only the
order, never the messages themselves.

Generation is lazy; memory is bounded by ``max_delay``, whatever ``n``.
"""

from __future__ import annotations

import heapq
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import DatasetError
from ..messages import Message, Timestamp
from .timestamps import START_MS, TS_PROPERTY, hlc_text, parse_timestamp

Event = tuple[str, dict[str, Any]]
"""What a dataset makes of one event: topic and payload."""

MakeEvent = Callable[[int, int], Event]
"""``make(index, millis)`` → the event's topic and payload (drawing on the dataset's value stream)."""

GAP_INTERVALS = (10, 60)


@dataclass(frozen=True)
class StreamOptions:
    """Options every dataset accepts."""

    interval_ms: int = 250
    out_of_order: float = 0.05
    max_delay: int = 5
    gaps: float = 0.005
    start: Any = START_MS

    def __post_init__(self) -> None:
        _check_int("interval_ms", self.interval_ms, 1)
        _check_int("max_delay", self.max_delay, 1)
        check_rate("out_of_order", self.out_of_order)
        check_rate("gaps", self.gaps)
        try:
            parse_timestamp(self.start)
        except ValueError as exc:
            raise DatasetError(f"option start={self.start!r}: {exc}") from exc

    @property
    def start_ms(self) -> int:
        return parse_timestamp(self.start).millis


def check_rate(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise DatasetError(f"option {name}={value!r} must be a fraction between 0 and 1")


def _check_int(name: str, value: Any, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise DatasetError(f"option {name}={value!r} must be an integer of at least {least}")


def randoms(name: str, seed: int, purpose: str) -> random.Random:
    """An independent, seeded random stream (string seeds hash the same way in every process)."""
    return random.Random(f"{name}/{purpose}/{seed}")


def event_times(n: int, options: StreamOptions, rng: random.Random) -> Iterator[int]:
    """Strictly increasing event times in milliseconds."""
    interval = options.interval_ms
    base = options.start_ms
    jitter = max(1, interval // 2)
    for _ in range(n):
        if options.gaps and rng.random() < options.gaps:
            base += interval * rng.randint(*GAP_INTERVALS)
        yield base + rng.randrange(jitter)
        base += interval


def arrivals(events: Iterator[Message], options: StreamOptions, rng: random.Random) -> Iterator[Message]:
    """``events`` in arrival order: some held back 1–``max_delay`` places (a bounded heap)."""
    held: list[tuple[int, int, int, Message]] = []
    for index, message in enumerate(events):
        late = bool(options.out_of_order) and rng.random() < options.out_of_order
        due = index + rng.randint(1, options.max_delay) if late else index
        heapq.heappush(held, (due, int(late), index, message))
        while held and held[0][0] <= index:
            yield heapq.heappop(held)[3]
    while held:
        yield heapq.heappop(held)[3]


def messages(name: str, n: int, seed: int, options: StreamOptions, make: MakeEvent) -> Iterator[Message]:
    """The dataset's messages, in arrival order, each with its HLC timestamp and ``__ts``."""
    clock = event_times(n, options, randoms(name, seed, "clock"))

    def events() -> Iterator[Message]:
        dumps = json.dumps
        for index, millis in enumerate(clock):
            topic, payload = make(index, millis)
            ts = Timestamp(millis // 1000, (millis % 1000) * 1_000_000)
            yield Message(dumps(payload).encode(), topic, ts, None, ((TS_PROPERTY, hlc_text(ts)),))

    return arrivals(events(), options, randoms(name, seed, "arrival"))
