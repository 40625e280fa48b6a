"""``LiveFigures``: a run's latency, throughput and frontier figures, updated in place.

The figures themselves come from ``workbench.metrics.plots`` (pure functions of a run's
frames); this module only copies each new figure into a ``plotly`` ``FigureWidget`` inside one
``batch_update``, so the browser gets one message per figure per update, and it is the only
module of ``widgets`` that imports plotly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from ..metrics import plots

LATENCY_VIEWS = {"over time": "latency over time", "distribution": "latency distribution"}
HEIGHT = 360


class LiveFigures(widgets.VBox):
    """Three ``FigureWidget`` tabs (``figures["latency" | "throughput" | "frontier"]``)."""

    def __init__(self) -> None:
        self.figures: dict[str, go.FigureWidget] = {
            key: go.FigureWidget(layout={"height": HEIGHT, "title": f"{key}: waiting for a run"})
            for key in ("latency", "throughput", "frontier")}
        self.latency_view = widgets.ToggleButtons(options=list(LATENCY_VIEWS), value="over time",
                                                  description="latency")
        self.latency_view.observe(lambda _: self._latency_changed(), names="value")
        self.tabs = widgets.Tab(list(self.figures.values()))
        for i, key in enumerate(self.figures):
            self.tabs.set_title(i, key)
        self._run: Any = None
        super().__init__([self.latency_view, self.tabs])

    def update(self, run: Any) -> None:
        """Show ``run`` (a finished ``Run`` or a snapshot of one) in every figure."""
        self._run = run
        operators = _operators(run)
        copy_figure(self.figures["latency"], self._latency(run, operators))
        copy_figure(self.figures["throughput"], plots.throughput_figure(run.trace, operators=operators))
        copy_figure(self.figures["frontier"], plots.frontier_figure(run.progress, run.fires, operators=operators))

    def clear(self) -> None:
        self._run = None
        for key, figure in self.figures.items():
            copy_figure(figure, go.Figure(layout={"title": f"{key}: waiting for the run's first snapshot"}))

    def _latency(self, run: Any, operators: list[str]) -> go.Figure:
        draw: Callable[..., go.Figure] = (plots.latency_over_time_figure if self.latency_view.value == "over time"
                                          else plots.latency_distribution_figure)
        return draw(run.trace, operators=operators)

    def _latency_changed(self) -> None:
        if self._run is not None:
            copy_figure(self.figures["latency"], self._latency(self._run, _operators(self._run)))


def _operators(run: Any) -> list[str]:
    """The graph's steps in definition order, so an operator keeps its colour across updates."""
    definition = getattr(run, "definition", None)
    return [op.name for op in definition.operations] if definition is not None else []


def copy_figure(widget: go.FigureWidget, figure: go.Figure) -> None:
    """Make ``widget`` show ``figure``: traces updated in place when they match, else replaced."""
    layout = figure.layout.to_plotly_json()
    layout.setdefault("height", HEIGHT)
    with widget.batch_update():
        if _shape(widget) == _shape(figure):
            for mine, theirs in zip(widget.data, figure.data):
                mine.update(theirs.to_plotly_json(), overwrite=True)
        else:
            widget.data = ()
            widget.add_traces(list(figure.data))
        widget.layout = go.Layout(layout)


def _shape(figure: go.Figure) -> list[tuple[str, Any]]:
    return [(trace.type, trace.name) for trace in figure.data]
