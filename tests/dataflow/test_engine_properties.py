"""Property tests of the engine over random graphs and random input streams.

A graph is drawn as nested steps (map, filter, delay, accumulate, a branch whose arms merge
again in a concatenate, or a fan-out whose copies merge again). Every run is watched
(``_engine.Watch``): frontiers never move back, nothing is emitted behind an output
frontier, nothing is received behind an input frontier. Outputs are compared with a
functional model of the same steps, which knows nothing of frontiers or schedules.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.dataflow._engine import (
    AddOne,
    Even,
    NotMultipleOf,
    Shift,
    Sum,
    Watch,
    Window,
    dataflow,
    graph_of,
    msg,
    run_flow,
    shifted,
    value,
    window_end,
)
from workbench.dataflow.graph import Graph
from workbench.dataflow.scheduler import Dataflow
from workbench.messages import Message, Timestamp

Step = tuple[Any, ...]

LEAVES = st.one_of(st.just(("map",)), st.tuples(st.just("filter"), st.integers(2, 4)),
                   st.tuples(st.just("delay"), st.sampled_from([50, 250, 1000]), st.sampled_from(["window", "a"])),
                   st.tuples(st.just("shift"), st.sampled_from([0, 50, 300])), st.just(("accumulate",)))


def segments(depth: int) -> st.SearchStrategy[list[Step]]:
    if depth == 0:
        return st.lists(LEAVES, max_size=3)
    inner = segments(depth - 1)
    forks = st.tuples(st.sampled_from(["split", "fanout"]), inner, inner)
    return st.lists(st.one_of(LEAVES, forks), max_size=4)


GRAPHS = segments(2)


@st.composite
def streams(draw: st.DrawFn, max_jitter_ms: int = 0) -> list[Message]:
    """Messages on a 50 ms grid (so timestamps collide) lagging the newest by at most ``max_jitter_ms``."""
    items = draw(st.lists(st.tuples(st.integers(0, 6), st.integers(0, max_jitter_ms // 50), st.integers(-20, 50),
                                    st.integers(0, 1), st.sampled_from(["a", "b", ""])), max_size=30))
    base, messages = 1000, []
    for gap, jitter, number, counter, node in items:
        base += 50 * gap
        messages.append(msg(number, base - 50 * jitter, counter, node))
    return messages


@st.composite
def bounded(draw: st.DrawFn) -> tuple[int, list[Message]]:
    """An out-of-order bound (often 0) and a stream that stays within it."""
    bound_ms = draw(st.sampled_from([0, 0, 50, 300]))
    return bound_ms, draw(streams(max_jitter_ms=bound_ms))


class Builder:
    """Materialises nested steps as a graph and its operators."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, str]] = [("source", "source"), ("sink", "sink")]
        self.links: list[tuple[str, str, bool | None]] = []
        self.operators: dict[str, Any] = {}
        self.names = itertools.count(1)

    def build(self, spec: list[Step]) -> tuple[Graph, dict[str, Any]]:
        end, arm = self.segment(spec, ("source", None))
        self.links.append((end, "sink", arm))
        return graph_of(self.steps, self.links), self.operators

    def build_merge(self, first: list[Step], second: list[Step], after: list[Step]) -> tuple[Graph, dict[str, Any]]:
        """source → first, other → second, both into a concatenate → after → sink."""
        self.steps.insert(1, ("other", "source"))
        merge = self.node("concatenate")
        for spec, start in ((first, "source"), (second, "other")):
            end, arm = self.segment(spec, (start, None))
            self.links.append((end, merge, arm))
        end, arm = self.segment(after, (merge, None))
        self.links.append((end, "sink", arm))
        return graph_of(self.steps, self.links), self.operators

    def node(self, kind: str, operator: Any = None) -> str:
        name = f"{kind}{next(self.names)}"
        self.steps.append((name, kind))
        if operator is not None:
            self.operators[name] = operator
        return name

    def segment(self, spec: list[Step], start: tuple[str, bool | None]) -> tuple[str, bool | None]:
        for step in spec:
            start = (self.step(step, start), None)
        return start

    def step(self, step: Step, start: tuple[str, bool | None]) -> str:
        kind = step[0]
        if kind in ("split", "fanout"):
            heads = [start, start]
            if kind == "split":
                branch = self.node("branch", Even())
                self.links.append((start[0], branch, start[1]))
                heads = [(branch, True), (branch, False)]
            ends = [self.segment(step[1], heads[0]), self.segment(step[2], heads[1])]
            merge = self.node("concatenate")
            self.links.extend((end, merge, arm) for end, arm in ends)
            return merge
        name = self.node("delay" if kind == "shift" else kind, make_operator(step))
        self.links.append((start[0], name, start[1]))
        return name


