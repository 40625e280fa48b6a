"""Engine test helpers: tiny Python operators, graph builders, and a watch on progress invariants.

Operators carry JSON integers: ``AddOne`` (map), ``NotMultipleOf`` (filter), ``Even`` (branch),
``Window`` (delay to the end of a window) and ``Sum`` (accumulate). ``Watch`` wraps the nodes
of a ``Dataflow`` and records every violation of the invariants the engine promises.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from workbench.dataflow.graph import MODULE_OPERATIONS, Connection, Graph, Operation
from workbench.dataflow.nodes import Node, SourceNode
from workbench.dataflow.progress import CLOSED, Frontier
from workbench.dataflow.record import Outputs
from workbench.dataflow.scheduler import Dataflow
from workbench.dataflow.trace import Tracer
from workbench.messages import Message, Timestamp

MODULE = "tests/ops:1.0.0"


def msg(value: Any, ms: int, counter: int = 0, node: str = "n", topic: str = "t") -> Message:
    return Message.of(value, topic, timestamp=Timestamp.from_millis(ms, counter, node))


def ts(ms: int, counter: int = 0, node: str = "n") -> Timestamp:
    return Timestamp.from_millis(ms, counter, node)


def value(message: Any) -> Any:
    return json.loads(message.payload) if message.payload else None


def with_value(message: Message, data: Any) -> Message:
    return message.with_payload(json.dumps(data).encode())


class Operator:
    """Records its ``init`` properties and every ``process`` call."""

    def __init__(self) -> None:
        self.properties: dict[str, str] | None = None
        self.calls: list[tuple[Any, ...]] = []
        self.closed = False

    def init(self, properties: dict[str, str]) -> bool:
        self.properties = dict(properties)
        return True

    def close(self) -> None:
        self.closed = True


class AddOne(Operator):
    def process(self, message: Message) -> Message:
        self.calls.append((message,))
        return with_value(message, value(message) + 1)


class NotMultipleOf(Operator):
    def __init__(self, divisor: int = 3):
        super().__init__()
        self.divisor = divisor

    def process(self, message: Message) -> bool:
        self.calls.append((message,))
        return bool(value(message) % self.divisor)


class Even(Operator):
    def process(self, timestamp: Timestamp, message: Message) -> bool:
        self.calls.append((timestamp, message))
        return value(message) % 2 == 0


def window_end(timestamp: Timestamp, width_ms: int, node: str = "window") -> Timestamp:
    return Timestamp.from_millis((timestamp.millis // width_ms + 1) * width_ms, 0, node)


def shifted(timestamp: Timestamp, ms: int) -> Timestamp:
    return Timestamp.from_millis(timestamp.millis + ms, timestamp.counter, timestamp.node_id)


class Window(Operator):
    """Moves a message to the end of its window, stamped by ``node``."""

    def __init__(self, width_ms: int = 1000, node: str = "window"):
        super().__init__()
        self.width_ms = width_ms
        self.node = node

    def process(self, message: Message, timestamp: Timestamp) -> Timestamp:
        self.calls.append((message, timestamp))
        return window_end(timestamp, self.width_ms, self.node)


class Shift(Operator):
    """Moves a message ``ms`` later, keeping its counter and node."""

    def __init__(self, ms: int):
        super().__init__()
        self.ms = ms

    def process(self, message: Message, timestamp: Timestamp) -> Timestamp:
        self.calls.append((message, timestamp))
        return shifted(timestamp, self.ms)


class Sum(Operator):
    """Sums the values of a timestamp; the first staged payload is empty."""

    def process(self, staged: Message, messages: list[Message]) -> Message:
        self.calls.append((staged, list(messages)))
        total = value(staged) or 0
        return with_value(staged, total + sum(value(m) for m in messages))


def graph_of(steps: Sequence[tuple[str, str]], links: Iterable[tuple[str, str, bool | None]],
             name: str = "test") -> Graph:
    """A graph of ``(name, kind)`` operations (module operations use ``MODULE``) and links."""
    operations = tuple(Operation(n, k, MODULE if k in MODULE_OPERATIONS else None) for n, k in steps)
    return Graph(name, operations=operations, connections=tuple(Connection(a, b, arm) for a, b, arm in links))


def chain(*steps: tuple[str, str]) -> Graph:
    """source → steps → sink."""
    names = [("source", "source"), *steps, ("sink", "sink")]
    return graph_of(names, [(a[0], b[0], None) for a, b in itertools.pairwise(names)])


def dataflow(graph: Graph, operators: dict[str, Any], *, limit: int | None = None,
             **options: Any) -> tuple[Dataflow, Outputs]:
    outputs = Outputs(limit)
    return Dataflow(graph, operators, Tracer(), outputs, **options), outputs


def run_flow(graph: Graph, operators: dict[str, Any], inputs: Iterable[Message],
             **options: Any) -> tuple[Dataflow, Outputs, Watch]:
    """Feed ``inputs`` and finish, with a ``Watch`` on the nodes."""
    flow, outputs = dataflow(graph, operators, **options)
    watch = Watch(flow)
    flow.feed(inputs)
    flow.finish()
    return flow, outputs, watch


def results(outputs: Outputs) -> list[tuple[str, str, Any]]:
    """(sink, timestamp text, value) of every kept output, in order."""
    return [(sink, str(timestamp), value(message)) for sink, message, timestamp in outputs.kept]


class Watch:
    """Checks, as the run goes, the progress invariants of every node of ``flow``.

    - nothing is received behind the receiver's input frontier (so nothing was emitted behind
      the sender's output frontier as the receiver knew it);
    - nothing is emitted behind the output frontier the node last published;
    - input frontiers and output frontiers never move back.
    """

    def __init__(self, flow: Dataflow):
        self.flow = flow
        self.problems: list[str] = []
        self.received: dict[str, list[Timestamp]] = defaultdict(list)
        self.emitted: dict[str, list[Timestamp]] = defaultdict(list)
        self.published: dict[str, Frontier] = {}
        for node in flow.nodes.values():
            self.published[node.name] = node.output_frontier
            self._wrap(node)
        sweep = flow.propagate

        def propagate() -> None:
            sweep()
            self._publish()

        flow.propagate = propagate  # type: ignore[method-assign]

    def _wrap(self, node: Node) -> None:
        receive, emit, advance = node.receive, node.emit, node.advance

        def watched_receive(message: Any, timestamp: Timestamp) -> None:
            frontier = node.frontier if isinstance(node, SourceNode) else node.input_frontier
            if timestamp < frontier:
                self.problems.append(f"{node.name} received {timestamp} behind its frontier {frontier}")
            self.received[node.name].append(timestamp)
            receive(message, timestamp)

        def watched_emit(message: Any, timestamp: Timestamp, arm: bool | None = None) -> None:
            if timestamp < self.published[node.name]:
                self.problems.append(f"{node.name} emitted {timestamp} behind its output frontier "
                                     f"{self.published[node.name]}")
            self.emitted[node.name].append(timestamp)
            emit(message, timestamp, arm)

        def watched_advance(frontier: Frontier) -> None:
            if frontier < node.input_frontier:
                self.problems.append(f"{node.name}'s input frontier moved back from {node.input_frontier} to {frontier}")
            advance(frontier)

        node.receive = watched_receive  # type: ignore[method-assign]
        node.emit = watched_emit  # type: ignore[method-assign]
        node.advance = watched_advance  # type: ignore[method-assign]

    def _publish(self) -> None:
        for node in self.flow.nodes.values():
            frontier = node.output_frontier
            if frontier < self.published[node.name]:
                self.problems.append(f"{node.name}'s output frontier moved back from "
                                     f"{self.published[node.name]} to {frontier}")
            self.published[node.name] = frontier

    def all_closed(self) -> bool:
        return all(frontier is CLOSED for frontier in self.flow.frontiers().values())
