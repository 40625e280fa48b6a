"""%%graph: a YAML graph definition validated, registered and drawn."""

from __future__ import annotations

from tests.magics.conftest import SEEN, SEEN_GRAPH, Cells
from workbench.dataflow.graph import Graph
from workbench.errors import GraphError
from workbench.session import session


def test_graph_cell_registers_the_graph_and_draws_it(cell: Cells) -> None:
    cell("%%operator --native\n" + SEEN)
    shown = cell("%%graph\n" + SEEN_GRAPH)
    assert isinstance(shown.value, Graph) and session().graphs["Seen graph"] is shown.value
    assert "<svg" in shown.html() and "mark" in shown.html()


def test_graph_name_argument_registers_under_that_name(cell: Cells) -> None:
    cell('%%graph "my graph"\n' + SEEN_GRAPH)
    assert list(session().graphs) == ["my graph"]


def test_invalid_graph_names_the_cell_line_briefly(cell: Cells) -> None:
    shown = cell.failing("%%graph\n" + SEEN_GRAPH.replace('"map"', '"mapp"'))
    assert isinstance(shown.result.error_in_exec, GraphError)
    assert 'line 13: operations[1].operationType: "mapp" is not one of' in shown.text
    assert "hint: line numbers count the YAML from the line after %%graph" in shown.text
    assert "Traceback" not in shown.text and session().graphs == {}


def test_malformed_yaml_names_its_line(cell: Cells) -> None:
    shown = cell.failing("%%graph\nmetadata:\n  name: [oops\n")
    assert "line 3: malformed YAML" in shown.text


def test_graph_that_uses_an_operator_of_another_kind_is_refused(cell: Cells) -> None:
    cell("%%operator --native\n" + SEEN)
    shown = cell.failing("%%graph\n" + SEEN_GRAPH.replace('"map"', '"filter"'))
    assert "map:1.0.0" in shown.text and "Traceback" not in shown.text
