"""``workbench run ... --report PATH``: the run report from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._cli import call
from tests.testing._suite import OPERATOR, REFERENCE, SUITE

ARGS = ("run", str(SUITE / "graph.yaml"), "--module", f"{REFERENCE}={OPERATOR}", "--input", str(SUITE / "input"),
        "--mode", "native")


def test_run_writes_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "report.html"
    done = call(capsys, *ARGS, "--report", str(path))
    assert done.code == 0, done.err
    assert done.out.splitlines()[-1] == f"wrote report {path}"
    html = path.read_text(encoding="utf-8")
    assert 'id="workbench-graph"' in html and "<td>convert/map</td>" in html


def test_json_output_stays_json_with_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "report.html"
    done = call(capsys, *ARGS, "--json", "--report", str(path))
    assert done.code == 0, done.err
    assert json.loads(done.out)["inputs"] == 4 and path.is_file()


def test_an_unwritable_report_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    done = call(capsys, *ARGS, "--report", str(tmp_path / "no-such-dir" / "report.html"))
    assert done.code == 1 and done.err.startswith("error: --report ") and "no-such-dir" in done.err
    assert done.out == ""  # refused before running
