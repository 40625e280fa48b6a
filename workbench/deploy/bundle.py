"""Export bundles: a folder with everything AIO needs to run a graph, and its index.

Layout (``workbench export ... --out DIR``)::

    DIR/graph.yaml               the graph definition (AIO's schema; pushed as the graph artifact)
    DIR/NAME-VERSION.wasm        one component per module reference .../NAME:VERSION
    DIR/dataflow-graph.yaml      the Kubernetes DataflowGraph resource
    DIR/NEXT.md                  the push / registry endpoint / kubectl commands to run next
    DIR/bundle.json              this index: what each file is and where it goes

``workbench pull`` writes the same layout (without the resource and NEXT.md), so a pulled
bundle can be run, pushed again or compared file by file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from ..errors import DeployError

INDEX = "bundle.json"
GRAPH_FILE = "graph.yaml"
MANIFEST_FILE = "dataflow-graph.yaml"
NEXT_FILE = "NEXT.md"
FORMAT = 1


@dataclass(frozen=True)
class BundleModule:
    """One module file of a bundle: the graph's reference to it and its registry ``NAME:TAG``."""

    reference: str
    artifact: str
    file: str
    digest: str
    size: int


@dataclass(frozen=True)
class ExportBundle:
    """An export bundle on disk (see the module's docs); ``ExportBundle.load(DIR)`` reads one."""

    directory: Path
    graph_name: str
    graph_artifact: str
    api: str
    graph_file: str = GRAPH_FILE
    modules: tuple[BundleModule, ...] = field(default=())
    manifest_file: str | None = MANIFEST_FILE
    instructions_file: str | None = NEXT_FILE

    @property
    def graph_path(self) -> Path:
        return self.directory / self.graph_file

    def module_paths(self) -> dict[str, Path]:
        """Module reference → ``.wasm`` path: the ``modules=`` of ``workbench.run``."""
        return {m.reference: self.directory / m.file for m in self.modules}

    def files(self) -> list[Path]:
        return [self.directory / name for name in self._names()]

    def _names(self) -> list[str]:
        names = [self.graph_file, *(m.file for m in self.modules), self.manifest_file, self.instructions_file, INDEX]
        return [name for name in names if name]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["directory"] = str(self.directory)
        return data

    def save_index(self) -> Path:
        data = {"format": FORMAT, **self.to_dict()}
        del data["directory"]
        return write_file(self.directory / INDEX, json.dumps(data, indent=2) + "\n")

    @classmethod
    def load(cls, directory: str | Path) -> ExportBundle:
        """The bundle in ``directory``; ``DeployError`` when it has no index or misses a file."""
        bundle = cls._read(Path(directory))
        missing = [str(p) for p in bundle.files() if not p.is_file()]
        if missing:
            raise DeployError(f"{bundle.directory / INDEX}: the bundle misses {', '.join(missing)}")
        return bundle

    @classmethod
    def _read(cls, folder: Path) -> ExportBundle:
        index = folder / INDEX
        try:
            data = json.loads(index.read_text(encoding="utf-8"))
            modules = tuple(BundleModule(**m) for m in data.pop("modules"))
            data.pop("format", None)
            bundle = cls(folder, modules=modules, **data)
        except FileNotFoundError as exc:
            raise DeployError(f"{folder} is not an export bundle: it has no {INDEX} "
                              "(write one with `workbench export`)") from exc
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise DeployError(f"{index}: not a valid bundle index: {exc}") from exc
        for name in bundle._names():
            if Path(name).name != name or name in (".", ".."):
                raise DeployError(f"{index}: \"{name}\" is not a file name in the bundle folder")
        return bundle

    def summary(self) -> str:
        lines = [f"{self.directory}: graph \"{self.graph_name}\" (API {self.api}) as {self.graph_artifact}",
                 f"  {self.graph_file}"]
        lines += [f"  {m.file}  ← {m.reference} (pushed as {m.artifact}, {m.size:,} bytes)" for m in self.modules]
        lines += [f"  {name}" for name in (self.manifest_file, self.instructions_file) if name]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [("graph definition", self.graph_file, f"\"{self.graph_name}\", AIO API {self.api}, "
                                                      f"pushed as {self.graph_artifact}")]
        rows += [("module", m.file, f"{m.reference} → {m.artifact}, {m.size / 1e6:.1f} MB") for m in self.modules]
        if self.manifest_file:
            rows.append(("DataflowGraph resource", self.manifest_file, "kubectl apply -f " + self.manifest_file))
        if self.instructions_file:
            rows.append(("next steps", self.instructions_file, "push, registry endpoint, kubectl"))
        body = "".join(f"<tr><th style='text-align:left'>{escape(a)}</th><td><code>{escape(b)}</code></td>"
                       f"<td>{escape(c)}</td></tr>" for a, b, c in rows)
        return (f"<div><b>Export bundle</b> <code>{escape(str(self.directory))}</code>"
                f"<table style='border-left:4px solid #27ae60'>{body}</table>"
                f"<i>next: <code>workbench push {escape(str(self.directory))} --registry HOST/REPO</code></i></div>")


def write_file(path: Path, content: str | bytes) -> Path:
    try:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise DeployError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    return path


def prepare_directory(directory: str | Path) -> Path:
    """An empty folder for a bundle: created, or emptied of a previous bundle's files.

    A folder holding other files is refused rather than mixed into.
    """
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise DeployError(f"{folder} is a file; give a folder for the bundle")
    if (folder / INDEX).is_file():
        for path in ExportBundle._read(folder).files():
            path.unlink(missing_ok=True)
    if folder.is_dir() and any(folder.iterdir()):
        raise DeployError(f"{folder} is not empty and holds no export bundle; give a new or empty folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeployError(f"{folder}: cannot create the bundle folder: {exc.strerror or exc}") from exc
    return folder
