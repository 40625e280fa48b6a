"""Links an operator component to WASI and to the host's AIO processor imports."""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

from wasmtime import component as wc

from ..errors import HostError
from . import _capi as c
from .buffers import BUFFER_RESOURCE_TYPE, BufferTable
from .calls import DESTROY_ADDR, DISPATCH_ADDR, FINALIZE_ADDR, HostCall, register
from .imports import logger_functions, metrics_functions, state_store_functions
from .module import ComponentModule
from .services import HostServices
from .values import build_plan


def build_linker(module: ComponentModule, operator: str, services: HostServices,
                 buffers: BufferTable, on_error: Callable[[BaseException], None]) -> tuple[wc.Linker, list[HostCall]]:
    """A linker with WASI 0.2 and every AIO import the component uses.

    Other imports stay undefined, so instantiation fails naming the import (the build
    report already warned that the AIO runtime would not provide it)."""
    linker = wc.Linker(module.engine)
    linker.add_wasip2()
    interfaces: dict[str, dict[str, Callable[..., Any]]] = {
        "types": {"[method]buffer.read": buffers.read},
        "logger": logger_functions(operator, services),
        "metrics": metrics_functions(operator, services),
        "state-store": state_store_functions(operator, services),
    }
    calls: list[HostCall] = []
    with linker.root() as root:
        for interface, functions in interfaces.items():
            name = module.interface_name(interface)
            if name not in module.imports:
                continue
            with root.add_instance(name) as instance:
                if interface == "types":
                    _add_resource(instance, "buffer", BUFFER_RESOURCE_TYPE, buffers.drop, on_error)
                for function, implementation in functions.items():
                    if not module.imports_function(name, function):
                        continue
                    calls.append(_add_function(instance, module, name, function, implementation,
                                               buffers, on_error))
    return linker, calls


def _add_function(instance: wc.LinkerInstance, module: ComponentModule, interface: str,
                  function: str, implementation: Callable[..., Any], buffers: BufferTable,
                  on_error: Callable[[BaseException], None]) -> HostCall:
    ftype = module.function_type(interface, function, imported=True)
    call = HostCall(f"{interface}#{function}", [build_plan(p, buffers) for p in ftype.params],
                    build_plan(ftype.result, buffers) if ftype.result else None, implementation, on_error)
    key = register(call)
    name = function.encode()
    instance_addr = ctypes.cast(instance.ptr(), ctypes.c_void_p).value
    error = c.linker_instance_add_func(instance_addr, name, len(name), DISPATCH_ADDR, key, FINALIZE_ADDR)
    if error:
        raise HostError(f"cannot define {interface}#{function}: {c.take_error(error)}")
    return call


def _add_resource(instance: wc.LinkerInstance, name: str, type_id: int, destroy: Callable[[int], None],
                  on_error: Callable[[BaseException], None]) -> None:
    """Define a host resource whose destructor is ``destroy(rep)``, called without conversions."""
    key = register(HostCall(f"[resource-drop]{name}", (), None, destroy, on_error))
    resource_type = wc.ResourceType.host(type_id)
    instance_addr = ctypes.cast(instance.ptr(), ctypes.c_void_p).value
    type_addr = ctypes.cast(resource_type.ptr(), ctypes.c_void_p).value
    encoded = name.encode()
    error = c.linker_instance_add_resource(instance_addr, encoded, len(encoded), type_addr,
                                           DESTROY_ADDR, key, FINALIZE_ADDR)
    if error:
        raise HostError(f"cannot define resource {name}: {c.take_error(error)}")
