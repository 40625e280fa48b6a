"""The Binder setup, built the way repo2docker builds it, runs every tutorial.

repo2docker (mybinder.org) takes the Python version from ``binder/runtime.txt``, installs
``binder/apt.txt`` (the local registry tutorial 7 starts), installs ``binder/requirements.txt``
with pip from the repository root, runs ``binder/postBuild`` there, and starts JupyterLab at ``urlpath`` (the README's badge:
``lab/tree/notebooks``). This test does the same in a fresh virtual environment with its own
empty HOME, then runs the tutorials with nbval on that environment's Python, so a dependency
that only this repository's ``.venv`` happens to have, or a postBuild step that fails on a clean
machine, fails here rather than on Binder.

One difference, on purpose: ``WORKBENCH_CACHE_DIR`` points at this machine's normal build
cache instead of the fresh HOME's. The build cache is keyed by content (source, bundled
modules, WIT, componentize-py version), so ``workbench warm`` in postBuild still runs for every
tutorial operator and must succeed, but builds only what the normal cache lacks: an empty cache
would add about three minutes of cold builds, and they are the very same builds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from workbench.compiler.cache import cache_root

ROOT = Path(__file__).resolve().parents[2]
BADGE = "https://mybinder.org/v2/gh/workbench-dev/workbench/HEAD?urlpath=lab/tree/notebooks"

pytestmark = pytest.mark.slow


def test_the_readme_badge_opens_the_tutorials_in_jupyterlab() -> None:
    readme = (ROOT / "README.md").read_text()
    assert f"[![Binder](https://mybinder.org/badge_logo.svg)]({BADGE})" in readme
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def test_binder_python_and_system_packages() -> None:
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert runtime == "python-3.11" and requires == ">=3.11"
    assert "docker-registry" in (ROOT / "binder" / "apt.txt").read_text().split()


def test_a_binder_built_environment_runs_the_tutorials(tmp_path: Path) -> None:
    venv, home = tmp_path / "venv", tmp_path / "home"
    home.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env = binder_environment(venv, home)

    install = run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"],
                  env, timeout=900)
    assert install.returncode == 0, install.stdout[-5000:]

    extensions = run([str(venv / "bin" / "jupyter"), "labextension", "list"], env, timeout=120)
    line = next((ln for ln in extensions.stdout.splitlines() if "workbench-jupyterlab" in ln), "")
    assert "enabled" in line and "OK" in line, extensions.stdout[-3000:]  # the extension is active on Binder

    warm = run([str(ROOT / "binder" / "postBuild")], env, timeout=900)
    assert warm.returncode == 0, warm.stdout[-5000:]
    assert "0 failed" in warm.stdout.splitlines()[-1], warm.stdout[-5000:]

    tutorials = run([str(venv / "bin" / "python"), "-m", "pytest", "notebooks", "-q", "-p", "no:cacheprovider"],
                    env, timeout=900)
    assert tutorials.returncode == 0, tutorials.stdout[-8000:]
    assert " passed" in tutorials.stdout.splitlines()[-1] and "failed" not in tutorials.stdout.splitlines()[-1]


def binder_environment(venv: Path, home: Path) -> dict[str, str]:
    """This process's environment as a fresh Binder user's: the venv first on PATH, an empty HOME."""
    drop = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
            "JUPYTER_RUNTIME_DIR", "JUPYTER_PATH", "IPYTHONDIR")
    env = {key: value for key, value in os.environ.items() if key not in drop and not key.startswith("WORKBENCH_")}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_DATA_HOME=str(home / ".local" / "share"), PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
               WORKBENCH_CACHE_DIR=str(cache_root()))  # see the module's docs
    return env


def run(command: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=False, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=timeout)
