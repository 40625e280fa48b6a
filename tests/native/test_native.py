"""Native mode: the operator class runs in this CPython process against the same bindings.

No componentize-py build is needed (only its fast, cached bindings generator), so these
tests are not ``slow``.
"""

from __future__ import annotations

import io
import pdb
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import line_of, operator_path
from workbench.compiler.bundle import OperatorSource
from workbench.errors import CompileError, OperatorError, OperatorTrap
from workbench.host.services import HostServices
from workbench.messages import Message, RawData
from workbench.native import NativeOperator

PROBE = "api_1_1/probe.py"
BUNDLED = "api_1_0/bundled/reading.py"
BINDINGS = ("map_impl", "filter_impl", "branch_impl", "accumulate_impl", "delay_impl", "module_impl")


def native(relative: str, api: str = "1.1.0", kind: str | None = None, **options: object) -> NativeOperator:
    return NativeOperator.from_source(operator_path(relative), kind, api=api, **options)


def ask(operator: NativeOperator, action: str, **request: object) -> object:
    return operator.map(Message.of({"action": action, **request}, "probe")).json()["result"]


@pytest.fixture
def services() -> HostServices:
    return HostServices()


@pytest.fixture
def probe(services: HostServices) -> NativeOperator:
    op = native(PROBE, services=services)
    assert op.init({"site": "north"}) is True
    return op


def test_native_probe_runs(probe: NativeOperator) -> None:
    assert repr(probe) == "<NativeOperator probe/map (map, API 1.1.0)>"
    assert ask(probe, "divide", divisor=4) == 25.0
    assert ask(probe, "config") == {"site": "north"}
    probe.close()


def test_exception_carries_a_python_traceback_of_the_user_file(probe: NativeOperator) -> None:
    with pytest.raises(OperatorError) as info:
        ask(probe, "divide", divisor=0)
    error = info.value
    assert not isinstance(error, OperatorTrap)
    assert error.failure.reason == "ZeroDivisionError: division by zero"
    line = line_of(PROBE, "# LINE: divide")
    assert f'File "{operator_path(PROBE)}", line {line}, in divide' in error.guest_traceback
    assert "100 / request[\"divisor\"]" in error.guest_traceback  # CPython shows the source line
    cause = error.__cause__
    assert isinstance(cause, ZeroDivisionError)
    tb = cause.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    assert (tb.tb_frame.f_code.co_filename, tb.tb_lineno) == (str(operator_path(PROBE)), line)


def test_post_mortem_debugging_sees_the_user_frame(probe: NativeOperator) -> None:
    with pytest.raises(OperatorError) as info:
        ask(probe, "divide", divisor=0)
    out = io.StringIO()
    debugger = pdb.Pdb(stdin=io.StringIO("p request['divisor'] + 7\nwhere\nquit\n"), stdout=out, nosigint=True)
    debugger.use_rawinput = False
    debugger.reset()
    debugger.interaction(None, info.value.__cause__.__traceback__)
    shown = out.getvalue()
    assert "(Pdb) 7\n" in shown
    assert f"{operator_path(PROBE)}({line_of(PROBE, '# LINE: divide')})divide()" in shown


def test_traceback_of_a_text_source_names_its_cell() -> None:
    text = textwrap.dedent("""\
        from map_impl import exports

        class Map(exports.Map):
            def init(self, configuration):
                return True

            def process(self, message):
                raise RuntimeError("cell failed")
        """)
    op = NativeOperator.from_source(OperatorSource(text, "cell [3]", None))
    with pytest.raises(OperatorError) as info:
        op.map(Message.of(b"x"))
    assert 'File "cell [3]", line 8, in process' in info.value.guest_traceback
    assert info.value.failure.reason == "RuntimeError: cell failed"


def test_wrong_return_type_is_an_operator_error(probe: NativeOperator) -> None:
    with pytest.raises(OperatorError) as info:
        ask(probe, "wrong_type")
    assert info.value.failure.reason == "returned the wrong type: expected a DataModel " \
                                        "(e.g. types.DataModel_Message), got str"
    assert info.value.failure.input == Message.of({"action": "wrong_type"}, "probe")
    assert isinstance(info.value.__cause__, TypeError)


def test_err_is_an_operator_error(probe: NativeOperator) -> None:
    with pytest.raises(OperatorError) as info:
        ask(probe, "err", why="over quota")
    assert info.value.failure.reason == "returned an error: refused: over quota"
    assert info.value.guest_traceback is None
    assert ask(probe, "echo") == {"action": "echo"}


def test_init_returning_false(services: HostServices) -> None:
    assert native(PROBE, services=services).init({"reject": "yes"}) is False


