"""Engine overhead and end-to-end throughput of the dataflow engine.

    python benchmarks/engine.py [--messages N] [--wasm-messages N]

1. Engine overhead per message per operator: a chain of native no-op operators
   (Python objects, so nearly all the time is the engine's), for chains of 1 and 9 maps;
   the difference divided by 8 is the cost one more operator adds per message.
2. End to end: a 5-operator graph of wasm components (map → filter → delay → branch →
   accumulate) over the temperature dataset, messages/s and peak memory (RSS).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from typing import Any

from workbench import Message, compile_operator, load_dataset, load_graph, run

HERE = Path(__file__).parent
PIPELINE = "benchmarks/pipeline:1.0.0"


def chain_graph(maps: int) -> Any:
    names = [f"noop{i}/map" for i in range(maps)]
    operations = "".join(f"  - operationType: map\n    name: {n}\n    module: {PIPELINE}\n" for n in names)
    path = ["source", *names, "sink"]
    connections = "".join(f"  - from:\n      name: {a}\n    to:\n      name: {b}\n" for a, b in zip(path, path[1:]))
    return load_graph(_graph_yaml(f"chain-{maps}", operations, connections))


def _graph_yaml(name: str, operations: str, connections: str) -> str:
    return (f"metadata:\n  $schema: https://www.schemastore.org/aio-wasm-graph-config-1.0.0.json\n"
            f"  name: {name}\n  version: 1.0.0\nmoduleRequirements:\n  apiVersion: 1.1.0\n"
            f"  runtimeVersion: 1.1.0\noperations:\n  - operationType: source\n    name: source\n"
            f"{operations}  - operationType: sink\n    name: sink\nconnections:\n{connections}")


class NoOp:
    """A native operator doing nothing: what remains is the engine."""

    kinds = ("map", "filter", "branch", "accumulate", "delay")

    def instantiate(self, kind: str | None = None, **options: Any) -> Any:
        return self

    native = instantiate

    def init(self, properties: dict[str, str]) -> bool:
        return True

    def process(self, message: Message) -> Message:
        return message

    def close(self) -> None:
        return None


def engine_overhead(messages: int) -> tuple[float, float]:
    inputs = list(load_dataset("temperature", n=messages))
    timings = {}
    for maps in (1, 9):
        graph = chain_graph(maps)
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            run(graph, inputs, modules={PIPELINE: NoOp()}, mode="native")
            best = min(best, time.perf_counter() - started)
        timings[maps] = best / messages
    per_operator = (timings[9] - timings[1]) / 8
    return timings[1], per_operator


def pipeline_graph() -> Any:
    ops = [("to-celsius/map", "map"), ("plausible/filter", "filter"), ("window/delay", "delay"),
           ("hot/branch", "branch"), ("summary/accumulate", "accumulate")]
    operations = "".join(f"  - operationType: {kind}\n    name: {name}\n    module: {PIPELINE}\n"
                         for name, kind in ops)
    links = [("source", "to-celsius/map", None), ("to-celsius/map", "plausible/filter", None),
             ("plausible/filter", "window/delay", None), ("window/delay", "hot/branch", None),
             ("hot/branch", "summary/accumulate", "True"), ("hot/branch", "sink", "False"),
             ("summary/accumulate", "sink", None)]
    connections = "".join(
        f"  - from:\n      name: {a}\n" + (f"      arm: \"{arm}\"\n" if arm else "") + f"    to:\n      name: {b}\n"
        for a, b, arm in links)
    return load_graph(_graph_yaml("pipeline", operations, connections))


def end_to_end(messages: int) -> tuple[float, float, int]:
    module = compile_operator(HERE / "operators" / "pipeline.py", name="pipeline")
    started = time.perf_counter()
    result = run(pipeline_graph(), load_dataset("temperature", n=messages), modules={PIPELINE: module})
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return messages / seconds, peak_mib, result.output_count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=50_000, help="messages for the overhead measurement")
    parser.add_argument("--wasm-messages", type=int, default=100_000, help="messages for the wasm graph")
    args = parser.parse_args(argv)
    one, per_operator = engine_overhead(args.messages)
    print(f"engine overhead: {one * 1e6:.1f} µs per message through source → 1 no-op map → sink; "
          f"{per_operator * 1e6:.1f} µs per message for each further operator (target < 10 µs)")
    rate, peak, outputs = end_to_end(args.wasm_messages)
    print(f"5-operator wasm graph: {args.wasm_messages} messages at {rate:,.0f} msg/s, "
          f"{outputs} outputs, peak RSS {peak:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
