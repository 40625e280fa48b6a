"""A compiled operator component: its AIO API version, operator kinds, imports and exports."""

from __future__ import annotations

import ctypes
import re
import sys
from dataclasses import dataclass
from functools import cached_property

import wasmtime
from wasmtime import component as wc

from ..errors import HostError
from .engine import shared_engine
from .values import TypeNode, describe

API_PACKAGES = {"1.0.0": "tinykube-graph:processor", "1.1.0": "wasm-graph:processor"}
OPERATOR_KINDS = ("map", "filter", "branch", "accumulate", "delay")
_EXPORT = re.compile(r"^(?P<package>[\w-]+:processor)/(?P<kind>[\w-]+)@(?P<version>[\d.]+)$")


def _return_free_memory() -> None:
    """Hand the heap a Cranelift compile just freed back to the OS.

    Compiling a componentize-py component (and serializing it for the build cache) frees 200-300 MiB
    that glibc keeps in its per-thread arenas, so every cold build (each edit of an operator in a
    notebook) would add that much to the kernel's resident memory. ``malloc_trim`` returns it, in
    tens of milliseconds.
    """
    if sys.platform != "linux":
        return
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        pass


@dataclass(frozen=True)
class FunctionType:
    params: tuple[TypeNode, ...]
    result: TypeNode | None


class ComponentModule:
    """A loaded component, compiled for the shared engine."""

    def __init__(self, component: wc.Component, name: str = "module"):
        self.component = component
        self.name = name
        self.engine = shared_engine()
        self._types: dict[tuple[str, str, bool], FunctionType] = {}
        if not self.kinds:
            raise HostError(f"{name}: the component exports no AIO operator interface; "
                            f"exports are {sorted(self.exports)}")

    @classmethod
    def from_wasm(cls, wasm: bytes, name: str = "module") -> ComponentModule:
        try:
            return cls(wc.Component(shared_engine(), wasm), name)
        except wasmtime.WasmtimeError as exc:
            raise HostError(f"{name}: not a loadable WebAssembly component: {exc}") from exc
        finally:
            _return_free_memory()

    @classmethod
    def from_serialized(cls, data: bytes, name: str = "module") -> ComponentModule:
        return cls(wc.Component.deserialize(shared_engine(), data), name)

    def serialize(self) -> bytes:
        try:
            return bytes(self.component.serialize())
        finally:
            _return_free_memory()

    @cached_property
    def imports(self) -> dict[str, object]:
        return dict(self.component.type.imports(self.engine))

    @cached_property
    def exports(self) -> dict[str, object]:
        return dict(self.component.type.exports(self.engine))

    @cached_property
    def _operator_exports(self) -> dict[str, str]:
        found = {}
        for name in self.exports:
            match = _EXPORT.match(name)
            if match and match["kind"] in OPERATOR_KINDS:
                found[match["kind"]] = name
        return found

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k in OPERATOR_KINDS if k in self._operator_exports)

    @cached_property
    def api_version(self) -> str:
        versions = {_EXPORT.match(n)["version"] for n in self._operator_exports.values()}  # type: ignore[index]
        if len(versions) != 1:
            raise HostError(f"{self.name}: operators export mixed API versions {sorted(versions)}")
        version = versions.pop()
        if version not in API_PACKAGES:
            raise HostError(f"{self.name}: AIO API version {version} is not supported "
                            f"(supported: {', '.join(API_PACKAGES)})")
        return version

    @property
    def package(self) -> str:
        return API_PACKAGES[self.api_version]

    def interface_name(self, interface: str) -> str:
        return f"{self.package}/{interface}@{self.api_version}"

    def export_name(self, kind: str) -> str:
        try:
            return self._operator_exports[kind]
        except KeyError:
            raise HostError(f"{self.name}: no {kind!r} operator; the module provides "
                            f"{', '.join(self.kinds)}") from None

    def imports_function(self, interface_name: str, function: str) -> bool:
        item = self.imports.get(interface_name)
        return item is not None and function in item.ty.exports(self.engine)  # type: ignore[attr-defined]

    def function_type(self, interface_name: str, function: str, imported: bool) -> FunctionType:
        key = (interface_name, function, imported)
        if key not in self._types:
            table = self.imports if imported else self.exports
            func_type = table[interface_name].ty.exports(self.engine)[function].ty  # type: ignore[attr-defined]
            result = func_type.result
            self._types[key] = FunctionType(tuple(describe(t) for _, t in func_type.params),
                                            describe(result) if result is not None else None)
        return self._types[key]
