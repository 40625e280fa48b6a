"""``compile_operator``: Python operator source → cached, checked WebAssembly component."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CompileError, SourceLocation
from ..host.module import ComponentModule
from ..tracebacks import SourceMap, extract_guest_traceback, user_frames
from .bundle import Bundle, OperatorSource, make_bundle
from .cache import BuildCache, build_key
from .checks import check_source
from .report import BuildReport, unsupported_imports
from .toolchain import componentize, componentize_py_version, wasmtime_version
from .wit import DEFAULT_API, World

ENGINE_TAG = "epoch-interruption"


@dataclass
class CompiledOperator:
    """A built operator module: its component, report, and ways to run it."""

    name: str
    version: str
    kinds: tuple[str, ...]
    api: str
    source: OperatorSource
    wasm_path: Path
    report: BuildReport
    source_map: SourceMap
    module: ComponentModule = field(repr=False)
    default_kind: str = ""

    @property
    def reference(self) -> str:
        return f"{self.name}:{self.version}"

    def wasm(self) -> bytes:
        return self.wasm_path.read_bytes()

    def save(self, path: str | Path) -> Path:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(self.wasm())
        return target

    def instantiate(self, kind: str | None = None, **options: Any):  # type: ignore[no-untyped-def]
        """A sandboxed ``OperatorInstance`` of one of this module's operators."""
        from ..host.instance import OperatorInstance

        kind = kind or self.default_kind or self.kinds[0]
        options.setdefault("source_map", self.source_map)
        options.setdefault("name", f"{self.name}/{kind}")
        return OperatorInstance(self.module, kind, **options)

    def native(self, kind: str | None = None, **options: Any):  # type: ignore[no-untyped-def]
        """The same operator class running in-process in CPython (see ``workbench.native``)."""
        from ..native import NativeOperator

        kind = kind or self.default_kind or self.kinds[0]
        options.setdefault("name", f"{self.name}/{kind}")
        return NativeOperator.from_source(self.source, kind, api=self.api, **options)

    def _repr_html_(self) -> str:
        return self.report._repr_html_()

    def __repr__(self) -> str:
        return f"<CompiledOperator {self.report.summary()}>"


def compile_operator(source: str | Path, kind: str | None = None, name: str | None = None,
                     version: str | None = None, api: str = DEFAULT_API, *,
                     search_path: str | Path | None = None, filename: str | None = None,
                     cache: BuildCache | None = None) -> CompiledOperator:
    """Compile Python operator code (a ``.py`` path or source text) to an AIO component."""
    started = time.perf_counter()
    src = OperatorSource.load(source, search_path, filename)
    summary = check_source(src.text, src.filename, kind)
    # The module exports every operator its source defines (the source may import any of
    # their bindings); ``kind`` picks the one that is run by default.
    world = World(api, summary.kinds)
    bundle = make_bundle(src, world)
    cache = cache or BuildCache()
    key = build_key({"files": bundle.digests(), "app": bundle.app_module, "world": world.name,
                     "wit": world.fingerprint(), "componentize-py": componentize_py_version()})
    source_map = _source_map(src, bundle)
    hit = cache.has_component(key)
    if not hit:
        _build(bundle, world, cache, key, src, source_map)
    module = _load_module(cache, key, name or src.stem or bundle.app_module)
    elapsed = time.perf_counter() - started
    report = _report(module, name or src.stem or "operator", version or "1.0.0", world,
                     cache.component_path(key), elapsed, hit, key)
    return CompiledOperator(report.name, report.version, module.kinds, api, src,
                            cache.component_path(key), report, source_map, module,
                            kind or summary.kinds[0])


def _build(bundle: Bundle, world: World, cache: BuildCache, key: str, src: OperatorSource,
           source_map: SourceMap) -> None:
    with tempfile.TemporaryDirectory(prefix="workbench-build-") as tmp:
        app_dir, wit = Path(tmp) / "app", world.write_wit(Path(tmp) / "wit")
        app_dir.mkdir()
        bundle.write(app_dir)
        output = Path(tmp) / "component.wasm"
        run = componentize(wit, world.name, bundle.app_module, [app_dir], output)
        if not run.ok or not output.is_file():
            raise _build_error(run.output, src, source_map)
        cache.write(cache.component_path(key), output.read_bytes())


def _load_module(cache: BuildCache, key: str, name: str) -> ComponentModule:
    compiled = cache.compiled_path(key, f"{wasmtime_version()}:{ENGINE_TAG}")
    if compiled.is_file():
        try:
            return ComponentModule.from_serialized(compiled.read_bytes(), name)
        except Exception:  # stale or corrupt compiled code: recompile below
            compiled.unlink(missing_ok=True)
    module = ComponentModule.from_wasm(cache.component_path(key).read_bytes(), name)
    cache.write(compiled, module.serialize())
    return module


def _source_map(src: OperatorSource, bundle: Bundle) -> SourceMap:
    modules = {f"{bundle.app_module}.py": (src.filename, 0)}
    for rel in bundle.files:
        if rel not in modules and src.folder is not None and (src.folder / rel).is_file():
            modules[rel] = (str(src.folder / rel), 0)
    return SourceMap(modules)


def _build_error(output: str, src: OperatorSource, source_map: SourceMap) -> CompileError:
    traceback = extract_guest_traceback(output.split("Caused by:")[0], source_map) \
        if "Traceback (most recent call last)" in output else None
    if traceback:
        lines = [ln for ln in traceback.splitlines() if ln.strip()]
        frames = user_frames(traceback, source_map)
        location = None
        if frames:
            file, line = frames[-1]
            text = _line_of(src, file, line)
            location = SourceLocation(file, line, None, text)
        message = f"top-level code raised while the module was pre-initialised: {lines[-1].strip()}"
        return CompileError(message, location, traceback,
                            hint="module top-level code runs at build time; move work that needs "
                                 "configuration or I/O into init()")
    detail = output.split("Stack backtrace:")[0].strip()
    return CompileError(f"componentize-py failed for {src.filename}:\n{detail}")


def _line_of(src: OperatorSource, file: str, line: int) -> str | None:
    if file == src.filename:
        lines = src.text.splitlines()
    else:
        try:
            lines = Path(file).read_text().splitlines()
        except OSError:
            return None
    return lines[line - 1] if 0 < line <= len(lines) else None


def _report(module: ComponentModule, name: str, version: str, world: World, wasm: Path,
            elapsed: float, hit: bool, key: str) -> BuildReport:
    imports = sorted(module.imports)
    warnings = [f"import {imp} is not provided by the AIO runtime (API {world.api})"
                for imp in unsupported_imports(imports, world.api)]
    missing = [k for k in world.kinds if k not in module.kinds]
    warnings += [f"operator {k!r} is not exported" for k in missing]
    return BuildReport(name, version, module.kinds, world.api, world.name, wasm.stat().st_size,
                       elapsed, hit, tuple(imports), tuple(sorted(module.exports)), tuple(warnings), key)
