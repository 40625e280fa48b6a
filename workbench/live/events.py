"""Connection events of a live client: what happened to the link to the broker, and when.

Kinds: ``connected`` (the first CONNACK), ``subscribed`` (a SUBACK), ``disconnected`` (the link
was lost, with the reason), ``reconnect_failed`` (an attempt to reconnect failed), ``reconnected``
(a CONNACK after a loss), ``closed`` (we disconnected). ``outages`` pairs each ``disconnected`` with
the next ``reconnected``: the gaps in which no message can arrive, and in which a run's source
frontier (which moves only as messages arrive) stays flat. Wall times are seconds since the epoch;
the frames give them as UTC datetimes like the ``Run`` frames (``progress.wall_time``), so they can
be compared and plotted together.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

EVENT_COLUMNS = ["event", "wall_time", "broker", "reason"]
OUTAGE_COLUMNS = ["disconnected", "reconnected", "seconds", "reason"]


@dataclass(frozen=True)
class ConnectionEvent:
    """One change of the link to the broker."""

    event: str
    wall_time: float
    broker: str
    reason: str = ""


class EventLog:
    """Events appended by the network thread, read by anyone (``list`` returns a copy)."""

    def __init__(self, broker: str):
        self.broker = broker
        self._events: list[ConnectionEvent] = []
        self._lock = threading.Lock()

    def add(self, event: str, reason: str = "") -> ConnectionEvent:
        record = ConnectionEvent(event, time.time(), self.broker, reason)
        with self._lock:
            self._events.append(record)
        return record

    def list(self) -> list[ConnectionEvent]:
        with self._lock:
            return list(self._events)

    def count(self, event: str) -> int:
        return sum(1 for record in self.list() if record.event == event)

    def frame(self) -> Any:
        """One row an event: ``event``, ``wall_time`` (UTC datetime), ``broker``, ``reason``."""
        import pandas as pd

        frame = pd.DataFrame([(e.event, e.wall_time, e.broker, e.reason) for e in self.list()],
                             columns=EVENT_COLUMNS)
        frame["wall_time"] = pd.to_datetime(frame["wall_time"], unit="s")
        return frame

    def outages(self) -> Any:
        """One row a loss of the link: ``disconnected``, ``reconnected`` (NaT while still down), ``seconds``."""
        import pandas as pd

        rows: list[tuple[float, float | None, str]] = []
        for record in self.list():
            if record.event == "disconnected":
                rows.append((record.wall_time, None, record.reason))
            elif record.event == "reconnected" and rows and rows[-1][1] is None:
                rows[-1] = (rows[-1][0], record.wall_time, rows[-1][2])
        frame = pd.DataFrame([(down, up, None if up is None else up - down, reason) for down, up, reason in rows],
                             columns=OUTAGE_COLUMNS)
        for column in ("disconnected", "reconnected"):
            frame[column] = pd.to_datetime(frame[column], unit="s")
        frame["seconds"] = frame["seconds"].astype("float64")
        return frame
