"""pytest collects AIO test files (``*.test.yaml``) as tests.

Enabled by the ``workbench`` entry point. Options: ``--workbench-module REF=PATH`` (repeatable)
for modules the graphs reference, and ``--workbench-mode wasm|native`` to run every AIO test
in one mode. A malformed test file is a collection error naming the file and the field; a
failing test shows the diff of expected and actual output.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SUFFIX = ".test.yaml"
MODULES = pytest.StashKey[dict[str, str]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("workbench", "AIO test files (*.test.yaml)")
    group.addoption("--workbench-module", action="append", default=[], metavar="REF=PATH",
                    help="a module AIO test files' graphs reference (.py or .wasm); overrides the files' modules")
    group.addoption("--workbench-mode", choices=("wasm", "native"), default=None,
                    help="run every AIO test file in this mode instead of the file's own")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[MODULES] = _modules(config.getoption("--workbench-module"))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(SUFFIX):
        return AioTestFile.from_parent(parent, path=file_path)
    return None


def _modules(assignments: list[str]) -> dict[str, str]:
    modules = {}
    for text in assignments:
        reference, eq, path = text.partition("=")
        if not (eq and reference.strip() and path.strip()):
            raise pytest.UsageError(f"--workbench-module {text!r} must be REF=PATH")
        modules[reference.strip()] = str(Path(path.strip()).resolve())
    return modules


class AioTestFile(pytest.File):
    """One ``*.test.yaml`` file: one test."""

    def collect(self) -> Iterator[pytest.Item]:
        from ..errors import WorkbenchError
        from .testfile import load_test

        try:
            test = load_test(self.path, self.config.stash[MODULES], self.config.getoption("--workbench-mode"))
        except WorkbenchError as exc:
            raise self.CollectError(f"invalid AIO test file: {exc}") from exc
        yield AioTestItem.from_parent(self, name=test.name, test=test)


class AioTestItem(pytest.Item):
    """Runs the graph and compares its outputs with the expected ones."""

    def __init__(self, *, test: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.test = test

    def runtest(self) -> None:
        from .aio_tests import run_test

        outcome = run_test(self.test)
        if not outcome.passed:
            raise AioTestFailure(f"{outcome.status}: {outcome.message}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str | Any:
        if isinstance(excinfo.value, AioTestFailure):
            return f"{self.path}: {self.test.name}\n{excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"AIO test: {self.name}"


class AioTestFailure(Exception):
    """An AIO test's outputs differ from what it expects, or it could not run."""
