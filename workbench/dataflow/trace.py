"""What a run records: operator calls, frontier changes, accumulate firings and late input.

Rows are plain tuples while the run goes; frames are built once at the end (``record``).
Each kind of row is kept in a ``SampledRows``: every row up to ``limit``; past it, the rows
are thinned to every second one and from then on only every second row is kept, then every
fourth, and so on. Memory stays below ``limit`` rows however long the run, the rows kept
stay evenly spaced over the whole run (a latency or progress plot still shows all of it),
and which rows are kept depends only on their order, so it is the same run after run.
Per-operation totals (calls, busy time, counts) live on the nodes and are always exact.
"""

from __future__ import annotations

import time
from typing import Any

from ..messages import Timestamp
from .progress import Frontier

DEFAULT_TRACE_LIMIT = 100_000


class SampledRows:
    """Rows, thinned by powers of two so that at most ``limit`` are ever held."""

    def __init__(self, limit: int = DEFAULT_TRACE_LIMIT):
        if limit < 2:
            raise ValueError(f"a trace limit must be at least 2 rows, not {limit!r}")
        self.rows: list[tuple[Any, ...]] = []
        self.limit = limit
        self.every = 1  # keep the rows whose 1-based position is a multiple of this
        self.seen = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.seen += 1
        if self.seen % self.every == 0:
            self.rows.append(row)
            if len(self.rows) >= self.limit:
                self.thin()

    def thin(self) -> None:
        """Keep every second row (those at multiples of the doubled stride)."""
        self.rows = self.rows[1::2]
        self.every *= 2

    @property
    def sampled(self) -> bool:
        return self.every > 1


class Tracer:
    """Collects the run's events; ``clock`` is the wall clock used for every record."""

    def __init__(self, limit: int = DEFAULT_TRACE_LIMIT):
        self.clock = time.perf_counter
        self.started = self.clock()
        self.epoch = time.time() - self.started
        self.calls = SampledRows(limit)
        self.progress = SampledRows(limit)
        self.fires = SampledRows(limit)
        self.late = SampledRows(limit)

    def call(self, operator: str, timestamp: Timestamp, output: Timestamp, started: float, ended: float,
             outcome: str, items: int = 1) -> None:
        """One operator call: its input and output timestamps, wall times and outcome."""
        calls = self.calls
        calls.seen += 1
        if calls.seen % calls.every == 0:
            calls.rows.append((operator, timestamp, output, started, ended, outcome, items))
            if len(calls.rows) >= calls.limit:
                calls.thin()

    def frontier(self, operator: str, frontier: Frontier, at: float | None = None) -> None:
        """The input frontier of ``operator`` (the output frontier, for a source) moved, ``at`` a clock reading."""
        progress = self.progress
        progress.seen += 1
        if progress.seen % progress.every == 0:
            progress.rows.append((operator, self.clock() if at is None else at, frontier))
            if len(progress.rows) >= progress.limit:
                progress.thin()

    def fire(self, operator: str, timestamp: Timestamp) -> None:
        """An accumulate emitted its result for ``timestamp``."""
        self.fires.add((operator, timestamp, self.clock()))

    def late_input(self, source: str, timestamp: Timestamp, frontier: Frontier, outcome: str) -> None:
        """A message arrived behind ``source``'s frontier; ``outcome`` is "restamped" or "dropped"."""
        self.late.add((source, timestamp, frontier, self.clock(), outcome))

    def wall(self, moment: float) -> float:
        """A perf-counter reading as seconds since the epoch."""
        return self.epoch + moment
