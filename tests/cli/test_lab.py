"""``workbench lab``: JupyterLab on the tutorials, or on a given folder.

The command line is checked in-process; one slow test starts the real JupyterLab on a free
loopback port and asks its contents API what folder it serves.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.cli._cli import ROOT, call
from workbench.cli.lab import command, tutorials_folder
from workbench.processes import free_port


def test_the_tutorials_are_the_default_folder() -> None:
    assert tutorials_folder() == ROOT / "notebooks"
    assert (ROOT / "notebooks" / "01-first-map-operator.ipynb").is_file()


def test_the_command_line(tmp_path: Path) -> None:
    root = ["--allow-root"] if os.geteuid() == 0 else []
    assert command(tmp_path) == [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={tmp_path}", *root]
    assert command(tmp_path, 8899, no_browser=True) == [*command(tmp_path)[:4], "--ServerApp.port=8899",
                                                        "--no-browser", *root]


def test_a_missing_folder_and_a_bad_port(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    done = call(capsys, "lab", str(tmp_path / "nowhere"))
    assert done.code == 1 and "nowhere: no such folder to open in JupyterLab" in done.err
    done = call(capsys, "lab", "--port", "70000")
    assert done.code == 1 and "--port 70000 is not a TCP port" in done.err


@pytest.mark.slow
def test_jupyterlab_serves_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    folder.mkdir()
    (folder / "hello.ipynb").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    port, token = free_port(), "workbench-lab-test"
    env = {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "HOME": str(tmp_path)}
    # Its own process group: the workbench process and the JupyterLab it starts stop together.
    lab = subprocess.Popen([sys.executable, "-m", "workbench.cli", "lab", str(folder), "--port", str(port),
                            "--no-browser"], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           start_new_session=True)
    try:
        listing = _contents(port, token, lab, timeout=90)
        assert [item["name"] for item in listing["content"]] == ["hello.ipynb"]
    finally:
        if lab.poll() is None:
            os.killpg(lab.pid, signal.SIGTERM)
        output, _ = lab.communicate(timeout=30)
    assert f"starting JupyterLab on {folder}" in output.decode()


def _contents(port: int, token: str, lab: subprocess.Popen[bytes], timeout: float) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lab.poll() is not None:
            pytest.fail(f"workbench lab exited with {lab.returncode}:\n{lab.stdout.read().decode() if lab.stdout else ''}")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/contents",
                                             headers={"Authorization": f"token {token}"})
            with urllib.request.urlopen(request, timeout=5) as answer:
                return dict(json.load(answer))
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer on port {port} within {timeout:g} s")
