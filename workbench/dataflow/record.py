"""``Run``: what a graph run produced, as tidy pandas frames.

Frames and their columns:

- ``outputs``: sink, seq, topic, timestamp, timestamp_ms, payload (bytes), text, properties.
  Only the first ``output_limit`` outputs are kept in memory; ``attrs`` has ``total``,
  ``kept``, ``truncated`` and ``limit`` (every output still goes to ``on_output``).
- ``trace``: operator, input_timestamp, output_timestamp, wall_start, wall_end, latency_us,
  outcome, items: one row per operator call (accumulate: per batch folded, ``items`` messages).
- ``progress``: operator, wall_time, frontier, frontier_ms (``frontier`` is "closed" at the end).
- ``fires``: operator, timestamp, timestamp_ms, wall_time (accumulate results emitted).
- ``late``: source, timestamp, frontier, wall_time, outcome ("restamped" or "dropped").
- ``logs``: operator, level, context, message, time, source.
- ``metrics``: operator, name, kind, value, labels, time.
- ``summary``: one row per operation: kind, the counts of ``nodes`` (received, emitted,
  filtered, folded, fired, held, open, late, dropped, arm_true, arm_false), calls, busy_s,
  mean_latency_us (exact) and p99_latency_us (over the trace rows kept).
- ``store``: key, value, version: the state store at the end (``state`` is the same as a dict).

``trace``, ``progress``, ``fires`` and ``late`` keep a bounded, evenly thinned sample of
their rows (see ``trace``); their ``attrs`` say ``sampled``, ``sample_every``, ``events``
(how many happened) and ``kept``. ``logs`` and ``metrics`` keep the first
``HostServices.max_records``; their ``attrs["dropped"]`` counts the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from html import escape
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from ..messages import Message, Timestamp
from .progress import frontier_text
from .trace import SampledRows, Tracer

COUNTS = ("received", "emitted", "filtered", "folded", "fired", "held", "open", "late", "dropped",
          "failed", "arm_true", "arm_false")
DEFAULT_OUTPUT_LIMIT = 50_000

OnOutput = Callable[[str, Any, Timestamp], None]


class Outputs:
    """Collects sink output: every message counted and handed to ``on_output``; the first ``limit`` kept."""

    def __init__(self, limit: int | None = DEFAULT_OUTPUT_LIMIT, on_output: OnOutput | None = None):
        if limit is not None and limit < 0:
            raise ValueError(f"output_limit must be None or at least 0, not {limit!r}")
        self.kept: list[tuple[str, Any, Timestamp]] = []
        self.limit = limit
        self.total = 0
        self.on_output = on_output

    def __call__(self, sink: str, message: Any, timestamp: Timestamp) -> None:
        self.total += 1
        if self.limit is None or len(self.kept) < self.limit:
            self.kept.append((sink, message, timestamp))
        if self.on_output is not None:
            self.on_output(sink, message, timestamp)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.kept)


class Run:
    """The record of one run; frames are built on first use (a run may have millions of events)."""

    def __init__(self, graph: str, tracer: Tracer, outputs: Outputs, counts: dict[str, dict[str, Any]],
                 services: Any, inputs: int, late: int, seconds: float, *, definition: Any = None,
                 finished: bool = True, faults: Any = None):
        self.graph = graph
        self.definition = definition  # the Graph that ran (for drawing it in reports)
        self.input_events: Any = None  # what the input reported about itself (a live source: connection events)
        self.finished = finished      # False for the snapshots ``on_progress`` sees during a run
        self.inputs = inputs
        self.late = late
        self.seconds = seconds
        self.state: dict[str, str] = services.state_store.to_dict()
        self.counts = counts
        self._tracer = tracer
        self._outputs = outputs
        self._services = services
        self._faults = faults

    @property
    def output_count(self) -> int:
        """Every output message of the run, kept in memory or not."""
        return self._outputs.total

    @cached_property
    def outputs(self) -> pd.DataFrame:
        return output_frame(self._outputs)

    @cached_property
    def trace(self) -> pd.DataFrame:
        return trace_frame(self._tracer)

    @cached_property
    def progress(self) -> pd.DataFrame:
        return progress_frame(self._tracer)

    @cached_property
    def fires(self) -> pd.DataFrame:
        return fires_frame(self._tracer)

    @cached_property
    def late_inputs(self) -> pd.DataFrame:
        return late_frame(self._tracer)

    @cached_property
    def logs(self) -> pd.DataFrame:
        columns = ["operator", "level", "context", "message", "time", "source"]
        return _dropped(records_frame(self._services.logs, columns), self._services)

    @cached_property
    def metrics(self) -> pd.DataFrame:
        columns = ["operator", "name", "kind", "value", "labels", "time"]
        return _dropped(records_frame(self._services.metrics, columns), self._services)

    @cached_property
    def summary(self) -> pd.DataFrame:
        return summary_frame(self.counts, self._tracer)

    @property
    def failed(self) -> int:
        """Inputs that operators failed on (dropped under ``skip``, kept under ``dead-letter``)."""
        return sum(counts.get("failed", 0) for counts in self.counts.values())

    @cached_property
    def dead_letters(self) -> pd.DataFrame:
        """operator, timestamp, inputs, topic, payload, error, reason, guest_traceback, wall_time."""
        letters = self._faults.dead_letters if self._faults is not None else []
        frame = pd.DataFrame([(d.operator, str(d.timestamp), d.inputs, d.topic, d.payload, d.error, d.reason,
                               d.guest_traceback, d.wall_time) for d in letters],
                             columns=["operator", "timestamp", "inputs", "topic", "payload", "error", "reason",
                                      "guest_traceback", "wall_time"])
        frame["wall_time"] = pd.to_datetime(frame["wall_time"], unit="s")
        frame.attrs["dropped"] = self._faults.dropped if self._faults is not None else 0
        return frame

    @cached_property
    def store(self) -> pd.DataFrame:
        rows = [(_text(key), _text(value), str(version)) for key, value, version in self._services.state_store.items()]
        return pd.DataFrame(rows, columns=["key", "value", "version"])

    @property
    def sources(self) -> tuple[str, ...]:
        """The names of the graph's source operations (the reference for frontier lag)."""
        return tuple(name for name, counts in self.counts.items() if counts.get("kind") == "source")

    def figures(self) -> dict[str, Any]:
        """The report's plotly figures, by key (see ``workbench.metrics.report.run_figures``)."""
        from ..metrics.report import run_figures

        return run_figures(self, self.definition)

    def report(self, path: str | PathLike[str]) -> Path:
        """Write a self-contained HTML report of this run to ``path`` (plotly.js inlined)."""
        from ..metrics.report import write_report

        return write_report(self, path, self.definition)

    def messages(self, sink: str | None = None) -> list[Message]:
        """Output messages kept in memory, in arrival order (of one sink, or of all)."""
        return [m for s, m, _ in self._outputs.kept if sink is None or s == sink]

    def timestamps(self, sink: str | None = None) -> list[Timestamp]:
        """The dataflow timestamps of the kept output messages, in arrival order."""
        return [ts for s, _, ts in self._outputs.kept if sink is None or s == sink]

    def payloads(self, sink: str | None = None) -> list[Any]:
        """Kept output payloads, parsed as JSON where they are JSON."""
        return [_parse(m.payload) for m in self.messages(sink)]

    def _outputs_text(self) -> str:
        kept = len(self._outputs.kept)
        note = f" (first {kept} kept)" if self._outputs.truncated else ""
        failed = f", {self.failed} failed" if self.failed else ""
        return f"{self._outputs.total} outputs{note}{failed}"

    def _repr_html_(self) -> str:
        rate = self.inputs / self.seconds if self.seconds else 0.0
        state = "" if self.finished else " (running)"
        head = (f"<b>Run of {escape(self.graph)}</b>{state}: {self.inputs} inputs, {escape(self._outputs_text())}, "
                f"{self.late} late, {self.seconds:.3f} s ({rate:,.0f} msg/s)")
        calls = self._tracer.calls
        if calls.sampled:
            head += f"; trace: {len(calls.rows):,} of {calls.seen:,} calls (every {calls.every})"
        return f"<div>{head}</div>{self.summary.to_html(index=False, na_rep='')}"

    def __repr__(self) -> str:
        return (f"<Run {self.graph}: {self.inputs} inputs → {self._outputs_text()}, {self.late} late, "
                f"in {self.seconds:.3f} s>")


