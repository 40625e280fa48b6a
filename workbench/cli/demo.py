"""``workbench demo``: compile the sample temperature operator and run a message through it."""

from __future__ import annotations

import argparse
import json
from importlib import resources

from ..compiler import compile_operator
from ..host.services import HostServices
from ..messages import Message, Timestamp


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("demo", help="build the sample operator and run one message through it")
    p.add_argument("--fahrenheit", type=float, default=98.6, help="the sample reading (°F)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    source = resources.files("workbench") / "samples" / "temperature.py"
    print("compiling the sample temperature operator (the first build takes a minute)…")
    compiled = compile_operator(str(source), name="temperature")
    print(compiled.report.summary())
    message = Message.of({"temperature": {"value": args.fahrenheit, "unit": "F"}}, "sensors/temperature",
                         timestamp=Timestamp.from_millis(1_700_000_000_000, 0, "demo"))
    services = HostServices()
    with compiled.instantiate(services=services) as operator:
        operator.init({"precision": "1"})
        result = operator.map(message)
    print(f"in : {message.text()}")
    print(f"out: {json.dumps(result.json())}")
    for record in services.logs:
        print(f"log: [{record.level}] {record.context}: {record.message}")
    return 0
