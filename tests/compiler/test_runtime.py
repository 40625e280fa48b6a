"""A real guest (``tests/operators/api_1_1/probe.py``) in the wasm host: errors with mapped
tracebacks, deadlines, memory limits, the sandbox, guest output, state store and metrics.

The probe picks its behaviour from the payload's ``action``; escape attempts are caught in
the guest and reported back in the output payload, so these tests see what the guest saw.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import line_of, operator_path
from workbench.compiler import CompiledOperator
from workbench.errors import OperatorError, OperatorMemoryError, OperatorTimeout, OperatorTrap
from workbench.host.instance import OperatorInstance
from workbench.host.limits import Limits
from workbench.host.services import HostServices
from workbench.messages import Message

pytestmark = pytest.mark.slow

PROBE = "api_1_1/probe.py"
MEMORY_LIMIT = 96 * 1024 * 1024  # instantiation needs about 13 MiB (210 pages) of linear memory


@pytest.fixture(scope="module")
def probe(compiled: Callable[..., CompiledOperator]) -> CompiledOperator:
    return compiled(PROBE)


@pytest.fixture
def services() -> HostServices:
    return HostServices()


@pytest.fixture
def operator(probe: CompiledOperator, services: HostServices) -> Iterator[OperatorInstance]:
    with probe.instantiate(services=services, limits=Limits(deadline=0.5, memory=MEMORY_LIMIT)) as op:
        assert op.init({"site": "north"}) is True
        yield op


def ask(operator, action: str, **request: object) -> object:
    """Run one probe action; return its ``result``."""
    out = operator.map(Message.of({"action": action, **request}, "probe"))
    reply = out.json()
    assert reply["action"] == action
    return reply["result"]


def probe_frame(function: str, marker: str) -> str:
    return f'File "{operator_path(PROBE)}", line {line_of(PROBE, marker)}, in {function}'


# -- errors --------------------------------------------------------------------------------
def test_exception_in_process_has_a_mapped_traceback(operator: OperatorInstance) -> None:
    assert ask(operator, "divide", divisor=4) == 25.0
    with pytest.raises(OperatorTrap) as info:
        ask(operator, "divide", divisor=0)
    error = info.value
    assert error.failure.function == "process"
    assert error.failure.reason == "ZeroDivisionError: division by zero"
    assert error.failure.input == Message.of({"action": "divide", "divisor": 0}, "probe")
    assert probe_frame("divide", "# LINE: divide") in error.guest_traceback
    assert "/0/probe.py" not in error.guest_traceback  # guest paths are mapped to the user's file
    assert "panicked" not in error.guest_traceback
    assert "operator 'probe/map' failed in process" in str(error)
    assert ask(operator, "divide", divisor=5) == 20.0  # a fresh instance takes over


def test_err_result_is_an_operator_error_without_a_trap(operator: OperatorInstance) -> None:
    with pytest.raises(OperatorError) as info:
        ask(operator, "err", why="over quota")
    assert not isinstance(info.value, OperatorTrap)
    assert info.value.failure.reason == "returned an error: refused: over quota"
    assert info.value.guest_traceback is None
    assert operator.instantiations == 1  # an Err does not discard the instance


def test_wrong_return_type_traps(operator: OperatorInstance) -> None:
    with pytest.raises(OperatorTrap, match=r"trapped in the guest runtime .* must return a types\.DataModel"):
        ask(operator, "wrong_type")
    assert ask(operator, "echo") == {"action": "echo"}


def test_init_returning_false(probe: CompiledOperator, services: HostServices) -> None:
    with probe.instantiate(services=services) as op:
        assert op.init({"reject": "yes"}) is False
    native = probe.native(services=HostServices())
    assert native.init({"reject": "yes"}) is False


# -- limits --------------------------------------------------------------------------------
def test_deadline_interrupts_and_the_same_instance_recovers(operator: OperatorInstance) -> None:
    started = time.perf_counter()
    with pytest.raises(OperatorTimeout) as info:
        ask(operator, "spin")
    elapsed = time.perf_counter() - started
    assert 0.4 < elapsed < 5
    assert "exceeded its deadline of 0.5 s" in info.value.failure.reason
    assert "interrupt" in info.value.failure.details["trap"]
    # The same OperatorInstance is re-created and re-initialised with its configuration.
    assert ask(operator, "config") == {"site": "north"}
    assert operator.instantiations == 2


def test_memory_exhaustion_is_reported_and_the_instance_recovers(operator: OperatorInstance) -> None:
    with pytest.raises(OperatorTrap) as info:
        ask(operator, "hoard", chunk=4 << 20)
    error = info.value
    assert isinstance(error, OperatorMemoryError)
    assert error.failure.reason == "ran out of memory (limit 96 MiB)"
    assert error.guest_traceback.rstrip().endswith("MemoryError")
    assert probe_frame("hoard", "# LINE: hoard") in error.guest_traceback
    assert ask(operator, "hoard_size") == 0  # module state went with the discarded instance
    assert ask(operator, "config") == {"site": "north"}


# -- sandbox -------------------------------------------------------------------------------
def test_guest_cannot_read_host_files(operator: OperatorInstance) -> None:
    result = ask(operator, "read_file", path="/etc/passwd")
    assert result["ok"] is False
    assert result["error"].startswith(("FileNotFoundError", "PermissionError", "OSError"))
    assert "root:" not in str(result)
    assert ask(operator, "read_file", path=str(Path(__file__)))["ok"] is False


def test_guest_cannot_list_host_directories(operator: OperatorInstance) -> None:
    assert ask(operator, "listdir", path="/")["ok"] is False
    assert ask(operator, "listdir", path="/tmp")["ok"] is False


def test_guest_cannot_write_host_files(operator: OperatorInstance) -> None:
    target = Path("/tmp") / f"workbench-escape-{uuid.uuid4().hex}.txt"
    result = ask(operator, "write_file", path=str(target))
    assert result["ok"] is False, result
    assert not target.exists()


def test_guest_sees_no_host_environment(operator: OperatorInstance, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_SECRET", "do-not-leak")
    result = ask(operator, "environ")
    assert result == {"environ": {}, "home": None}


def test_guest_cannot_connect_to_host_sockets(operator: OperatorInstance) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(0.3)
        result = ask(operator, "connect", port=server.getsockname()[1])
        assert result["ok"] is False, result
        with pytest.raises(TimeoutError):
            server.accept()


@pytest.mark.parametrize("action", ["subprocess", "system"])
def test_guest_cannot_start_processes(operator: OperatorInstance, action: str) -> None:
    result = ask(operator, action)
    assert result["ok"] is False, result
    assert result["error"].startswith(("OSError", "AttributeError", "NotImplementedError", "PermissionError"))


# -- host services -------------------------------------------------------------------------
def test_guest_print_is_captured_into_the_log(operator: OperatorInstance, services: HostServices,
                                              capfd: pytest.CaptureFixture[str]) -> None:
    assert ask(operator, "print", text="hello") == "printed"
    printed = [(r.source, r.level, r.message) for r in services.logs if r.source != "logger"]
    assert printed == [("stdout", "info", "to stdout hello"), ("stderr", "error", "to stderr hello")]
    assert all(r.operator == "probe/map" for r in services.logs)
    out, err = capfd.readouterr()
    assert "to stdout hello" not in out and "to stderr hello" not in err


def test_logger_records_init(operator: OperatorInstance, services: HostServices) -> None:
    assert [(r.level, r.context, r.message, r.source) for r in services.logs] == \
        [("info", "probe", "init with ['site']", "logger")]


def test_state_store_from_a_real_guest(probe: CompiledOperator, services: HostServices) -> None:
    with probe.instantiate(services=services) as first, probe.instantiate(services=services) as second:
        first.init({})
        second.init({})
        assert ask(first, "state", key="visits") == 1
        assert ask(second, "state", key="visits") == 2  # one store shared by the instances
        assert ask(first, "state", key="other") == 1
    value, version = services.state_store.get(b"visits")
    assert value == b"2" and version is not None


def test_metrics_from_a_real_guest(operator: OperatorInstance, services: HostServices) -> None:
    ask(operator, "metric", name="widgets", n=3)
    ask(operator, "metric", name="widgets", n=4)
    assert [(m.operator, m.name, m.kind, m.value) for m in services.metrics] == \
        [("probe/map", "widgets", "counter", 3), ("probe/map", "widgets", "counter", 4)]
    assert services.counter_totals() == {("probe/map", "widgets"): 7}
    assert services.logs[-1].level == "warn" and services.logs[-1].message == "counted 4"


def test_probe_wasm_and_native_agree(probe: CompiledOperator) -> None:
    from workbench.native import parity

    for request in ({"action": "echo", "n": 1}, {"action": "divide", "divisor": 8},
                    {"action": "err"}, {"action": "divide", "divisor": 0}, {"action": "state"}):
        report = parity(probe, Message.of(request, "probe"), config={"site": "south"})
        assert report.same, str(report)


def test_a_result_over_the_copy_limit_is_a_clear_trap(probe: CompiledOperator) -> None:
    """wasmtime's C API copies at most ~2.6 MiB out of a component per call: a defined error."""
    pad = "x" * (3 << 20)
    with probe.instantiate() as op:
        op.init({})
        with pytest.raises(OperatorTrap, match="more data than wasmtime can copy"):
            ask(op, "echo", pad=pad)
        assert ask(op, "echo", n=1) == {"action": "echo", "n": 1}


def test_payload_below_the_hostcall_limit_round_trips(probe: CompiledOperator) -> None:
    pad = "x" * (2 << 20)
    with probe.instantiate() as op:
        op.init({})
        assert ask(op, "echo", pad=pad) == {"action": "echo", "pad": pad}
