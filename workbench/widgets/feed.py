"""``Feed``: the input of a run the panel can pace, count and stop; no widgets here.

The engine consumes its input lazily and ends a run cleanly (flushing every open timestamp)
when the input ends, so stopping a run is ending its input: after ``stop()`` the feed yields
nothing more. A stop is seen before the next message, so a run stops within one operator call.

Pacing replays messages in event time: message ``i`` is fed ``(t_i - t_0) / speed`` seconds
after the first, where ``t`` is the message timestamp; a message stamped earlier than one
already fed (a late arrival) is fed at once. ``speed=0`` feeds as fast as the graph runs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator

from ..messages import Message


class Feed:
    """Messages for one run: paced by ``speed``, counted in ``fed``, ended early by ``stop()``.

    ``on_fed(fed)`` is called at most every ``report_every`` seconds while messages flow, and
    once more at the end, so a progress display gets coalesced updates.
    """

    def __init__(self, messages: Iterable[Message], total: int, speed: float = 0.0,
                 on_fed: Callable[[int], None] | None = None, report_every: float = 0.2):
        if speed < 0:
            raise ValueError(f"speed must be 0 (as fast as possible) or positive, not {speed!r}")
        self.messages = messages
        self.total = total
        self.speed = speed
        self.on_fed = on_fed
        self.report_every = report_every
        self.fed = 0
        self._stop = threading.Event()
        self._reported = 0.0

    def stop(self) -> None:
        """Feed no more messages (thread-safe; the run then finishes what it has)."""
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    @property
    def exhausted(self) -> bool:
        """Everything was fed: the run was not cut short."""
        return not self.stopped or self.fed >= self.total

    def __iter__(self) -> Iterator[Message]:
        try:
            yield from self._paced() if self.speed > 0 else self._unpaced()
        finally:
            self._report(force=True)

    def _unpaced(self) -> Iterator[Message]:
        for message in self.messages:
            if self._stop.is_set():
                return
            yield self._count(message)

    def _paced(self) -> Iterator[Message]:
        first_ms: int | None = None
        started = time.monotonic()
        for message in self.messages:
            millis = message.timestamp.millis
            if first_ms is None:
                first_ms, started = millis, time.monotonic()
            due = started + (millis - first_ms) / 1000 / self.speed
            if self._stop.wait(max(0.0, due - time.monotonic())):
                return
            yield self._count(message)

    def _count(self, message: Message) -> Message:
        self.fed += 1
        self._report()
        return message

    def _report(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.on_fed is not None and (force or now - self._reported >= self.report_every):
            self._reported = now
            self.on_fed(self.fed)
