"""The ``workbench`` command line: argparse subcommands over the public Python API."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import WorkbenchError
from . import build, demo, export, lab, pull, push, run, test, warm


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="workbench", description=__doc__)
    root.add_argument("--traceback", action="store_true", help="show full Python tracebacks on errors")
    commands = root.add_subparsers(dest="command", required=True)
    for module in (build, demo, run, test, export, push, pull, lab, warm):
        module.register(commands)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except WorkbenchError as exc:
        if args.traceback:
            raise
        print(f"error: {exc}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
