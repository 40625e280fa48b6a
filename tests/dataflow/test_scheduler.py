"""The schedule: source frontiers, late data, frontier propagation, end of input, order."""

from __future__ import annotations

import pytest

from tests.dataflow._engine import (
    AddOne,
    Even,
    Sum,
    Window,
    chain,
    dataflow,
    graph_of,
    msg,
    results,
    run_flow,
    ts,
    value,
)
from workbench.dataflow.progress import CLOSED, EARLIEST
from workbench.errors import GraphError
from workbench.messages import Timestamp


def test_the_source_frontier_follows_the_newest_input() -> None:
    flow, _ = dataflow(chain(("m", "map")), {"m": AddOne()})
    source = flow.sources[0]
    flow.push(source, msg(1, 100))
    flow.push(source, msg(2, 300, 5, "b"))
    instant = Timestamp(0, 300_000_000, 0, "")  # the earliest stamp of the newest instant
    assert flow.frontiers() == {"source": instant, "m": instant, "sink": instant}
    flow.push(source, msg(3, 300, 0, "a"))  # before 300:5:b, but of the same instant: on time
    assert flow.late == 0
    flow.push(source, msg(4, 299, 9, "z"))
    assert flow.late == 1


def test_the_out_of_order_bound_keeps_the_frontier_behind_the_newest_input() -> None:
    flow, outputs = dataflow(chain(("m", "map")), {"m": AddOne()}, out_of_order_ns=500_000_000)
    source = flow.sources[0]
    for value_, ms in [(1, 1000), (2, 600), (3, 500), (4, 2000)]:
        flow.push(source, msg(value_, ms))
    assert source.frontier == Timestamp(1, 500_000_000, 0, "")
    assert flow.late == 0
    assert [stamp for _, stamp, _ in results(outputs)] == ["1000:0:n", "600:0:n", "500:0:n", "2000:0:n"]


@pytest.mark.parametrize("late", ["restamp", "drop"])
def test_input_behind_the_bound_is_late(late: str) -> None:
    flow, outputs, watch = run_flow(chain(("m", "map")), {"m": AddOne()},
                                    [msg(1, 1000), msg(2, 1500), msg(3, 900), msg(4, 1600)],
                                    out_of_order_ns=500_000_000, late=late)
    assert flow.late == 1
    source = flow.nodes["source"]
    assert source.counts() == {"received": 4, "emitted": 4 - source.dropped, "late": 1,
                               "dropped": 1 if late == "drop" else 0}
    late_row = flow.tracer.late.rows[0]
    assert (late_row[0], late_row[1], late_row[2], late_row[4]) == (
        "source", ts(900), Timestamp(1, 0, 0, ""), "restamped" if late == "restamp" else "dropped")
    if late == "restamp":  # re-stamped to the source frontier, the earliest timestamp still open
        assert results(outputs)[2] == ("sink", "1000:0:", 4)
    else:
        assert [v for _, _, v in results(outputs)] == [2, 3, 5]
    assert watch.problems == []


def test_late_input_is_never_emitted_behind_a_frontier_downstream() -> None:
    operators = {"d": Window(1000), "a": Sum()}
    inputs = [msg(1, 100), msg(2, 2500), msg(3, 50), msg(4, 2600)]
    flow, outputs, watch = run_flow(chain(("d", "delay"), ("a", "accumulate")), operators, inputs)
    assert flow.late == 1
    assert results(outputs) == [("sink", "1000:0:window", 1), ("sink", "3000:0:window", 9)]
    assert watch.problems == []


def test_unknown_late_policy_and_negative_bound_are_refused() -> None:
    graph = chain(("m", "map"))
    with pytest.raises(GraphError, match="late='keep' is not one of restamp, drop"):
        dataflow(graph, {"m": AddOne()}, late="keep")
    with pytest.raises(GraphError, match="must not be negative, not -1 s"):
        dataflow(graph, {"m": AddOne()}, out_of_order_ns=-1_000_000_000)


def test_accumulate_fires_as_soon_as_its_frontier_passes_not_at_the_end() -> None:
    flow, outputs = dataflow(chain(("d", "delay"), ("a", "accumulate")), {"d": Window(1000), "a": Sum()})
    source = flow.sources[0]
    for n, ms in enumerate([100, 400, 1200, 1999, 2000]):
        flow.push(source, msg(n, ms))
    assert results(outputs) == [("sink", "1000:0:window", 1)]  # 2000:0:window still open
    flow.push(source, msg(9, 2001))
    assert results(outputs)[-1] == ("sink", "2000:0:window", 5)
    flow.finish()
    assert results(outputs)[-1] == ("sink", "3000:0:window", 13)


