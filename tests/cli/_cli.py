"""Running the ``workbench`` command line: in a subprocess, or in-process through ``main``."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from workbench.cli import main

ROOT = Path(__file__).resolve().parents[2]


def workbench(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``python -m workbench.cli ARGS`` from the repository root."""
    return subprocess.run([sys.executable, "-m", "workbench.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


@dataclass
class Done:
    code: int
    out: str
    err: str


def call(capsys: pytest.CaptureFixture[str], *args: str) -> Done:
    """``workbench ARGS`` in this process; usage errors (argparse exits) give code 2 as well."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return Done(code, captured.out, captured.err)
