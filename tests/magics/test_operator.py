"""%%operator: native and wasm builds, build cards, progress, default names and short errors."""

from __future__ import annotations

import pytest

from tests.magics.conftest import SEEN, Cells
from workbench.compiler import CompiledOperator
from workbench.errors import CompileError
from workbench.native.module import NativeModule
from workbench.session import session

SIGNATURE_ERROR = '''\
from map_impl import exports

class Map(exports.Map):
    def init(self, configuration):
        return True
    def process(self):
        return None
'''

TWO_KINDS = '''\
from map_impl import exports as map_exports
from filter_impl import exports as filter_exports

class Map(map_exports.Map):
    def init(self, configuration):
        return True
    def process(self, message):
        return message

class Filter(filter_exports.Filter):
    def init(self, configuration):
        return True
    def process(self, message):
        return True
'''

TOP_LEVEL_ERROR = '''\
from map_impl import exports

SCALE = 1 / 0

class Map(exports.Map):
    def init(self, configuration):
        return True
    def process(self, message):
        return message
'''


def test_load_ext_registers_the_three_magics(cell: Cells) -> None:
    cell("%reload_ext workbench")
    magics = cell.shell.magics_manager.magics
    assert "operator" in magics["cell"] and "graph" in magics["cell"] and "workbench" in magics["line"]


def test_native_operator_is_checked_registered_and_shows_its_card(cell: Cells) -> None:
    shown = cell("%%operator --native --version 2.0.0 --config factor=3 unit=C\n" + SEEN)
    module = session().operators["map:2.0.0"]
    assert isinstance(module, NativeModule)
    [card] = shown.displays
    assert "map:2.0.0" in card.data["text/html"] and "native" in card.data["text/html"]
    assert session().operators_frame()["config"].tolist() == ["factor=3, unit=C"]


def test_default_name_joins_the_kinds_a_cell_defines_and_name_overrides_it(cell: Cells) -> None:
    cell("%%operator --native\n" + TWO_KINDS)
    cell("%%operator --native --name scaler --kind filter\n" + TWO_KINDS)
    assert sorted(session().operators) == ["map-filter:1.0.0", "scaler:1.0.0"]
    assert session().operators["scaler:1.0.0"].default_kind == "filter"


def test_compile_error_is_short_names_the_cell_line_and_hints(cell: Cells) -> None:
    shown = cell.failing("%%operator --native\n" + SIGNATURE_ERROR)
    assert isinstance(shown.result.error_in_exec, CompileError)
    count = shown.result.execution_count
    assert f"CompileError: <cell {count}>, line 6: Map.process takes (self, message)" in shown.text
    assert "    def process(self):" in shown.text
    assert "hint: def process(self, message)" in shown.text
    assert "Traceback" not in shown.text and "workbench/" not in shown.text
    assert session().operators == {}


def test_traceback_switch_shows_the_full_python_traceback(cell: Cells) -> None:
    assert "full tracebacks on" in repr(cell("%workbench --traceback").value)
    shown = cell.failing("%%operator --native\n" + SIGNATURE_ERROR)
    assert "Traceback (most recent call last)" in shown.text and "compiler/checks.py" in shown.text
    cell("%workbench --traceback off")
    assert "Traceback" not in cell.failing("%%operator --native\n" + SIGNATURE_ERROR).text


def test_bad_options_are_usage_errors(cell: Cells) -> None:
    assert "--config takes KEY=VALUE, not 'factor'" in cell.failing("%%operator --native --config factor\n" + SEEN).text
    shown = cell.failing("%%operator --native --kind mapp\n" + SEEN)
    assert "unknown operator kind 'mapp'" in shown.text and "hint: did you mean 'map'?" in shown.text


@pytest.mark.slow
def test_wasm_build_shows_progress_then_the_card_and_rebuilds_from_cache(cell: Cells) -> None:
    cell("%%operator\n" + SEEN)
    shown = cell("%%operator\n" + SEEN)  # unchanged: a cache hit whether or not the first was cold
    first, last = shown.displays  # a terminal shell cannot rewrite outputs: no elapsed-seconds ticks
    assert first.data["text/plain"] == "building map (componentize-py)…"
    assert last.update and last.transient["display_id"] == first.transient["display_id"]
    card = last.data["text/html"]
    for expected in ("map:1.0.0", "<td>map</td>", "MB", "(cache hit)", "all provided by AIO"):
        assert expected in card
    module = session().operators["map:1.0.0"]
    assert isinstance(module, CompiledOperator) and module.report.cache_hit


@pytest.mark.slow
def test_top_level_error_at_build_time_names_the_cell_line(cell: Cells) -> None:
    shown = cell.failing("%%operator\n" + TOP_LEVEL_ERROR)
    count = shown.result.execution_count
    assert f"<cell {count}>, line 3: top-level code raised while the module was pre-initialised" in shown.text
    assert "ZeroDivisionError: division by zero" in shown.text and "SCALE = 1 / 0" in shown.text
    assert "hint: module top-level code runs at build time" in shown.text
    assert "workbench/" not in shown.text  # the user's own frames only
    assert "building map (componentize-py): failed after" in shown.displays[-1].data["text/plain"]
