"""What goes into a build: the operator source and the pure-Python modules it imports.

Sibling modules (like AIO's ``payload.py`` beside ``branch.py``) are found by following
the imports of the source, transitively, within the source's folder.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import CompileError
from .cache import digest
from .wit import World, alias_package_source

DEFAULT_APP = "operator_app"


@dataclass(frozen=True)
class OperatorSource:
    """Operator code and where it came from (a file, or text such as a notebook cell)."""

    text: str
    filename: str
    folder: Path | None
    stem: str | None = None

    @classmethod
    def load(cls, source: str | Path, search_path: str | Path | None = None,
             filename: str | None = None) -> OperatorSource:
        if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source
                                         and source.strip().endswith(".py")):
            path = Path(source)
            try:
                text = path.read_text()
            except OSError as exc:
                raise CompileError(f"cannot read operator source {path}: {exc.strerror or exc}") from exc
            return cls(text, filename or str(path), path.resolve().parent, path.stem)
        # Text (a notebook cell) finds its sibling modules in the working directory.
        folder = Path(search_path if search_path is not None else Path.cwd()).resolve()
        return cls(str(source), filename or "<operator>", folder)

    @property
    def app_module(self) -> str:
        """The module name the source is built as (its file stem when that is safe)."""
        stem = self.stem
        if stem and stem.isidentifier() and stem not in sys.stdlib_module_names \
                and not stem.endswith("_impl"):
            return stem
        return DEFAULT_APP


@dataclass(frozen=True)
class Bundle:
    """Files of a build folder: relative path -> text."""

    files: dict[str, str]
    app_module: str

    def digests(self) -> dict[str, str]:
        return {name: digest(text) for name, text in sorted(self.files.items())}

    def write(self, folder: Path) -> None:
        for name, text in self.files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)


def imported_names(text: str) -> set[str]:
    """Top-level module names imported anywhere in ``text`` (absolute imports only)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def sibling_modules(source: OperatorSource) -> dict[str, str]:
    """Pure-Python modules and packages beside the source that it (transitively) imports."""
    if source.folder is None:
        return {}
    found: dict[str, str] = {}
    pending = sorted(imported_names(source.text))
    seen: set[str] = {source.app_module, source.stem or ""}
    while pending:
        name = pending.pop()
        if name in seen or name.endswith("_impl"):
            continue
        seen.add(name)
        for rel, text in _module_files(source.folder, name).items():
            found[rel] = text
            pending.extend(sorted(imported_names(text) - seen))
    return found


def _module_files(folder: Path, name: str) -> dict[str, str]:
    module = folder / f"{name}.py"
    if module.is_file():
        return {module.name: module.read_text()}
    package = folder / name
    if (package / "__init__.py").is_file():
        return {str(p.relative_to(folder)): p.read_text() for p in sorted(package.rglob("*.py"))}
    return {}


def make_bundle(source: OperatorSource, world: World) -> Bundle:
    files = {f"{source.app_module}.py": source.text, **sibling_modules(source)}
    for alias in world.aliases:
        files[f"{alias}/__init__.py"] = alias_package_source(world, alias)
    return Bundle(files, source.app_module)
