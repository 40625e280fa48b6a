"""``workbench run GRAPH.yaml --module REF=PATH ... --input PATH [--output OUT.jsonl] [--report R.html]``.

Runs a graph definition over input data, as AIO's local runtime does, and prints a summary
(or, with ``--json``, the summary as JSON). ``--output`` writes the output messages as JSON
lines in the local runtime's format; ``--report`` writes an HTML run report with figures
(``workbench.metrics.write_report``). The graph, ``--module`` and ``--config`` are checked
against each other before anything is built, so a typo fails fast with the graph file's name.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..dataflow.run import MODES
from ..errors import GraphError

MODULE_EXAMPLE = "azure-samples/explore-iot-operations/temperature:1.0.0=temperature.py"


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("run", help="run an AIO graph definition over input data")
    p.add_argument("graph", help="the graph definition (.yaml)")
    p.add_argument("--module", action="append", default=[], metavar="REF=PATH",
                   help="a module the graph references: a .py source (built with the cache) or a .wasm")
    p.add_argument("--input", required=True,
                   help="a directory of .json payloads, .jsonl, .json, .csv, or dataset:NAME[:N]")
    p.add_argument("--output", help="write output messages here as JSON lines (AIO's format)")
    p.add_argument("--config", action="append", default=[], metavar="OPERATION.KEY=VALUE",
                   help="a configuration parameter for an operation's init")
    p.add_argument("--state", metavar="STATESTORE.json", help="seed the state store (AIO's statestore.json format)")
    p.add_argument("--mode", choices=MODES, default="wasm", help="run wasm components or native Python")
    p.add_argument("--out-of-order", type=float, default=0.0, metavar="SECONDS",
                   help="how far behind the newest message an input may arrive before it is late")
    p.add_argument("--json", action="store_true", help="print the run summary as JSON")
    p.add_argument("--report", metavar="PATH", help="write an HTML run report here (figures included; works offline)")
    p.set_defaults(run=run)


def modules_from(assignments: list[str]) -> dict[str, str]:
    """``["REF=PATH", ...]`` → ``{REF: PATH}``; a ``GraphError`` quoting a malformed one."""
    modules = {}
    for text in assignments:
        reference, eq, path = text.partition("=")
        if not eq or not reference.strip() or not path.strip():
            raise GraphError(f"--module {text!r} must be REF=PATH, e.g. {MODULE_EXAMPLE}")
        modules[reference.strip()] = path.strip()
    return modules


def check_modules(graph: Any, modules: dict[str, str]) -> None:
    """Every module the graph uses is given, and every one given is used."""
    used = sorted({op.module for op in graph.operations if op.module})
    where = graph.source_file or graph.name
    for reference in modules:
        if reference not in used:
            raise GraphError(f"{where}: --module {reference!r}: the graph uses no such module "
                             f"(it uses: {', '.join(used) or 'none'})")
    missing = [reference for reference in used if reference not in modules]
    if missing:
        raise GraphError(f"{where}: no --module for {', '.join(map(repr, missing))}; "
                         f"pass --module REF=PATH (.py or .wasm) for each")


def check_config(graph: Any, assignments: list[str]) -> None:
    """Every ``--config`` is OPERATION.KEY=VALUE for an operation of the graph."""
    names = [op.name for op in graph.operations]
    where = graph.source_file or graph.name
    for text in assignments:
        key, eq, _ = text.partition("=")
        operation, dot, parameter = key.strip().rpartition(".")
        if not eq or not dot or not operation or not parameter:
            raise GraphError(f"{where}: --config {text!r} must be OPERATION.KEY=VALUE, "
                             "e.g. module-temperature/map.precision=2")
        if operation not in names:
            raise GraphError(f"{where}: --config {text!r}: the graph has no operation {operation!r} "
                             f"(operations: {', '.join(names)})")


def check_report(path: str) -> None:
    """The report's folder exists, so a long run does not end in a failed write."""
    from ..metrics import MetricsError

    folder = Path(path).parent
    if not folder.is_dir():
        raise MetricsError(f"--report {path}: there is no folder {str(folder)!r} to write the report in")


def run(args: argparse.Namespace) -> int:
    from ..dataflow.run import load
    from ..dataflow.run import run as run_graph

    graph = load(args.graph)
    modules = modules_from(args.module)
    check_modules(graph, modules)
    check_config(graph, args.config)
    if args.report:
        check_report(args.report)
    # Every output is written to --output as it is produced; memory keeps only the first ones.
    result = run_graph(graph, args.input, modules=modules, mode=args.mode, config=args.config,
                       out_of_order=args.out_of_order, state=args.state, output_path=args.output)
    if args.report:
        from ..metrics import write_report

        write_report(result, args.report, graph=graph)
    print(json.dumps(summary(result), indent=2) if args.json else text_summary(result, args.output, args.report))
    return 0


def summary(result: Any) -> dict[str, Any]:
    return {"graph": result.graph, "inputs": result.inputs, "outputs": result.output_count,
            "late": result.late, "seconds": result.seconds,
            "operators": json.loads(result.summary.to_json(orient="records"))}


def text_summary(result: Any, output: str | None, report: str | None = None) -> str:
    rate = result.inputs / result.seconds if result.seconds else 0.0
    lines = [f"{result.graph}: {result.inputs} inputs → {result.output_count} outputs "
             f"in {result.seconds:.3f} s ({rate:,.0f} msg/s), {result.late} late",
             result.summary.to_string(index=False)]
    if output:
        lines.append(f"wrote {output}")
    if report:
        lines.append(f"wrote report {report}")
    return "\n".join(lines)
