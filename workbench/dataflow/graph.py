"""The graph model: an AIO data flow graph definition as frozen data.

A ``Graph`` mirrors one graph definition file (``graph.yaml``): metadata, module requirements,
module configurations, operations and connections. It is plain data: reading and writing files
lives in ``graph_yaml``, every consistency check in ``validation``, the step-by-step building
methods (``Graph("g").source("in").map("scale", module)...``) in ``steps``; the few queries here
(inputs, outputs, topological order, parameters) are what the engine needs to run a graph.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import GraphError
from .elements import (
    MODULE_OPERATIONS,
    OPERATION_TYPES,
    SCHEMA_URL,
    Connection,
    Location,
    ModuleConfiguration,
    ModuleReference,
    Operation,
    Parameter,
    _q,
)
from .steps import GraphSteps

__all__ = [
    "MODULE_OPERATIONS",
    "OPERATION_TYPES",
    "SCHEMA_URL",
    "Connection",
    "Graph",
    "Location",
    "ModuleConfiguration",
    "ModuleReference",
    "Operation",
    "Parameter",
]

_NO_OVERRIDES: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Graph(GraphSteps):
    """An AIO data flow graph definition (``features`` and ``schemas`` keep the file's order).

    ``module_objects`` maps module references to compiled modules given to the building steps;
    it is not part of the definition (neither compared nor written to YAML).
    """

    name: str
    version: str = "1.0.0"
    description: str | None = None
    vendor: str | None = None
    api_version: str = "1.1.0"
    runtime_version: str = "1.1.0"
    features: tuple[tuple[str, str | None], ...] = ()
    configurations: tuple[ModuleConfiguration, ...] = ()
    operations: tuple[Operation, ...] = ()
    connections: tuple[Connection, ...] = ()
    schemas: tuple[tuple[str, str, str], ...] = ()
    source_file: str | None = field(default=None, compare=False)
    module_objects: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # -- queries ---------------------------------------------------------------------------
    def operation(self, name: str) -> Operation:
        """The operation called ``name`` (the first, should the graph repeat it)."""
        for operation in self.operations:
            if operation.name == name:
                return operation
        known = ", ".join(_q(op.name) for op in self.operations) or "none"
        raise GraphError(f"{self._where()}: graph {_q(self.name)} has no operation {_q(name)}; operations: {known}")

    def inputs(self, name: str) -> tuple[Connection, ...]:
        """Connections into ``name``, in file order."""
        self.operation(name)
        return tuple(c for c in self.connections if c.target == name)

    def outputs(self, name: str) -> tuple[Connection, ...]:
        """Connections out of ``name``, in file order."""
        self.operation(name)
        return tuple(c for c in self.connections if c.source == name)

    def sources(self) -> tuple[Operation, ...]:
        return tuple(op for op in self.operations if op.operation_type == "source")

    def sinks(self) -> tuple[Operation, ...]:
        return tuple(op for op in self.operations if op.operation_type == "sink")

    def topological_order(self) -> tuple[str, ...]:
        """Operation names, upstream first; ties go to the operation defined first.

        Connections naming unknown operations are ignored (``validation`` reports them).
        """
        order, left = _kahn(self)
        if left:
            cycle = _cycle(self)
            path = " -> ".join([cycle[0].source, *(c.target for c in cycle)])
            where = cycle[-1].location or Location(self.source_file)
            raise GraphError(f"{where}: graph {_q(self.name)} has a cycle: {path}")
        return tuple(order)

    def configuration(self, name: str) -> ModuleConfiguration | None:
        """The ``moduleConfigurations`` entry for operation ``name``, if any."""
        return next((c for c in self.configurations if c.name == name), None)

    def parameters_for(self, name: str, overrides: Mapping[str, str] = _NO_OVERRIDES) -> dict[str, str]:
        """The properties operation ``name``'s ``init`` receives.

        Each declared parameter is keyed by its ``name``; its value is the override given under
        its name, else under its key, else its default. An override given as the empty string is
        a value, not an absence. Parameters without a value are left out, unless required (then
        ``GraphError``). Overrides naming no declared parameter pass through as given, as AIO
        passes configured properties through.
        """
        operation = self.operation(name)
        configuration = self.configuration(name)
        parameters = configuration.parameters if configuration else ()
        properties: dict[str, str] = {}
        missing = []
        for parameter in parameters:
            value = _value_of(parameter, overrides)
            if value is not None:
                properties[parameter.name] = value
            elif parameter.required:
                missing.append(parameter.name)
        if missing:
            where = (configuration.location if configuration else None) or operation.location or self._where()
            names = ", ".join(_q(m) for m in missing)
            raise GraphError(f"{where}: operation {_q(name)} needs a value for required parameter(s) {names}")
        declared = {p.name for p in parameters} | {p.key for p in parameters}
        properties.update({k: v for k, v in overrides.items() if k not in declared})
        return properties

    def modules(self) -> dict[str, tuple[str, ...]]:
        """Module reference text → the operation types the graph uses from it, in file order."""
        used: dict[str, list[str]] = {}
        for op in self.operations:
            if op.module is not None:
                kinds = used.setdefault(op.module, [])
                if op.operation_type not in kinds:
                    kinds.append(op.operation_type)
        return {module: tuple(kinds) for module, kinds in used.items()}

    # -- building ------------------------------------------------------------------------
    def with_operation(self, name: str, operation_type: str, module: str | None = None) -> Graph:
        """A copy with one more operation (at the end)."""
        return replace(self, operations=(*self.operations, Operation(name, operation_type, module)))

    def with_connection(self, source: str, target: str, arm: bool | None = None,
                        schema_name: str | None = None) -> Graph:
        """A copy with one more connection (at the end)."""
        return replace(self, connections=(*self.connections, Connection(source, target, arm, schema_name)))

    def with_configuration(self, name: str, *parameters: Parameter) -> Graph:
        """A copy whose configuration for operation ``name`` is replaced (or added)."""
        kept = tuple(c for c in self.configurations if c.name != name)
        return replace(self, configurations=(*kept, ModuleConfiguration(name, parameters)))

    # -- files, checks and runs -------------------------------------------------------------
    @classmethod
    def load(cls, source: str | Path, filename: str | None = None) -> Graph:
        """A checked graph from a ``graph.yaml`` path or YAML text (see ``graph_yaml.load_graph``)."""
        from .graph_yaml import load_graph

        return load_graph(source, filename)

    def to_yaml(self) -> str:
        """The AIO graph definition YAML, after checking the graph."""
        from .graph_yaml import dump_graph

        self.validate()
        return dump_graph(self)

    def save(self, path: str | Path) -> Path:
        """Check the graph and write its YAML to ``path``."""
        from .graph_yaml import save_graph

        self.validate()
        save_graph(self, path)
        return Path(path)

    def validate(self, module_kinds: Mapping[str, tuple[str, ...]] | None = None) -> Graph:
        """Every problem of the graph at once (``GraphValidationError``); the graph when there is none."""
        from .validation import check_graph

        kinds = {ref: tuple(module.kinds) for ref, module in self.module_objects.items()}
        check_graph(self, module_kinds={**kinds, **(module_kinds or {})} or None)
        return self

    def run(self, inputs: Any, **options: Any) -> Any:
        """``workbench.run(self, inputs, **options)``: the ``Run`` record."""
        from .run import run

        return run(self, inputs, **options)

    # -- display -------------------------------------------------------------------------
    def _where(self) -> Location:
        return Location(self.source_file)

    def _repr_html_(self) -> str:
        from .drawing import graph_html

        return graph_html(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """The inline SVG (``text/html``) and, for the JupyterLab extension, the graph as JSON.

        The JSON (``workbench.frontend.graph_data``) adds what the session knows about the
        graph's modules and its last run; frontends without the extension show the HTML.
        """
        from ..frontend import graph_mimebundle

        return graph_mimebundle(self)


def _value_of(parameter: Parameter, overrides: Mapping[str, str]) -> str | None:
    if parameter.name in overrides:
        return overrides[parameter.name]
    if parameter.key in overrides:
        return overrides[parameter.key]
    return parameter.default


def _edges(graph: Graph) -> list[Connection]:
    """Connections between known operations."""
    known = {op.name for op in graph.operations}
    return [c for c in graph.connections if c.source in known and c.target in known]


def _kahn(graph: Graph) -> tuple[list[str], set[str]]:
    """Topological order by file position, and the names left over (those on or behind a cycle)."""
    rank: dict[str, int] = {}
    for op in graph.operations:
        rank.setdefault(op.name, len(rank))
    indegree = dict.fromkeys(rank, 0)
    downstream: dict[str, list[str]] = {name: [] for name in rank}
    for c in _edges(graph):
        indegree[c.target] += 1
        downstream[c.source].append(c.target)
    ready = [(rank[name], name) for name, degree in indegree.items() if degree == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, name = heapq.heappop(ready)
        order.append(name)
        for target in downstream[name]:
            indegree[target] -= 1
            if indegree[target] == 0:
                heapq.heappush(ready, (rank[target], target))
    return order, set(rank) - set(order)


def _cycle(graph: Graph) -> tuple[Connection, ...]:
    """The connections of one cycle, in flow order; empty when the graph has none.

    Every operation Kahn's algorithm leaves over has an input from another left-over one, so
    walking inputs backwards from any of them must come round to an operation already seen.
    """
    _, left = _kahn(graph)
    if not left:
        return ()
    into: dict[str, Connection] = {}
    for c in _edges(graph):
        if c.source in left and c.target in left:
            into.setdefault(c.target, c)
    name = next(op.name for op in graph.operations if op.name in left)
    walked: list[Connection] = []
    seen: dict[str, int] = {}
    while name not in seen:
        seen[name] = len(walked)
        walked.append(into[name])
        name = into[name].source
    return tuple(reversed(walked[seen[name]:]))
