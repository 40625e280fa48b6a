"""Generated Python bindings of a world, cached on disk and imported in isolation."""

from __future__ import annotations

import shutil
import sys
import tempfile
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..compiler.cache import cache_root
from ..compiler.toolchain import bindings as generate_bindings
from ..compiler.wit import World, alias_package_source
from ..errors import CompileError


def bindings_folder(world: World) -> Path:
    """A folder holding the bindings package of ``world`` (generated once, then reused)."""
    folder = cache_root() / "bindings" / world.fingerprint()[:24]
    if (folder / world.bindings_module / "__init__.py").is_file():
        return folder
    with tempfile.TemporaryDirectory(prefix="workbench-bindings-") as tmp:
        wit = world.write_wit(Path(tmp) / "wit")
        out = Path(tmp) / "out"
        out.mkdir()
        run = generate_bindings(wit, world.name, out)
        if not run.ok:
            raise CompileError(f"cannot generate bindings for world {world.name}: {run.output.strip()}")
        for alias in world.aliases:
            (out / alias).mkdir()
            (out / alias / "__init__.py").write_text(alias_package_source(world, alias))
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder.parent))
        shutil.copytree(out, staging, dirs_exist_ok=True)
        if folder.exists():
            shutil.rmtree(staging)
        else:
            staging.rename(folder)
    return folder


def _within(module: types.ModuleType, roots: list[Path]) -> bool:
    file = getattr(module, "__file__", None)
    if not file:
        return False
    path = Path(file).resolve()
    return any(root == path or root in path.parents for root in roots)


def _installed(module: types.ModuleType) -> bool:
    file = getattr(module, "__file__", None) or ""
    return "site-packages" in Path(file).parts or "dist-packages" in Path(file).parts


@contextmanager
def isolated_imports(paths: list[Path], shadowed: set[str]) -> Iterator[None]:
    """Import from ``paths`` first; afterwards forget the modules loaded from them.

    Modules named in ``shadowed`` (other bindings, earlier siblings) are hidden during
    the import and restored afterwards, so several operators can each see their own.
    """
    roots = [p.resolve() for p in paths]
    saved = {name: sys.modules.pop(name) for name in list(sys.modules)
             if name.split(".")[0] in shadowed}
    before = set(sys.modules)
    sys.path[:0] = [str(p) for p in paths]
    try:
        yield
    finally:
        for p in paths:
            if str(p) in sys.path:
                sys.path.remove(str(p))
        # Forget only what this import brought in from the operator's folders: never installed
        # packages (a notebook's folder may hold a virtual environment, and numpy cannot load twice).
        for name, module in list(sys.modules.items()):
            if name not in before and (name.split(".")[0] in shadowed
                                       or (_within(module, roots) and not _installed(module))):
                del sys.modules[name]
        sys.modules.update(saved)
