"""Run the same input through the wasm component and the native class; report differences."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from ..errors import OperatorError


@dataclass(frozen=True)
class ParityReport:
    operator: str
    kind: str
    inputs: Any
    wasm: Any
    native: Any
    differences: tuple[str, ...] = field(default=())

    @property
    def same(self) -> bool:
        return not self.differences

    def __bool__(self) -> bool:
        return self.same

    def __str__(self) -> str:
        if self.same:
            return f"{self.operator}: wasm and native agree"
        return f"{self.operator}: wasm and native differ\n" + "\n".join(f"  - {d}" for d in self.differences)

    def _repr_html_(self) -> str:
        colour = "#27ae60" if self.same else "#c0392b"
        return f"<pre style='border-left:4px solid {colour};padding-left:6px'>{escape(str(self))}</pre>"


def _outcome(operator: Any, inputs: tuple, config: dict[str, str] | None) -> Any:
    try:
        operator.init(config or {})
        return operator.process(*inputs)
    except OperatorError as exc:
        return exc


def _compare(wasm: Any, native: Any) -> list[str]:
    if isinstance(wasm, OperatorError) or isinstance(native, OperatorError):
        if type(wasm) is type(native) or (isinstance(wasm, OperatorError) and isinstance(native, OperatorError)):
            return []
        return [f"wasm gave {wasm!r}, native gave {native!r}"]
    if wasm == native:
        return []
    if hasattr(wasm, "__dataclass_fields__") and type(wasm) is type(native):
        return [f"{name}: wasm {getattr(wasm, name)!r} != native {getattr(native, name)!r}"
                for name in wasm.__dataclass_fields__ if getattr(wasm, name) != getattr(native, name)]
    return [f"wasm {wasm!r} != native {native!r}"]


def parity(compiled: Any, *inputs: Any, kind: str | None = None,
           config: dict[str, str] | None = None) -> ParityReport:
    """Compare a compiled operator's wasm and native results for one input."""
    kind = kind or compiled.kinds[0]
    with compiled.instantiate(kind) as wasm_op:
        wasm = _outcome(wasm_op, inputs, config)
    native = _outcome(compiled.native(kind), inputs, config)
    return ParityReport(compiled.reference, kind, inputs, wasm, native, tuple(_compare(wasm, native)))