def test_logs_metrics_and_state_are_recorded(probe: NativeOperator, services: HostServices) -> None:
    assert ask(probe, "state", key="visits") == 1
    assert ask(probe, "state", key="visits") == 2
    ask(probe, "metric", name="widgets", n=3)
    assert services.state_store.get(b"visits")[0] == b"2"
    assert [(m.operator, m.name, m.kind, m.value) for m in services.metrics] == \
        [("probe/map", "widgets", "counter", 3)]
    assert [(r.level, r.context, r.message, r.source) for r in services.logs] == [
        ("info", "probe", "init with ['site']", "logger"), ("warn", "probe", "counted 3", "logger")]


def test_state_is_shared_through_host_services(services: HostServices) -> None:
    first, second = native(PROBE, services=services), native(PROBE, services=services)
    first.init({})
    second.init({})
    assert ask(first, "state") == 1
    assert ask(second, "state") == 2


def test_module_state_lives_in_globals_per_operator(services: HostServices) -> None:
    first, second = native(PROBE, services=services), native(PROBE, services=services)
    first.init({"who": "first"})
    second.init({"who": "second"})
    assert ask(first, "config") == {"who": "first"}  # each operator has its own module globals
    assert ask(second, "config") == {"who": "second"}


def test_native_accepts_raw_data(services: HostServices) -> None:
    op = native("api_1_1/all_kinds.py", kind="filter", services=services)
    op.init({})
    assert op.filter(RawData(b'{"value": 1}')) is True
    assert op.filter(RawData(b'{"value": -1}')) is False


def test_first_operator_class_is_the_default_kind() -> None:
    op = native("api_1_1/all_kinds.py")
    assert op.kind == "map" and op.operator_class.__name__ == "Map"


# -- isolation of several native operators in one process ----------------------------------
OTHER_FILTER = """\
from filter_impl import exports
from filter_impl.imports import types

import payload


class Filter(exports.Filter):
    def init(self, configuration) -> bool:
        return True

    def process(self, message) -> bool:
        return payload.VERSION == "mine" and message.value.payload.value.read() == b"keep"
"""


@pytest.fixture
def other_folder(tmp_path: Path) -> Path:
    """An operator folder with its own, different ``payload`` sibling."""
    (tmp_path / "keeper.py").write_text(OTHER_FILTER)
    (tmp_path / "payload.py").write_text('VERSION = "mine"\n')
    return tmp_path


def test_operators_of_different_kinds_and_api_versions_do_not_interfere(other_folder: Path) -> None:
    modules_before, path_before = set(sys.modules), list(sys.path)
    probe = native(PROBE, api="1.1.0")  # map, API 1.1.0, map_impl
    reading = native(BUNDLED, api="1.0.0")  # map, API 1.0.0, map_impl, siblings payload + units
    keeper = NativeOperator.from_source(other_folder / "keeper.py", api="1.0.0")  # filter, its own payload
    first_kind = native("api_1_0/all_kinds.py", api="1.0.0")  # the combined world's aliases
    for op in (probe, reading, keeper, first_kind):
        assert op.init({}) is True

    assert sys.path == path_before
    leaked = {name for name in set(sys.modules) - modules_before
              if name.split(".")[0] in {*BINDINGS, "payload", "units"}}
    assert leaked == set()

    for _ in range(2):  # interleaved calls: each operator keeps its own bindings and siblings
        assert reading.map(Message.of({"value": 212, "unit": "F"})).json() == \
            {"codec": "payload-1", "unit": "C", "value": 100.0}
        assert keeper.filter(Message.of(b"keep")) is True
        assert keeper.filter(Message.of(b"drop")) is False
        with pytest.raises(OperatorError, match="refused: api 1.1.0 only"):
            ask(probe, "err", why="api 1.1.0 only")  # types.Error exists only in 1.1.0 bindings
        assert first_kind.map(Message.of({"value": 2})).json() == {"value": 4.0, "mapped": True}
    assert (probe.api, reading.api, keeper.api) == ("1.1.0", "1.0.0", "1.0.0")
    assert keeper.kind == "filter"


def test_check_errors_are_raised_before_importing(tmp_path: Path) -> None:
    path = tmp_path / "nothing.py"
    path.write_text("import this_module_does_not_exist\n")
    with pytest.raises(CompileError, match="no operator class found"):
        NativeOperator.from_source(path)


@pytest.mark.parametrize("kind", ["filter", "map"])
def test_native_kind_of_multi_operator_module(kind: str) -> None:
    op = native("api_1_1/all_kinds.py", kind=kind)
    op.init({})
    assert op.process(Message.of({"value": 3})) is not None


@pytest.mark.parametrize("kind", ["filter", "branch", "accumulate", "delay"])
def test_native_selects_each_kind_of_a_multi_operator_module(kind: str) -> None:
    op = native("api_1_1/all_kinds.py", kind=kind)
    assert op.kind == kind and op.operator_class.__name__ == kind.capitalize()
    assert op.init({}) is True
