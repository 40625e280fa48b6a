"""``push(bundle, registry)`` and ``pull(reference, out_dir)``: export bundles to and from an OCI registry.

A bundle pushed to ``HOST/REPO`` becomes one artifact per module, ``HOST/REPO/NAME:VERSION``
(modules first, so the graph never names a module that is not there yet), and the graph
definition, ``HOST/REPO/GRAPH:TAG``: the layout an AIO registry endpoint with host
``HOST/REPO`` pulls from. Pulling a graph pulls the modules it names from beside it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dataflow.graph import Graph
from ..errors import DeployError, GraphError
from .bundle import BundleModule, ExportBundle, prepare_directory, write_file
from .checks import where
from .credentials import Credentials, find_credentials
from .modules import UNVERSIONED_TAG, split_reference
from .references import ArtifactReference, RegistryAddress, split_artifact, valid_tag

if TYPE_CHECKING:
    from .oci import Artifact, OciClient


@dataclass(frozen=True)
class ArtifactRecord:
    """One artifact pushed or pulled: where, its manifest digest, and its file."""

    kind: str
    reference: str
    digest: str
    file: str
    size: int


@dataclass(frozen=True)
class RegistryResult:
    """What a push or a pull did: the artifacts with their digests, and the bundle pushed or written
    (``None`` for a lone module; ``directory`` is where it is, or where the module went)."""

    action: str
    registry: str
    artifacts: tuple[ArtifactRecord, ...]
    graph_artifact: str | None = None
    bundle: ExportBundle | None = None
    directory: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {key: value for key, value in asdict(self).items() if key != "bundle"}
        data["directory"] = str(self.directory) if self.directory else None
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def summary(self) -> str:
        lines = [f"{self.action} {a.reference} {a.digest} ({a.kind}, {a.file}, {a.size:,} bytes)"
                 for a in self.artifacts]
        if self.action == "pushed" and self.graph_artifact:
            lines.append(f"graph artifact: {self.graph_artifact} (graphSettings.artifact of the DataflowGraph)")
        if self.action == "pulled" and self.directory is not None:
            lines.append(f"wrote {self.directory}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{escape(a.kind)}</td><td><code>{escape(a.reference)}</code></td>"
                       f"<td><code>{escape(a.digest)}</code></td><td>{a.size:,} B</td></tr>" for a in self.artifacts)
        return (f"<div><b>{escape(self.action.capitalize())}</b> ({escape(self.registry)})"
                f"<table style='border-left:4px solid #27ae60'>{rows}</table></div>")


def client(host: str, plain_http: bool = False, credentials: Credentials | None = None,
           timeout: float | None = None) -> OciClient:
    """An ``OciClient`` for ``host`` with the configured credentials (see ``credentials``)."""
    from .oci import TIMEOUT, OciClient

    return OciClient(host, plain_http=plain_http, credentials=credentials or find_credentials(host),
                     timeout=timeout or TIMEOUT)


def push(bundle: ExportBundle | str | Path, registry: str, *, tag: str | None = None, plain_http: bool = False,
         credentials: Credentials | None = None, timeout: float | None = None) -> RegistryResult:
    """Push an export bundle's modules and graph definition to ``registry`` (``HOST[:PORT]/REPO``).

    ``tag`` replaces the graph artifact's tag (the modules keep the versions the graph names).
    """
    bundle = bundle if isinstance(bundle, ExportBundle) else ExportBundle.load(bundle)
    address = RegistryAddress.parse(registry)
    graph_name, graph_tag = split_artifact(bundle.graph_artifact, "graph artifact")
    if tag is not None and not valid_tag(tag):
        raise DeployError(f"--tag \"{tag}\" is not a valid tag (letters, digits, . _ -; at most 128)")
    oci = client(address.host, plain_http, credentials, timeout)
    records = []
    for module in bundle.modules:
        name, module_tag = split_artifact(module.artifact, f"{bundle.directory / 'bundle.json'}: module artifact")
        pushed = oci.push(address.artifact(name, module_tag), module.file,
                          _read(bundle.directory / module.file), "module")
        records.append(_record(pushed))
    graph = oci.push(address.artifact(graph_name, tag or graph_tag), bundle.graph_file, _read(bundle.graph_path),
                     "graph")
    records.append(_record(graph))
    return RegistryResult("pushed", str(address), tuple(records), f"{graph_name}:{tag or graph_tag}", bundle,
                          bundle.directory)


def pull(reference: str, out_dir: str | Path, *, plain_http: bool = False, credentials: Credentials | None = None,
         timeout: float | None = None) -> RegistryResult:
    """Pull ``HOST[:PORT]/REPO/NAME:TAG`` into ``out_dir``: a graph with its modules (a bundle), or one module.

    Everything is fetched and checked before ``out_dir`` is touched.
    """
    target = ArtifactReference.parse(reference)
    oci = client(target.host, plain_http, credentials, timeout)
    first = oci.pull(target)
    if first.kind == "module":
        folder = prepare_directory(out_dir)
        write_file(folder / first.filename, first.content)
        return RegistryResult("pulled", str(target.address), (_record(first),), directory=folder)
    graph = _pulled_graph(first)
    modules = {ref: _pull_module(oci, target.address, ref, graph) for ref in graph.modules()}
    folder = prepare_directory(out_dir)
    for artifact in (first, *modules.values()):
        write_file(folder / artifact.filename, artifact.content)
    bundle = ExportBundle(folder, graph.name, f"{target.name}:{target.tag}", graph.api_version, first.filename,
                          tuple(_bundle_module(ref, m) for ref, m in modules.items()), manifest_file=None,
                          instructions_file=None)
    bundle.save_index()
    records = tuple(_record(a) for a in (first, *modules.values()))
    return RegistryResult("pulled", str(target.address), records, bundle.graph_artifact, bundle, folder)


def tags(reference: str, *, plain_http: bool = False, credentials: Credentials | None = None,
         timeout: float | None = None) -> list[str]:
    """The tags of the repository ``HOST[:PORT]/REPO/NAME`` (a ``:TAG`` on it is ignored)."""
    last = reference.rpartition("/")[2]
    target = ArtifactReference.parse(reference if ":" in last else f"{reference}:latest")
    return client(target.host, plain_http, credentials, timeout).tags(target)


def _pull_module(oci: OciClient, address: RegistryAddress, reference: str, graph: Graph) -> Artifact:
    name, version = split_reference(reference, where(graph, reference))
    pulled = oci.pull(address.artifact(name, version or UNVERSIONED_TAG))
    if pulled.kind != "module":
        raise DeployError(f"{pulled.reference} (module \"{reference}\" of the graph) is a {pulled.kind}, not a module")
    filename = f"{name}-{version}.wasm" if version else f"{name}.wasm"
    return replace(pulled, filename=filename)


def _pulled_graph(artifact: Artifact) -> Graph:
    from ..dataflow.graph_yaml import load_graph

    try:
        text = artifact.content.decode("utf-8")
        return load_graph(text if "\n" in text else text + "\n")
    except (UnicodeDecodeError, GraphError) as exc:
        raise DeployError(f"{artifact.reference}: the graph definition pulled is not valid: {exc}") from exc


def _bundle_module(reference: str, pulled: Artifact) -> BundleModule:
    return BundleModule(reference, f"{pulled.reference.name}:{pulled.reference.tag}", pulled.filename,
                        pulled.layer_digest, pulled.size)


def _record(artifact: Artifact) -> ArtifactRecord:
    return ArtifactRecord(artifact.kind, str(artifact.reference), artifact.digest, artifact.filename, artifact.size)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DeployError(f"{path}: cannot read: {exc.strerror or exc}") from exc
