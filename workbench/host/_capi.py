"""Raw access to wasmtime's component C API, addressed by plain integers.

wasmtime-py's public component API converts every value through Python objects and
re-reads type information on every call. The hot path of the host (see ``values``)
instead writes and reads ``wasmtime_component_val_t`` memory directly. This module is
the only place that declares C prototypes; it takes its own function objects from the
library (``dll[name]``) so wasmtime-py's declarations stay untouched.
"""

from __future__ import annotations

import ctypes
import struct
from ctypes import c_bool, c_char_p, c_size_t, c_uint32, c_void_p

from wasmtime import _ffi as ffi

VAL_SIZE = ctypes.sizeof(ffi.wasmtime_component_val_t)
PAYLOAD_OFFSET = ffi.wasmtime_component_val_t.of.offset
ENTRY_SIZE = ctypes.sizeof(ffi.wasmtime_component_valrecord_entry)
ENTRY_VAL_OFFSET = ffi.wasmtime_component_valrecord_entry.val.offset

# Value kinds (wasmtime_component_valkind_t).
BOOL, S8, U8, S16, U16, S32, U32, S64, U64, F32, F64, CHAR, STRING = range(13)
LIST, RECORD, TUPLE, VARIANT, ENUM, OPTION, RESULT, FLAGS, RESOURCE = range(13, 22)

# The whole address space as one byte view: struct.pack_into/unpack_from at an
# address is several times faster than building ctypes objects for each field.
MEMORY = memoryview((ctypes.c_char * (1 << 47)).from_address(0)).cast("B")

KIND = struct.Struct("<B")
WORD = struct.Struct("<Q")
PAIR = struct.Struct("<QQ")
BOOL_AT = struct.Struct("<?")
KIND_AND = {
    fmt: struct.Struct(f"<B{PAYLOAD_OFFSET - 1}x{fmt}")
    for fmt in ("?", "b", "B", "h", "H", "i", "I", "q", "Q", "f", "d")
}

_dll = ffi.dll


def _proto(name: str, restype, *argtypes):  # type: ignore[no-untyped-def]
    fn = _dll[name]
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


byte_vec_new = _proto("wasm_byte_vec_new", None, c_void_p, c_size_t, c_char_p)
byte_vec_new_uninitialized = _proto("wasm_byte_vec_new_uninitialized", None, c_void_p, c_size_t)
val_new = _proto("wasmtime_component_val_new", c_void_p, c_void_p)
val_delete = _proto("wasmtime_component_val_delete", None, c_void_p)
vallist_new = _proto("wasmtime_component_vallist_new", None, c_void_p, c_size_t, c_void_p)
vallist_new_uninit = _proto("wasmtime_component_vallist_new_uninit", None, c_void_p, c_size_t)
valrecord_new_uninit = _proto("wasmtime_component_valrecord_new_uninit", None, c_void_p, c_size_t)
valtuple_new_uninit = _proto("wasmtime_component_valtuple_new_uninit", None, c_void_p, c_size_t)
valflags_new_uninit = _proto("wasmtime_component_valflags_new_uninit", None, c_void_p, c_size_t)
resource_host_new = _proto("wasmtime_component_resource_host_new", c_void_p, c_bool, c_uint32, c_uint32)
resource_host_delete = _proto("wasmtime_component_resource_host_delete", None, c_void_p)
resource_host_rep = _proto("wasmtime_component_resource_host_rep", c_uint32, c_void_p)
resource_host_to_any = _proto("wasmtime_component_resource_host_to_any", c_void_p, c_void_p, c_void_p, c_void_p)
resource_any_to_host = _proto("wasmtime_component_resource_any_to_host", c_void_p, c_void_p, c_void_p, c_void_p)
resource_any_drop = _proto("wasmtime_component_resource_any_drop", c_void_p, c_void_p, c_void_p)
resource_any_delete = _proto("wasmtime_component_resource_any_delete", None, c_void_p)
func_call = _proto("wasmtime_component_func_call", c_void_p,
                   c_void_p, c_void_p, c_void_p, c_size_t, c_void_p, c_size_t)
func_post_return = _proto("wasmtime_component_func_post_return", c_void_p, c_void_p, c_void_p)

_ZEROS = bytes(4096)


def zero(addr: int, size: int) -> None:
    """Fill ``size`` bytes at ``addr`` with zeros (a slice store: ctypes.memset costs ~0.7 µs a call)."""
    MEMORY[addr:addr + size] = _ZEROS[:size] if size <= len(_ZEROS) else bytes(size)


def read_bytes(addr: int) -> bytes:
    """The contents of a ``wasm_byte_vec_t`` (size, data) stored at ``addr``."""
    size, data = PAIR.unpack_from(MEMORY, addr)
    return MEMORY[data:data + size].tobytes() if size else b""


def write_bytes(addr: int, data: bytes) -> None:
    """Allocate a ``wasm_byte_vec_t`` at ``addr`` holding a copy of ``data``."""
    byte_vec_new(addr, len(data), data)


def context_address(store: object) -> int:
    """The integer address of a store's context, stable for the store's lifetime."""
    return ctypes.cast(store._context(), c_void_p).value or 0  # type: ignore[attr-defined]


def error_message(error_ptr: int) -> str:
    """Take ownership of a ``wasmtime_error_t*`` and return its message."""
    from wasmtime import WasmtimeError

    err = WasmtimeError._from_ptr(ctypes.cast(error_ptr, ctypes.POINTER(ffi.wasmtime_error_t)))
    return str(err)


def take_error(error_ptr: int) -> Exception:
    """Take ownership of a ``wasmtime_error_t*`` as a wasmtime-py exception (Trap or WasmtimeError)."""
    from wasmtime import WasmtimeError

    return WasmtimeError._from_ptr(ctypes.cast(error_ptr, ctypes.POINTER(ffi.wasmtime_error_t)))

set_epoch_deadline = _proto("wasmtime_context_set_epoch_deadline", None, c_void_p, ctypes.c_uint64)
error_new = _proto("wasmtime_error_new", c_void_p, c_char_p)
linker_instance_add_func = _proto("wasmtime_component_linker_instance_add_func", c_void_p,
                                  c_void_p, c_char_p, c_size_t, c_void_p, c_void_p, c_void_p)

linker_instance_add_resource = _proto("wasmtime_component_linker_instance_add_resource", c_void_p,
                                      c_void_p, c_char_p, c_size_t, c_void_p, c_void_p, c_void_p, c_void_p)
# Resource destructor: (data, context, rep) -> error*
RESOURCE_DTOR = ctypes.CFUNCTYPE(c_size_t, c_void_p, c_void_p, c_uint32)

# Host function callback: (data, context, func type, args, nargs, results, nresults) -> error*
HOST_CALLBACK = ctypes.CFUNCTYPE(c_size_t, c_void_p, c_void_p, c_void_p, c_void_p, c_size_t,
                                 c_void_p, c_size_t)
FINALIZER = ctypes.CFUNCTYPE(None, c_void_p)
