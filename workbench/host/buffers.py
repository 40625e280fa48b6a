"""Host-held payload buffers: the ``buffer`` resource of the processor ``types`` interface.

The host lends payloads to the guest as ``own<buffer>`` handles; the guest copies the
bytes in with ``buffer.read()``. A buffer lives in the table until the guest drops its
handle (the resource destructor) or the host takes the handle back.
"""

from __future__ import annotations

import ctypes
import itertools
from typing import Any

from . import _capi as c

BUFFER_RESOURCE_TYPE = 0x424F4646  # an arbitrary host resource type id ("BOFF")


class Lend:
    """Bytes to lend to the guest as a fresh ``own<buffer>`` handle.

    Compares by identity on purpose: every call mints a new handle (see ``values``).
    """

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data

    def __repr__(self) -> str:
        return f"<buffer of {len(self.data)} bytes>"


class BufferTable:
    """Buffers of one store, keyed by the resource representation (u32)."""

    def __init__(self) -> None:
        self._buffers: dict[int, bytes] = {}
        self._reps = itertools.count(1)
        self._out = ctypes.c_void_p()
        self._out_addr = ctypes.addressof(self._out)
        self.context = 0  # the owning store's context address, set by the instance
        self.reads = 0

    def __len__(self) -> int:
        return len(self._buffers)

    def add(self, data: bytes) -> int:
        rep = next(self._reps) & 0xFFFFFFFF
        self._buffers[rep] = bytes(data)
        return rep

    def read(self, rep: int) -> bytes:
        self.reads += 1
        try:
            return self._buffers[rep]
        except KeyError:
            raise LookupError(f"buffer handle {rep} is not live (already dropped?)") from None

    def drop(self, rep: int) -> None:
        self._buffers.pop(rep, None)

    def clear(self) -> None:
        self._buffers.clear()

    # ResourceCodec: how buffer handles cross the boundary.
    def lower_own(self, value: Any) -> int:
        rep = self.add(value.data if isinstance(value, Lend) else value)
        host = c.resource_host_new(True, rep, BUFFER_RESOURCE_TYPE)
        try:
            err = c.resource_host_to_any(self.context, host, self._out_addr)
        finally:
            c.resource_host_delete(host)
        if err:
            raise c.take_error(err)
        return self._out.value or 0

    def _rep_of(self, resource_any: int) -> int:
        err = c.resource_any_to_host(self.context, resource_any, self._out_addr)
        if err:
            raise c.take_error(err)
        host = self._out.value
        try:
            return c.resource_host_rep(host)
        finally:
            c.resource_host_delete(host)

    def lift_own(self, resource_any: int) -> bytes:
        # Converting an owned handle to a host resource takes it out of the store's
        # table, so the buffer's entry is released here rather than by a destructor.
        rep = self._rep_of(resource_any)
        return self._buffers.pop(rep, b"")

    def lift_borrow(self, resource_any: int) -> int:
        return self._rep_of(resource_any)
