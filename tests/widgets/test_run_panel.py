"""The run panel, driven by setting widget values and clicking Run and Stop."""

from __future__ import annotations

from html import unescape

import pandas as pd
import pytest

from tests.widgets.conftest import ALL_KINDS, eventually, sensor_graph, two_arm_graph
from workbench.dataflow.graph import Graph
from workbench.errors import GraphError, OperatorError
from workbench.session import Session
from workbench.widgets import RunPanel

STEPS = {"flatten", "scale", "hot", "positive"}
TIMEOUT = 120.0


def trace_names(panel: RunPanel, key: str) -> set[str]:
    return {trace.name for trace in panel.figures.figures[key].data}


@pytest.fixture
def sensors(session: Session) -> Session:
    session.add_graph(sensor_graph())
    return session


def test_a_run_over_a_dataset_fills_progress_figures_and_preview(sensors: Session) -> None:
    panel = RunPanel(session=sensors, graph="sensors")
    panel.dataset.value, panel.count.value, panel.seed.value = "humidity", 300, 7
    panel.run_button.click()
    run = panel.wait(TIMEOUT)

    assert run is not None and run is sensors.last_run and panel.error is None
    assert run.inputs == 300 and not panel.stopped
    assert panel.progress.value == panel.progress.max == 300
    assert panel.progress_label.value == "300 / 300"
    assert "run of 'sensors' finished: 300 inputs → 300 outputs" in panel.status.value
    assert trace_names(panel, "throughput") == STEPS
    assert {f"{step} p99" for step in STEPS} <= trace_names(panel, "latency")
    assert {"in", *STEPS} <= trace_names(panel, "frontier")
    assert all(len(trace.x) > 0 for trace in panel.figures.figures["throughput"].data)
    assert "the first 10 of 300" in panel.preview.value
    assert panel.preview.value.split("<tbody>")[1].count("<tr>") == 10
    assert unescape(run.outputs["text"][0]) in unescape(panel.preview.value)
    assert not panel.run_button.disabled and panel.stop_button.disabled


def test_the_latency_view_switches_to_the_distribution(sensors: Session) -> None:
    panel = RunPanel(session=sensors, graph="sensors", n=100)
    panel.start()
    panel.wait(TIMEOUT)
    panel.figures.latency_view.value = "distribution"
    assert {trace.type for trace in panel.figures.figures["latency"].data} == {"box", "scatter"}
    assert STEPS <= trace_names(panel, "latency")


def test_a_run_over_a_data_frame_given_to_the_panel(session: Session) -> None:
    frame = pd.DataFrame({"value": list(range(-20, 40))})
    panel = RunPanel(session=session, graph=two_arm_graph(), data=frame)
    assert panel.graph_choice.value == "arms (not registered)"
    assert panel.input_choice.value == "data frame" and panel.count.value == 60 and panel.dataset.disabled
    panel.run_button.click()
    run = panel.wait(TIMEOUT)

    assert run is not None and run.inputs == 60 and run.output_count == 60
    assert panel.progress.value == panel.progress.max == 60
    assert trace_names(panel, "throughput") == {"scale", "hot", "positive", "halve"}
    assert '{"value": -30.0, "mapped": true}' in unescape(panel.preview.value)  # -10 × 3 × 0.5

    panel.count.value = 5  # the first rows only
    panel.run_button.click()
    assert panel.wait(TIMEOUT).inputs == 5  # type: ignore[union-attr]


def test_stop_ends_a_paced_run_early_and_the_session_runs_again(sensors: Session) -> None:
    panel = RunPanel(session=sensors, graph="sensors", n=400)
    panel.speed.value = 1.0  # event time: 400 messages 250 ms apart take 100 s
    panel.run_button.click()
    assert panel.running and panel.stop_button.disabled is False and panel.run_button.disabled
    eventually(lambda: panel.feed is not None and panel.feed.fed >= 3, TIMEOUT, "three messages fed")
    panel.stop_button.click()
    stopped = panel.wait(TIMEOUT)

    assert stopped is not None and panel.stopped
    assert 3 <= stopped.inputs < 400
    assert stopped is sensors.runs[-1]  # the stopped run is kept
    assert f"stopped after {stopped.inputs} of 400 messages" in panel.status.value
    assert panel.progress.bar_style == "warning" and panel.progress.value == stopped.inputs
    assert not panel.run_button.disabled

    panel.speed.value, panel.count.value = 0.0, 50
    panel.run_button.click()
    again = panel.wait(TIMEOUT)
    assert again is not None and again.inputs == 50 and not panel.stopped
    assert sensors.runs[-2:] == [stopped, again]


