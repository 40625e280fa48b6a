"""``GraphBuilder``: build an AIO graph step by step from the session's operators.

    from workbench.widgets import GraphBuilder
    builder = GraphBuilder()          # or GraphBuilder(graph=existing) to extend one
    builder                           # pick a step, name it, say what it follows, click "Add step"
    builder.graph                     # the Graph built so far

Each click makes one ``Graph`` building call (``source``, ``map``... ``sink``, ``connect``); a
``GraphError`` it raises is shown in the message area with the step it names, and the graph
stays as it was. Under the form: the whole-graph problems still open (a missing sink, a branch
arm not connected yet), the DAG as drawn by ``graph_svg`` and the YAML the graph produces.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape
from typing import Any

import ipywidgets as widgets

from ..dataflow.drawing import graph_svg
from ..dataflow.graph import Graph
from ..dataflow.graph_yaml import dump_graph
from ..errors import GraphError
from ..session import Session
from ..session import session as current_session
from .common import button, error_html, labelled, note_html, reported
from .parameters import ParameterRows
from .steps import (
    StepChoice,
    add_step,
    default_name,
    graph_problems,
    module_kinds,
    remove_last_step,
    step_choices,
    upstream_choices,
)


class GraphBuilder(widgets.VBox):
    """A form that grows a ``Graph`` (``builder.graph``) one named step at a time."""

    def __init__(self, session: Session | None = None, graph: Graph | str | None = None, *, name: str = "graph"):
        self.session = session if session is not None else current_session()
        self.start: Graph = _starting_graph(self.session, graph, name)
        self._graph = self.start
        self.error: Exception | None = None
        self._note = ""
        self._make_form()
        super().__init__(self._layout())
        self.session.subscribe(self._session_changed)
        with reported(self._failed):
            self._refresh_choices()
            self._changed(self.start, "add a source to start" if not self.start.operations else
                          f"editing graph {self.start.name!r}")

    # -- the current graph ------------------------------------------------------------------
    @property
    def graph(self) -> Graph:
        """The graph built so far, named as the name field says."""
        name = self.graph_name.value.strip()
        return replace(self._graph, name=name) if name and name != self._graph.name else self._graph

    @property
    def problems(self) -> list[str]:
        """What keeps the graph from being complete (empty when it can be registered)."""
        return graph_problems(self.graph, module_kinds(self.graph, self.session.operator))

    # -- widgets ----------------------------------------------------------------------------
    def _make_form(self) -> None:
        self.graph_name = widgets.Text(value=self.start.name, layout=widgets.Layout(width="240px"))
        self.step_choice = widgets.Dropdown(layout=widgets.Layout(width="360px"))
        self.step_name = widgets.Text(placeholder="name (default: the kind)", layout=widgets.Layout(width="240px"))
        self.upstream = widgets.SelectMultiple(rows=4, layout=widgets.Layout(width="240px"))
        self.parameters = ParameterRows()
        self.add_button = button("Add step", "primary", "plus")
        self.connect_from = widgets.Dropdown(layout=widgets.Layout(width="200px"))
        self.connect_to = widgets.Dropdown(layout=widgets.Layout(width="200px"))
        self.connect_button = button("Connect", icon="link")
        self.remove_button = button("Remove last step", "warning", "undo")
        self.reset_button = button("Reset", icon="refresh")
        self.register_button = button("Register graph", "success", "check")
        self.messages = widgets.HTML()
        self.drawing = widgets.HTML()
        self.yaml_view = widgets.HTML()
        self._wire()

    def _wire(self) -> None:
        self.add_button.on_click(self._add_step)
        self.connect_button.on_click(self._connect)
        self.remove_button.on_click(self._remove_last)
        self.reset_button.on_click(self._reset)
        self.register_button.on_click(self._register)
        self.step_choice.observe(self._kind_changed, names="value")
        self.graph_name.observe(lambda _: self._renamed(), names="value")

    def _layout(self) -> list[widgets.Widget]:
        views = widgets.Tab([self.drawing, self.yaml_view])
        views.set_title(0, "graph")
        views.set_title(1, "YAML")
        return [
            labelled("graph name", self.graph_name),
            widgets.HTML("<b>Add a step</b>"),
            labelled("step", self.step_choice), labelled("name", self.step_name),
            labelled("after", self.upstream), labelled("configuration", self.parameters),
            widgets.HBox([self.add_button]),
            widgets.HTML("<b>Connect existing steps</b>"),
            widgets.HBox([self.connect_from, widgets.Label("→"), self.connect_to, self.connect_button]),
            widgets.HBox([self.remove_button, self.reset_button, self.register_button]),
            self.messages, views,
        ]

    # -- actions (button callbacks) -------------------------------------------------------------
    def _add_step(self, _: Any = None) -> None:
        with reported(self._failed):
            choice = self.step_choice.value
            if not isinstance(choice, StepChoice):
                raise GraphError("choose what kind of step to add first")
            name = self.step_name.value.strip() or default_name(self.graph, choice.kind)
            graph = add_step(self.graph, choice, name, self.upstream.value, self.parameters.values())
            self.step_name.value = ""
            self.parameters.clear()
            self._changed(graph, f"added {choice.label} as {name!r}")
            if choice.kind == "source":
                self._choose_first_module()

    def _connect(self, _: Any = None) -> None:
        with reported(self._failed):
            if self.connect_from.value is None or self.connect_to.value is None:
                raise GraphError("choose the steps to connect: one to connect from, one to connect to")
            graph = self.graph.connect(self.connect_from.value, self.connect_to.value)
            self._changed(graph, f"connected {self.connect_from.label} → {self.connect_to.value!r}")

    def _remove_last(self, _: Any = None) -> None:
        with reported(self._failed):
            removed = self.graph.operations[-1].name if self.graph.operations else ""
            self._changed(remove_last_step(self.graph), f"removed step {removed!r}")

    def _reset(self, _: Any = None) -> None:
        with reported(self._failed):
            self.graph_name.value = self.start.name
            self.parameters.clear()
            self._changed(self.start, "back to the graph the builder started from")

    def _register(self, _: Any = None) -> None:
        with reported(self._failed):
            graph = self.session.add_graph(self.graph)
            self._say(note_html(f"registered graph {graph.name!r} in the session ({len(graph.operations)} steps); "
                                f"run it with RunPanel(graph={graph.name!r}) or session().run({graph.name!r}, ...)",
                                "ok"))

    # -- keeping the views in step ---------------------------------------------------------------
    def _changed(self, graph: Graph, note: str) -> None:
        self._graph = graph
        self.error = None
        self._refresh_upstream()
        self._refresh_views()
        self._say(note_html(note, "ok"))

    def _renamed(self) -> None:
        with reported(self._failed):
            self._refresh_views()
            self._say(self._note)

    def _failed(self, exc: Exception) -> None:
        self.error = exc
        self._say(error_html(exc))

    def _say(self, note: str) -> None:
        """The message area: the last action's outcome, then what the graph still lacks."""
        self._note = note
        problems, graph = self.problems, self.graph
        if problems:
            status = note_html(f"graph {graph.name!r} is not ready to register:", "warning", problems)
        else:
            status = note_html(f"graph {graph.name!r} is complete: {len(graph.operations)} steps, "
                               f"{len(graph.connections)} connections", "ok")
        self.messages.value = note + status

    def _refresh_views(self) -> None:
        graph = self.graph
        self.drawing.value = (f"<div style='overflow-x:auto'>{graph_svg(graph)}</div>" if graph.operations
                              else "<i>no steps yet</i>")
        self.yaml_view.value = (f"<pre style='max-height:420px;overflow:auto;margin:0'>"
                                f"{escape(dump_graph(graph))}</pre>")

    def _refresh_upstream(self) -> None:
        graph = self._graph
        choices = upstream_choices(graph)
        self.upstream.options = choices
        self.connect_from.options = choices
        self.connect_to.options = [op.name for op in graph.operations if op.operation_type != "source"]
        self._select_default_upstream()

    def _select_default_upstream(self) -> None:
        """Preselect the last step, where the new step can follow it without saying more."""
        last = self._graph.operations[-1] if self._graph.operations else None
        follows = last is not None and last.operation_type not in ("branch", "sink") and not self._takes_no_input()
        self.upstream.value = (last.name,) if follows and last is not None else ()

    def _refresh_choices(self) -> None:
        current = self.step_choice.value
        choices = step_choices(self.session.operators)
        self.step_choice.options = [(choice.label, choice) for choice in choices]
        if current in choices:
            self.step_choice.value = current
        elif self._graph.operations:
            self._choose_first_module()
        else:
            self.step_choice.value = choices[0]

    def _choose_first_module(self) -> None:
        """After the source, the usual next step is an operator: offer the first one."""
        modules = [choice for _, choice in self.step_choice.options if choice.reference is not None]
        if modules:
            self.step_choice.value = modules[0]

    def _takes_no_input(self) -> bool:
        choice = self.step_choice.value
        return isinstance(choice, StepChoice) and choice.kind == "source"

    def _kind_changed(self, _: Any = None) -> None:
        with reported(self._failed):
            choice = self.step_choice.value
            source = isinstance(choice, StepChoice) and choice.kind == "source"
            self.upstream.disabled = source
            if source:
                self.upstream.value = ()
            elif not self.upstream.value:
                self._select_default_upstream()
            built_in = not isinstance(choice, StepChoice) or choice.reference is None
            if built_in:
                self.parameters.clear()  # hidden rows must not hold configuration the step would refuse
            self.parameters.layout.display = "none" if built_in else None

    def _session_changed(self, what: str) -> None:
        """The session's listener: new operators appear in the step menu (any thread may call it)."""
        if what == "operators":
            with reported(self._failed):
                self._refresh_choices()
                self._say(self._note)

    def close(self) -> None:
        self.session.unsubscribe(self._session_changed)
        super().close()


def _starting_graph(session: Session, graph: Graph | str | None, name: str) -> Graph:
    if graph is None:
        return Graph(name)
    found = session.graph(graph)
    return found if isinstance(found, Graph) else Graph.load(found)
