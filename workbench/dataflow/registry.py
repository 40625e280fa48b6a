"""Resolving a graph's module references to compiled operator modules.

A reference such as ``azure-samples/explore-iot-operations/temperature:1.0.0`` resolves to
whatever was registered for it: a ``CompiledOperator`` from the session, a ``.py`` source
(compiled on the fly, through the build cache, for the graph's API version), a ``.wasm``
component, or a ``PythonModule`` of plain Python operator classes (native mode only).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GraphError


@dataclass
class WasmModule:
    """A prebuilt ``.wasm`` component: runs in the host; it has no Python source for native mode."""

    path: Path
    module: Any

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.module.kinds)

    @property
    def api(self) -> str:
        return str(self.module.api_version)

    def instantiate(self, kind: str | None = None, **options: Any) -> Any:
        from ..host.instance import OperatorInstance

        return OperatorInstance(self.module, kind, **options)

    def native(self, kind: str | None = None, **options: Any) -> Any:
        raise GraphError(f"{self.path} is a prebuilt component; native mode needs the operator's Python source")


class SourceModule:
    """A ``.py`` operator source: runs natively at once; compiled (through the cache) on first wasm use."""

    def __init__(self, reference: str, path: Path, api: str, kinds: tuple[str, ...]):
        self.reference = reference
        self.path = path
        self.api = api
        self.kinds = kinds
        self._compiled: Any = None

    @classmethod
    def load(cls, reference: str, path: Path, api: str) -> SourceModule:
        from ..compiler.checks import check_source

        return cls(reference, path, api, tuple(check_source(path.read_text(), str(path)).kinds))

    def compiled(self) -> Any:
        if self._compiled is None:
            from ..compiler import compile_operator

            name, _, version = self.reference.rpartition("/")[2].partition(":")
            self._compiled = compile_operator(self.path, name=name, version=version or None, api=self.api)
        return self._compiled

    def instantiate(self, kind: str | None = None, **options: Any) -> Any:
        return self.compiled().instantiate(kind, **options)

    def native(self, kind: str | None = None, **options: Any) -> Any:
        from ..native import NativeOperator

        return NativeOperator.from_source(self.path, kind, api=self.api, **options)

    def __repr__(self) -> str:
        return f"<SourceModule {self.reference} from {self.path} ({', '.join(self.kinds)})>"


class PythonModule:
    """Operators as plain Python classes (or factories), by kind: no bindings, no build.

    ``PythonModule(map=Upper, accumulate=Count)``: every operation that uses the module gets a
    new object from its kind's factory. The objects implement ``init(properties) -> bool`` and
    the engine's ``process`` calls (see ``workbench.dataflow.nodes``), and optionally ``close()``.
    For sketches and tests: they run in native mode only.
    """

    def __init__(self, **factories: Callable[[], Any]):
        from .graph import MODULE_OPERATIONS

        unknown = sorted(set(factories) - set(MODULE_OPERATIONS))
        if unknown or not factories:
            raise GraphError(f"PythonModule takes operator kinds ({', '.join(MODULE_OPERATIONS)}) as keywords, "
                             f"not {', '.join(unknown) or 'nothing'}")
        self.factories = factories

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.factories)

    def native(self, kind: str | None = None, **options: Any) -> Any:
        return self.factories[kind or self.kinds[0]]()

    def instantiate(self, kind: str | None = None, **options: Any) -> Any:
        raise GraphError(f"operation {options.get('name', kind)!r} uses a PythonModule of plain Python classes; "
                         "run it with mode='native'")

    def __repr__(self) -> str:
        kinds = ", ".join(f"{kind}={getattr(factory, '__name__', factory)}" for kind, factory in self.factories.items())
        return f"<PythonModule {kinds}>"


@dataclass
class ModuleRegistry:
    """Module reference text → compiled module (or a file to build/load on first use)."""

    entries: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, modules: Mapping[str, Any] | None) -> ModuleRegistry:
        return cls(dict(modules or {}))

    def register(self, reference: str, module: Any) -> None:
        self.entries[reference] = module

    def resolve(self, reference: str, api: str) -> Any:
        entry = self.entries.get(reference)
        if entry is None:
            known = ", ".join(sorted(self.entries)) or "none"
            raise GraphError(f"module {reference!r} is not registered; pass --module {reference}=PATH "
                             f"(.py or .wasm) or compile it in the session (registered: {known})")
        if isinstance(entry, (str, Path)):
            entry = self._load(reference, Path(entry), api)
            self.entries[reference] = entry
        return entry

    def _load(self, reference: str, path: Path, api: str) -> Any:
        if not path.exists():
            raise GraphError(f"module {reference!r}: file {path} does not exist")
        if path.suffix == ".wasm":
            from ..host.module import ComponentModule

            return WasmModule(path, ComponentModule.from_wasm(path.read_bytes(), reference))
        if path.suffix == ".py":
            return SourceModule.load(reference, path, api)
        raise GraphError(f"module {reference!r}: {path} is neither a .py source nor a .wasm component")