def _parse(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return payload


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _ts_ms(timestamp: Any) -> float | None:
    return float(timestamp.millis) if isinstance(timestamp, Timestamp) else None


def output_frame(outputs: Outputs) -> pd.DataFrame:
    rows = []
    for seq, (sink, message, timestamp) in enumerate(outputs.kept):
        payload = message.payload
        rows.append((sink, seq, getattr(message, "topic", ""), str(timestamp), timestamp.millis,
                     payload, _text(payload), dict(getattr(message, "properties", ()))))
    frame = pd.DataFrame(rows, columns=["sink", "seq", "topic", "timestamp", "timestamp_ms",
                                        "payload", "text", "properties"])
    frame.attrs.update(total=outputs.total, kept=len(outputs.kept), truncated=outputs.truncated,
                       limit=outputs.limit)
    return frame


def _sampled(frame: pd.DataFrame, rows: SampledRows) -> pd.DataFrame:
    frame.attrs.update(sampled=rows.sampled, sample_every=rows.every, events=rows.seen, kept=len(rows.rows))
    return frame


def _datetimes(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column], unit="s")
    return frame


def trace_frame(tracer: Tracer) -> pd.DataFrame:
    rows = [(op, str(ts), str(out), tracer.wall(start), tracer.wall(end), (end - start) * 1e6, outcome, items)
            for op, ts, out, start, end, outcome, items in tracer.calls.rows]
    frame = pd.DataFrame(rows, columns=["operator", "input_timestamp", "output_timestamp", "wall_start",
                                        "wall_end", "latency_us", "outcome", "items"])
    return _sampled(_datetimes(frame, "wall_start", "wall_end"), tracer.calls)