def test_end_of_input_closes_every_frontier_and_flushes_what_is_held() -> None:
    graph = chain(("d", "delay"), ("a", "accumulate"), ("m", "map"))
    flow, outputs, watch = run_flow(graph, {"d": Window(60_000), "a": Sum(), "m": AddOne()},
                                    [msg(n, 10 * n) for n in range(5)])
    assert results(outputs) == [("sink", "60000:0:window", 11)]
    assert watch.all_closed()
    assert flow.nodes["d"].counts()["held"] == 0 and flow.nodes["a"].counts()["open"] == 0


def diamond() -> tuple:
    """source → branch: even → delay(1 s) → concat; odd → map → concat → accumulate → sink."""
    steps = [("source", "source"), ("b", "branch"), ("d", "delay"), ("m", "map"), ("c", "concatenate"),
             ("a", "accumulate"), ("sink", "sink")]
    links = [("source", "b", None), ("b", "d", True), ("b", "m", False), ("d", "c", None), ("m", "c", None),
             ("c", "a", None), ("a", "sink", None)]
    return graph_of(steps, links), {"b": Even(), "d": Window(1000), "m": AddOne(), "a": Sum()}


def test_concatenate_frontier_is_the_least_of_its_inputs() -> None:
    graph, operators = diamond()
    flow, _ = dataflow(graph, operators)
    source = flow.sources[0]
    seen = []
    for n, ms in enumerate([100, 700, 1500, 2300]):
        flow.push(source, msg(n, ms))
        nodes = flow.nodes
        seen.append(nodes["c"].input_frontier)
        assert nodes["c"].input_frontier == min(nodes["d"].output_frontier, nodes["m"].output_frontier)
    assert seen == [ts(100, 0, ""), ts(700, 0, ""), ts(1500, 0, ""), ts(2300, 0, "")]


def test_a_merge_waits_for_its_slowest_input() -> None:
    graph, operators = diamond()
    flow, outputs = dataflow(graph, operators)
    source = flow.sources[0]
    flow.push(source, msg(2, 100))  # even: delayed to 1000:0:window
    flow.push(source, msg(1, 1200))  # odd: straight on at 1200
    flow.push(source, msg(3, 1300))
    # The accumulate saw 1200 from the map, but 1000:0:window came first from the delay.
    assert results(outputs) == [("sink", "1000:0:window", 2), ("sink", "1200:0:n", 2)]
    flow.finish()
    assert results(outputs)[-1] == ("sink", "1300:0:n", 4)


def test_each_message_goes_depth_first_through_the_graph() -> None:
    first, second = AddOne(), AddOne()
    run_flow(chain(("m1", "map"), ("m2", "map")), {"m1": first, "m2": second}, [msg(1, 1), msg(10, 2)])
    assert [value(c[0]) for c in first.calls] == [1, 10]
    assert [value(c[0]) for c in second.calls] == [2, 11]


def test_fan_out_follows_the_connection_order() -> None:
    steps = [("source", "source"), ("m", "map"), ("x", "sink"), ("y", "sink")]
    graph = graph_of(steps, [("source", "m", None), ("m", "y", None), ("m", "x", None)])
    _, outputs, _ = run_flow(graph, {"m": AddOne()}, [msg(1, 1), msg(2, 2)])
    assert [(sink, v) for sink, _, v in results(outputs)] == [("y", 2), ("x", 2), ("y", 3), ("x", 3)]


def test_sources_without_input_are_closed_from_the_start() -> None:
    steps = [("source", "source"), ("other", "source"), ("c", "concatenate"), ("a", "accumulate"), ("sink", "sink")]
    links = [("source", "c", None), ("other", "c", None), ("c", "a", None), ("a", "sink", None)]
    flow, outputs = dataflow(graph_of(steps, links), {"a": Sum()})
    flow.feed([msg(1, 100), msg(2, 200)])
    assert flow.frontiers()["other"] is CLOSED
    assert results(outputs) == [("sink", "100:0:n", 1)]  # not held back by the idle source


def test_the_graph_must_have_a_source_and_every_operation_an_operator() -> None:
    flow, _ = dataflow(graph_of([("sink", "sink")], []), {})
    with pytest.raises(GraphError, match="graph 'test' has no source operation"):
        flow.feed([])
    with pytest.raises(GraphError, match="operation 'm' \\(map\\) has no operator"):
        dataflow(chain(("m", "map")), {})


def test_frontiers_start_at_the_earliest_timestamp() -> None:
    flow, _ = dataflow(chain(("m", "map")), {"m": AddOne()})
    assert set(flow.frontiers().values()) == {EARLIEST}
