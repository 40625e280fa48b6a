"""The session: registering operators and graphs, resolving module references, running, listings."""

from __future__ import annotations

import json

import pytest

from tests.conftest import operator_path
from workbench.dataflow.graph import Graph
from workbench.errors import CompileError, GraphError
from workbench.messages import Message, Timestamp
from workbench.native.module import NativeModule
from workbench.session import Session, reset_session, session

ALL_KINDS = operator_path("api_1_1/all_kinds.py")
REFERENCE = "azure-samples/explore-iot-operations/all-kinds:2.0.0"


def readings(*values: float) -> list[Message]:
    return [Message.of({"value": v}, "sensors", timestamp=Timestamp.from_millis(1_000 + i)) for i, v in enumerate(values)]


@pytest.fixture
def native_session() -> Session:
    s = Session()
    s.compile(ALL_KINDS, name="all-kinds", version="2.0.0", native=True, config={"factor": "3"})
    return s


def simple_graph(module: object = REFERENCE) -> Graph:
    return Graph("scaling").source().map("scale", module).filter("positive", module).sink()


def test_native_compile_checks_and_registers_without_a_build(native_session: Session) -> None:
    module = native_session.operators["all-kinds:2.0.0"]
    assert isinstance(module, NativeModule)
    assert module.kinds == ("map", "filter", "branch", "accumulate", "delay")
    assert "native" in module._repr_html_()


def test_native_compile_reports_source_errors_with_lines() -> None:
    with pytest.raises(CompileError, match="line 2"):
        Session().compile("from map_impl import exports\nclass Map(exports.Map:\n", native=True)


@pytest.mark.parametrize("reference", ["all-kinds:2.0.0", REFERENCE, "example.io/x/all-kinds:2.0.0", "all-kinds"])
def test_references_resolve_by_exact_text_name_and_version_or_name(native_session: Session, reference: str) -> None:
    assert native_session.operator(reference) is native_session.operators["all-kinds:2.0.0"]


def test_unknown_and_ambiguous_references_say_what_to_do(native_session: Session) -> None:
    with pytest.raises(GraphError, match=r"not in this session \(operators: all-kinds:2.0.0\); compile it with "
                                         r"%%operator --name other --version 1.0.0"):
        native_session.operator("other:1.0.0")
    native_session.compile(ALL_KINDS, name="all-kinds", version="3.0.0", native=True)
    with pytest.raises(GraphError, match="matches several operators"):
        native_session.operator("all-kinds")
    assert native_session.operator("all-kinds:3.0.0").version == "3.0.0"


def test_run_resolves_modules_applies_compile_time_config_and_keeps_the_run(native_session: Session) -> None:
    native_session.add_graph(simple_graph())
    run = native_session.run("scaling", readings(1, -2, 5))
    assert [p["value"] for p in run.payloads()] == [3.0, 15.0]  # factor 3 from compile-time config
    assert native_session.last_run is run
    assert native_session.runs_frame()[["graph", "inputs", "outputs"]].values.tolist() == [["scaling", 3, 2]]


def test_graph_configuration_and_run_config_win_over_compile_time_defaults(native_session: Session) -> None:
    graph = Graph("g").source().map("scale", REFERENCE, config={"factor": "10"}).sink()
    assert native_session.run(graph, readings(2)).payloads()[0]["value"] == 20.0
    run = native_session.run(graph, readings(2), config=["scale.factor=100"])
    assert run.payloads()[0]["value"] == 200.0


def test_graphs_built_with_module_objects_run_without_the_session() -> None:
    module = NativeModule.from_source(ALL_KINDS, name="all-kinds", version="2.0.0")
    run = simple_graph(module).run(readings(4, -1), mode="native")
    assert [json.loads(m.payload)["value"] for m in run.messages()] == [8.0]


def test_runs_default_to_native_when_a_module_is_native_only_and_dataset_inputs_work(native_session: Session) -> None:
    graph = Graph("g").source().sink()
    run = native_session.run(graph, dataset="temperature", n=25)
    assert run.inputs == 25 and run.output_count == 25


def test_add_graph_checks_kinds_against_session_operators(native_session: Session) -> None:
    native_session.compile("from map_impl import exports\n\nclass Map(exports.Map):\n"
                           "    def init(self, configuration):\n        return True\n\n"
                           "    def process(self, message):\n        return message\n",
                           name="only-map", native=True)
    with pytest.raises(GraphError, match="only-map"):
        native_session.add_graph(Graph("g").source().filter("f", "only-map:1.0.0").sink())
    assert native_session.graphs == {}


def test_add_graph_accepts_yaml_text_and_registers_by_name(native_session: Session) -> None:
    graph = native_session.add_graph(simple_graph().to_yaml(), name="from-yaml")
    assert native_session.graph("from-yaml") is graph
    assert native_session.graphs_frame().to_dict("records") == [
        {"graph": "from-yaml", "steps": 4, "connections": 3, "api": "1.1.0", "modules": REFERENCE}]
    with pytest.raises(GraphError, match=r"no graph 'nope' in this session \(graphs: from-yaml\)"):
        native_session.graph("nope")


def test_listeners_hear_about_changes(native_session: Session) -> None:
    heard: list[str] = []
    native_session.subscribe(heard.append)
    native_session.add_graph(simple_graph())
    native_session.run("scaling", readings(1))
    assert heard == ["graphs", "runs"]


def test_operators_frame_lists_mode_and_config(native_session: Session) -> None:
    frame = native_session.operators_frame()
    assert frame.to_dict("records") == [{"operator": "all-kinds:2.0.0", "kinds": "map, filter, branch, accumulate, delay",
                                          "api": "1.1.0", "mode": "native", "size_mb": None, "config": "factor=3"}]


def test_last_run_before_any_run_is_a_clear_error() -> None:
    with pytest.raises(GraphError, match="nothing has run in this session yet"):
        _ = Session().last_run


def test_the_current_session_is_shared_until_reset() -> None:
    first = session()
    assert session() is first
    assert reset_session() is session() is not first


def test_native_top_level_errors_are_compile_errors_at_the_users_line() -> None:
    source = ("from map_impl import exports\nx = 1\ny = x / 0\n\nclass Map(exports.Map):\n"
              "    def init(self, configuration):\n        return True\n\n"
              "    def process(self, message):\n        return message\n")
    with pytest.raises(CompileError) as info:
        Session().compile(source, native=True, filename="<cell 7>")
    error = info.value
    assert error.location.file == "<cell 7>" and error.location.line == 3
    assert "ZeroDivisionError: division by zero" in str(error) and "init()" in error.hint
    assert "workbench/native" not in error.guest_traceback
