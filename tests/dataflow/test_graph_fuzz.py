"""Graph fuzzing at scale (slow): thousands of generated graphs and damaged copies of them.

Reuses the strategies of ``test_graph_properties``. Every generated graph checks, dumps and loads
back equal. Every damaged copy (one to three structural mutations, then maybe a corrupted line or
character of the text) either loads, and then checks and round-trips, or raises a ``GraphError``
whose message is located: ``<graph>: N problem(s)``, then one ``<graph>, line L: ...`` line per
problem. Any other exception fails the test. One graph is drawn per example and damaged in the
same example, which halves the cost of drawing (about 60 ms a graph): 2,000 examples take about
three minutes on two cores.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.dataflow.test_graph_properties import _mutate, graphs
from workbench.dataflow.graph import Graph
from workbench.dataflow.graph_yaml import dump_graph, load_graph
from workbench.dataflow.validation import GraphValidationError, check_graph
from workbench.errors import GraphError

EXAMPLES = 2_000
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the damage is not what is under test
FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
HEAD = re.compile(r"<graph>: (\d+) problems?")
LOCATED = re.compile(r"  <graph>, line (\d+): \S")
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as editors break lines (not at NEL, LS, PS, as YAML 1.1 does)
# Characters that break YAML in different ways: indicators, a tab, a NUL, a BOM, a lone surrogate's
# neighbour, an unclosed quote or bracket, an anchor or alias, a tag, a document marker.
CORRUPTIONS = st.sampled_from(["\t", "\x00", "\ufeff", "\x85", ":", "- ", "{", "[", "'", '"', "&a ", "*a", "!x ",
                               "? ", "|", ">", "%", "@", "`", "---\n", "...\n", "#", ",", "\\", "é"])


def corrupt(text: str, draw: st.DrawFn) -> str:
    """``text`` with one line deleted, duplicated or cut, or one character inserted."""
    lines = text.splitlines(keepends=True)
    at = draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["delete line", "duplicate line", "cut", "insert"]))
    if how == "delete line":
        del lines[at]
    elif how == "duplicate line":
        lines.insert(at, lines[at])
    elif how == "cut":
        return text[:draw(st.integers(0, len(text)))] + "\n"  # still text: load_graph reads one line as a path
    else:
        column = draw(st.integers(0, len(lines[at])))
        lines[at] = lines[at][:column] + draw(CORRUPTIONS) + lines[at][column:]
    return "".join(lines)


def damage(graph: Graph, draw: st.DrawFn) -> str:
    """A damaged copy of ``graph``'s YAML, as ``test_graph_properties.damaged`` makes, plus text corruption."""
    document = yaml.load(dump_graph(graph), Loader=FAST_LOADER)
    for _ in range(draw(st.integers(1, 3))):
        _mutate(document, draw)
    text = yaml.dump(document, Dumper=FAST_DUMPER, sort_keys=False, allow_unicode=True)
    return corrupt(text, draw) if draw(st.booleans()) else text


def assert_located(error: GraphError, text: str) -> None:
    """The message is ``<graph>: N problem(s)`` and N lines ``  <graph>, line L: ...`` with L in the text."""
    assert isinstance(error, GraphValidationError), f"{type(error).__name__}: {error}"
    head, *problems = str(error).split("\n  <graph>")
    match = HEAD.fullmatch(head)
    assert match, f"first line is not '<graph>: N problem(s)': {head!r}"
    assert int(match[1]) == len(error.problems) == len(problems) > 0, str(error)
    lines = len(LINE_BREAK.split(text))
    for problem in error.problems:
        rendered = f"  {problem}"
        where = LOCATED.match(rendered)
        assert where, f"problem without a line: {rendered!r}"
        assert 1 <= int(where[1]) <= lines, f"line {where[1]} is outside the {lines}-line text: {rendered!r}"


def check_damaged(text: str, seen: Counter[str]) -> None:
    try:
        graph = load_graph(text)
    except GraphError as error:
        assert_located(error, text)
        seen["located errors"] += 1
        seen["problems"] += len(error.problems)  # type: ignore[attr-defined]
        return
    check_graph(graph)
    assert load_graph(dump_graph(graph)) == graph
    seen["damaged but valid"] += 1


@pytest.mark.slow
def test_thousands_of_graphs_round_trip_and_their_damage_is_only_ever_a_located_graph_error() -> None:
    seen: Counter[str] = Counter()

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate, Phase.shrink])
    @given(graphs(), st.data())
    def case(graph: Graph, data: Any) -> None:
        check_graph(graph)
        assert load_graph(dump_graph(graph)) == graph
        seen["generated"] += 1
        check_damaged(damage(graph, data.draw), seen)
        seen["damaged"] += 1

    case()
    assert seen["generated"] >= EXAMPLES and seen["damaged"] >= EXAMPLES, dict(seen)
    assert seen["located errors"] > EXAMPLES // 2, dict(seen)  # most damage is caught, not silently accepted


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_lines_are_counted_as_editors_count_them(separator: str) -> None:
    """Found by the fuzzing: PyYAML (YAML 1.1) also breaks lines at NEL, LS and PS, editors do not."""
    text = f"metadata:\n  name: 'a{separator}b{separator}c'\n  version: [\n"
    with pytest.raises(GraphError) as info:
        load_graph(text)
    assert str(info.value).splitlines()[1].startswith("  <graph>, line 4: malformed YAML")
    duplicated = f"metadata:\n  name: \"a{separator}b\"\n  name: x\n"
    with pytest.raises(GraphError, match=r"line 3: duplicate key \"name\" \(first at line 2\)"):
        load_graph(duplicated)
