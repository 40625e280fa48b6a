"""Lint and type checks run with the test suite, as part of CI's single test command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_clean() -> None:
    done = _run("ruff", "check", "workbench", "tests", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_is_clean() -> None:
    done = _run("mypy", "workbench", "--ignore-missing-imports")
    assert done.returncode == 0, done.stdout + done.stderr
