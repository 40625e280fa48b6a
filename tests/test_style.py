"""Lint and type checks run with the test suite, as CI's single test command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.skipif(shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff").exists(),
                    reason="ruff is part of the test extras")
def test_ruff_is_clean() -> None:
    done = _run("ruff", "check", "workbench", "tests", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_is_clean() -> None:
    pytest.importorskip("mypy", reason="mypy is part of the test extras")
    done = _run("mypy", "workbench", "--ignore-missing-imports")
    assert done.returncode == 0, done.stdout + done.stderr
