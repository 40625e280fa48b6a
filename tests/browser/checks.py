"""What a person sees, read off the page: token colours, plotly traces, the side panel."""

from __future__ import annotations

import time
from typing import Any

# The colour of each token of a cell's editor, and what the theme's variables resolve to.
_TOKEN_COLOURS = """(cell) => {
  const resolve = variable => {
    const probe = document.createElement('span');
    probe.style.color = `var(${variable})`;
    cell.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  };
  const tokens = Array.from(cell.querySelectorAll('.cm-content .cm-line span'))
    .filter(span => span.children.length === 0)
    .map(span => [span.textContent.trim(), getComputedStyle(span).color]);
  const plain = getComputedStyle(cell.querySelector('.cm-content')).color;
  return {tokens, plain, keyword: resolve('--jp-mirror-editor-keyword-color')};
}"""


def token_colours(cell: Any) -> dict[str, Any]:
    """``{"tokens": [[text, colour], ...], "plain": colour, "keyword": colour}`` of a cell's editor."""
    result: dict[str, Any] = cell.evaluate(_TOKEN_COLOURS)
    return result


def keywords_highlighted(cell: Any, words: tuple[str, ...] = ("class", "def", "return", "import")) -> list[str]:
    """The ``words`` that appear in the cell as tokens in the theme's keyword colour."""
    colours = token_colours(cell)
    return sorted({text for text, colour in colours["tokens"] if text in words and colour == colours["keyword"]})


def plotted_traces(element: Any) -> int:
    """Plotly traces drawn with data points inside ``element``."""
    count: int = element.evaluate("""(root) => Array.from(root.querySelectorAll('.js-plotly-plot .scatterlayer .trace'))
        .filter(trace => trace.querySelector('path.js-line, path.point, .points path')).length""")
    return count


def failing_cells(page: Any) -> list[str]:
    """The first line of each code cell of the open notebook that shows an error.

    JupyterLab renders errors as ``application/vnd.jupyter.stderr`` output, like stderr text; an
    error is stderr output naming an ``...Error`` or showing a traceback.
    """
    return page.evaluate("""() => Array.from(document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')).filter(cell => Array.from(
        cell.querySelectorAll(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"))
        .some(output => /\\w+Error\\b|Traceback/.test(output.textContent)))
        .map(cell => cell.querySelector('.cm-line').textContent)""")


def open_workbench_panel(page: Any) -> Any:
    """Click the Workbench tab of the left sidebar (unless it is open); the panel."""
    panel = page.locator(".jp-workbench-Panel")
    if not panel.is_visible():
        page.locator(".jp-SideBar [data-id='workbench-panel']").click()
    panel.wait_for(state="visible")
    return panel


def shown_text(element: Any, timeout: float = 20.0) -> str:
    """The text a person reads in ``element``, once it is laid out.

    JupyterLab skips layout of off-screen cells (``content-visibility: auto``); until the
    browser lays a cell out again after it scrolls into view, its ``innerText`` is empty. So
    wait until the element is visible and shows some text.
    """
    element.wait_for(state="visible", timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    text: str = element.inner_text()
    while not text.strip() and time.monotonic() < deadline:
        time.sleep(0.2)
        text = element.inner_text()
    return text
