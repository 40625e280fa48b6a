"""The JupyterLab extension in a real browser, on this folder's workbench-tour.ipynb: cell badges and
highlighting, the interactive graph view, the Workbench side panel, and the run panel's live figures."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.checks import (
    failing_cells,
    keywords_highlighted,
    open_workbench_panel,
    plotted_traces,
    shown_text,
    token_colours,
)
from tests.browser.notebook import NotebookPage

pytestmark = [pytest.mark.slow, pytest.mark.browser]

TOUR = "workbench-tour.ipynb"


@pytest.fixture(scope="module")
def tour(browser: Any, lab: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The tour notebook, all cells run once, shared by this module's tests (in order)."""
    from tests.browser.conftest import OUTPUT

    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    folder = OUTPUT / "tour"
    folder.mkdir(parents=True, exist_ok=True)
    notebook = NotebookPage(page, lab, folder).open(TOUR)
    notebook.run_all()
    notebook.screenshot("ran")
    yield notebook
    context.close()


def test_cells_ran_without_errors(tour: NotebookPage) -> None:
    assert failing_cells(tour.page) == []


def test_operator_cells_are_python_with_a_kind_badge(tour: NotebookPage) -> None:
    cell = tour.code_cell("%%operator")
    assert keywords_highlighted(cell) == ["class", "def", "import", "return"]
    badge = cell.locator(".jp-workbench-CellKind")
    assert badge.get_attribute("data-kinds") == "map filter"
    assert shown_text(badge).split() == ["map", "filter"]


def test_the_magic_line_is_styled_as_a_magic_with_options(tour: NotebookPage) -> None:
    cell = tour.code_cell("%%operator")
    line = cell.locator(".cm-line").first
    assert "jp-workbench-magicLine" in (line.get_attribute("class") or "")
    name = line.locator(".jp-workbench-magicName")
    assert name.text_content() == "%%operator"
    assert line.locator(".jp-workbench-magicOption").all_text_contents() == ["--name"]
    colours = token_colours(cell)
    assert name.evaluate("element => getComputedStyle(element).color") == colours["keyword"]
    # Lines after the first are the operator's Python, untouched.
    assert "jp-workbench-magicLine" not in (cell.locator(".cm-line").nth(1).get_attribute("class") or "")


def test_graph_cells_are_yaml(tour: NotebookPage) -> None:
    cell = tour.code_cell("%%graph")
    assert shown_text(cell.locator(".jp-workbench-CellKind")) == "graph"
    colours = token_colours(cell)
    keys = {text: colour for text, colour in colours["tokens"] if text in ("metadata", "operations", "name")}
    assert keys and all(colour != colours["plain"] for colour in keys.values()), colours
    # Python would colour "from" (a connection's key) as a keyword; YAML colours it as a key.
    assert "from" not in keywords_highlighted(cell, ("from",))


def test_build_card(tour: NotebookPage) -> None:
    card = tour.outputs(tour.code_cell("%%operator")).first
    text = shown_text(card)
    assert "tour:1.0.0" in text and "map, filter" in text and "all provided by AIO" in text


def test_graph_view_draws_the_dag_and_shows_a_step(tour: NotebookPage) -> None:
    view = tour.outputs(tour.code_cell("%%graph")).locator(".jp-workbench-Graph")
    steps = view.locator(".jp-workbench-Graph-node")
    assert [steps.nth(i).get_attribute("data-step") for i in range(steps.count())] == [
        "source", "to-celsius", "plausible", "sink"]
    assert view.locator(".jp-workbench-Graph-edge").count() == 3
    view.locator("[data-step='plausible']").click()
    details = view.locator(".jp-workbench-Graph-details")
    assert "plausible" in shown_text(details) and "Highest temperature kept" in shown_text(details)
    assert "class Filter" in shown_text(details.locator(".jp-workbench-Graph-source"))
    assert details.locator(".jp-workbench-py-keyword", has_text="class").count() > 0
    tour.screenshot("graph-view", view)


def test_graph_view_pans_and_zooms(tour: NotebookPage) -> None:
    view = tour.outputs(tour.code_cell("%%graph")).locator(".jp-workbench-Graph")
    svg = view.locator("svg.jp-workbench-Graph-svg")
    before = svg.get_attribute("viewBox")
    view.locator("button[title='Zoom in']").click()
    zoomed = svg.get_attribute("viewBox")
    assert float(zoomed.split()[2]) < float(before.split()[2])
    box = svg.bounding_box()
    page = tour.page
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] - 10)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + box["height"] - 10, steps=5)
    page.mouse.up()
    assert float(svg.get_attribute("viewBox").split()[0]) < float(zoomed.split()[0])  # dragged right: view moves left
    view.locator("button[title='Fit the whole graph']").click()
    assert svg.get_attribute("viewBox") == before


