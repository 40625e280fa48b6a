"""``workbench test PATH ...``: run AIO local test files (``*.test.yaml``), with a diff on failure.

PATHs are test files or folders searched for ``*.test.yaml``. A test file that cannot be read
counts as an error and the others still run. Exit status 0 when every test passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import GraphError, WorkbenchError
from ..testing.aio_tests import ERROR, TestOutcome, run_test
from ..testing.testfile import load_test

SUFFIX = ".test.yaml"


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("test", help="run AIO local test files (*.test.yaml)")
    p.add_argument("paths", nargs="+", help="test files, or folders to search for *.test.yaml")
    p.add_argument("--module", action="append", default=[], metavar="REF=PATH",
                   help="a module the graphs reference (.py or .wasm); overrides the test files' modules")
    p.add_argument("--mode", choices=("wasm", "native"), default=None,
                   help="run every test in this mode instead of the test file's own")
    p.add_argument("--filter", metavar="TEXT", help="run only tests whose name or file contains TEXT")
    p.set_defaults(run=run)


def test_files(paths: list[str]) -> list[Path]:
    """The test files among ``paths``, folders searched recursively, in a stable order."""
    found: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            inside = sorted(path.rglob(f"*{SUFFIX}"))
            if not inside:
                raise GraphError(f"{path}: no {SUFFIX} files in this folder")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise GraphError(f"{path}: no such test file or folder")
    return found


def run(args: argparse.Namespace) -> int:
    from .run import modules_from

    modules = {ref: str(Path(p).resolve()) for ref, p in modules_from(args.module).items()}
    outcomes = []
    for path in test_files(args.paths):
        outcome = _run_one(path, modules, args.mode, args.filter)
        if outcome is not None:
            print(outcome, flush=True)
            outcomes.append(outcome)
    counts = {status: sum(o.status == status for o in outcomes) for status in ("passed", "failed", ERROR)}
    print(f"Results: {counts['passed']} passed, {counts['failed']} failed, {counts[ERROR]} errored "
          f"({len(outcomes)} total)")
    return 0 if outcomes and counts["passed"] == len(outcomes) else 1


def _run_one(path: Path, modules: dict[str, str], mode: str | None, text: str | None) -> TestOutcome | None:
    """The test's outcome; None when ``text`` matches neither its name nor its file."""
    try:
        test = load_test(path, modules, mode)
    except WorkbenchError as exc:
        return None if not _matches(text, str(path)) else _unreadable(path, exc)
    return run_test(test) if _matches(text, f"{test.name} {path}") else None


def _matches(text: str | None, where: str) -> bool:
    return not text or text.lower() in where.lower()


def _unreadable(path: Path, exc: WorkbenchError) -> TestOutcome:
    from ..testing.testfile import AioTest

    placeholder = AioTest(name=path.name, file=path, graph=path, input=path, expected=None)
    return TestOutcome(placeholder, ERROR, f"invalid test file: {exc}", 0.0)
