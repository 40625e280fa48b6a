"""JupyterLab on loopback, driven in Debian's Chromium with Playwright (sync API).

One JupyterLab server per test module, started with a throwaway configuration: temporary
config, data, runtime, settings and workspace folders, a random token, a free port, and a
temporary copy of ``notebooks/`` (plus this folder's notebooks) as its root. Extensions are
still found where ``pip install`` put them (``<sys.prefix>/share/jupyter/labextensions``), so the
tests see the prebuilt workbench extension exactly as a user would. The build cache is the
user's (``$WORKBENCH_CACHE_DIR`` or ``~/.cache/workbench``): a second run is warm.

Screenshots go to ``test-output/browser/<test name>/`` (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from workbench.processes import free_port, stop_process

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
OUTPUT = ROOT / "test-output" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
START_TIMEOUT = 120.0
SETTINGS = {  # no news or update toasts over the screenshots
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": '{"fetchNews": "false", "checkForUpdates": false}',
}


@dataclass
class JupyterLab:
    """A running server: ``url(path)`` gives an address with the token."""

    base: str
    token: str
    root: Path
    log: Path
    process: subprocess.Popen[bytes]

    def url(self, path: str = "lab") -> str:
        return f"{self.base}/{path.lstrip('/')}?token={self.token}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        stop_process(self.process, timeout=30)  # the server shuts its kernels down on SIGTERM


def _environment(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    folders = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data", "JUPYTER_RUNTIME_DIR": "runtime",
               "JUPYTERLAB_SETTINGS_DIR": "settings", "JUPYTERLAB_WORKSPACES_DIR": "workspaces", "IPYTHONDIR": "ipython"}
    for variable, name in folders.items():
        (home / name).mkdir(parents=True, exist_ok=True)
        env[variable] = str(home / name)
    env.pop("JUPYTER_PATH", None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # kernels use this Python
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    for name, text in SETTINGS.items():
        target = home / "settings" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return env


def _wait_until_up(lab: JupyterLab) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {lab.process.returncode}:\n{lab.log_text()[-3000:]}")
        try:
            with urllib.request.urlopen(lab.url("api/status"), timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not answer within {START_TIMEOUT:.0f} s:\n{lab.log_text()[-3000:]}")


def start_lab(home: Path, notebooks: list[Path], disabled_extensions: tuple[str, ...] = ()) -> JupyterLab:
    """Start JupyterLab serving a temporary folder holding copies of ``notebooks``.

    ``disabled_extensions`` are switched off as ``jupyter labextension disable`` would (the
    throwaway config folder's ``labconfig/page_config.json``).
    """
    root = home / "root"
    root.mkdir(parents=True)
    for notebook in notebooks:
        shutil.copy(notebook, root / notebook.name)
    port, token = free_port(), os.urandom(16).hex()
    log = home / "jupyterlab.log"
    env = _environment(home)
    if disabled_extensions:
        page_config = Path(env["JUPYTER_CONFIG_DIR"]) / "labconfig" / "page_config.json"
        page_config.parent.mkdir(parents=True, exist_ok=True)
        page_config.write_text(json.dumps({"disabledExtensions": {name: True for name in disabled_extensions}}))
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--ServerApp.allow_root=True"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    lab = JupyterLab(f"http://127.0.0.1:{port}", token, root, log, process)
    try:
        _wait_until_up(lab)
    except BaseException:
        lab.stop()
        raise
    return lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(HERE.glob("*.ipynb"))
    server = start_lab(tmp_path_factory.mktemp("jupyterlab"), notebooks)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, lab: JupyterLab, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1500, "height": 950}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """The test's screenshot folder (emptied first)."""
    folder = OUTPUT / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
