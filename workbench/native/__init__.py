"""Native mode: run an operator class in-process in CPython, against the same bindings.

For instant iteration and ``pdb``: no build, no sandbox. Host interfaces are the same
``HostServices`` the wasm host uses, so logs, metrics and state behave alike.
"""

from .operator import NativeOperator
from .parity import ParityReport, parity

__all__ = ["NativeOperator", "ParityReport", "parity"]
