"""``workbench build SRC.py -o OUT.wasm``: compile an operator and print its report."""

from __future__ import annotations

import argparse
import json
import sys

from ..compiler import compile_operator
from ..compiler.wit import API_VERSIONS, DEFAULT_API, KINDS


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("build", help="compile a Python operator to a WebAssembly component")
    p.add_argument("source", help="the operator's .py file")
    p.add_argument("--kind", choices=KINDS, help="operator kind (default: from the classes defined)")
    p.add_argument("--name", help="module name (default: the file name)")
    p.add_argument("--version", help="module version (default: 1.0.0)")
    p.add_argument("--api", choices=API_VERSIONS, default=DEFAULT_API, help="AIO API version")
    p.add_argument("-o", "--output", required=True, help="where to write the .wasm component")
    p.add_argument("--json", action="store_true", help="print the build report as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    compiled = compile_operator(args.source, kind=args.kind, name=args.name, version=args.version, api=args.api)
    compiled.save(args.output)
    report = compiled.report
    if args.json:
        print(json.dumps({**report.to_dict(), "output": args.output}, indent=2))
    else:
        print(report.summary())
        print(f"wrote {args.output}")
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    return 0
