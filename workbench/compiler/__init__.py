"""Python operator source → checked, cached, AIO-compatible WebAssembly component."""

from .build import CompiledOperator, compile_operator
from .report import BuildReport

__all__ = ["BuildReport", "CompiledOperator", "compile_operator"]
