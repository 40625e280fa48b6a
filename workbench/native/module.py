"""``NativeModule``: an operator module that is never compiled, for instant iteration.

It stands where a ``CompiledOperator`` stands (a graph step, a session entry), and every
instance it makes is a ``NativeOperator``: the user's classes running in this process.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from ..compiler.bundle import OperatorSource
from ..compiler.checks import check_source
from ..compiler.wit import DEFAULT_API
from ..errors import CompileError, SourceLocation, WorkbenchError
from .operator import NativeOperator


@dataclass(frozen=True)
class NativeModule:
    """The operator classes of one source, run natively in whatever mode a run asks for."""

    name: str
    version: str
    kinds: tuple[str, ...]
    api: str
    source: OperatorSource = field(repr=False)
    check_seconds: float = 0.0
    default_kind: str = ""

    native_only = True

    @classmethod
    def from_source(cls, source: str | Path, kind: str | None = None, name: str | None = None,
                    version: str | None = None, api: str = DEFAULT_API, *,
                    filename: str | None = None) -> NativeModule:
        """Check ``source`` as a build would (``CompileError`` naming the line) and keep it."""
        started = time.perf_counter()
        src = OperatorSource.load(source, filename=filename)
        summary = check_source(src.text, src.filename, kind)
        # Importing once here surfaces errors in the module's top-level code now, not mid-run.
        try:
            NativeOperator.from_source(src, kind or summary.kinds[0], api=api)
        except WorkbenchError:
            raise
        except Exception as exc:
            raise _top_level_error(src, exc) from exc
        return cls(name or src.stem or "operator", version or "1.0.0", summary.kinds, api, src,
                   time.perf_counter() - started, kind or summary.kinds[0])

    @property
    def reference(self) -> str:
        return f"{self.name}:{self.version}"

    def native(self, kind: str | None = None, **options: Any) -> NativeOperator:
        kind = kind or self.default_kind
        options.setdefault("name", f"{self.name}/{kind}")
        options.pop("limits", None)  # native code has no sandbox to limit
        return NativeOperator.from_source(self.source, kind, api=self.api, **options)

    instantiate = native

    def _repr_html_(self) -> str:
        rows = [("operator", self.reference), ("kinds", ", ".join(self.kinds)), ("AIO API", self.api),
                ("mode", "native (not compiled: no sandbox, pdb works)"),
                ("checked", f"{self.check_seconds:.2f} s")]
        body = "".join(f"<tr><th style='text-align:left'>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
        return f"<table style='border-left:4px solid #2e86c1'>{body}</table>"

    def __repr__(self) -> str:
        return f"<NativeModule {self.reference} [{', '.join(self.kinds)}] API {self.api}>"


def _top_level_error(src: OperatorSource, exc: Exception) -> CompileError:
    """The module's top-level code raised: the user's frames only, located at the last of them."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == src.filename]
    location = None
    if frames:
        lines = src.text.splitlines()
        line = frames[-1].lineno or 0
        location = SourceLocation(src.filename, line, None, lines[line - 1] if 0 < line <= len(lines) else None)
    shown = "Traceback (most recent call last):\n" + "".join(traceback.format_list(frames)) \
        + "".join(traceback.format_exception_only(exc))
    return CompileError(f"top-level code raised while the module was loaded: {type(exc).__name__}: {exc}",
                        location, shown, hint="module top-level code runs when the operator is loaded (at build "
                                              "time for wasm); move work that needs configuration or I/O into init()")