def make_operator(step: Step) -> Any:
    kind = step[0]
    if kind == "filter":
        return NotMultipleOf(step[1])
    if kind == "delay":
        return Window(step[1], step[2])
    if kind == "shift":
        return Shift(step[1])
    return AddOne() if kind == "map" else Sum()


def model(spec: list[Step], items: list[tuple[Timestamp, int]]) -> list[tuple[Timestamp, int]]:
    """What the steps compute, as functions of (timestamp, value) collections."""
    for step in spec:
        kind = step[0]
        if kind == "map":
            items = [(t, v + 1) for t, v in items]
        elif kind == "filter":
            items = [(t, v) for t, v in items if v % step[1]]
        elif kind == "delay":
            items = [(window_end(t, step[1], step[2]), v) for t, v in items]
        elif kind == "shift":
            items = [(shifted(t, step[1]), v) for t, v in items]
        elif kind == "accumulate":
            sums: dict[Timestamp, int] = {}
            for t, v in items:
                sums[t] = sums.get(t, 0) + v
            items = list(sums.items())
        elif kind == "split":
            items = (model(step[1], [(t, v) for t, v in items if v % 2 == 0])
                     + model(step[2], [(t, v) for t, v in items if v % 2]))
        else:
            items = model(step[1], items) + model(step[2], items)
    return items


def execute(spec: list[Step], inputs: list[Message], **options: Any) -> tuple[Dataflow, Any, Any, list[tuple[str, str, str, Any]]]:
    graph, operators = Builder().build(spec)
    flow, outputs, watch = run_flow(graph, operators, inputs, **options)
    return flow, watch, graph, [(sink, str(t), m.payload, value(m)) for sink, m, t in outputs.kept]


def same_outputs(outputs: list[tuple[str, str, bytes, Any]], expected: list[tuple[Timestamp, int]]) -> bool:
    return sorted((t, v) for _, t, _, v in outputs) == sorted((str(t), v) for t, v in expected)


def accumulates_fired_once(flow: Dataflow, watch: Watch) -> bool:
    """Every accumulate emitted exactly one result per timestamp it received input for."""
    for name, node in flow.nodes.items():
        if node.kind == "accumulate":
            fired = Counter(watch.emitted[name])
            if set(fired) != set(watch.received[name]) or set(fired.values()) - {1}:
                return False
    return True


@settings(max_examples=200, deadline=None)
@given(GRAPHS, bounded(), st.sampled_from([1, 2, 64]))
def test_outputs_match_the_model_and_progress_invariants_hold(spec: list[Step], stream: tuple[int, list[Message]],
                                                               batch: int) -> None:
    bound_ms, inputs = stream
    flow, watch, _, outputs = execute(spec, inputs, out_of_order_ns=bound_ms * 1_000_000, accumulate_batch=batch)
    assert flow.late == 0  # out of order, but within the bound: nothing is late
    assert watch.problems == []
    assert watch.all_closed()
    assert accumulates_fired_once(flow, watch)
    assert same_outputs(outputs, model(spec, [(m.timestamp, value(m)) for m in inputs]))


