"""What the builder's form means as graph steps (no widgets)."""

from __future__ import annotations

import pytest

from tests.widgets.conftest import ALL_KINDS, two_arm_graph
from workbench.dataflow.graph import Graph
from workbench.errors import GraphError
from workbench.session import Session
from workbench.widgets.steps import (
    StepChoice,
    add_step,
    default_name,
    graph_problems,
    module_kinds,
    remove_last_step,
    step_choices,
    upstream_choices,
)


def test_step_choices_are_the_built_ins_then_each_kind_of_each_module(session: Session) -> None:
    choices = step_choices(session.operators)
    assert [c.label for c in choices[:4]] == ["source (built-in)", "concatenate (built-in)", "sink (built-in)",
                                              f"{ALL_KINDS} · map"]
    assert StepChoice("map", "flatten:1.0.0") == choices[-1]


def test_upstream_choices_offer_each_branch_arm_and_no_sink() -> None:
    assert upstream_choices(two_arm_graph()) == [
        ("in", "in"), ("scale", "scale"), ("hot ▸ True arm", ("hot", True)), ("hot ▸ False arm", ("hot", False)),
        ("positive", "positive"), ("halve", "halve"), ("all", "all")]


def test_default_names_do_not_repeat() -> None:
    graph = Graph("g").source("map").source("map-2")
    assert default_name(graph, "map") == "map-3"
    assert default_name(graph, "sink") == "sink"


def test_add_step_passes_the_reference_and_the_configuration() -> None:
    graph = add_step(Graph("g").source("in"), StepChoice("map", ALL_KINDS), "scale", (), {"factor": "3"})
    assert graph == Graph("g").source("in").map("scale", ALL_KINDS, config={"factor": "3"})
    assert graph.module_objects == {}  # resolved by the session at run time
    with pytest.raises(GraphError, match="step 'again': a source has no inputs"):
        add_step(graph, StepChoice("source"), "again", ["in"])


def test_remove_last_step_takes_its_connections_and_configuration() -> None:
    graph = two_arm_graph()
    without = remove_last_step(remove_last_step(remove_last_step(graph)))
    assert [op.name for op in without.operations] == ["in", "scale", "hot", "positive"]
    assert [c.name for c in without.configurations] == ["scale"]
    assert len(without.connections) == 3


def test_problems_use_the_module_kinds_the_session_knows(session: Session) -> None:
    graph = Graph("g").source().accumulate("sum", ALL_KINDS).map("unknown", "nowhere:1.0.0").sink()
    kinds = module_kinds(graph, session.operator)
    assert kinds == {ALL_KINDS: session.operators[ALL_KINDS].kinds}
    assert graph_problems(graph, kinds) == []
    assert graph_problems(graph, {ALL_KINDS: ("map",)}) != []
