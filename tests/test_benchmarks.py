"""The benchmarks run and print their figures (tiny sizes: this checks that they work, not speed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def run_benchmark(name: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCHMARKS / name), *args], capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_host_overhead_prints_every_row_and_the_targets() -> None:
    out = run_benchmark("host_overhead.py", "--messages", "20", "--rounds", "2", "--warmup", "2")
    for row in ("(a) no-op map", "(b) temperature map", "(c) no-op map", "(c) temperature map", "(d) no-op map",
                "(d) temperature map", "(e) no-op map after JSON work"):
        assert row in out, out
    for line in ("workbench host vs generic path:", "host-side conversion per call:", "host callbacks:",
                 "(b)/(d) wasm over native:", "cache effect:"):
        assert line in out, out


def test_engine_benchmark_prints_overhead_and_wasm_throughput() -> None:
    out = run_benchmark("engine.py", "--messages", "200", "--wasm-messages", "50")
    assert "µs" in out and "msg/s" in out, out


def test_load_benchmark_prints_memory_figures() -> None:
    out = run_benchmark("load.py", "--messages", "500", "--wasm-messages", "50", "--recompiles", "2", "--variants", "0")
    assert "MiB" in out, out
