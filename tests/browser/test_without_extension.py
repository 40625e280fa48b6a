"""Without the JupyterLab extension (as in Notebook 7, VS Code or a Lab that disabled it), the
workbench's outputs and widgets still work: build cards, the graph drawn as inline SVG, the run
panel with its live plotly figures. Same tour notebook as ``test_extension``, extension disabled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.checks import failing_cells, plotted_traces, shown_text
from tests.browser.conftest import HERE, JupyterLab, start_lab
from tests.browser.notebook import NotebookPage

pytestmark = [pytest.mark.slow, pytest.mark.browser]

TOUR = HERE / "workbench-tour.ipynb"
EXTENSION = "workbench-jupyterlab"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    """This module's JupyterLab: the workbench extension installed but disabled."""
    server = start_lab(tmp_path_factory.mktemp("jupyterlab-without-extension"), [TOUR],
                       disabled_extensions=(EXTENSION,))
    yield server
    server.stop()


def test_outputs_and_widgets_work_without_the_extension(page: Any, lab: JupyterLab, shots: Path) -> None:
    notebook = NotebookPage(page, lab, shots).open(TOUR.name)
    notebook.run_all()
    notebook.screenshot("ran")
    assert failing_cells(page) == []

    # The extension is really off: no badges, no side panel, no interactive graph view.
    assert page.locator(".jp-workbench-CellKind").count() == 0
    assert page.locator(".jp-SideBar [data-id='workbench-panel']").count() == 0

    # The build card is plain HTML from the kernel.
    card = shown_text(notebook.outputs(notebook.code_cell("%%operator")).first)
    assert "tour:1.0.0" in card and "map, filter" in card and "all provided by AIO" in card

    # The graph falls back to the inline SVG every front end shows.
    graph = notebook.outputs(notebook.code_cell("%%graph"))
    assert graph.locator(".jp-workbench-Graph").count() == 0
    drawing = graph.locator("svg").first
    drawing.wait_for(state="visible")
    labels = drawing.locator("text").all_text_contents()
    assert {"source", "to-celsius", "plausible", "sink"} <= {label.strip() for label in labels}, labels
    notebook.screenshot("graph", graph.first)

    # The run panel is ipywidgets and plotly: it runs and draws live figures.
    panel = notebook.outputs(notebook.code_cell("from workbench import RunPanel")).first
    panel.locator("button", has_text="Run").first.click()
    panel.get_by_text("run of 'tour' finished").wait_for(timeout=120_000)
    page.wait_for_function("(root) => root.querySelectorAll('.js-plotly-plot .scatterlayer .trace').length > 0",
                           arg=panel.element_handle(), timeout=60_000)
    assert plotted_traces(panel) >= 2
    assert "500 / 500" in shown_text(panel)
    notebook.screenshot("run-panel", panel)
