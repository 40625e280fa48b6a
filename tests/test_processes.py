"""Helper processes: free ports, and stopping children that end on SIGTERM or ignore it."""

from __future__ import annotations

import socket
import subprocess
import sys

from workbench.processes import free_port, stop_process


def test_a_free_port_can_be_bound() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", free_port()))


def test_stop_ends_a_process_on_sigterm() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    stop_process(process)
    assert process.returncode == -15


def test_stop_kills_a_process_that_ignores_sigterm() -> None:
    ignoring = "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
    process = subprocess.Popen([sys.executable, "-c", ignoring], stdout=subprocess.PIPE)
    assert process.stdout is not None and process.stdout.readline() == b"ready\n"
    stop_process(process, timeout=0.5)
    assert process.returncode == -9


def test_stopping_nothing_or_an_ended_process_does_nothing() -> None:
    stop_process(None)
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    stop_process(process)
    assert process.returncode == 0
