"""Each operation type's semantics, driven directly with tiny Python operators."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dataflow._engine import AddOne, Even, NotMultipleOf, Sum, Window, msg, ts, value, with_value
from workbench.dataflow.nodes import (
    AccumulateNode,
    BranchNode,
    ConcatenateNode,
    DelayNode,
    FilterNode,
    MapNode,
    Node,
    SinkNode,
    empty_like,
)
from workbench.dataflow.progress import CLOSED, EARLIEST
from workbench.dataflow.trace import Tracer
from workbench.errors import OperatorError
from workbench.messages import Message, RawData, Timestamp


class Catch(Node):
    """Collects what reaches it."""

    def __init__(self, name: str = "catch"):
        super().__init__(name, Tracer())
        self.got: list[tuple[Any, Timestamp]] = []

    def receive(self, message: Any, timestamp: Timestamp) -> None:
        self.received += 1
        self.got.append((message, timestamp))

    def values(self) -> list[tuple[Any, int]]:
        return [(value(m), t.millis) for m, t in self.got]


def wired(node: Node, arm: bool | None = None) -> Catch:
    catch = Catch()
    node.connect(catch, arm)
    return catch


def balanced(node: Node) -> bool:
    counts = {k: 0 for k in ("filtered", "folded", "held", "dropped", "fired")} | node.counts()
    return counts["received"] + counts["fired"] == (counts["emitted"] + counts["filtered"] + counts["folded"]
                                                    + counts["held"] + counts["dropped"])


def test_map_keeps_the_timestamp_and_emits_the_result() -> None:
    operator = AddOne()
    node = MapNode("m", Tracer(), operator)
    out = wired(node)
    node.receive(msg(1, 100, 3, "a"), ts(100, 3, "a"))
    assert out.values() == [(2, 100)]
    assert out.got[0][1] == ts(100, 3, "a")
    assert node.counts() == {"received": 1, "emitted": 1, "calls": 1, "failed": 0}
    assert operator.calls == [(msg(1, 100, 3, "a"),)]


def test_map_records_one_trace_row_per_call() -> None:
    node = MapNode("m", Tracer(), AddOne())
    wired(node)
    node.receive(msg(1, 100), ts(100))
    (operator, given, made, started, ended, outcome, items), = node.tracer.calls.rows
    assert (operator, given, made, outcome, items) == ("m", ts(100), ts(100), "emitted", 1)
    assert ended >= started


def test_a_map_that_returns_no_message_fails_naming_the_operation() -> None:
    class Broken(AddOne):
        def process(self, message: Message) -> Any:
            return None

    node = MapNode("module-x/map", Tracer(), Broken())
    wired(node)
    with pytest.raises(OperatorError, match=r"'module-x/map' failed in process: returned None; a map must return"):
        node.receive(msg(1, 100), ts(100))


def test_an_exception_in_a_python_operator_names_the_operation_and_input() -> None:
    class Raises(AddOne):
        def process(self, message: Message) -> Any:
            raise KeyError("temperature")

    node = MapNode("module-x/map", Tracer(), Raises())
    with pytest.raises(OperatorError) as info:
        node.receive(msg({"humidity": 1}, 100), ts(100))
    assert "operator 'module-x/map' failed in process: KeyError: 'temperature'" in str(info.value)
    assert '"humidity"' in str(info.value)
    assert isinstance(info.value.__cause__, KeyError)
    assert "raise KeyError" in (info.value.guest_traceback or "")


def test_filter_passes_or_drops_and_counts() -> None:
    node = FilterNode("f", Tracer(), NotMultipleOf(3))
    out = wired(node)
    for n in range(1, 7):
        node.receive(msg(n, n), ts(n))
    assert out.values() == [(1, 1), (2, 2), (4, 4), (5, 5)]
    assert node.counts() == {"received": 6, "emitted": 4, "filtered": 2, "calls": 6, "failed": 0}
    assert [row[5] for row in node.tracer.calls.rows] == ["passed", "passed", "filtered"] * 2
    assert balanced(node)


def test_branch_routes_to_the_arm_and_keeps_the_timestamp() -> None:
    operator = Even()
    node = BranchNode("b", Tracer(), operator)
    yes, no = wired(node, True), wired(node, False)
    for n in range(1, 5):
        node.receive(msg(n, 10 * n), ts(10 * n))
    assert yes.values() == [(2, 20), (4, 40)]
    assert no.values() == [(1, 10), (3, 30)]
    assert operator.calls[0][0] == ts(10)  # the branch sees (timestamp, message)
    assert node.counts() == {"received": 4, "emitted": 4, "calls": 4, "failed": 0, "arm_true": 2, "arm_false": 2}


def test_concatenate_passes_everything_on() -> None:
    node = ConcatenateNode("c", Tracer())
    out = wired(node)
    node.receive(msg(1, 5), ts(5))
    node.receive(msg(2, 3), ts(3))
    assert out.values() == [(1, 5), (2, 3)]
    assert node.kind == "concatenate"


def test_sink_collects_and_counts_its_output() -> None:
    got = []
    node = SinkNode("sink", Tracer(), lambda sink, m, t: got.append((sink, value(m), t)))
    node.receive(msg(7, 5), ts(5))
    assert got == [("sink", 7, ts(5))]
    assert balanced(node)


# -- delay ---------------------------------------------------------------------------------
def test_delay_asks_the_operator_and_holds_until_the_new_timestamp_is_complete() -> None:
    operator = Window(1000)
    node = DelayNode("d", Tracer(), operator)
    out = wired(node)
    node.receive(msg(1, 100), ts(100))
    node.receive(msg(2, 900), ts(900))
    assert operator.calls[0][1] == ts(100)  # the delay sees (message, timestamp)
    assert out.got == []
    assert node.counts()["held"] == 2
    node.advance(ts(1000, 0, "window"))  # not past 1000:0:window yet
    assert out.got == []
    node.advance(ts(1000, 1))
    assert [(v, t) for v, t in out.values()] == [(1, 1000), (2, 1000)]
    assert out.got[0][1] == ts(1000, 0, "window")
    assert balanced(node)


def test_delay_releases_in_timestamp_order_then_arrival_order() -> None:
    class Back(Window):
        def process(self, message: Message, timestamp: Timestamp) -> Timestamp:
            return Timestamp.from_millis(value(message), 0, "d")

    node = DelayNode("d", Tracer(), Back())
    out = wired(node)
    for n, stamp in enumerate([5000, 3000, 5000, 4000]):
        node.receive(with_value(msg(0, n), stamp), ts(n))
    node.advance(CLOSED)
    assert [t for _, t in out.values()] == [3000, 4000, 5000, 5000]


def test_delay_output_frontier_is_the_least_of_input_frontier_and_held() -> None:
    node = DelayNode("d", Tracer(), Window(1000))
    wired(node)
    assert node.output_frontier == EARLIEST
    node.advance(ts(100))
    node.receive(msg(1, 100), ts(100))
    assert node.output_frontier == ts(100)
    node.advance(ts(500))
    assert node.output_frontier == ts(500)
    node.advance(ts(1500))
    assert node.output_frontier == ts(1500)  # released: nothing held any more
    node.receive(msg(1, 1600), ts(1600))
    node.advance(CLOSED)
    assert node.output_frontier is CLOSED


@pytest.mark.parametrize(("returned", "reason"), [
    (Timestamp.from_millis(99), "returned timestamp 99:0:workbench, earlier than the input's 100:0:n"),
    (100, "returned 100; a delay must return a timestamp"),
])
def test_a_delay_may_not_move_back_or_return_garbage(returned: Any, reason: str) -> None:
    class Bad(Window):
        def process(self, message: Message, timestamp: Timestamp) -> Any:
            return returned

    node = DelayNode("module-window/delay", Tracer(), Bad())
    with pytest.raises(OperatorError, match="'module-window/delay' failed in process: " + reason):
        node.receive(msg(1, 100), ts(100))


# -- accumulate ------------------------------------------------------------------------------
def test_accumulate_folds_a_timestamp_and_emits_once_when_it_completes() -> None:
    operator = Sum()
    node = AccumulateNode("a", Tracer(), operator)
    out = wired(node)
    for n in (1, 2, 3):
        node.receive(msg(n, 1000, 0, "w"), ts(1000, 0, "w"))
    node.advance(ts(1000, 0, "w"))
    assert out.got == [] and operator.calls == []
    node.advance(ts(1001))
    assert out.values() == [(6, 1000)]
    assert out.got[0][1] == ts(1000, 0, "w")
    node.advance(CLOSED)
    assert len(out.got) == 1
    assert node.counts() == {"received": 3, "emitted": 1, "calls": 1, "failed": 0, "folded": 3, "fired": 1, "held": 0, "open": 0}
    assert balanced(node)


def test_the_first_staged_is_an_empty_message_at_the_timestamp() -> None:
    operator = Sum()
    node = AccumulateNode("a", Tracer(), operator)
    wired(node)
    first = Message.of(5, "sensors/t", timestamp=ts(10), content_type="application/json",
                       properties={"k": "v"})
    node.receive(first, ts(2000, 0, "window"))
    node.advance(CLOSED)
    staged, messages = operator.calls[0]
    assert staged == Message(b"", "sensors/t", ts(2000, 0, "window"), "application/json", ())
    assert messages == [first]


def test_accumulate_folds_in_batches_each_call_getting_the_previous_result() -> None:
    operator = Sum()
    node = AccumulateNode("a", Tracer(), operator, batch=2)
    out = wired(node)
    for n in range(1, 6):
        node.receive(msg(n, 1000), ts(1000))
    assert [(value(s), [value(m) for m in ms]) for s, ms in operator.calls] == [(None, [1, 2]), (3, [3, 4])]
    assert node.counts()["held"] == 1 and node.counts()["folded"] == 4
    assert balanced(node)
    node.advance(CLOSED)
    assert [(value(s), [value(m) for m in ms]) for s, ms in operator.calls][-1] == (10, [5])
    assert out.values() == [(15, 1000)]
    assert [row[6] for row in node.tracer.calls.rows] == [2, 2, 1]
    assert [row[0] for row in node.tracer.fires.rows] == ["a"]


def test_accumulate_keeps_timestamps_apart_and_emits_them_in_order() -> None:
    node = AccumulateNode("a", Tracer(), Sum())
    out = wired(node)
    node.advance(ts(500))
    for n, stamp in [(1, 3000), (2, 1000), (3, 3000), (4, 2000), (5, 1000)]:
        node.receive(msg(n, stamp), ts(stamp))
    assert node.counts()["open"] == 3
    assert node.output_frontier == ts(500)  # open timestamps are never behind the input frontier
    node.advance(ts(2500))
    assert out.values() == [(7, 1000), (4, 2000)]
    assert node.output_frontier == ts(2500)
    node.advance(CLOSED)
    assert out.values()[-1] == (4, 3000)


def test_timestamps_without_input_produce_no_call_and_no_output() -> None:
    operator = Sum()
    node = AccumulateNode("a", Tracer(), operator)
    out = wired(node)
    for stamp in (1000, 2000, 3000):
        node.advance(ts(stamp))
    node.advance(CLOSED)
    assert operator.calls == [] and out.got == []


def test_an_accumulate_result_must_be_a_message() -> None:
    class Bad(Sum):
        def process(self, staged: Message, messages: list[Message]) -> Any:
            return {"sum": 1}

    node = AccumulateNode("module-a/accumulate", Tracer(), Bad())
    node.receive(msg(1, 10), ts(10))
    with pytest.raises(OperatorError, match="returned {'sum': 1}; a accumulate must return a Message or RawData"):
        node.advance(CLOSED)


def test_accumulate_batch_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1, not 0"):
        AccumulateNode("a", Tracer(), Sum(), batch=0)


def test_empty_like_keeps_the_kind_of_data() -> None:
    assert empty_like(RawData(b"abc"), ts(5)) == RawData(b"")
    assert empty_like(Message(b"x", "t", ts(1), None, (("a", "b"),)), ts(5)) == Message(b"", "t", ts(5), None, ())


def test_nodes_close_their_operators_when_they_can() -> None:
    operator = AddOne()
    MapNode("m", Tracer(), operator).close()
    assert operator.closed

    class NoClose:
        def process(self, message: Message) -> Message:
            return message

    MapNode("m", Tracer(), NoClose()).close()  # nothing to close: no error
