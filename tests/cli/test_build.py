"""``workbench build`` and ``workbench demo``, run as ``python -m workbench.cli`` in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._cli import workbench
from tests.conftest import operator_path


@pytest.mark.slow
def test_build_writes_the_component_and_a_json_report(tmp_path: Path) -> None:
    out = tmp_path / "dist" / "reading.wasm"
    done = workbench("build", str(operator_path("api_1_0/bundled/reading.py")), "--api", "1.0.0",
                     "--name", "boiler", "--version", "0.3.0", "-o", str(out), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert out.is_file() and out.read_bytes()[:4] == b"\0asm"
    assert report["output"] == str(out)
    assert report["size_bytes"] == out.stat().st_size > 1_000_000
    assert (report["name"], report["version"], report["api"]) == ("boiler", "0.3.0", "1.0.0")
    assert report["kinds"] == ["map"] and report["world"] == "map-impl"
    assert "tinykube-graph:processor/map@1.0.0" in report["exports"]
    assert "tinykube-graph:processor/types@1.0.0" in report["imports"]
    assert report["deployable"] is True and report["warnings"] == []
    assert isinstance(report["cache_hit"], bool) and report["build_seconds"] >= 0
    assert len(report["key"]) == 64


@pytest.mark.slow
def test_build_prints_a_summary_without_json(tmp_path: Path) -> None:
    out = tmp_path / "probe.wasm"
    done = workbench("build", str(operator_path("api_1_1/probe.py")), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("probe:1.0.0 [map] API 1.1.0")
    assert f"wrote {out}" in done.stdout
    assert out.is_file()


def test_build_syntax_error_exits_1_naming_the_line(tmp_path: Path) -> None:
    source = tmp_path / "broken.py"
    source.write_text("from map_impl import exports\n\n\nclass Map(exports.Map)\n    pass\n")
    out = tmp_path / "broken.wasm"
    done = workbench("build", str(source), "-o", str(out), "--json", timeout=120)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith(f"error: {source}, line 4: syntax error")
    assert "class Map(exports.Map)" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_build_missing_source_exits_1(tmp_path: Path) -> None:
    done = workbench("build", str(tmp_path / "absent.py"), "-o", str(tmp_path / "x.wasm"), timeout=120)
    assert done.returncode == 1
    assert "cannot read operator source" in done.stderr


def test_build_check_error_shows_a_hint(tmp_path: Path) -> None:
    source = tmp_path / "op.py"
    source.write_text("from map_impl import exports\n\nclass Map(exports.Map):\n"
                      "    def init(self, configuration):\n        return True\n")
    done = workbench("build", str(source), "-o", str(tmp_path / "x.wasm"), timeout=120)
    assert done.returncode == 1
    assert "class 'Map' has no 'process' method" in done.stderr
    assert "hint: add def process(self, message)" in done.stderr


def test_usage_error_exits_2() -> None:
    done = workbench("build", timeout=120)
    assert done.returncode == 2
    assert "usage: workbench build" in done.stderr


@pytest.mark.slow
def test_demo_prints_the_converted_reading() -> None:
    done = workbench("demo", "--fahrenheit", "212")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].startswith("temperature:1.0.0 [map] API 1.1.0")
    assert 'in : {"temperature": {"value": 212.0, "unit": "F"}}' in lines
    assert 'out: {"temperature": {"value": 100.0, "unit": "C"}}' in lines
    assert "log: [info] temperature: initialised" in lines


@pytest.mark.slow
def test_demo_default_reading() -> None:
    done = workbench("demo")
    assert done.returncode == 0, done.stderr
    assert 'out: {"temperature": {"value": 37.0, "unit": "C"}}' in done.stdout.splitlines()
