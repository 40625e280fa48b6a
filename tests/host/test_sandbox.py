"""Sandbox escapes a real guest tries and the host refuses, with the host checked afterwards.

``tests/compiler/test_runtime.py`` covers the first attempts with ``probe.py`` (reading
``/etc/passwd`` and the test's own file, listing ``/`` and ``/tmp``, writing an absolute path,
the host's environment, a TCP connection to a listening host socket, subprocess and os.system).
These use ``escape.py`` for the rest: relative paths and the working directory; removing,
renaming, linking and creating host files and directories; changing the environment; UDP, a
listening socket and name resolution; signals to a host process, fork, exec and threads; the
clock; native code; and exiting. Each attempt fails inside the guest (the guest reports what it
got), and each test then checks that nothing changed on the host.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from workbench.compiler import CompiledOperator
from workbench.errors import OperatorTimeout, OperatorTrap
from workbench.host.instance import OperatorInstance
from workbench.host.limits import Limits
from workbench.messages import Message

pytestmark = pytest.mark.slow

ESCAPE = "api_1_1/escape.py"


@pytest.fixture(scope="module")
def escape(compiled: Callable[..., CompiledOperator]) -> CompiledOperator:
    return compiled(ESCAPE)


@pytest.fixture
def guest(escape: CompiledOperator) -> Iterator[OperatorInstance]:
    with escape.instantiate(limits=Limits(deadline=0.5)) as operator:
        assert operator.init({}) is True
        yield operator


def ask(operator: OperatorInstance, action: str, **request: object) -> Any:
    """Run one action in the guest; return what it reported."""
    reply = operator.map(Message.of({"action": action, **request}, "escape")).json()
    assert reply["action"] == action
    return reply["result"]


def refused(operator: OperatorInstance, action: str, **request: object) -> str:
    """The error the guest got for ``action`` (the test fails if the attempt worked)."""
    result = ask(operator, action, **request)
    assert result["ok"] is False, f"{action} {request} worked in the guest: {result}"
    return str(result["error"])


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under ``folder`` (links not followed) with its bytes (None for directories and links)."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() and not p.is_symlink() else None)
            for p in sorted(folder.rglob("*"))}


# -- files ---------------------------------------------------------------------------------
def test_the_guest_has_no_working_directory_on_the_host(guest: OperatorInstance, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert refused(guest, "write_relative", name="escaped.txt").startswith("FileNotFoundError")
    assert refused(guest, "chdir", path=str(tmp_path)).startswith("FileNotFoundError")
    assert ask(guest, "cwd") == {"ok": True, "value": "/"}  # the guest's own root, with nothing in it
    assert list(tmp_path.iterdir()) == []
    assert Path.cwd() == tmp_path


def test_host_files_cannot_be_removed_renamed_linked_or_created(guest: OperatorInstance, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_bytes(b"host data")
    (tmp_path / "folder").mkdir()
    before = snapshot(tmp_path)
    for action, request in [("remove", {"path": str(tmp_path / "keep.txt")}),
                            ("rename", {"path": str(tmp_path / "keep.txt")}),
                            ("remove", {"path": str(tmp_path / "folder")}),
                            ("mkdir", {"path": str(tmp_path / "new")}),
                            ("symlink", {"path": str(tmp_path / "link")})]:
        assert refused(guest, action, **request).startswith(("FileNotFoundError", "PermissionError", "OSError"))
    assert snapshot(tmp_path) == before


# -- environment ---------------------------------------------------------------------------
def test_the_guest_changes_only_its_own_environment(escape: CompiledOperator, guest: OperatorInstance) -> None:
    name = f"WORKBENCH_ESCAPE_{os.getpid()}"
    assert ask(guest, "setenv", name=name) == {"ok": True, "value": {name: "from the guest"}}
    assert name not in os.environ
    with escape.instantiate() as other:
        other.init({})
        assert ask(other, "environ") == {"ok": True, "value": {}}  # nor does it reach other instances


# -- network -------------------------------------------------------------------------------
def test_the_guest_cannot_send_udp_to_the_host(guest: OperatorInstance) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(0.3)
        assert refused(guest, "send_udp", port=receiver.getsockname()[1])
        with pytest.raises(TimeoutError):
            receiver.recvfrom(1024)


def test_the_guest_cannot_listen_or_resolve_names(guest: OperatorInstance) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert refused(guest, "listen", port=port)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
        client.settimeout(0.3)
        with pytest.raises(OSError):
            client.connect(("127.0.0.1", port))  # nothing listens on the host
    assert refused(guest, "resolve", host="localhost")


# -- processes -----------------------------------------------------------------------------
def test_the_guest_cannot_signal_a_host_process(guest: OperatorInstance) -> None:
    child = subprocess.Popen(["sleep", "30"])
    try:
        assert refused(guest, "kill", pid=child.pid).startswith("AttributeError")
        time.sleep(0.1)
        assert child.poll() is None  # still running
    finally:
        child.kill()
        child.wait()
    assert ask(guest, "pid")["value"] != os.getpid()


@pytest.mark.parametrize("action", ["fork", "exec", "thread", "ctypes"])
def test_the_guest_cannot_fork_exec_start_threads_or_load_native_code(guest: OperatorInstance, action: str) -> None:
    error = refused(guest, action)
    assert error.startswith(("AttributeError", "RuntimeError", "ModuleNotFoundError", "OSError")), error


# -- the clock -----------------------------------------------------------------------------
def test_the_guest_reads_the_wall_clock_but_cannot_set_it(guest: OperatorInstance) -> None:
    before = time.time()
    clock = ask(guest, "clock")["value"]
    after = time.time()
    assert before - 1 <= clock["time"] <= after + 1  # WASI's wall clock is the host's, as in AIO's runtime
    assert refused(guest, "set_clock").startswith("AttributeError")
    assert abs(time.time() - after) < 60


# -- exiting and blocking ------------------------------------------------------------------
@pytest.mark.parametrize("how", ["sys", "_exit"])
def test_exiting_ends_the_guest_never_the_host(guest: OperatorInstance, how: str) -> None:
    with pytest.raises(OperatorTrap, match=r"exited with status \d+ instead of returning") as info:
        ask(guest, "exit", how=how, code=0)
    assert "wasm backtrace" not in info.value.failure.reason
    assert ask(guest, "pid")["ok"] is True  # the host carries on, with a re-created instance
    assert guest.instantiations == 2


def test_a_guest_sleeping_past_its_deadline_is_reported_as_a_timeout(guest: OperatorInstance) -> None:
    with pytest.raises(OperatorTimeout, match="exceeded its deadline of 0.5 s"):
        ask(guest, "sleep", seconds=1.0)
    assert ask(guest, "pid")["ok"] is True
