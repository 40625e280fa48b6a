"""Progress tracking: frontiers over totally ordered HLC timestamps.

With totally ordered timestamps a frontier is a single timestamp: the earliest one an
input may still receive. ``CLOSED`` is past every timestamp: the input has ended.
A timestamp ``t`` is *complete* at an input when its frontier has passed it (``t < frontier``).
"""

from __future__ import annotations

from functools import total_ordering
from typing import Any

from ..messages import Timestamp


@total_ordering
class _Closed:
    """Greater than every timestamp."""

    _instance: _Closed | None = None

    def __new__(cls) -> _Closed:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __eq__(self, other: Any) -> bool:
        return other is self

    def __lt__(self, other: Any) -> bool:
        return False

    def __gt__(self, other: Any) -> bool:
        return other is not self

    def __hash__(self) -> int:
        return hash("closed-frontier")

    def __repr__(self) -> str:
        return "CLOSED"


CLOSED = _Closed()
EARLIEST = Timestamp(0, 0, 0, "")

Frontier = Timestamp | _Closed


def minimum(frontiers: list[Frontier]) -> Frontier:
    """The frontier of a merge: the least of its inputs' (``CLOSED`` when there are none)."""
    least: Frontier = CLOSED
    for frontier in frontiers:
        if frontier < least:
            least = frontier
    return least


def behind(timestamp: Timestamp, nanos: int) -> Timestamp:
    """``timestamp`` moved back by ``nanos`` (for the out-of-order bound of a source)."""
    total = timestamp.secs * 1_000_000_000 + timestamp.nanos - nanos
    if total <= 0:
        return EARLIEST
    return Timestamp(total // 1_000_000_000, total % 1_000_000_000, 0, "")


def frontier_text(frontier: Frontier) -> str:
    return "closed" if frontier is CLOSED else str(frontier)
