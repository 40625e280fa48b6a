"""Load and leaks: long runs hold memory flat, and recompiles and reruns give back what they take.

    python benchmarks/load.py [--messages N] [--wasm-messages N] [--recompiles N] [--variants N]

1. ``--messages`` (1,000,000) temperature readings, streamed from the dataset, through a
   3-operator graph (°F→°C map → 10-second window delay → summary accumulate: the
   ``operators/pipeline.py`` module) run natively from its source: messages/s, peak RSS, and RSS
   sampled through ``on_progress``: the peak of the second half of the run minus the peak of the
   10-50 % stretch (peaks, because trace records fill to their limit and are thinned to half, again
   and again: RSS saw-tooths by tens of MiB while staying bounded).
2. ``--wasm-messages`` (200,000) readings through the same graph as wasm components: the same figures.
   Here RSS does rise during the run, in the guests: componentize-py 0.14 never frees an export's
   indirect parameters, so each instance keeps ~100 B plus the topic, properties and node ids of
   every call in its linear memory, until the run closes it ("after the run").
3. ``--recompiles`` (100) ``compile_operator`` calls of one source (build-cache hits, each loading a
   new component) and, for ``--variants`` (2) more sources, a build each (cold the first time the
   script runs; cached after), each compile followed by a short wasm run whose operator traps once
   (so its instance is discarded and re-created): RSS and open file descriptors before and after
   (measured after the first 5 rounds have warmed the allocator), and the temporary files left
   (in a private temporary directory, so other processes' files do not count).

Outputs are kept as ``run`` keeps them by default (the first 50,000): about one output per
10-second window of 40 readings, 25,000 for a million readings.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from workbench import compile_operator, load_dataset, load_graph, run
from workbench.messages import Message

HERE = Path(__file__).parent
PIPELINE = HERE / "operators" / "pipeline.py"
REFERENCE = "benchmarks/pipeline:1.0.0"
STEPS = (("to-celsius/map", "map"), ("window/delay", "delay"), ("summary/accumulate", "accumulate"))


def rss_mib() -> float:
    """Resident memory now (``VmRSS``), in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def three_step_graph() -> Any:
    operations = "".join(f"  - operationType: {kind}\n    name: {name}\n    module: {REFERENCE}\n"
                         for name, kind in STEPS)
    path = ["source", *(name for name, _ in STEPS), "sink"]
    connections = "".join(f"  - from:\n      name: {a}\n    to:\n      name: {b}\n" for a, b in zip(path, path[1:]))
    return load_graph("metadata:\n  $schema: https://www.schemastore.org/aio-wasm-graph-config-1.0.0.json\n"
                      "  name: load\n  version: 1.0.0\nmoduleRequirements:\n  apiVersion: 1.1.0\n"
                      "  runtimeVersion: 1.1.0\noperations:\n  - operationType: source\n    name: source\n"
                      f"{operations}  - operationType: sink\n    name: sink\nconnections:\n{connections}")


class RssSamples:
    """``on_progress`` for ``run``: (messages so far, RSS) about every ``progress_every`` seconds."""

    def __init__(self) -> None:
        self.samples: list[tuple[int, float]] = []

    def __call__(self, snapshot: Any) -> None:
        self.samples.append((snapshot.inputs, rss_mib()))

    def peak(self, start: float, end: float, total: int) -> float:
        """The highest RSS sampled between ``start`` and ``end`` (fractions of ``total`` messages);
        NaN when no sample fell there (a run shorter than the sampling interval)."""
        seen_there = [rss for seen, rss in self.samples if start * total <= seen <= end * total]
        return max(seen_there) if seen_there else float("nan")

    def growth(self, total: int) -> float:
        """Peak RSS of the second half of the run minus that of the 10-50 % stretch.

        Peaks, not points: trace records fill up to their limit and are then thinned to half,
        again and again, so RSS saw-tooths by tens of MiB while staying bounded.
        """
        return self.peak(0.5, 1.0, total) - self.peak(0.1, 0.5, total)