@settings(max_examples=150, deadline=None)
@given(GRAPHS, GRAPHS, GRAPHS, bounded(), bounded(), st.data())
def test_merged_sources_hold_back_on_the_slower_one(first: list[Step], second: list[Step], after: list[Step],
                                                    a: tuple[int, list[Message]], b: tuple[int, list[Message]],
                                                    data: st.DataObject) -> None:
    bound_ms, inputs, other = max(a[0], b[0]), a[1], b[1]
    graph, operators = Builder().build_merge(first, second, after)
    flow, outputs = dataflow(graph, operators, out_of_order_ns=bound_ms * 1_000_000)
    watch = Watch(flow)
    order = data.draw(st.permutations([0] * len(inputs) + [1] * len(other)))
    streams_ = [iter(inputs), iter(other)]
    for pick in order:  # any interleaving: one source may run far ahead of the other
        flow.push(flow.sources[pick], next(streams_[pick]))
    flow.finish()
    assert watch.problems == []
    assert accumulates_fired_once(flow, watch)
    merged = model(first, [(m.timestamp, value(m)) for m in inputs]) + model(second, [(m.timestamp, value(m)) for m in other])
    kept = [(sink, str(t), m.payload, value(m)) for sink, m, t in outputs.kept]
    assert same_outputs(kept, model(after, merged))


@settings(max_examples=150, deadline=None)
@given(GRAPHS, streams(max_jitter_ms=2000), st.sampled_from([0, 0, 50, 1000]), st.sampled_from(["restamp", "drop"]))
def test_with_late_data_frontiers_still_never_regress_and_accumulates_fire_once(
        spec: list[Step], inputs: list[Message], bound_ms: int, late: str) -> None:
    flow, watch, _, _ = execute(spec, inputs, out_of_order_ns=bound_ms * 1_000_000, late=late)
    assert watch.problems == []
    assert watch.all_closed()
    assert accumulates_fired_once(flow, watch)


@settings(max_examples=100, deadline=None)
@given(GRAPHS, streams(max_jitter_ms=1000), st.sampled_from([0, 50, 500]), st.sampled_from(["restamp", "drop"]))
def test_every_message_is_accounted_for(spec: list[Step], inputs: list[Message], bound_ms: int, late: str) -> None:
    flow, _, graph, outputs = execute(spec, inputs, out_of_order_ns=bound_ms * 1_000_000, late=late)
    counts = flow.counts()
    for name, c in counts.items():  # per operation
        assert c["received"] + c.get("fired", 0) == (c["emitted"] + c.get("filtered", 0) + c.get("folded", 0)
                                                    + c.get("held", 0) + c.get("dropped", 0)), name
    for name in counts:  # per connection: what arrives is what was sent
        sent = 0
        for link in graph.inputs(name):
            upstream = counts[link.source]
            sent += upstream["emitted"] if link.arm is None else upstream["arm_true" if link.arm else "arm_false"]
        assert name == "source" or counts[name]["received"] == sent, name
    assert counts["source"]["received"] == len(inputs)
    assert counts["sink"]["received"] == len(outputs)


@settings(max_examples=100, deadline=None)
@given(GRAPHS, streams(max_jitter_ms=1500), st.sampled_from([0, 50, 1000]), st.sampled_from([1, 3, 64]))
def test_the_same_inputs_and_graph_give_the_same_outputs_in_the_same_order(
        spec: list[Step], inputs: list[Message], bound_ms: int, batch: int) -> None:
    options = {"out_of_order_ns": bound_ms * 1_000_000, "accumulate_batch": batch}
    first, second = execute(spec, inputs, **options), execute(spec, inputs, **options)
    assert first[3] == second[3]
    untimed = [{name: {k: v for k, v in c.items() if k != "busy_s"} for name, c in flow.counts().items()}
               for flow in (first[0], second[0])]
    assert untimed[0] == untimed[1]
