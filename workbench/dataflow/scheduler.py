"""Running a graph: messages pushed through nodes, frontiers swept in topological order.

The schedule is deterministic: input messages are taken in arrival order; each one is
pushed depth-first through the operators that act on it at once (map, filter, branch,
concatenate, sink; delay and accumulate take it in); then the source frontier advances and
every node, upstream first, learns its new input frontier, releasing the delayed and
accumulated data that became complete. End of input closes every frontier and flushes
everything still held.

Several sources are fed either one at a time (``feed``: the others get no input) or together
(``feed_sources``: their streams merged in timestamp order). A source's frontier is the
earliest timestamp of the instant ``out_of_order`` before the newest one it has seen: the
bound is wall time, so with a bound of 0 a message of the same instant as the newest (any
counter, any node) is still on time. A message behind it is *late*: it is re-stamped to the frontier (the default) or
dropped (``late="drop"``); either way it is counted.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from ..errors import GraphError
from ..messages import Message, Timestamp
from .faults import FaultHandler
from .nodes import (
    AccumulateNode,
    BranchNode,
    ConcatenateNode,
    DelayNode,
    FilterNode,
    MapNode,
    Node,
    SinkNode,
    SourceNode,
)
from .progress import CLOSED, EARLIEST, Frontier, behind, minimum
from .trace import Tracer

LATE_POLICIES = ("restamp", "drop")
_OPERATOR_NODES = {"map": MapNode, "filter": FilterNode, "branch": BranchNode, "delay": DelayNode}

Collect = Callable[[str, Any, Timestamp], None]


class Dataflow:
    """The nodes of one graph, wired, plus the progress sweep."""

    def __init__(self, graph: Any, operators: Mapping[str, Any], tracer: Tracer, collect: Collect, *,
                 out_of_order_ns: int = 0, late: str = "restamp", accumulate_batch: int = 64,
                 faults: FaultHandler | None = None):
        if late not in LATE_POLICIES:
            raise GraphError(f"late={late!r} is not one of {', '.join(LATE_POLICIES)}")
        if out_of_order_ns < 0:
            raise GraphError(f"the out-of-order bound must not be negative, not {out_of_order_ns / 1e9:g} s")
        self.graph = graph
        self.tracer = tracer
        self.out_of_order_ns = out_of_order_ns
        self.drop_late = late == "drop"
        self.faults = faults or FaultHandler("stop", [op.name for op in graph.operations])
        self.nodes: dict[str, Node] = {}
        for op in graph.operations:
            self.nodes[op.name] = self._node(op, operators, collect, accumulate_batch)
        for connection in graph.connections:
            self.nodes[connection.source].connect(self.nodes[connection.target], connection.arm)
        order = [self.nodes[name] for name in graph.topological_order()]
        self.sources = [node for node in order if isinstance(node, SourceNode)]
        self._sweep = [(node, node.upstream) for node in order if not isinstance(node, SourceNode)]
        self._latest: dict[str, Timestamp] = {}
        self.late = 0

    def _node(self, op: Any, operators: Mapping[str, Any], collect: Collect, batch: int) -> Node:
        kind = op.operation_type
        if kind == "source":
            return SourceNode(op.name, self.tracer)
        if kind == "sink":
            return SinkNode(op.name, self.tracer, collect)
        if kind == "concatenate":
            return ConcatenateNode(op.name, self.tracer)
        if op.name not in operators:
            raise GraphError(f"operation {op.name!r} ({kind}) has no operator")
        if kind == "accumulate":
            return AccumulateNode(op.name, self.tracer, operators[op.name], batch, self.faults)
        if kind in _OPERATOR_NODES:
            return _OPERATOR_NODES[kind](op.name, self.tracer, operators[op.name], self.faults)
        raise GraphError(f"operation {op.name!r}: unknown operation type {kind!r}")

    # -- input -------------------------------------------------------------------------
    def feed(self, messages: Iterable[Message], source: SourceNode | None = None) -> int:
        """Push every message of ``messages`` into ``source`` (the first source by default).

        Every other source has no input: its frontier is closed before the first message.
        """
        if not self.sources:
            raise GraphError(f"graph {self.graph.name!r} has no source operation")
        node = source or self.sources[0]
        for other in self.sources:
            if other is not node and other.frontier is not CLOSED:
                self._close(other)
        count = 0
        for message in messages:
            self.push(node, message)
            count += 1
        return count

    def feed_sources(self, streams: Mapping[str, Iterable[Message]]) -> int:
        """Feed several sources: their streams merged in timestamp order (ties: the order of ``streams``).

        A source closes when its stream ends; sources not in ``streams`` are closed from the start.
        """
        sources = {source.name: source for source in self.sources}
        unknown = [name for name in streams if name not in sources]
        if unknown:
            names = ", ".join(map(repr, sources)) or "none"
            raise GraphError(f"inputs for {', '.join(map(repr, unknown))}: not a source of graph "
                             f"{self.graph.name!r} (sources: {names})")
        for source in self.sources:
            if source.name not in streams:
                self._close(source)
        heads: list[tuple[Timestamp, int, Message]] = []
        iterators = [(sources[name], iter(stream)) for name, stream in streams.items()]
        for rank in range(len(iterators)):
            self._next(iterators, rank, heads)
        count = 0
        while heads:
            _, rank, message = heapq.heappop(heads)
            self.push(iterators[rank][0], message)
            count += 1
            self._next(iterators, rank, heads)
        return count

    def _next(self, iterators: list[tuple[SourceNode, Iterator[Message]]], rank: int,
              heads: list[tuple[Timestamp, int, Message]]) -> None:
        source, stream = iterators[rank]
        message = next(stream, None)
        if message is None:
            self._close(source)
            self.propagate()
        else:
            heapq.heappush(heads, (message.timestamp, rank, message))

    def push(self, source: SourceNode, message: Message) -> None:
        """One input message: into the graph at once, then the source frontier advances."""
        timestamp = message.timestamp
        if timestamp < source.frontier:
            self.late += 1
            source.late += 1
            outcome = "dropped" if self.drop_late else "restamped"
            self.tracer.late_input(source.name, timestamp, source.frontier, outcome)
            if self.drop_late:
                source.received += 1
                source.dropped += 1
                return
            timestamp = source.frontier  # type: ignore[assignment]
        source.receive(message, timestamp)
        if timestamp > self._latest.get(source.name, EARLIEST):
            self._latest[source.name] = timestamp
            frontier = behind(timestamp, self.out_of_order_ns)
            if frontier > source.frontier:
                source.frontier = frontier
                self.tracer.frontier(source.name, frontier)
                self.propagate()

    # -- progress ----------------------------------------------------------------------
    def propagate(self) -> None:
        """Sweep frontiers downstream in topological order (upstream nodes first)."""
        record = self.tracer.frontier
        at = self.tracer.clock()  # one reading per sweep: the sweep is one moment of progress
        for node, upstream in self._sweep:
            if len(upstream) == 1:
                frontier = upstream[0].output_frontier
            else:
                frontier = minimum([up.output_frontier for up in upstream])
            if frontier > node.input_frontier:
                record(node.name, frontier, at)
                node.advance(frontier)

    def _close(self, source: SourceNode) -> None:
        source.frontier = CLOSED
        self.tracer.frontier(source.name, CLOSED)

    def finish(self) -> None:
        """End of input: close every source frontier and flush what is held."""
        for source in self.sources:
            if source.frontier is not CLOSED:
                self._close(source)
        self.propagate()

    def frontiers(self) -> dict[str, Frontier]:
        """Each node's input frontier (a source's own frontier)."""
        return {name: node.output_frontier if isinstance(node, SourceNode) else node.input_frontier
                for name, node in self.nodes.items()}

    def counts(self) -> dict[str, dict[str, Any]]:
        """Per operation: its kind and counts (see ``nodes``)."""
        return {name: {"kind": node.kind, **node.counts(), "busy_s": getattr(node, "busy", 0.0)}
                for name, node in self.nodes.items()}

    def close(self) -> None:
        for node in self.nodes.values():
            node.close()
