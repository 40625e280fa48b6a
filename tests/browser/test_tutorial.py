"""Tutorial 1 (notebooks/01-first-map-operator.ipynb) in JupyterLab in a real browser: run every
cell, then look at what a person sees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.checks import failing_cells, keywords_highlighted, open_workbench_panel, shown_text
from tests.browser.conftest import ROOT
from tests.browser.notebook import NotebookPage

pytestmark = [pytest.mark.slow, pytest.mark.browser]

TUTORIAL = ROOT / "notebooks" / "01-first-map-operator.ipynb"


def test_first_tutorial_in_jupyterlab(page: Any, lab: Any, shots: Path) -> None:
    assert TUTORIAL.is_file(), f"{TUTORIAL} is missing"
    notebook = NotebookPage(page, lab, shots).open(TUTORIAL.name)
    notebook.run_all()
    notebook.screenshot("ran")

    # Only the cell written to fail fails (its error is the point of that section).
    assert failing_cells(page) == ["%%operator --name broken"]

    # %%operator: Python highlighting, the kind badge and the build card.
    operator = notebook.code_cell("%%operator --name to-celsius")
    assert {"class", "def", "import", "return"} <= set(keywords_highlighted(operator))
    assert shown_text(operator.locator(".jp-workbench-CellKind")) == "map"
    magic = operator.locator(".cm-line.jp-workbench-magicLine")
    assert magic.locator(".jp-workbench-magicOption").all_text_contents() == ["--name", "--config"]
    card = shown_text(notebook.outputs(operator).first)
    assert "to-celsius:1.0.0" in card and "map" in card and "all provided by AIO" in card
    notebook.screenshot("build-card", operator)

    # %%graph: the DAG, drawn by the extension; a click shows the operator behind a step.
    graph = notebook.code_cell("%%graph")
    view = notebook.outputs(graph).locator(".jp-workbench-Graph")
    steps = view.locator(".jp-workbench-Graph-node")
    assert [steps.nth(i).get_attribute("data-step") for i in range(steps.count())] == ["source", "to-celsius", "sink"]
    view.locator("[data-step='to-celsius']").click()
    assert "class Map" in shown_text(view.locator(".jp-workbench-Graph-source"))
    notebook.screenshot("graph", graph)

    # %workbench run: the run's summary, one row per operation.
    run = shown_text(notebook.outputs(notebook.code_cell("%workbench run")).first)
    assert "Run of first-map" in run and "200 inputs" in run and "to-celsius" in run

    # The side panel lists what the kernel's session holds.
    panel = open_workbench_panel(page)
    page.locator(".jp-workbench-Panel-status", has_text="connected").wait_for()
    assert panel.locator(".jp-workbench-Panel-operator[data-name='to-celsius:1.0.0']").is_visible()
    assert panel.locator(".jp-workbench-Panel-graphItem[data-name='first-map']").is_visible()
    assert "200 inputs" in shown_text(panel.locator(".jp-workbench-Panel-run").first)
    notebook.screenshot("side-panel")
