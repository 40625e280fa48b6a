"""The running operations of a graph, with the timely semantics of AIO's runtime.

Every node receives ``(message, timestamp)`` pairs on its input and learns, through
``advance``, its input frontier: the earliest timestamp it may still receive. Map,
filter and branch keep timestamps; concatenate merges; delay re-stamps and holds data
until its new timestamp is complete; accumulate folds the messages of one timestamp and
emits the result once that timestamp is complete. Nothing is ever emitted behind a
node's output frontier. ``docs/semantics.md`` states all of it with examples.

An operator is anything with ``process`` (and optionally ``close``): a wasm
``OperatorInstance``, a ``NativeOperator`` or a plain Python object. What ``process``
receives depends on the kind: ``map(message)``, ``filter(message)``,
``branch(timestamp, message)``, ``delay(message, timestamp)``,
``accumulate(staged, messages)``.

Counts (``counts()``) account for every message a node ever received, at any moment::

    received + fired == emitted + filtered + folded + held + dropped + failed

An operator failure goes to the run's ``FaultHandler`` (``faults``): under ``stop`` it ends the
run, under ``skip`` and ``dead-letter`` the failing input is counted as ``failed`` and dropped.
"""

from __future__ import annotations

import heapq
import itertools
import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..errors import OperatorError, OperatorFailure
from ..messages import Message, RawData, Timestamp
from .faults import FaultHandler
from .progress import EARLIEST, Frontier
from .trace import Tracer

DATA_TYPES = (Message, RawData)


class Node:
    """A graph operation at run time, passing on what it receives (the base of every kind)."""

    kind = "node"

    def __init__(self, name: str, tracer: Tracer):
        self.name = name
        self.tracer = tracer
        self.downstream: list[tuple[Node, bool | None]] = []
        self.upstream: list[Node] = []
        self.input_frontier: Frontier = EARLIEST
        self.received = 0
        self.emitted = 0

    # -- wiring ------------------------------------------------------------------------
    def connect(self, target: Node, arm: bool | None = None) -> None:
        self.downstream.append((target, arm))
        target.upstream.append(self)

    def emit(self, message: Any, timestamp: Timestamp, arm: bool | None = None) -> None:
        self.emitted += 1
        for target, wanted in self.downstream:
            if wanted is None or wanted is arm:
                target.receive(message, timestamp)

    # -- data and progress -------------------------------------------------------------
    def receive(self, message: Any, timestamp: Timestamp) -> None:
        self.received += 1
        self.emit(message, timestamp)

    @property
    def output_frontier(self) -> Frontier:
        """The earliest timestamp this node may still emit."""
        return self.input_frontier

    def advance(self, frontier: Frontier) -> None:
        """The input frontier moved forward (never back) to ``frontier``."""
        self.input_frontier = frontier

    def close(self) -> None:
        return None

    def counts(self) -> dict[str, int]:
        return {"received": self.received, "emitted": self.emitted}


class ConcatenateNode(Node):
    """Merges its inputs; its input frontier is the least of its inputs' (see ``scheduler``)."""

    kind = "concatenate"


class SourceNode(Node):
    """Where input enters; ``frontier`` is set by the scheduler as input advances."""

    kind = "source"

    def __init__(self, name: str, tracer: Tracer):
        super().__init__(name, tracer)
        self.frontier: Frontier = EARLIEST
        self.late = 0
        self.dropped = 0

    @property
    def output_frontier(self) -> Frontier:
        return self.frontier

    def counts(self) -> dict[str, int]:
        return {**super().counts(), "late": self.late, "dropped": self.dropped}


class SinkNode(Node):
    """Where output leaves: every message it receives is handed to ``collect``."""

    kind = "sink"

    def __init__(self, name: str, tracer: Tracer, collect: Callable[[str, Any, Timestamp], None]):
        super().__init__(name, tracer)
        self._collect = collect

    def receive(self, message: Any, timestamp: Timestamp) -> None:
        self.received += 1
        self.emitted += 1
        self._collect(self.name, message, timestamp)