def long_run(module: Any, mode: str, messages: int) -> dict[str, float]:
    samples = RssSamples()
    gc.collect()
    started_rss = rss_mib()
    started = time.perf_counter()
    result = run(three_step_graph(), load_dataset("temperature", n=messages), modules={REFERENCE: module},
                 mode=mode, on_progress=samples, progress_every=0.25)
    seconds = time.perf_counter() - started
    assert result.inputs == messages
    gc.collect()
    return {"rate": messages / seconds, "seconds": seconds, "outputs": result.output_count, "start": started_rss,
            "during": samples.peak(0.0, 1.0, messages), "peak": peak_rss_mib(), "growth": samples.growth(messages),
            "end": rss_mib()}


def variant_source(number: int) -> str:
    """A distinct but deterministic source: cold to build once, a cache hit on later runs of the script."""
    return PIPELINE.read_text() + f"\n\nVARIANT = {number}  # benchmarks/load.py: a distinct build\n"


def recompile_round(source: str | Path, inputs: list[Message]) -> None:
    compiled = compile_operator(source, name="pipeline")
    result = run(three_step_graph(), inputs, modules={REFERENCE: compiled}, errors="skip")
    assert result.failed == 1, result.failed  # the trap: one discarded and re-created instance


def recompiles(rounds: int, variants: int) -> dict[str, Any]:
    # The first reading is not JSON: the map traps on it, and its instance is re-created.
    inputs = [Message(b"not json", "t"), *load_dataset("temperature", n=50)]
    private = Path(tempfile.mkdtemp(prefix="benchmark-load-"))
    tempfile.tempdir = str(private)  # only this process's temporary files land there
    try:
        warm = 5
        for _ in range(warm):
            recompile_round(PIPELINE, inputs)
        gc.collect()
        before: dict[str, Any] = {"rss": rss_mib(), "fds": open_fds()}
        started = time.perf_counter()
        for _ in range(rounds - warm):
            recompile_round(PIPELINE, inputs)
        for number in range(variants):
            recompile_round(variant_source(number), inputs)
        seconds = time.perf_counter() - started
        gc.collect()
        after: dict[str, Any] = {"rss": rss_mib(), "fds": open_fds()}
    finally:
        tempfile.tempdir = None
        left = sorted(entry.name for entry in private.iterdir())
        shutil.rmtree(private)
    return {"before": before, "after": after, "seconds": seconds, "left": left}


def report(title: str, messages: int, figures: dict[str, float]) -> str:
    return (f"{title}: {messages:,} messages at {figures['rate']:,.0f} msg/s ({figures['seconds']:.0f} s, "
            f"{figures['outputs']:,} outputs); RSS {figures['start']:,.0f} MiB before, at most "
            f"{figures['during']:,.0f} MiB during, {figures['end']:,.0f} MiB after the run (process peak "
            f"{figures['peak']:,.0f} MiB); peak of the second half minus peak of the 10-50 % stretch: "
            f"{figures['growth']:+,.1f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1_000_000, help="messages for the native run")
    parser.add_argument("--wasm-messages", type=int, default=200_000, help="messages for the wasm run")
    parser.add_argument("--recompiles", type=int, default=100, help="compiles of one source (cache hits)")
    parser.add_argument("--variants", type=int, default=2, help="distinct sources built besides")
    args = parser.parse_args(argv)
    print(report("3-operator native graph", args.messages, long_run(PIPELINE, "native", args.messages)), flush=True)
    wasm = compile_operator(PIPELINE, name="pipeline")
    print(report("3-operator wasm graph", args.wasm_messages, long_run(wasm, "wasm", args.wasm_messages)), flush=True)
    figures = recompiles(args.recompiles, args.variants)
    before, after = figures["before"], figures["after"]
    print(f"{args.recompiles} recompiles (+{args.variants} distinct sources) with a run each, "
          f"{figures['seconds']:.0f} s: RSS {before['rss']:,.0f} → {after['rss']:,.0f} MiB "
          f"({after['rss'] - before['rss']:+,.1f}), open fds {before['fds']} → {after['fds']}, "
          f"temporary files left: {figures['left'] or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