def test_a_second_run_is_refused_while_one_goes(sensors: Session) -> None:
    panel = RunPanel(session=sensors, graph="sensors", n=400)
    panel.speed.value = 1.0
    panel.run_button.click()
    first = panel._thread
    panel.run_button.click()
    assert "a run is still going" in panel.status.value
    assert panel._thread is first and panel.running
    panel.stop_button.click()
    assert panel.wait(TIMEOUT) is not None
    assert len(sensors.runs) == 1


def test_figures_update_while_the_run_goes(sensors: Session) -> None:
    panel = RunPanel(session=sensors, graph="sensors", n=4000, progress_every=0.05)
    panel.speed.value = 100.0  # 2.5 ms a message: snapshots long before the end
    panel.run_button.click()
    eventually(lambda: bool(panel.figures.figures["throughput"].data) and panel.last_run is None, TIMEOUT,
               "a live figure update")
    assert panel.running
    panel.stop_button.click()
    assert panel.wait(TIMEOUT) is not None


def test_an_operator_error_is_shown_in_the_panel(session: Session) -> None:
    session.add_graph(two_arm_graph())  # all_kinds reads {"value": ...}; the datasets nest it
    panel = RunPanel(session=session, graph="arms", data=pd.DataFrame({"value": [1, 2]}), n=50)
    panel.input_choice.value = "dataset"
    panel.run_button.click()
    assert panel.wait(TIMEOUT) is None

    assert isinstance(panel.error, OperatorError)
    assert "OperatorError" in panel.status.value
    assert "operator 'scale' failed in process: returned an error: payload has no 'value'" in unescape(
        panel.status.value)
    assert panel.progress.bar_style == "danger"
    assert not panel.run_button.disabled and panel.stop_button.disabled

    panel.input_choice.value = "data frame"
    panel.run_button.click()
    assert panel.wait(TIMEOUT) is not None and panel.error is None  # the session runs on
    assert "run of 'arms' finished: 2 inputs" in panel.status.value


@pytest.mark.parametrize(("policy", "said"), [
    ("dead-letter", "12 failed in operators (12 dead letters: panel.last_run.dead_letters)"),
    ("skip", "12 failed in operators and were skipped"),
])
def test_the_error_policy_lets_a_run_go_on_and_says_what_failed(session: Session, policy: str, said: str) -> None:
    session.add_graph(two_arm_graph())  # every dataset message fails in 'scale'
    panel = RunPanel(session=session, graph="arms", n=12)
    panel.errors.value = policy
    panel.run_button.click()
    run = panel.wait(TIMEOUT)

    assert run is not None and panel.error is None
    assert run.failed == 12 and len(run.dead_letters) == (12 if policy == "dead-letter" else 0)
    assert said in unescape(panel.status.value) and panel.progress.bar_style == "warning"
    if policy == "dead-letter":
        assert set(run.dead_letters["operator"]) == {"scale"}


def test_an_unknown_error_policy_is_refused_when_the_panel_is_made(session: Session) -> None:
    session.add_graph(two_arm_graph())
    with pytest.raises(ValueError, match="errors='ignore' is not one of stop, skip, dead-letter"):
        RunPanel(session=session, graph="arms", errors="ignore")


def test_without_a_graph_the_panel_says_how_to_get_one(session: Session) -> None:
    panel = RunPanel(session=session)
    panel.run_button.click()
    assert isinstance(panel.error, GraphError)
    assert "no graph to run" in panel.status.value
    assert not panel.running


def test_graphs_registered_later_appear_in_the_menu(session: Session) -> None:
    panel = RunPanel(session=session)
    session.add_graph(Graph("later").source().map("scale", ALL_KINDS).sink())
    assert panel.graph_choice.options == ("later",)
    assert panel.graph_choice.value == "later"


def test_an_unknown_graph_name_raises_when_the_panel_is_made(session: Session) -> None:
    session.add_graph(two_arm_graph())
    with pytest.raises(GraphError, match=r"no graph 'missing' in this session \(graphs: arms\)"):
        RunPanel(session=session, graph="missing")
    assert session.listeners == []