class OperatorNode(Node):
    """A node whose behaviour comes from a user operator (wasm, native or plain Python)."""

    def __init__(self, name: str, tracer: Tracer, operator: Any, faults: FaultHandler | None = None):
        super().__init__(name, tracer)
        self.operator = operator
        self.process = operator.process
        self.clock = tracer.clock
        self.trace = tracer.call
        self.faults = faults or FaultHandler("stop", [name])
        self.calls = 0
        self.failed = 0
        self.busy = 0.0  # seconds spent in the operator

    def _call(self, inputs: tuple[Any, ...]) -> tuple[Any, float, float]:
        """Call the operator; an exception becomes an ``OperatorError`` naming this operation."""
        clock = self.clock
        started = clock()
        try:
            result = self.process(*inputs)
        except OperatorError:
            self._spent(started)
            raise
        except Exception as exc:
            self._spent(started)
            raise self.failure(f"{type(exc).__name__}: {exc}", inputs, exc) from exc
        ended = clock()
        self.calls += 1
        self.busy += ended - started
        return result, started, ended

    def _spent(self, started: float) -> None:
        self.calls += 1
        self.busy += self.clock() - started

    def fail(self, error: OperatorError, timestamp: Timestamp, message: Any, items: int = 1) -> None:
        """Count ``items`` inputs as failed and apply the error policy (which may raise)."""
        self.failed += items
        now = self.clock()
        self.trace(self.name, timestamp, timestamp, now, now, "failed", items)
        self.faults(self.name, error, timestamp, message, items)

    def failure(self, reason: str, inputs: tuple[Any, ...], exc: BaseException | None = None) -> OperatorError:
        """An ``OperatorError`` naming this operation and quoting its input."""
        shown = inputs[0] if len(inputs) == 1 else inputs
        text = "".join(traceback.format_exception(exc)) if exc is not None else None
        error = OperatorError(OperatorFailure(self.name, "process", reason, shown, text))
        error.__cause__ = exc  # kept however the error is raised later (see ``fail``)
        return error

    def checked(self, result: Any, inputs: tuple[Any, ...]) -> Any:
        if result.__class__ not in DATA_TYPES:
            raise self.failure(f"returned {result!r}; a {self.kind} must return a Message or RawData", inputs)
        return result

    def close(self) -> None:
        close = getattr(self.operator, "close", None)
        if close is not None:
            close()

    def counts(self) -> dict[str, int]:
        return {**super().counts(), "calls": self.calls, "failed": self.failed}


class MapNode(OperatorNode):
    kind = "map"

    def receive(self, message: Any, timestamp: Timestamp) -> None:
        # The hot path: ``_call`` inlined.
        self.received += 1
        clock = self.clock
        started = clock()
        try:
            result = self.process(message)
            if result.__class__ not in DATA_TYPES:
                self.checked(result, (message,))
        except OperatorError as error:
            self._spent(started)
            self.fail(error, timestamp, message)
            return
        except Exception as exc:
            self._spent(started)
            self.fail(self.failure(f"{type(exc).__name__}: {exc}", (message,), exc), timestamp, message)
            return
        ended = clock()
        self.calls += 1
        self.busy += ended - started
        self.trace(self.name, timestamp, timestamp, started, ended, "emitted")
        self.emit(result, timestamp)


class FilterNode(OperatorNode):
    kind = "filter"

    def __init__(self, name: str, tracer: Tracer, operator: Any, faults: FaultHandler | None = None):
        super().__init__(name, tracer, operator, faults)
        self.filtered = 0

    def receive(self, message: Any, timestamp: Timestamp) -> None:
        self.received += 1
        try:
            keep, started, ended = self._call((message,))
        except OperatorError as error:
            self.fail(error, timestamp, message)
            return
        if keep:
            self.trace(self.name, timestamp, timestamp, started, ended, "passed")
            self.emit(message, timestamp)
        else:
            self.trace(self.name, timestamp, timestamp, started, ended, "filtered")
            self.filtered += 1

    def counts(self) -> dict[str, int]:
        return {**super().counts(), "filtered": self.filtered}


class BranchNode(OperatorNode):
    """Routes each message, unchanged and at its timestamp, to the arm ``process`` names."""

    kind = "branch"

    def __init__(self, name: str, tracer: Tracer, operator: Any, faults: FaultHandler | None = None):
        super().__init__(name, tracer, operator, faults)
        self.arms = {True: 0, False: 0}

    def receive(self, message: Any, timestamp: Timestamp) -> None:
        self.received += 1
        try:
            result, started, ended = self._call((timestamp, message))
        except OperatorError as error:
            self.fail(error, timestamp, message)
            return
        arm = bool(result)
        self.arms[arm] += 1
        self.trace(self.name, timestamp, timestamp, started, ended, "true" if arm else "false")
        self.emit(message, timestamp, arm)

    def counts(self) -> dict[str, int]:
        return {**super().counts(), "arm_true": self.arms[True], "arm_false": self.arms[False]}


