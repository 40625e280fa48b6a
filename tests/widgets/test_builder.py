"""The graph builder, driven by setting widget values and clicking its buttons."""

from __future__ import annotations

from html import unescape

import pytest

from tests.widgets.conftest import ALL_KINDS, FLATTEN, add, two_arm_graph
from workbench.dataflow.graph import Graph
from workbench.dataflow.validation import GraphValidationError
from workbench.errors import GraphError
from workbench.native.module import NativeModule
from workbench.session import Session
from workbench.widgets import GraphBuilder
from workbench.widgets.steps import StepChoice


def build_two_arms(builder: GraphBuilder) -> None:
    add(builder, "source", "in")
    add(builder, "map", "scale", config={"factor": "3"})
    add(builder, "branch", "hot")
    add(builder, "filter", "positive", after=[("hot", True)])
    add(builder, "map", "halve", after=[("hot", False)], config={"factor": "0.5"})
    add(builder, "concatenate", "all", after=["positive", "halve"])
    add(builder, "sink", "out")


def pre_text(html: str) -> str:
    return unescape(html.split(">", 1)[1].rsplit("</pre>", 1)[0])


def test_clicking_builds_the_two_arm_graph_with_its_yaml_and_drawing(session: Session) -> None:
    builder = GraphBuilder(session=session, name="arms")
    build_two_arms(builder)

    assert builder.error is None
    assert builder.graph == two_arm_graph()
    assert builder.problems == []
    assert "is complete: 7 steps, 7 connections" in builder.messages.value
    assert pre_text(builder.yaml_view.value) == two_arm_graph().to_yaml()
    assert "<svg" in builder.drawing.value
    for step in ("in", "scale", "hot", "positive", "halve", "all", "out"):
        assert f">{step}</text>" in builder.drawing.value
    assert ">True</text>" in builder.drawing.value and ">False</text>" in builder.drawing.value


def test_the_form_follows_the_graph(session: Session) -> None:
    builder = GraphBuilder(session=session)
    assert builder.step_choice.value == StepChoice("source")
    assert builder.upstream.disabled
    add(builder, "source", "in")
    assert builder.step_choice.value == StepChoice("map", ALL_KINDS)  # after a source: the first operator
    assert builder.upstream.value == ("in",) and not builder.upstream.disabled
    add(builder, "branch", "hot")
    assert builder.upstream.value == ()  # a branch needs an arm chosen
    assert [label for label, _ in builder.upstream.options] == ["in", "hot ▸ True arm", "hot ▸ False arm"]
    assert builder.step_name.value == "" and builder.parameters.rows == []
    labels = [label for label, _ in builder.step_choice.options]
    assert labels[:3] == ["source (built-in)", "concatenate (built-in)", "sink (built-in)"]
    assert f"{ALL_KINDS} · accumulate" in labels and f"{FLATTEN} · map" in labels


def test_a_step_without_a_name_is_named_after_its_kind(session: Session) -> None:
    builder = GraphBuilder(session=session)
    add(builder, "source", "")
    add(builder, "map", "")
    add(builder, "map", "")
    assert [op.name for op in builder.graph.operations] == ["source", "map", "map-2"]


def test_wiring_mistakes_are_flagged_in_the_message_area_and_leave_the_graph(session: Session) -> None:
    builder = GraphBuilder(session=session)
    add(builder, "source", "in")
    add(builder, "branch", "hot")
    before = builder.graph

    add(builder, "filter", "positive", after=[])  # after a branch, without an arm
    assert isinstance(builder.error, GraphError)
    assert 'step "positive" follows branch "hot"; say which arm' in unescape(builder.messages.value)
    assert builder.graph == before

    add(builder, "map", "hot", after=[("hot", True)])
    assert 'already has a step named "hot"' in unescape(builder.messages.value)
    add(builder, "concatenate", "all", after=[])
    assert 'step "all": concatenate needs a list of steps' in unescape(builder.messages.value)
    add(builder, "sink", "out", after=["in"], config={"unit": "C"})
    assert "a built-in sink takes no configuration" in unescape(builder.messages.value)
    assert builder.graph == before

    add(builder, "filter", "positive", after=[("hot", True)])
    assert builder.error is None
    assert 'branch "hot" has no connection from arm "False"' in unescape(builder.messages.value)


def test_a_parameter_row_with_a_value_but_no_key_is_flagged(session: Session) -> None:
    builder = GraphBuilder(session=session)
    add(builder, "source", "in")
    builder.parameters.add_button.click()
    builder.parameters.rows[-1].value_text.value = "3"
    add(builder, "map", "scale")
    assert "parameter row 1 has the value '3' but no key" in unescape(builder.messages.value)
    assert [op.name for op in builder.graph.operations] == ["in"]
    builder.parameters.rows[0].remove_button.click()
    assert builder.parameters.rows == []


