"""A recording resource codec that mints real (but inert) wasmtime resource handles.

Plans call ``values.clear`` on resource slots themselves (``ResourcePlan.relower``), which
hands the handle to ``wasmtime_component_val_delete``. A made-up integer there would be
freed as a pointer, so the codec mints genuine ``resource_any`` handles in a private store
instead; they own nothing and are safe to delete.
"""

from __future__ import annotations

import ctypes
from typing import Any

import wasmtime

from workbench.host import _capi as c

FAKE_RESOURCE_TYPE = 0x54455354  # "TEST"


class Token:
    """A resource value: compares by identity, like ``buffers.Lend``."""

    __slots__ = ("label",)

    def __init__(self, label: object = None):
        self.label = label

    def __repr__(self) -> str:
        return f"<Token {self.label!r} at {id(self):#x}>"


class RecordingCodec:
    """``ResourceCodec`` that records every call and maps handles back to values."""

    def __init__(self) -> None:
        self.store = wasmtime.Store()
        self.context = c.context_address(self.store)
        self._out = ctypes.c_void_p()
        self.calls: list[tuple[str, Any]] = []
        self.values: dict[int, Any] = {}
        self._reps = 0

    def _mint(self) -> int:
        self._reps += 1
        host = c.resource_host_new(True, self._reps, FAKE_RESOURCE_TYPE)
        try:
            err = c.resource_host_to_any(self.context, host, ctypes.addressof(self._out))
        finally:
            c.resource_host_delete(host)
        assert not err, c.error_message(err)
        assert self._out.value
        return self._out.value

    def lower_own(self, value: Any) -> int:
        handle = self._mint()
        self.calls.append(("lower_own", value))
        self.values[handle] = value
        return handle

    def lift_own(self, resource_any: int) -> Any:
        self.calls.append(("lift_own", resource_any))
        return self.values[resource_any]

    def lift_borrow(self, resource_any: int) -> Any:
        self.calls.append(("lift_borrow", resource_any))
        return self.values[resource_any]

    def lowered(self) -> list[Any]:
        return [value for name, value in self.calls if name == "lower_own"]
