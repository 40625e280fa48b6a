"""``export(graph, modules, out_dir)``: check a graph and its modules for AIO and write a bundle."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..dataflow.graph import Graph
from ..errors import DeployError, GraphError
from . import manifest as resource
from .bundle import GRAPH_FILE, MANIFEST_FILE, NEXT_FILE, BundleModule, ExportBundle, prepare_directory, write_file
from .checks import (
    check_artifact_names,
    check_graph_artifact,
    check_module,
    check_modules_given,
    configured_graph,
    where,
)
from .instructions import next_steps
from .modules import ModuleArtifact, load_module
from .references import slug, split_artifact

Config = Mapping[str, Any] | Iterable[str] | None


def export(graph: Graph | str | Path, modules: Mapping[str, Any] | None, out_dir: str | Path, *,
           config: Config = None, graph_artifact: str | None = None,
           registry_endpoint: str = resource.DEFAULT_REGISTRY_ENDPOINT,
           source_endpoint: str = resource.DEFAULT_ENDPOINT, source_topics: Iterable[str] = (),
           destination_endpoint: str = resource.DEFAULT_ENDPOINT, destination_topic: str = "",
           namespace: str = resource.DEFAULT_NAMESPACE, profile: str = resource.DEFAULT_PROFILE,
           resource_name: str | None = None) -> ExportBundle:
    """Check ``graph`` and its ``modules`` for AIO and write an export bundle to ``out_dir``.

    ``graph``: a ``Graph``, a graph definition path, or YAML text. ``modules``: module reference →
    ``CompiledOperator``, ``.py`` source (compiled for the graph's API version) or ``.wasm``
    (modules given to the graph's building steps count too). ``config``: values for the
    operations' configuration parameters (``{"OPERATION.KEY": VALUE}``, ``{"OPERATION": {KEY: VALUE}}``
    or ``["OPERATION.KEY=VALUE"]``), written into the graph definition as defaults.
    ``graph_artifact`` (``NAME:TAG``) defaults to the graph's name and version. The rest set up the
    ``DataflowGraph`` resource (see ``workbench.deploy.manifest.Deployment``).

    Raises ``DeployError`` when a module is missing, implements another API version, lacks an
    operator the graph uses or imports what AIO does not provide, or a required parameter has
    no value; ``GraphError`` when the graph itself is invalid.
    """
    graph = _load(graph)
    given = {**graph.module_objects, **(modules or {})}
    check_modules_given(graph, given)
    graph = configured_graph(graph, _overrides(config))
    artifacts = [load_module(ref, given[ref], graph.api_version, where(graph, ref)) for ref in graph.modules()]
    for artifact in artifacts:
        check_module(graph, artifact)
    check_artifact_names(graph, artifacts)
    graph.validate(module_kinds={a.reference: a.kinds for a in artifacts})
    artifact_name = graph_artifact or f"{slug(graph.name)}:{_graph_tag(graph)}"
    name, _ = split_artifact(artifact_name, "--graph-artifact")
    check_graph_artifact(graph, artifact_name, artifacts)
    deployment = resource.Deployment(
        name=resource_name or name[:63].rstrip("-._"), graph_artifact=artifact_name,
        registry_endpoint=registry_endpoint, source_endpoint=source_endpoint, source_topics=tuple(source_topics),
        destination_endpoint=destination_endpoint, destination_topic=destination_topic, namespace=namespace,
        profile=profile)
    return _write(Path(out_dir), graph, artifacts, deployment)


def graph_definition(graph: Graph) -> str:
    """The graph definition YAML, checked against AIO's graph schema."""
    from ..dataflow.graph_yaml import dump_graph
    from ..dataflow.validation import validate_document

    text = dump_graph(graph)
    validate_document(yaml.safe_load(text), graph.source_file)
    return text


def _load(graph: Graph | str | Path) -> Graph:
    if isinstance(graph, Graph):
        return graph
    from ..dataflow.graph_yaml import load_graph

    return load_graph(graph)


def _overrides(config: Config) -> dict[str, dict[str, str]]:
    from ..dataflow.run import parse_overrides

    try:
        return parse_overrides(config)
    except GraphError as exc:
        raise DeployError(str(exc)) from exc


def _graph_tag(graph: Graph) -> str:
    """The graph's version as a tag (OCI tags allow no '+')."""
    return graph.version.replace("+", "_") or "latest"


def _write(out: Path, graph: Graph, artifacts: list[ModuleArtifact], deployment: resource.Deployment) -> ExportBundle:
    text = graph_definition(graph)
    folder = prepare_directory(out)
    write_file(folder / GRAPH_FILE, text)
    for artifact in artifacts:
        write_file(folder / artifact.filename, artifact.wasm)
    write_file(folder / MANIFEST_FILE, resource.manifest_yaml(deployment))
    write_file(folder / NEXT_FILE, next_steps(graph.name, graph.api_version, GRAPH_FILE, MANIFEST_FILE, deployment,
                                              artifacts))
    modules = tuple(BundleModule(a.reference, a.artifact, a.filename, a.digest, len(a.wasm)) for a in artifacts)
    bundle = ExportBundle(folder, graph.name, deployment.graph_artifact, graph.api_version, modules=modules)
    bundle.save_index()
    return bundle
