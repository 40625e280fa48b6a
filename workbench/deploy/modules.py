"""The modules of an export: each graph module reference with its component bytes and facts.

A module is given as a ``CompiledOperator``, a ``.py`` source (compiled through the build cache
for the graph's API version, named and versioned as the graph references it), a ``.wasm``
component, or the workbench's registry entries for those. AIO resolves a module reference by
its last path component and tag under the data flow graph's registry endpoint, so
``azure-samples/explore-iot-operations/temperature:1.0.0`` is pushed as ``temperature:1.0.0``
and written to the bundle as ``temperature-1.0.0.wasm``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..dataflow.graph import ModuleReference
from ..errors import DeployError, HostError

UNVERSIONED_TAG = "latest"


@dataclass(frozen=True)
class ModuleArtifact:
    """A module as it will be deployed: reference, OCI name and tag, and its component."""

    reference: str
    name: str
    version: str
    api: str
    kinds: tuple[str, ...]
    imports: tuple[str, ...]
    wasm: bytes = field(repr=False, compare=False)
    origin: str = ""

    @property
    def tag(self) -> str:
        return self.version or UNVERSIONED_TAG

    @property
    def artifact(self) -> str:
        """``NAME:TAG``, as pushed under the registry endpoint."""
        return f"{self.name}:{self.tag}"

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.version}.wasm" if self.version else f"{self.name}.wasm"

    @property
    def digest(self) -> str:
        return "sha256:" + hashlib.sha256(self.wasm).hexdigest()


def split_reference(reference: str, where: str) -> tuple[str, str]:
    """``.../NAME:VERSION`` → ``(NAME, VERSION)``; a digest cannot be pushed to, so it is refused."""
    try:
        parsed = ModuleReference.parse(reference)
    except ValueError as exc:
        raise DeployError(f"{where}: {exc}") from exc
    if ":" in parsed.version:
        raise DeployError(f"{where}: module \"{reference}\" is pinned to a digest; an export pushes modules by "
                          "tag, so reference it as NAME:VERSION")
    return parsed.name, parsed.version


def load_module(reference: str, source: Any, api: str, where: str) -> ModuleArtifact:
    """The ``ModuleArtifact`` of ``reference`` given as ``source`` (see the module's docs)."""
    name, version = split_reference(reference, where)
    if hasattr(source, "compiled") and callable(source.compiled):  # a registry SourceModule
        source = source.compiled()
    if hasattr(source, "report") and callable(getattr(source, "wasm", None)):  # a CompiledOperator
        return _from_compiled(reference, name, version, source, "compiled in the session")
    if hasattr(source, "path") and hasattr(source, "module"):  # a registry WasmModule
        source = source.path
    if isinstance(source, (bytes, bytearray)):
        return _from_wasm(reference, name, version, bytes(source), "wasm bytes")
    if isinstance(source, (str, Path)):
        return _from_file(reference, name, version, Path(source), api)
    if getattr(source, "native_only", False):
        raise DeployError(f"module \"{reference}\" runs natively only (%%operator --native); AIO runs WebAssembly, "
                          "so compile it (the same cell without --native) before exporting")
    raise DeployError(f"module \"{reference}\": cannot export a {type(source).__name__}; give a CompiledOperator, "
                      "a .py source or a .wasm component")


def _from_file(reference: str, name: str, version: str, path: Path, api: str) -> ModuleArtifact:
    if not path.is_file():
        raise DeployError(f"module \"{reference}\": file {path} does not exist")
    if path.suffix == ".wasm":
        return _from_wasm(reference, name, version, path.read_bytes(), str(path))
    if path.suffix == ".py":
        from ..compiler import compile_operator

        compiled = compile_operator(path, name=name, version=version or None, api=api)
        return _from_compiled(reference, name, version, compiled, str(path))
    raise DeployError(f"module \"{reference}\": {path} is neither a .py source nor a .wasm component")


def _from_compiled(reference: str, name: str, version: str, compiled: Any, origin: str) -> ModuleArtifact:
    return ModuleArtifact(reference, name, version, str(compiled.api), tuple(compiled.kinds),
                          tuple(compiled.report.imports), compiled.wasm(), origin)


def _from_wasm(reference: str, name: str, version: str, wasm: bytes, origin: str) -> ModuleArtifact:
    from ..host.module import ComponentModule

    try:
        module = ComponentModule.from_wasm(wasm, origin)
        api = module.api_version
    except HostError as exc:
        raise DeployError(f"module \"{reference}\": {exc}") from exc
    return ModuleArtifact(reference, name, version, api, tuple(module.kinds), tuple(sorted(module.imports)),
                          wasm, origin)
