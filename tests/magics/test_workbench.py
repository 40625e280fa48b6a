"""%workbench: runs, listings, reports, the traceback switch and ? help."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.magics.conftest import SEEN, SEEN_GRAPH, Cells
from workbench.dataflow.record import Run
from workbench.deploy import LocalRegistry
from workbench.session import session


@pytest.fixture
def seen_graph(cell: Cells) -> Cells:
    cell("%%operator --native\n" + SEEN)
    cell("%%graph\n" + SEEN_GRAPH)
    return cell


def test_run_keeps_the_run_in_a_variable_and_shows_it(seen_graph: Cells) -> None:
    shown = seen_graph('%workbench run "Seen graph" --dataset temperature --n 7 --seed 3 -o result')
    run = seen_graph.shell.user_ns["result"]
    assert isinstance(run, Run) and shown.value is run and session().last_run is run
    assert run.inputs == 7 and all(payload["seen"] for payload in run.payloads())
    assert "Run of Seen graph" in shown.html() and "<Run Seen graph: 7 inputs" in shown.text


def test_run_passes_mode_and_per_operation_config(seen_graph: Cells) -> None:
    shown = seen_graph('%workbench run "Seen graph" --n 2 --mode native --config mark.extra=1')
    assert shown.value.output_count == 2


def test_listings_are_frames_of_the_session(seen_graph: Cells) -> None:
    seen_graph('%workbench run "Seen graph" --n 3')
    assert seen_graph("%workbench operators").value["operator"].tolist() == ["map:1.0.0"]
    assert seen_graph("%workbench graphs").value["graph"].tolist() == ["Seen graph"]
    assert seen_graph("%workbench runs").value[["graph", "inputs"]].values.tolist() == [["Seen graph", 3]]
    assert "temperature" in seen_graph("%workbench datasets").value["name"].tolist()


def test_report_writes_the_last_runs_html(seen_graph: Cells, tmp_path: Path) -> None:
    seen_graph('%workbench run "Seen graph" --n 3')
    target = tmp_path / "report.html"
    shown = seen_graph(f"%workbench report {target}")
    assert target.read_text().lstrip().lower().startswith("<!doctype html")
    assert repr(shown.value) == f"report of the run of Seen graph written to {target}"
    assert f'href="{target}"' in shown.html()


def test_errors_of_workbench_commands_are_short(cell: Cells) -> None:
    shown = cell.failing("%workbench run nope")
    assert "GraphError: no graph 'nope' in this session (graphs: none yet); define one with %%graph" in shown.text
    assert "Traceback" not in shown.text
    assert "nothing has run in this session yet" in cell.failing("%workbench report out.html").text


@pytest.mark.parametrize(("line", "message"), [
    ("%workbench", "%workbench needs a command"),
    ("%workbench run", "%workbench run needs a GRAPH"),
    ("%workbench run g -o 1x", "-o needs a Python variable name"),
    ("%workbench report", "needs a PATH"),
    ("%workbench launch", "invalid choice: 'launch'"),
    ("%workbench export g", "%workbench export needs a GRAPH and --out DIR"),
    ("%workbench push out", "needs the DIR of an exported bundle and --registry"),
])
def test_usage_errors(cell: Cells, line: str, message: str) -> None:
    shown = cell.failing(line)
    assert "UsageError" in shown.text and message in shown.text


def test_traceback_switch_takes_on_off_or_toggles(cell: Cells) -> None:
    magics = cell.shell.magics_manager.registry["WorkbenchMagics"]
    cell("%workbench --traceback on")
    assert magics.full_tracebacks
    cell("%workbench --traceback")
    assert not magics.full_tracebacks
    assert repr(cell("%workbench --traceback").value).startswith("full tracebacks on")


@pytest.mark.parametrize(("query", "usage"), [
    ("%workbench?", "%workbench [--dataset DATASET]"),
    ("%%operator?", "%%operator [--kind KIND] [--name NAME]"),
    ("%%graph?", "%%graph [name]"),
])
def test_question_mark_shows_usage(cell: Cells, query: str, usage: str) -> None:
    assert usage in cell(query).text


@pytest.mark.slow
def test_run_of_a_compiled_operator_in_wasm_mode(cell: Cells) -> None:
    cell("%%operator\n" + SEEN)
    cell("%%graph\n" + SEEN_GRAPH)
    cell('%workbench run "Seen graph" --mode wasm --n 4 --seed 1 -o wasm_run')
    run = cell.shell.user_ns["wasm_run"]
    assert run.inputs == 4 and [p["seen"] for p in run.payloads()] == [True] * 4


def test_export_of_a_native_only_operator_says_to_compile_it(seen_graph: Cells, tmp_path: Path) -> None:
    shown = seen_graph.failing(f'%workbench export "Seen graph" --out {tmp_path / "bundle"}')
    assert "DeployError" in shown.text and "Traceback" not in shown.text
    assert "\"map:1.0.0\" runs natively only (%%operator --native)" in shown.text and "without --native" in shown.text
    assert not (tmp_path / "bundle").exists()


@pytest.mark.slow
def test_export_then_push_to_a_real_registry(cell: Cells, tmp_path: Path) -> None:
    cell("%%operator --config mark-key=seen\n" + SEEN)
    cell("%%graph\n" + SEEN_GRAPH)
    out = tmp_path / "bundle"
    shown = cell(f'%workbench export "Seen graph" --out {out} --config mark.level=3 -o bundle')
    bundle = cell.shell.user_ns["bundle"]
    assert shown.value is bundle and "Export bundle" in shown.html()
    assert sorted(p.name for p in out.iterdir()) == [
        "NEXT.md", "bundle.json", "dataflow-graph.yaml", "graph.yaml", "map-1.0.0.wasm"]
    graph_yaml = (out / "graph.yaml").read_text()
    # The run's configuration travels with the graph: compile-time defaults and --config.
    assert "mark-key" in graph_yaml and "seen" in graph_yaml and "level" in graph_yaml
    with LocalRegistry(tmp_path / "registry") as registry:
        pushed = cell(f"%workbench push {out} --registry {registry.host}/magic --plain-http -o pushed").value
    assert pushed is cell.shell.user_ns["pushed"]
    assert [a.kind for a in pushed.artifacts] == ["module", "graph"]
    assert pushed.artifacts[0].reference == f"{registry.host}/magic/map:1.0.0"
