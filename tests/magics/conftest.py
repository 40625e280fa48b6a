"""A real IPython shell with ``%load_ext workbench``; a cell that fails fails the test.

``cell(text)`` runs a cell and returns what it showed; ``cell.failing(text)`` runs a cell that
must fail and returns its output (ANSI colours removed) for checking the message shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from IPython.core.interactiveshell import ExecutionResult, InteractiveShell
from IPython.utils.capture import CapturedIO, capture_output

from workbench.session import reset_session

_ANSI = re.compile(r"\x1b\[[0-9;]*m")

SEEN = '''\
import json
from map_impl import exports, imports
from map_impl.imports import types

class Map(exports.Map):
    def init(self, configuration) -> bool:
        return True
    def process(self, message):
        data = json.loads(message.value.payload.value.read())
        data["seen"] = True
        message.value.payload = types.BufferOrBytes_Bytes(json.dumps(data).encode())
        return message
'''

SEEN_GRAPH = '''\
metadata:
  $schema: "https://www.schemastore.org/aio-wasm-graph-config-1.0.0.json"
  name: "Seen graph"
  version: "1.0.0"

moduleRequirements:
  apiVersion: "1.1.0"
  runtimeVersion: "1.1.0"

operations:
  - operationType: "source"
    name: "source"
  - operationType: "map"
    name: "mark"
    module: "map:1.0.0"
  - operationType: "sink"
    name: "sink"

connections:
  - from:
      name: "source"
    to:
      name: "mark"
  - from:
      name: "mark"
    to:
      name: "sink"
'''


def plain(text: str) -> str:
    return _ANSI.sub("", text)


@dataclass
class Shown:
    """What one cell did: its result and everything it printed and displayed."""

    result: ExecutionResult
    captured: CapturedIO

    @property
    def value(self) -> Any:
        return self.result.result

    @property
    def text(self) -> str:
        return plain(self.captured.stdout + self.captured.stderr)

    @property
    def displays(self) -> list[Any]:
        return self.captured.outputs

    def html(self) -> str:
        """The HTML the cell's result renders as (what a notebook shows as Out[n])."""
        formatter = InteractiveShell.instance().display_formatter
        assert formatter is not None
        data, _ = formatter.format(self.value)
        return str(data["text/html"])


class Cells:
    def __init__(self, shell: InteractiveShell) -> None:
        self.shell = shell

    def _run(self, text: str) -> Shown:
        with capture_output() as captured:
            result = self.shell.run_cell(text, store_history=True)
        return Shown(result, captured)

    def __call__(self, text: str) -> Shown:
        shown = self._run(text)
        if not shown.result.success:
            error = shown.result.error_in_exec or shown.result.error_before_exec
            raise AssertionError(f"cell failed:\n{text}\n{shown.text}") from error
        return shown

    def failing(self, text: str) -> Shown:
        shown = self._run(text)
        assert not shown.result.success, f"cell should have failed:\n{text}\n{shown.text}"
        return shown


@pytest.fixture(scope="session")
def shell() -> InteractiveShell:
    shell = InteractiveShell.instance()
    result = shell.run_cell("%load_ext workbench")
    assert result.success
    return shell


@pytest.fixture
def cell(shell: InteractiveShell) -> Iterator[Cells]:
    """Runs cells in the shell, with a fresh session and short errors for every test."""
    reset_session()
    cells = Cells(shell)
    cells("%workbench --traceback off")
    yield cells
    reset_session()
