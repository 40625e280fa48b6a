"""``workbench warm NOTEBOOK...``: build every ``%%operator`` cell of the notebooks into the cache.

Operator files (``.py``) may be given too: they are built as ``compile_operator(PATH)`` builds
them (what a notebook's ``session.compile(PATH)`` or ``workbench run --module REF=PATH`` does).

Each cell is read as IPython reads it (the same clean-up of leading blank lines, the same
split into magic line and body), its line parsed by the magic's own parser, and its body
compiled through a ``Session`` with the options the magic would pass, from the notebook's
folder (where its kernel would run, so the same sibling modules are bundled). The build cache
is keyed by content, so running the notebooks afterwards finds every build there: a cold
start (Binder, CI) pays for the builds once, up front. ``--native`` cells build nothing and
are skipped. A cell tagged ``raises-exception`` is expected to fail. Exit status 1 if any
other cell failed to build (the others are still built).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import WorkbenchError

EXPECTED_TO_FAIL = ("raises-exception", "nbval-raises-exception")


@dataclass(frozen=True)
class OperatorCell:
    """One ``%%operator`` cell: where it is, its magic line and its body."""

    notebook: Path
    index: int
    line: str
    body: str
    expected_to_fail: bool = False

    @property
    def where(self) -> str:
        return f"{self.notebook.name} cell {self.index + 1}"


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("warm", help="build the %%%%operator cells of notebooks into the build cache")
    p.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help="the .ipynb files (and operator .py files)")
    p.set_defaults(run=run)


def operator_cells(notebook: Path) -> Iterator[OperatorCell]:
    """The ``%%operator`` code cells of ``notebook``, in order."""
    try:
        document = json.loads(notebook.read_text(encoding="utf-8"))
        cells = document["cells"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise WorkbenchError(f"{notebook}: not a readable notebook: {exc}") from exc
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        split = split_cell("".join(source) if isinstance(source, list) else str(source))
        if split is not None and split[0] == "operator" and split[2] != "":  # IPython runs no empty cell magic
            tags = cell.get("metadata", {}).get("tags", [])
            yield OperatorCell(notebook, index, split[1], split[2], any(t in EXPECTED_TO_FAIL for t in tags))


def split_cell(source: str) -> tuple[str, str, str] | None:
    """(magic name, magic line, body) of a cell magic's cell, as IPython splits it; else None."""
    from IPython.core.inputtransformer2 import TransformerManager

    cell = source if source.endswith("\n") else source + "\n"
    lines = cell.splitlines(keepends=True)
    for transform in TransformerManager().cleanup_transforms:
        lines = transform(lines)
    if not lines or not lines[0].startswith("%%"):
        return None
    name, _, line = lines[0][2:].rstrip().partition(" ")
    return name, line, "".join(lines[1:])


def magic_options(cell: OperatorCell) -> dict[str, Any] | None:
    """What ``%%operator`` passes to ``Session.compile`` for the cell; None for ``--native`` cells."""
    from IPython.core.error import UsageError

    from ..magics.commands import WorkbenchMagics, assignments, default_name, parse_line

    try:
        args = parse_line(WorkbenchMagics.operator, cell.line)
        config = assignments(args.config)
    except (UsageError, SystemExit) as exc:
        raise WorkbenchError(f"{cell.where}: bad %%operator line {cell.line!r}: {exc}") from exc
    if args.native:
        return None
    return {"kind": args.kind, "name": args.name or default_name(cell.body), "version": args.version,
            "api": args.api, "config": config, "native": False, "filename": f"<{cell.where}>"}


def warm(cell: OperatorCell) -> str:
    """Build one cell (in its notebook's folder); a line saying what happened."""
    from ..session import Session

    options = magic_options(cell)
    if options is None:
        return f"{cell.where}: --native, nothing to build"
    with contextlib.chdir(cell.notebook.parent):
        module = Session().compile(cell.body, **options)
    return f"{cell.where}: {module.report.summary()}"


def warm_file(path: Path) -> str:
    """Build one operator source file; a line saying what happened."""
    from ..compiler import compile_operator

    return f"{path.name}: {compile_operator(path).report.summary()}"


def run(args: argparse.Namespace) -> int:
    started, failed, count = time.perf_counter(), 0, 0
    for text in args.notebooks:
        path = Path(text).resolve()
        if path.suffix == ".py":
            count += 1
            failed += _attempt(partial(warm_file, path), path.name, expected_to_fail=False)
            continue
        for cell in operator_cells(path):
            count += 1
            failed += _attempt(partial(warm, cell), cell.where, cell.expected_to_fail)
    print(f"warm: {count} operators from {len(args.notebooks)} files, {failed} failed, "
          f"{time.perf_counter() - started:.1f} s")
    return 1 if failed else 0


def _attempt(build: Callable[[], str], where: str, expected_to_fail: bool) -> int:
    """1 if ``build`` failed unexpectedly, else 0; prints what happened."""
    try:
        print(build(), flush=True)
    except WorkbenchError as exc:
        if expected_to_fail:
            print(f"{where}: fails, as the notebook expects ({type(exc).__name__})", flush=True)
            return 0
        print(f"{where}: FAILED: {exc}", flush=True)
        return 1
    return 0
