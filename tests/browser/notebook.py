"""A person's actions on a JupyterLab notebook page: open it, run all cells, look at cells.

Everything goes through what is on the screen (menus, clicks, the DOM JupyterLab renders);
nothing reaches into JupyterLab's JavaScript objects.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

RUN_TIMEOUT = 900.0  # a cold build cache compiles each operator (~30-60 s on 2 cores)

_BUSY_SCRIPT = """() => {
  const prompts = Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt'));
  return prompts.some(p => p.textContent.includes('*'));
}"""


class NotebookPage:
    """The notebook ``name`` opened in JupyterLab at ``lab``."""

    def __init__(self, page: Any, lab: Any, folder: Path) -> None:
        self.page = page
        self.lab = lab
        self.folder = folder

    def open(self, name: str) -> NotebookPage:
        self.page.goto(self.lab.url(f"lab/tree/{name}"))
        self.page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(state="visible", timeout=120_000)
        self.wait_for_kernel()
        return self

    def wait_for_kernel(self, timeout: float = 120.0) -> None:
        """Until the notebook's kernel is connected and idle (answering "Select Kernel" if asked)."""
        panel = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        indicator = panel.locator(".jp-Notebook-ExecutionIndicator")
        kernel_name = panel.locator(".jp-KernelName .jp-ToolbarButtonComponent-label")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dialog = self.page.locator(".jp-Dialog", has_text="Select Kernel")
            if dialog.count() and dialog.first.is_visible():
                dialog.first.locator("button", has_text="Select").click()
            named = kernel_name.count() and kernel_name.first.inner_text().strip() not in ("", "No Kernel")
            if named and indicator.count() and indicator.first.get_attribute("data-status") == "idle":
                return
            time.sleep(0.5)
        self.screenshot("no-kernel")
        raise AssertionError(f"the notebook's kernel was not connected and idle within {timeout:.0f} s")

    def menu(self, *labels: str) -> None:
        """Click through the menu bar: ``menu("Run", "Run All Cells")``."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=labels[0]).first.click()
        for label in labels[1:]:
            self.page.locator(".lm-Menu-itemLabel", has_text=label).first.click()

    def run_all(self, timeout: float = RUN_TIMEOUT) -> None:
        """Clear the saved outputs, then run every cell, as a person checking a notebook would."""
        self.menu("Edit", "Clear Outputs of All Cells")
        self.menu("Run", "Run All Cells")
        self.wait_until_done(timeout)

    def wait_until_done(self, timeout: float = RUN_TIMEOUT) -> None:
        """Until no cell is queued or running (``[*]``) and the kernel is idle."""
        self.page.wait_for_timeout(500)
        deadline = time.monotonic() + timeout
        while self.page.evaluate(_BUSY_SCRIPT):
            if time.monotonic() > deadline:
                self.screenshot("timeout")
                raise AssertionError(f"cells still running after {timeout:.0f} s")
            time.sleep(1.0)
        self.wait_for_kernel()

    def cells(self) -> Any:
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")

    def code_cell(self, starting: str) -> Any:
        """The code cell whose source starts with ``starting``, scrolled into view."""
        cells = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell")
        for i in range(cells.count()):
            cell = cells.nth(i)
            if (cell.locator(".cm-content").text_content() or "").lstrip().startswith(starting):
                cell.scroll_into_view_if_needed()  # off-screen cells are not rendered (content-visibility)
                return cell
        raise AssertionError(f"no code cell starts with {starting!r}")

    def outputs(self, cell: Any) -> Any:
        return cell.locator(".jp-OutputArea-output")

    def screenshot(self, name: str, element: Any = None) -> Path:
        path = self.folder / f"{name}.png"
        (element or self.page).screenshot(path=str(path))
        return path