def progress_frame(tracer: Tracer) -> pd.DataFrame:
    rows = [(op, tracer.wall(at), frontier_text(frontier), _ts_ms(frontier))
            for op, at, frontier in tracer.progress.rows]
    frame = pd.DataFrame(rows, columns=["operator", "wall_time", "frontier", "frontier_ms"])
    return _sampled(_datetimes(frame, "wall_time"), tracer.progress)


def fires_frame(tracer: Tracer) -> pd.DataFrame:
    rows = [(op, str(ts), ts.millis, tracer.wall(at)) for op, ts, at in tracer.fires.rows]
    frame = pd.DataFrame(rows, columns=["operator", "timestamp", "timestamp_ms", "wall_time"])
    return _sampled(_datetimes(frame, "wall_time"), tracer.fires)


def late_frame(tracer: Tracer) -> pd.DataFrame:
    rows = [(source, str(ts), frontier_text(frontier), tracer.wall(at), outcome)
            for source, ts, frontier, at, outcome in tracer.late.rows]
    frame = pd.DataFrame(rows, columns=["source", "timestamp", "frontier", "wall_time", "outcome"])
    return _sampled(_datetimes(frame, "wall_time"), tracer.late)


def summary_frame(nodes: dict[str, dict[str, Any]], tracer: Tracer) -> pd.DataFrame:
    latencies: dict[str, list[float]] = {}
    for op, _, _, start, end, _, _ in tracer.calls.rows:
        latencies.setdefault(op, []).append((end - start) * 1e6)
    rows = []
    for name, node in nodes.items():
        calls, busy = node.get("calls", 0), node.get("busy_s", 0.0)
        values = latencies.get(name)
        rows.append({"operator": name, "kind": node["kind"], **{key: node.get(key, 0) for key in COUNTS},
                     "calls": calls, "busy_s": busy,
                     "mean_latency_us": busy / calls * 1e6 if calls else None,
                     "p99_latency_us": float(pd.Series(values).quantile(0.99)) if values else None})
    frame = pd.DataFrame(rows)
    frame.attrs["p99_from_sample"] = tracer.calls.sampled
    return frame


def records_frame(records: list[Any], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(getattr(r, c) for c in columns) for r in records], columns=columns)


def _dropped(frame: pd.DataFrame, services: Any) -> pd.DataFrame:
    frame.attrs["dropped"] = services.dropped_records
    return frame