class DelayNode(OperatorNode):
    """Re-stamps each message and holds it until its new timestamp is complete.

    Released messages go out in timestamp order, ties in arrival order.
    """

    kind = "delay"

    def __init__(self, name: str, tracer: Tracer, operator: Any, faults: FaultHandler | None = None):
        super().__init__(name, tracer, operator, faults)
        self._held: list[tuple[Timestamp, int, Any]] = []
        self._order = itertools.count()

    def receive(self, message: Any, timestamp: Timestamp) -> None:
        self.received += 1
        try:
            later, started, ended = self._call((message, timestamp))
            self._check(later, message, timestamp)
        except OperatorError as error:
            self.fail(error, timestamp, message)
            return
        self.trace(self.name, timestamp, later, started, ended, "delayed")
        heapq.heappush(self._held, (later, next(self._order), message))

    def _check(self, later: Any, message: Any, timestamp: Timestamp) -> None:
        if later.__class__ is not Timestamp:
            raise self.failure(f"returned {later!r}; a delay must return a timestamp", (message, timestamp))
        if later < timestamp:
            raise self.failure(f"returned timestamp {later}, earlier than the input's {timestamp}; "
                               "a delay may only move timestamps forward", (message, timestamp))

    @property
    def output_frontier(self) -> Frontier:
        held = self._held
        if held and held[0][0] < self.input_frontier:
            return held[0][0]
        return self.input_frontier

    def advance(self, frontier: Frontier) -> None:
        self.input_frontier = frontier
        held = self._held
        while held and held[0][0] < frontier:
            timestamp, _, message = heapq.heappop(held)
            self.emit(message, timestamp)

    def counts(self) -> dict[str, int]:
        return {**super().counts(), "held": len(self._held)}


class AccumulateNode(OperatorNode):
    """Folds the messages of each timestamp; emits one result when the timestamp completes.

    Messages are folded in batches of ``batch`` (and whatever is left at completion), each
    call receiving the previous result as ``staged``; the first ``staged`` is a message at
    that timestamp with an empty payload.
    """

    kind = "accumulate"

    def __init__(self, name: str, tracer: Tracer, operator: Any, batch: int = 64,
                 faults: FaultHandler | None = None):
        super().__init__(name, tracer, operator, faults)
        if batch < 1:
            raise ValueError(f"accumulate batch must be at least 1, not {batch!r}")
        self.batch = batch
        self._open: dict[Timestamp, tuple[Any, list[Any]]] = {}
        self._results: set[Timestamp] = set()  # open timestamps with at least one successful fold
        self._order: list[Timestamp] = []
        self.folded = 0
        self.fired = 0
        self.held = 0  # received, not folded yet

    def receive(self, message: Any, timestamp: Timestamp) -> None:
        self.received += 1
        self.held += 1
        entry = self._open.get(timestamp)
        if entry is None:
            entry = self._open[timestamp] = (empty_like(message, timestamp), [])
            heapq.heappush(self._order, timestamp)
        pending = entry[1]
        pending.append(message)
        if len(pending) >= self.batch:
            self._fold(timestamp)

    def _fold(self, timestamp: Timestamp) -> None:
        staged, pending = self._open[timestamp]
        if not pending:
            return
        inputs = (staged, list(pending))
        self.held -= len(pending)
        self._open[timestamp] = (staged, [])
        try:
            result, started, ended = self._call(inputs)
            self.checked(result, inputs)
        except OperatorError as error:
            self.fail(error, timestamp, pending[0], len(pending))  # the batch is lost; staged is kept
            return
        self.trace(self.name, timestamp, timestamp, started, ended, "folded", len(pending))
        self.folded += len(pending)
        self._open[timestamp] = (result, [])
        self._results.add(timestamp)

    @property
    def output_frontier(self) -> Frontier:
        order = self._order
        if order and order[0] < self.input_frontier:
            return order[0]
        return self.input_frontier

    def advance(self, frontier: Frontier) -> None:
        self.input_frontier = frontier
        while self._order and self._order[0] < frontier:
            timestamp = heapq.heappop(self._order)
            self._fold(timestamp)
            result, _ = self._open.pop(timestamp)
            if timestamp not in self._results:
                continue  # every batch of this timestamp failed: there is no result to emit
            self._results.discard(timestamp)
            self.fired += 1
            self.tracer.fire(self.name, timestamp)
            self.emit(result, timestamp)

    def counts(self) -> dict[str, int]:
        return {**super().counts(), "folded": self.folded, "fired": self.fired, "held": self.held,
                "open": len(self._open)}


def empty_like(message: Any, timestamp: Timestamp) -> Any:
    """The first ``staged`` of an accumulate: ``message``'s kind, at ``timestamp``, empty payload.

    A message keeps its topic and content type, not its user properties.
    """
    if isinstance(message, Message):
        return Message(b"", message.topic, timestamp, message.content_type, ())
    if isinstance(message, RawData):
        return RawData(b"")
    return replace(message, payload=b"")