def test_latency_of_the_last_run_is_on_the_graph(tour: NotebookPage) -> None:
    view = tour.outputs(tour.code_cell("current_session().graph")).locator(".jp-workbench-Graph")
    assert "last run: 300 inputs" in shown_text(view.locator(".jp-workbench-Graph-header"))
    assert "µs" in (view.locator("[data-step='to-celsius']").text_content() or "")
    view.locator("[data-step='to-celsius']").click()
    stats = shown_text(view.locator(".jp-workbench-Graph-stats"))
    assert "received\t300" in stats and "mean latency" in stats and "p99 latency" in stats


def test_run_panel_draws_live_figures(tour: NotebookPage) -> None:
    cell = tour.code_cell("from workbench import RunPanel")
    panel = tour.outputs(cell).first
    panel.locator("button", has_text="Run").first.click()
    panel.get_by_text("run of 'tour' finished").wait_for(timeout=120_000)
    tour.page.wait_for_function("""(root) => root.querySelectorAll('.js-plotly-plot .scatterlayer .trace').length > 0""",
                                arg=panel.element_handle(), timeout=60_000)
    assert plotted_traces(panel) >= 2  # p50/p95/p99 lines of two operators
    assert "500 / 500" in shown_text(panel)
    tour.screenshot("run-panel", panel)


def test_side_panel_lists_the_session_and_follows_runs(tour: NotebookPage) -> None:
    panel = open_workbench_panel(tour.page)
    assert "connected" in shown_text(panel.locator(".jp-workbench-Panel-status"))
    operator = panel.locator(".jp-workbench-Panel-operator[data-name='tour:1.0.0']")
    assert operator.locator(".jp-workbench-Kind").all_inner_texts() == ["map", "filter"]
    assert panel.locator(".jp-workbench-Panel-graphItem[data-name='tour']").is_visible()
    runs = panel.locator(".jp-workbench-Panel-run")
    assert runs.count() >= 1
    panel.locator(".jp-workbench-Panel-graphItem[data-name='tour']").click()
    panel.locator(".jp-workbench-Graph [data-step='to-celsius']").click()
    assert "class Map" in shown_text(panel.locator(".jp-workbench-Graph-source"))
    count = runs.count()
    tour.menu("Run", "Run All Cells")  # runs again: the panel lists the new run without a refresh
    tour.wait_until_done()
    tour.page.wait_for_function(f"() => document.querySelectorAll('.jp-workbench-Panel-run').length > {count}")
    tour.screenshot("side-panel")


def test_overview_screenshot(tour: NotebookPage) -> None:
    """The README's picture: docs/images/workbench.png is a copy of test-output/browser/tour/overview.png."""
    page = tour.page
    panel = open_workbench_panel(page)
    handle = page.locator("#jp-main-split-panel > .lm-SplitPanel-handle").first.bounding_box()
    page.mouse.move(handle["x"] + 2, handle["y"] + 300)
    page.mouse.down()
    page.mouse.move(handle["x"] + 150, handle["y"] + 300, steps=5)
    page.mouse.up()
    run_panel = tour.outputs(tour.code_cell("from workbench import RunPanel")).first
    run_panel.locator("button", has_text="Run").first.click()
    run_panel.get_by_text("run of 'tour' finished").wait_for(timeout=120_000)
    panel.locator(".jp-workbench-Panel-graphItem[data-name='tour']").click()
    panel.locator(".jp-workbench-Graph-header", has_text="500 inputs").wait_for()
    panel.locator(".jp-workbench-Graph [data-step='plausible']").click()
    page.set_viewport_size({"width": 1600, "height": 1240})  # the YAML, the graph view and the figures
    tour.code_cell("%%graph").evaluate("cell => cell.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(1000)  # plotly's transitions
    tour.screenshot("overview")
    page.set_viewport_size({"width": 1600, "height": 1000})


def test_side_panel_follows_a_kernel_restart(tour: NotebookPage) -> None:
    panel = open_workbench_panel(tour.page)
    status = panel.locator(".jp-workbench-Panel-status")
    tour.menu("Kernel", "Restart Kernel")
    tour.page.locator(".jp-Dialog button", has_text="Restart").click()
    status.filter(has_text="run %load_ext workbench").wait_for()
    tour.wait_for_kernel()
    load = tour.code_cell("%load_ext workbench")
    load.locator(".cm-content").click()
    tour.page.keyboard.press("Shift+Enter")
    status.filter(has_text="connected").wait_for()
    assert shown_text(panel.locator(".jp-workbench-Panel-section[data-section='operators']")).startswith(
        "Operators (0)")


def test_screenshots_were_saved(tour: NotebookPage) -> None:
    sizes = {name: (tour.folder / f"{name}.png").stat().st_size for name in ("ran", "graph-view", "run-panel", "overview")}
    assert all(size > 10_000 for size in sizes.values()), sizes
