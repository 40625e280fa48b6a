"""What must hold before a graph and its modules go to AIO; each failure is a ``DeployError``.

- every module the graph uses is given (and every one given is used);
- a module implements the graph's ``moduleRequirements.apiVersion``;
- a module exports every operator the graph uses it for;
- a module imports nothing the AIO runtime does not provide (WASI 0.2 and AIO's interfaces);
- two references do not land on the same ``NAME:TAG`` in the registry;
- every required configuration parameter has a value (a default, or one given as configuration).

Configuration given for the export is written into the graph definition as the parameters'
defaults: AIO passes a parameter's default to ``init`` when the data flow graph resource sets
no value, so the deployed graph runs as it ran in the workbench.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from ..compiler.report import unsupported_imports
from ..dataflow.graph import MODULE_OPERATIONS, Graph, ModuleConfiguration, Parameter
from ..errors import DeployError, GraphError
from .modules import ModuleArtifact

CONFIG_HINT = "give a value with --config OPERATION.KEY=VALUE (Python: config={\"OPERATION.KEY\": VALUE})"


def _error(message: str, hint: str | None = None) -> DeployError:
    error = DeployError(message)
    error.hint = hint
    return error


def where(graph: Graph, reference: str | None = None) -> str:
    """The file and line of the first operation using ``reference`` (else the graph's file or name)."""
    for op in graph.operations:
        if reference is not None and op.module == reference and op.location is not None:
            return str(op.location)
    return graph.source_file or f"graph \"{graph.name}\""


def check_modules_given(graph: Graph, given: Iterable[str]) -> None:
    used, given = list(graph.modules()), list(given)
    for reference in given:
        if reference not in used:
            raise _error(f"{where(graph)}: module \"{reference}\" was given, but the graph uses no such module "
                         f"(it uses: {', '.join(used) or 'none'})")
    for reference in used:
        if reference not in given:
            raise _error(f"{where(graph, reference)}: no module given for \"{reference}\"",
                         hint=f"pass --module {reference}=PATH (.py or .wasm)")


def check_module(graph: Graph, module: ModuleArtifact) -> None:
    """API version, operators and imports of one module against the graph that uses it."""
    origin = f"module \"{module.reference}\" ({module.origin})" if module.origin else f"module \"{module.reference}\""
    if module.api != graph.api_version:
        raise _error(f"{where(graph, module.reference)}: {origin} implements AIO API {module.api}, but the graph's "
                     f"moduleRequirements.apiVersion is \"{graph.api_version}\"",
                     hint=f"build the module for API {graph.api_version}, or change the graph's apiVersion")
    for op in graph.operations:
        if op.module == module.reference and op.operation_type not in module.kinds:
            at = op.location or where(graph)
            raise _error(f"{at}: operation \"{op.name}\" is a {op.operation_type}, but {origin} exports only "
                         f"{', '.join(module.kinds) or 'no operator'}")
    foreign = unsupported_imports(list(module.imports), module.api)
    if foreign:
        raise _error(f"{where(graph, module.reference)}: {origin} imports {', '.join(map(repr, foreign))}, which the "
                     f"AIO runtime (API {module.api}) does not provide",
                     hint="AIO provides WASI 0.2 and its own interfaces only; remove what pulls these imports in")


def check_artifact_names(graph: Graph, modules: Iterable[ModuleArtifact]) -> None:
    """Two module references must not be pushed to the same ``NAME:TAG``."""
    seen: dict[str, str] = {}
    for module in modules:
        other = seen.setdefault(module.artifact, module.reference)
        if other != module.reference:
            raise _error(f"{where(graph, module.reference)}: modules \"{other}\" and \"{module.reference}\" would both "
                         f"be pushed as {module.artifact}; AIO resolves modules by name and version under one "
                         "registry endpoint, so give them different names or versions")


def check_graph_artifact(graph: Graph, artifact: str, modules: Iterable[ModuleArtifact]) -> None:
    """The graph must not be pushed to the ``NAME:TAG`` of one of its modules (it would replace it)."""
    for module in modules:
        if module.artifact == artifact:
            raise _error(f"{where(graph)}: the graph would be pushed as {artifact}, the artifact of its module "
                         f"\"{module.reference}\", and replace it in the registry",
                         "give the graph another artifact name (graph_artifact=\"NAME:TAG\", --graph-artifact) "
                         "or another name")


def configured_graph(graph: Graph, overrides: Mapping[str, Mapping[str, str]]) -> Graph:
    """``graph`` with ``overrides`` (operation → key → value) written in as defaults; every required one set."""
    module_operations = [op.name for op in graph.operations if op.operation_type in MODULE_OPERATIONS]
    for name in overrides:
        if name not in module_operations:
            raise _error(f"{where(graph)}: configuration for \"{name}\", which is not a module operation of the "
                         f"graph (module operations: {', '.join(module_operations) or 'none'})")
    configured = {c.name: _configure(c, overrides.get(c.name, {})) for c in graph.configurations}
    for name, values in overrides.items():
        configured.setdefault(name, _configure(ModuleConfiguration(name), values))
    graph = replace(graph, configurations=tuple(configured.values()))
    for name in module_operations:
        try:
            graph.parameters_for(name)
        except GraphError as exc:
            raise _error(str(exc), hint=CONFIG_HINT) from exc
    return graph


def _configure(configuration: ModuleConfiguration, values: Mapping[str, Any]) -> ModuleConfiguration:
    declared = {p.name for p in configuration.parameters} | {p.key for p in configuration.parameters}
    parameters = [_with_value(p, values) for p in configuration.parameters]
    parameters += [Parameter(key, key, None, str(value)) for key, value in values.items() if key not in declared]
    return replace(configuration, parameters=tuple(parameters))


def _with_value(parameter: Parameter, values: Mapping[str, Any]) -> Parameter:
    for key in (parameter.name, parameter.key):
        if key in values:
            return replace(parameter, default=str(values[key]))
    return parameter
