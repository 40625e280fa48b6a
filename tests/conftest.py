"""Shared fixtures: operator sources under ``tests/operators`` and a session build cache.

Nothing is built at import time. ``compiled`` builds each distinct (source, API, kind) once
per session, through the default user build cache (``$WORKBENCH_CACHE_DIR`` or
``~/.cache/workbench``), so a second run of the suite is warm. The cache is never wiped.
Tests that use ``compiled`` need componentize-py or a component: mark them ``slow``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

OPERATORS = Path(__file__).parent / "operators"
API_FOLDERS = {"1.0.0": "api_1_0", "1.1.0": "api_1_1"}


def operator_path(relative: str) -> Path:
    """The path of an operator source, relative to ``tests/operators``."""
    path = OPERATORS / relative
    if not path.is_file():
        raise FileNotFoundError(f"no operator source {relative!r} under {OPERATORS}")
    return path


def operator_text(relative: str) -> str:
    return operator_path(relative).read_text()


def line_of(relative: str, marker: str) -> int:
    """The 1-based line of ``relative`` that contains ``marker`` (exactly one must)."""
    lines = [n for n, text in enumerate(operator_text(relative).splitlines(), 1) if marker in text]
    assert len(lines) == 1, f"marker {marker!r} found on lines {lines} of {relative}"
    return lines[0]


@pytest.fixture(scope="session")
def operators_dir() -> Path:
    return OPERATORS


@pytest.fixture(scope="session")
def load_operator() -> Callable[[str], str]:
    """``load_operator("api_1_1/probe.py")`` → the source text."""
    return operator_text


class SessionBuilds:
    """Compiled operators of this session, keyed by what changes the build."""

    def __init__(self) -> None:
        self._built: dict[tuple[Any, ...], Any] = {}

    def __call__(self, relative: str, api: str | None = None, kind: str | None = None, **options: Any) -> Any:
        from workbench.compiler import compile_operator

        api = api or ("1.0.0" if relative.startswith(API_FOLDERS["1.0.0"]) else "1.1.0")
        path = operator_path(relative)
        key = (str(path), path.read_text(), api, kind, tuple(sorted(options.items())))
        if key not in self._built:
            self._built[key] = compile_operator(path, kind=kind, api=api, **options)
        return self._built[key]


@pytest.fixture(scope="session")
def compiled() -> SessionBuilds:
    """``compiled("api_1_1/probe.py")`` → a ``CompiledOperator``, built at most once per session."""
    return SessionBuilds()
