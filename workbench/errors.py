"""The one error hierarchy of the workbench.

Every error names what it is about (operator, file, line) and keeps its cause
(``raise ... from exc``), so a notebook can show a short message while the full
chain stays available for ``%workbench --traceback``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class WorkbenchError(Exception):
    """Base class of every error the workbench raises on purpose."""

    hint: str | None = None

    def _repr_html_(self) -> str:
        from html import escape

        hint = f"<div><i>hint: {escape(self.hint)}</i></div>" if self.hint else ""
        return (
            '<div style="border-left:4px solid #c0392b;padding:4px 8px">'
            f"<b>{type(self).__name__}</b>: <pre style='margin:0'>{escape(str(self))}</pre>{hint}</div>"
        )


@dataclass(frozen=True)
class SourceLocation:
    """A place in the user's operator source."""

    file: str
    line: int | None = None
    column: int | None = None
    text: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, line {self.line}"
        return where


class CompileError(WorkbenchError):
    """The operator source cannot be turned into a component."""

    def __init__(self, message: str, location: SourceLocation | None = None,
                 guest_traceback: str | None = None, hint: str | None = None):
        self.message = message
        self.location = location
        self.guest_traceback = guest_traceback
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        parts = [f"{self.location}: {self.message}" if self.location else self.message]
        if self.location is not None and self.location.text:
            parts.append(f"    {self.location.text.strip()}")
        if self.guest_traceback:
            parts.append(self.guest_traceback.rstrip())
        return "\n".join(parts)


class HostError(WorkbenchError):
    """The wasm host could not load, link or instantiate a component."""


@dataclass
class OperatorFailure:
    """What went wrong inside one operator call; carried by OperatorError."""

    operator: str
    function: str
    reason: str
    input: object = None
    guest_traceback: str | None = None
    details: dict = field(default_factory=dict)


class OperatorError(WorkbenchError):
    """An operator raised, returned an error, or misbehaved during a call.

    Raised out of a run, ``run`` is the record of that run up to the failure.
    """

    run: object = None

    def __init__(self, failure: OperatorFailure):
        self.failure = failure
        self.operator = failure.operator
        self.guest_traceback = failure.guest_traceback
        super().__init__(self._render())

    def _render(self) -> str:
        f = self.failure
        text = f"operator {f.operator!r} failed in {f.function}: {f.reason}"
        if f.input is not None:
            shown = repr(f.input)
            text += f"\n  input: {shown[:300]}{'…' if len(shown) > 300 else ''}"
        if f.guest_traceback:
            text += "\n" + f.guest_traceback.rstrip()
        return text


class OperatorTrap(OperatorError):
    """The guest trapped (panic, deadline, memory limit); its instance is discarded."""


class OperatorTimeout(OperatorTrap):
    """A call ran past its deadline and was interrupted."""


class OperatorMemoryError(OperatorTrap):
    """A call tried to grow memory past the store's limit."""


class GraphError(WorkbenchError):
    """A graph definition is malformed or inconsistent."""


class DatasetError(WorkbenchError):
    """A dataset or input file cannot be read."""


class DeployError(WorkbenchError):
    """Export or push to AIO failed."""


class StateStoreError(WorkbenchError):
    """Bad seed data for the state store."""