def test_connect_adds_a_connection_between_existing_steps(session: Session) -> None:
    builder = GraphBuilder(session=session, name="arms")
    add(builder, "source", "in")
    add(builder, "map", "scale", config={"factor": "3"})
    add(builder, "branch", "hot")
    add(builder, "filter", "positive", after=[("hot", True)])
    add(builder, "map", "halve", after=[("hot", False)], config={"factor": "0.5"})
    add(builder, "concatenate", "all", after=["positive"])
    builder.connect_from.value, builder.connect_to.value = "halve", "all"
    builder.connect_button.click()
    add(builder, "sink", "out")
    assert builder.error is None
    assert builder.graph == two_arm_graph()

    builder.connect_from.value, builder.connect_to.value = ("hot", True), "scale"
    builder.connect_button.click()
    assert builder.error is None
    assert 'cycle: "scale" -> "hot" -> "scale"' in unescape(builder.messages.value)  # a whole-graph problem, listed in place


def test_connect_without_steps_says_what_to_choose(session: Session) -> None:
    builder = GraphBuilder(session=session)
    builder.connect_button.click()
    assert isinstance(builder.error, GraphError)
    assert "choose the steps to connect" in builder.messages.value


def test_remove_last_step_and_reset(session: Session) -> None:
    builder = GraphBuilder(session=session, name="arms")
    build_two_arms(builder)
    builder.remove_button.click()
    assert [op.name for op in builder.graph.operations][-1] == "all"
    assert all("out" not in (c.source, c.target) for c in builder.graph.connections)
    assert "the graph has no sink operation" in builder.messages.value
    builder.remove_button.click()
    builder.remove_button.click()  # "halve" and its configuration
    assert builder.graph.configuration("halve") is None
    builder.reset_button.click()
    assert builder.graph == Graph("arms")
    builder.remove_button.click()
    assert 'graph \'arms\' has no steps to remove' in unescape(builder.messages.value)


def test_register_adds_the_graph_to_the_session_and_refuses_an_incomplete_one(session: Session) -> None:
    builder = GraphBuilder(session=session, name="arms")
    add(builder, "source", "in")
    add(builder, "map", "scale")
    builder.register_button.click()
    assert isinstance(builder.error, GraphValidationError)
    assert "GraphValidationError" in builder.messages.value and session.graphs == {}

    add(builder, "sink", "out")
    builder.graph_name.value = "scaled"
    builder.register_button.click()
    assert builder.error is None
    assert list(session.graphs) == ["scaled"]
    assert session.graphs["scaled"] == Graph("scaled").source("in").map("scale", ALL_KINDS).sink("out")
    assert "registered graph 'scaled'" in builder.messages.value
    assert 'name: "scaled"' in unescape(builder.yaml_view.value)


def test_new_operators_in_the_session_appear_in_the_step_menu(session: Session, modules: dict) -> None:
    builder = GraphBuilder(session=session)
    other = NativeModule.from_source(modules[ALL_KINDS].source.text, name="other", version="2.0.0",
                                     filename="other.py")
    session.add_operator(other)
    assert StepChoice("delay", "other:2.0.0") in [choice for _, choice in builder.step_choice.options]
    builder.close()
    session.add_operator(NativeModule.from_source(modules[FLATTEN].source.text, name="late", version="1.0.0",
                                                  filename="late.py"))
    assert StepChoice("map", "late:1.0.0") not in [choice for _, choice in builder.step_choice.options]


def test_the_builder_starts_from_an_existing_graph(session: Session) -> None:
    start = Graph("arms").source("in").map("scale", ALL_KINDS, config={"factor": "3"}).branch("hot", ALL_KINDS)
    session.add_graph(two_arm_graph("registered"))
    builder = GraphBuilder(session=session, graph=start)
    assert builder.graph == start
    assert builder.upstream.options[-1] == ("hot ▸ False arm", ("hot", False))
    add(builder, "filter", "positive", after=[("hot", True)])
    add(builder, "map", "halve", after=[("hot", False)], config={"factor": "0.5"})
    add(builder, "concatenate", "all", after=["positive", "halve"])
    add(builder, "sink", "out")
    assert builder.graph == two_arm_graph()
    builder.reset_button.click()
    assert builder.graph == start

    assert GraphBuilder(session=session, graph="registered").graph == two_arm_graph("registered")
    with pytest.raises(GraphError, match="no graph 'missing' in this session"):
        GraphBuilder(session=session, graph="missing")
