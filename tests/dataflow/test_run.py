"""``run``: the Run record (frames, bounds, display), accounting, and the errors ``run`` raises."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.dataflow._engine import MODULE, AddOne, Even, NotMultipleOf, Sum, Window, chain, graph_of, msg
from workbench.dataflow.graph import Parameter
from workbench.dataflow.registry import ModuleRegistry, PythonModule
from workbench.dataflow.run import run
from workbench.dataflow.validation import GraphValidationError
from workbench.errors import DatasetError, GraphError, OperatorError
from workbench.host.services import HostServices
from workbench.messages import Message, Timestamp

OPERATORS = {"map": AddOne, "filter": NotMultipleOf, "branch": Even, "delay": Window, "accumulate": Sum}


def modules(**kinds: Any) -> dict[str, PythonModule]:
    return {MODULE: PythonModule(**(kinds or OPERATORS))}


def pipeline() -> Any:
    """source → filter → branch: even → delay(1 s) → accumulate → sink; odd → map → sink."""
    steps = [("source", "source"), ("f", "filter"), ("b", "branch"), ("d", "delay"), ("a", "accumulate"),
             ("m", "map"), ("sink", "sink")]
    links = [("source", "f", None), ("f", "b", None), ("b", "d", True), ("d", "a", None), ("a", "sink", None),
             ("b", "m", False), ("m", "sink", None)]
    return graph_of(steps, links, name="pipeline")


def inputs(n: int = 20) -> list[Message]:
    return [msg(i, 100 * i) for i in range(1, n + 1)]


def test_a_run_exposes_its_outputs_as_a_frame() -> None:
    data = [Message.of(1, "in/t", timestamp=Timestamp.from_millis(5, 1, "a"), properties={"k": "v"})]
    result = run(chain(("m", "map")), data, modules=modules(), mode="native")
    frame = result.outputs
    assert list(frame.columns) == ["sink", "seq", "topic", "timestamp", "timestamp_ms", "payload", "text",
                                   "properties"]
    assert frame.iloc[0].to_dict() == {"sink": "sink", "seq": 0, "topic": "in/t", "timestamp": "5:1:a",
                                       "timestamp_ms": 5, "payload": b"2", "text": "2", "properties": {"k": "v"}}
    assert frame.attrs == {"total": 1, "kept": 1, "truncated": False, "limit": 50_000}
    assert result.payloads() == [2] and result.timestamps() == [Timestamp.from_millis(5, 1, "a")]


def test_trace_progress_and_fires_frames() -> None:
    result = run(pipeline(), inputs(), modules=modules(), mode="native")
    trace = result.trace
    assert list(trace.columns) == ["operator", "input_timestamp", "output_timestamp", "wall_start", "wall_end",
                                   "latency_us", "outcome", "items"]
    assert set(trace["outcome"]) == {"passed", "filtered", "true", "false", "delayed", "folded", "emitted"}
    delayed = trace[trace.outcome == "delayed"].iloc[0]
    assert (delayed.input_timestamp, delayed.output_timestamp) == ("200:0:n", "1000:0:window")
    assert (trace.wall_end >= trace.wall_start).all() and (trace.latency_us >= 0).all()
    assert trace.attrs == {"sampled": False, "sample_every": 1, "events": len(trace), "kept": len(trace)}
    progress = result.progress
    assert list(progress.columns) == ["operator", "wall_time", "frontier", "frontier_ms"]
    assert progress.groupby("operator").frontier.last().eq("closed").all()
    assert set(progress.operator) == {"source", "f", "b", "d", "a", "m", "sink"}
    fires = result.fires
    assert list(fires.columns) == ["operator", "timestamp", "timestamp_ms", "wall_time"]
    assert list(fires.timestamp) == ["1000:0:window", "2000:0:window", "3000:0:window"]


def test_summary_accounts_for_every_input() -> None:
    result = run(pipeline(), inputs(), modules=modules(), mode="native")
    summary = result.summary.set_index("operator")
    assert list(result.summary.columns) == ["operator", "kind", "received", "emitted", "filtered", "folded", "fired",
                                            "held", "open", "late", "dropped", "failed", "arm_true", "arm_false", "calls",
                                            "busy_s", "mean_latency_us", "p99_latency_us"]
    assert summary.loc["f", ["received", "emitted", "filtered"]].tolist() == [20, 14, 6]
    assert summary.loc["b", ["arm_true", "arm_false"]].tolist() == [7, 7]
    assert summary.loc["a", ["received", "folded", "fired", "emitted"]].tolist() == [7, 7, 3, 3]
    total = summary.sum(numeric_only=True)
    # every input ends as an output, filtered out, or folded into an accumulate result
    assert result.inputs == result.output_count + total.filtered + total.folded - total.fired
    assert result.output_count == summary.loc["sink", "received"] == 10
    assert summary.loc["m", "calls"] == 7 and summary.loc["m", "mean_latency_us"] > 0
    assert pd.isna(summary.loc["source", "mean_latency_us"])


def test_late_input_is_counted_and_listed() -> None:
    data = [msg(1, 1000), msg(2, 3000), msg(4, 1500)]
    result = run(chain(("m", "map")), data, modules=modules(), mode="native", out_of_order=1.0)
    assert result.late == 1
    assert result.late_inputs[["source", "timestamp", "frontier", "outcome"]].values.tolist() == [
        ["source", "1500:0:n", "2000:0:", "restamped"]]
    assert result.summary.set_index("operator").loc["source", "late"] == 1
    dropped = run(chain(("m", "map")), data, modules=modules(), mode="native", out_of_order=1.0, late="drop")
    assert dropped.payloads() == [2, 3] and dropped.late == 1


def test_outputs_beyond_the_limit_are_counted_streamed_and_not_kept() -> None:
    streamed: list[tuple[str, int, str]] = []
    result = run(chain(("m", "map")), inputs(50), modules=modules(), mode="native", output_limit=10,
                 on_output=lambda sink, m, t: streamed.append((sink, json.loads(m.payload), str(t))))
    assert len(result.outputs) == 10 and len(result.messages()) == 10
    assert result.outputs.attrs == {"total": 50, "kept": 10, "truncated": True, "limit": 10}
    assert result.output_count == 50
    assert streamed[0] == ("sink", 2, "100:0:n") and len(streamed) == 50
    assert "50 outputs (first 10 kept)" in repr(result)
    assert "50 outputs (first 10 kept)" in result._repr_html_()


def test_records_stay_bounded_on_a_long_run() -> None:
    result = run(chain(("m1", "map"), ("m2", "map")), inputs(6000), modules=modules(), mode="native",
                 output_limit=100, trace_limit=500)
    assert len(result.trace) < 500 and result.trace.attrs["sampled"]
    assert result.trace.attrs["events"] == 12_000
    assert len(result.progress) < 500 and result.progress.attrs["events"] == 4 * 6000 + 4
    assert len(result.outputs) == 100
    summary = result.summary.set_index("operator")
    assert summary.loc["m2", "calls"] == 6000  # totals stay exact
    assert result.summary.attrs["p99_from_sample"]
    assert "trace: " in result._repr_html_() and "of 12,000 calls" in result._repr_html_()


def test_the_run_renders_itself_with_counts() -> None:
    result = run(pipeline(), inputs(), modules=modules(), mode="native", out_of_order=0.05)
    html = result._repr_html_()
    assert "<b>Run of pipeline</b>: 20 inputs, 10 outputs, 0 late" in html
    assert "<table" in html and "arm_true" in html
    assert repr(result).startswith("<Run pipeline: 20 inputs → 10 outputs, 0 late, in ")


def test_logs_metrics_and_the_final_state_store() -> None:
    class Recording(AddOne):
        services: HostServices

        def process(self, message: Message) -> Message:
            self.services.log("m", "info", "ctx", "seen")
            self.services.record_metric("m", "seen", "counter", 1)
            count = int(self.services.state_store.to_dict().get("count", "0")) + 1
            self.services.state_store.seed({"count": str(count)})
            return super().process(message)

    services = HostServices(max_records=3)
    Recording.services = services
    result = run(chain(("m", "map")), inputs(5), modules={MODULE: PythonModule(map=Recording)}, mode="native",
                 services=services, state={"site": "plant-7"})
    assert list(result.logs.columns) == ["operator", "level", "context", "message", "time", "source"]
    assert list(result.metrics.columns) == ["operator", "name", "kind", "value", "labels", "time"]
    assert len(result.logs) == 3 and result.logs.attrs["dropped"] == 4
    assert result.state == {"site": "plant-7", "count": "5"}
    assert result.store[["key", "value"]].values.tolist() == [["site", "plant-7"], ["count", "5"]]


def test_state_can_be_seeded_from_a_seed_file(tmp_path: Path) -> None:
    seed = tmp_path / "statestore.json"
    seed.write_text(json.dumps([{"factoryId": "factoryA"}, {"limits": {"max": 3}}]))
    result = run(chain(("m", "map")), inputs(1), modules=modules(), mode="native", state=seed)
    assert result.state == {"factoryId": "factoryA", "limits": '{"max":3}'}


def test_several_sources_are_merged_in_timestamp_order() -> None:
    steps = [("source", "source"), ("other", "source"), ("m", "map"), ("sink", "sink")]
    graph = graph_of(steps, [("source", "m", None), ("other", "m", None), ("m", "sink", None)])
    result = run(graph, {"source": [msg(1, 100), msg(3, 300)], "other": [msg(10, 200)]}, modules=modules(),
                 mode="native")
    assert result.payloads() == [2, 11, 4]
    with pytest.raises(GraphError, match="inputs for 'nope': not a source of graph 'test' "
                                         "\\(sources: 'source', 'other'\\)"):
        run(graph, {"nope": []}, modules=modules(), mode="native")


# -- configuration and init ----------------------------------------------------------------
class Configured(AddOne):
    created: list[Configured] = []

    def __init__(self) -> None:
        super().__init__()
        Configured.created.append(self)

    def init(self, properties: dict[str, str]) -> bool:
        super().init(properties)
        return properties.get("reject") != "yes"


def configured_graph() -> Any:
    graph = chain(("first/map", "map"), ("second/map", "map"))
    return graph.with_configuration("first/map", Parameter("unit", "unit", default="C"),
                                    Parameter("precision", "digits", default="1"))


def test_init_receives_the_operations_module_configuration() -> None:
    Configured.created.clear()
    run(configured_graph(), inputs(1), modules={MODULE: PythonModule(map=Configured)}, mode="native",
        config=["first/map.precision=3", "second/map.extra=x"])
    first, second = Configured.created
    assert first.properties == {"unit": "C", "digits": "3"}
    assert second.properties == {"extra": "x"}
    assert first.closed and second.closed  # each operation its own operator, closed after the run


def test_init_returning_false_fails_the_run_naming_the_operation() -> None:
    Configured.created.clear()
    with pytest.raises(OperatorError) as info:
        run(configured_graph(), inputs(1), modules={MODULE: PythonModule(map=Configured)}, mode="native",
            config={"second/map": {"reject": "yes"}})
    assert str(info.value) == ("operator 'second/map' failed in init: returned false: the map of module "
                               f"'{MODULE}' rejected its configuration {{'reject': 'yes'}}")
    assert all(op.closed for op in Configured.created)


def test_init_raising_fails_the_run_naming_the_operation() -> None:
    class Raises(AddOne):
        def init(self, properties: dict[str, str]) -> bool:
            raise ValueError("no unit")

    with pytest.raises(OperatorError, match="operator 'm' failed in init: ValueError: no unit"):
        run(chain(("m", "map")), inputs(1), modules={MODULE: PythonModule(map=Raises)}, mode="native")


def test_configuration_for_unknown_operations_is_refused() -> None:
    with pytest.raises(GraphError, match="configuration for unknown operations: 'nope/map' "
                                         "\\(graph 'test' has 'source', 'first/map'"):
        run(configured_graph(), inputs(1), modules=modules(), mode="native", config=["nope/map.unit=F"])
    graph = configured_graph().with_configuration("ghost/map", Parameter("unit", "unit"))
    with pytest.raises(GraphValidationError, match="moduleConfigurations entry \"ghost/map\" names no operation"):
        run(graph, inputs(1), modules=modules(), mode="native")


def test_a_required_parameter_without_a_value_is_refused() -> None:
    graph = chain(("m", "map")).with_configuration("m", Parameter("topic", "topic", required=True))
    with pytest.raises(GraphError, match="operation \"m\" needs a value for required parameter\\(s\\) \"topic\""):
        run(graph, inputs(1), modules=modules(), mode="native")


# -- modules -------------------------------------------------------------------------------
def test_an_unknown_module_reference_names_the_operations_that_use_it() -> None:
    with pytest.raises(GraphError) as info:
        run(chain(("m", "map"), ("f", "filter")), inputs(1), modules={}, mode="native")
    assert str(info.value).startswith(f"operation 'm', 'f' (map, filter): module '{MODULE}' is not registered")


def test_an_operation_type_the_module_does_not_provide_is_refused() -> None:
    with pytest.raises(GraphValidationError) as info:
        run(chain(("m", "map"), ("f", "filter")), inputs(1), modules=modules(map=AddOne), mode="native")
    assert f"operation \"f\" is a filter, but module \"{MODULE}\" provides only map" in str(info.value)


def test_a_python_module_runs_natively_only() -> None:
    with pytest.raises(GraphError, match="operation 'm' uses a PythonModule of plain Python classes; "
                                         "run it with mode='native'"):
        run(chain(("m", "map")), inputs(1), modules=modules())
    with pytest.raises(GraphError, match="PythonModule takes operator kinds .* not mapper"):
        PythonModule(mapper=AddOne)
    assert repr(PythonModule(map=AddOne)) == "<PythonModule map=AddOne>"


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(GraphError, match="mode 'jit' is not one of wasm, native"):
        run(chain(("m", "map")), inputs(1), modules=modules(), mode="jit")


def test_a_missing_module_file_is_named(tmp_path: Path) -> None:
    registry = ModuleRegistry.of({MODULE: tmp_path / "gone.py"})
    with pytest.raises(GraphError, match=f"operation 'm' \\(map\\): module '{MODULE}': file .*gone.py does not exist"):
        run(chain(("m", "map")), inputs(1), modules=registry, mode="native")


def test_inputs_must_be_messages() -> None:
    with pytest.raises(DatasetError, match="input item 2 is a dict, not a Message: {'value': 1}"):
        run(chain(("m", "map")), [msg(1, 1), {"value": 1}], modules=modules(), mode="native")
    with pytest.raises(DatasetError, match="cannot run over a int"):
        run(chain(("m", "map")), 5, modules=modules(), mode="native")


def test_operators_are_closed_when_a_run_fails() -> None:
    class Fails(AddOne):
        def process(self, message: Message) -> Message:
            raise RuntimeError("boom")

    made: list[Fails] = []
    factory = lambda: made.append(Fails()) or made[-1]  # noqa: E731
    with pytest.raises(OperatorError, match="operator 'm' failed in process: RuntimeError: boom"):
        run(chain(("m", "map")), inputs(1), modules={MODULE: PythonModule(map=factory)}, mode="native")
    assert made[0].closed


def test_every_output_can_be_streamed_to_a_json_lines_file(tmp_path: Path) -> None:
    from workbench.datasets import read_input

    target = tmp_path / "out.jsonl"
    seen: list[str] = []
    result = run(chain(("m", "map")), inputs(25), modules=modules(), mode="native", output_limit=5,
                 output_path=target, on_output=lambda sink, m, t: seen.append(sink))
    assert len(result.outputs) == 5 and len(seen) == 25
    written = list(read_input(target))
    assert [json.loads(m.payload) for m in written] == list(range(2, 27))
    assert written[0].timestamp == Timestamp.from_millis(100, 0, "n") and written[0].topic == "t"


def test_on_progress_sees_growing_snapshots_and_the_run_keeps_its_graph() -> None:
    seen: list[tuple[int, bool]] = []
    rows: list[int] = []

    def watch(snap: Any) -> None:
        seen.append((snap.inputs, snap.finished))
        if len(seen) % 500 == 0:
            rows.append(len(snap.trace))

    graph = pipeline()
    result = run(graph, inputs(3000), modules=modules(), mode="native", progress_every=0.0, on_progress=watch)
    assert [n for n, _ in seen] == list(range(1, 3001))  # with no interval, before every message
    assert not any(finished for _, finished in seen)
    assert rows == sorted(rows) and rows[0] > 0
    assert result.finished and result.definition is graph and result.sources == ("source",)
    assert "(running)" not in result._repr_html_() and result.input_events is None


def test_stopping_the_input_early_ends_the_run_cleanly() -> None:
    def first(n: int):  # type: ignore[no-untyped-def]
        for i, message in enumerate(inputs(100)):
            if i == n:
                return
            yield message

    result = run(pipeline(), first(10), modules=modules(), mode="native")
    assert result.inputs == 10
    assert result.summary.set_index("operator").loc["source", "received"] == 10


def test_run_report_and_figures_use_the_graph_that_ran(tmp_path: Path) -> None:
    result = run(pipeline(), inputs(50), modules=modules(), mode="native")
    assert "graph" in result.figures()
    html = result.report(tmp_path / "report.html").read_text()
    assert 'id="workbench-graph"' in html
