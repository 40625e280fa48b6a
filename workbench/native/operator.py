"""``NativeOperator``: the user's operator class, instantiated in this Python process."""

from __future__ import annotations

import importlib
import sys
import traceback
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..compiler.bundle import OperatorSource
from ..compiler.checks import CLASS_NAMES, check_source
from ..compiler.wit import BINDINGS_SUBMODULES, DEFAULT_API, KINDS, World
from ..errors import OperatorError, OperatorFailure
from ..host.services import HostServices
from ..kinds import KindCalls
from .bindings import bindings_folder, isolated_imports
from .convert import BindingTypes
from .host import install_host

_BINDING_NAMES = {f"{k}_impl" for k in KINDS} | {"module_impl"}


class NativeOperator(KindCalls):
    """Same calls as ``OperatorInstance`` (``init``, ``process``, ``map``…), run natively."""

    def __init__(self, operator_class: type, package: types.ModuleType, kind: str, api: str,
                 name: str, services: HostServices, filename: str):
        self.kind = kind
        self.api = api
        self.name = name
        self.services = services
        self.filename = filename
        self.convert = BindingTypes(package)
        self.operator_class = operator_class
        self.configuration: tuple[dict[str, str], Sequence[Any]] | None = None

    @classmethod
    def from_source(cls, source: str | Path | OperatorSource, kind: str | None = None, *,
                    api: str = DEFAULT_API, name: str | None = None,
                    services: HostServices | None = None, search_path: str | Path | None = None,
                    filename: str | None = None) -> NativeOperator:
        src = source if isinstance(source, OperatorSource) else OperatorSource.load(source, search_path, filename)
        summary = check_source(src.text, src.filename, kind)
        kind = kind or summary.kinds[0]
        world = World(api, summary.kinds)  # the source may import the bindings of all its kinds
        services = services or HostServices()
        name = name or f"{src.stem or 'operator'}/{kind}"
        paths = [bindings_folder(world)] + ([src.folder] if src.folder else [])
        with isolated_imports(paths, _BINDING_NAMES | _sibling_names(src)):
            package = importlib.import_module(world.bindings_module)
            for sub in BINDINGS_SUBMODULES + tuple(f"exports.{k}" for k in summary.kinds):
                importlib.import_module(f"{world.bindings_module}.{sub}")
            for alias in world.aliases:
                importlib.import_module(alias)
            install_host(package, name, services)
            module = _execute(src)
        operator_class = module.__dict__[CLASS_NAMES[kind]]
        return cls(operator_class, package, kind, api, name, services, src.filename)

    # -- calls -------------------------------------------------------------------------
    def init(self, properties: dict[str, str] | None = None, schemas: Sequence[Any] = ()) -> bool:
        self.configuration = (dict(properties or {}), tuple(schemas))
        config = self.convert.configuration(*self.configuration)
        result = self._guarded("init", lambda: self.operator_class().init(config), properties)
        return bool(result)

    def process(self, *inputs: Any) -> Any:
        args = self.convert.arguments(self.kind, inputs)
        # Like componentize-py, every call gets a new instance of the operator class.
        result = self._guarded("process", lambda: self.operator_class().process(*args), inputs)
        try:
            return self.convert.result(self.kind, result)
        except TypeError as exc:
            raise OperatorError(OperatorFailure(self.name, "process", f"returned the wrong type: {exc}",
                                                _single(inputs))) from exc

    def close(self) -> None:
        return None

    def _guarded(self, function: str, call: Any, inputs: Any) -> Any:
        try:
            return call()
        except self.convert.Err as exc:
            detail = getattr(exc.value, "message", exc.value)
            raise OperatorError(OperatorFailure(self.name, function, f"returned an error: {detail}",
                                                _single(inputs))) from exc
        except Exception as exc:
            tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            raise OperatorError(OperatorFailure(self.name, function, f"{type(exc).__name__}: {exc}",
                                                _single(inputs), tb)) from exc

    def __repr__(self) -> str:
        return f"<NativeOperator {self.name} ({self.kind}, API {self.api})>"


def _execute(src: OperatorSource) -> types.ModuleType:
    module = types.ModuleType(f"workbench_native_{abs(hash(src.text)):x}")
    module.__file__ = src.filename
    sys.modules[module.__name__] = module  # dataclasses and pickling look modules up by name
    exec(compile(src.text, src.filename, "exec"), module.__dict__)
    return module


def _sibling_names(src: OperatorSource) -> set[str]:
    if src.folder is None:
        return set()
    return {p.stem for p in src.folder.glob("*.py")} | {p.parent.name for p in src.folder.glob("*/__init__.py")}


def _single(inputs: Any) -> Any:
    return inputs[0] if isinstance(inputs, (tuple, list)) and len(inputs) == 1 else inputs
