"""The graph model: an AIO data flow graph definition as frozen data.

A ``Graph`` mirrors one graph definition file (``graph.yaml``): metadata, module requirements,
module configurations, operations and connections. It is plain data: reading and writing files
lives in ``graph_yaml`` and every consistency check in ``validation``; the few queries here
(inputs, outputs, topological order, parameters) are what the engine needs to run a graph.

Locations (file and line) ride along on operations, connections and configurations so errors can
point into the file, but never take part in equality: a graph loaded from a file equals the
same graph built in code.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from html import escape
from types import MappingProxyType

from ..errors import GraphError

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

OPERATION_TYPES = ("source", "map", "filter", "branch", "accumulate", "delay", "concatenate", "sink")
MODULE_OPERATIONS = ("map", "filter", "branch", "accumulate", "delay")
SCHEMA_URL = "https://www.schemastore.org/aio-wasm-graph-config-1.0.0.json"

_NO_OVERRIDES: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Location:
    """Where something is defined: a file (``None`` for text or code) and a 1-based line."""

    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file or "<graph>"
        return where if self.line is None else f"{where}, line {self.line}"


@dataclass(frozen=True)
class Parameter:
    """One entry of a module configuration's ``parameters`` map.

    ``key`` is the map key; ``name`` is the property name the operator's ``init`` receives.
    """

    key: str
    name: str
    description: str | None = None
    default: str | None = None
    required: bool = False


@dataclass(frozen=True)
class ModuleConfiguration:
    """The ``moduleConfigurations`` entry of the operation called ``name``."""

    name: str
    parameters: tuple[Parameter, ...] = ()
    location: Location | None = field(default=None, compare=False)


# OCI reference grammar (distribution spec), trimmed to what a graph's ``module`` may hold.
_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_REGISTRY_HOST = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]+)?")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
_DIGEST = re.compile(r"[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Fa-f0-9]{32,}")


@dataclass(frozen=True)
class ModuleReference:
    """A module reference such as ``azure-samples/explore-iot-operations/temperature:1.0.0``.

    ``repository`` and ``version`` may be empty: AIO's samples also use bare names (``filter``),
    resolved against the registry endpoint configured on the data flow graph resource. A digest
    (``name@sha256:...``) is kept as the version and written back with ``@``.
    """

    repository: str
    name: str
    version: str

    @classmethod
    def parse(cls, text: str) -> ModuleReference:
        """Split reference text; ``ValueError`` saying what is wrong when it is not one."""
        if not isinstance(text, str) or not text:
            raise ValueError(f"module reference {_q(text)} is empty")
        path, version = _split_version(text)
        repository, _, name = path.rpartition("/")
        if not _PATH_COMPONENT.fullmatch(name):
            raise ValueError(f"module reference {_q(text)}: {_q(name)} is not a valid module name "
                             "(lowercase letters, digits and . _ - separators)")
        if repository and not _valid_repository(repository):
            raise ValueError(f"module reference {_q(text)}: {_q(repository)} is not a valid repository")
        return cls(repository, name, version)

    def __str__(self) -> str:
        text = f"{self.repository}/{self.name}" if self.repository else self.name
        if not self.version:
            return text
        return f"{text}@{self.version}" if ":" in self.version else f"{text}:{self.version}"


def _q(text: object) -> str:
    return f'"{text}"'


def _split_version(text: str) -> tuple[str, str]:
    path, at, digest = text.partition("@")
    if at:
        if not _DIGEST.fullmatch(digest):
            raise ValueError(f"module reference {_q(text)}: {_q(digest)} is not a valid digest")
        if ":" in path.rpartition("/")[2]:
            raise ValueError(f"module reference {_q(text)} has both a tag and a digest")
        return path, digest
    slash, colon = path.rfind("/"), path.rfind(":")
    if colon <= slash:
        return path, ""
    tag = path[colon + 1:]
    if not _TAG.fullmatch(tag):
        raise ValueError(f"module reference {_q(text)}: {_q(tag)} is not a valid version tag")
    return path[:colon], tag


def _valid_repository(repository: str) -> bool:
    first, *rest = repository.split("/")
    if not (_PATH_COMPONENT.fullmatch(first) or _REGISTRY_HOST.fullmatch(first)):
        return False
    return all(_PATH_COMPONENT.fullmatch(part) for part in rest)


@dataclass(frozen=True)
class Operation:
    """One entry of ``operations``: a named step of a given ``operationType``."""

    name: str
    operation_type: str
    module: str | None = None
    location: Location | None = field(default=None, compare=False)

    @property
    def reference(self) -> ModuleReference | None:
        """The parsed ``module``, or ``None`` for an operation without one."""
        if self.module is None:
            return None
        try:
            return ModuleReference.parse(self.module)
        except ValueError as exc:
            where = f"{self.location}: " if self.location else ""
            raise GraphError(f"{where}operation {_q(self.name)}: {exc}") from exc


@dataclass(frozen=True)
class Connection:
    """One entry of ``connections``; ``arm`` is set on outputs of a branch (True/False)."""

    source: str
    target: str
    arm: bool | None = None
    schema_name: str | None = None
    location: Location | None = field(default=None, compare=False)

    def __str__(self) -> str:
        arm = "" if self.arm is None else f"[{self.arm}]"
        return f"{self.source}{arm} -> {self.target}"


@dataclass(frozen=True)
class Graph:
    """An AIO data flow graph definition (``features`` and ``schemas`` keep the file's order)."""

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

    # -- display -------------------------------------------------------------------------
    def _where(self) -> Location:
        return Location(self.source_file)

    def _repr_html_(self) -> str:
        operations = "".join(
            f"<tr><td>{escape(op.name)}</td><td>{escape(op.operation_type)}</td>"
            f"<td>{escape(op.module or '')}</td></tr>" for op in self.operations)
        connections = "".join(
            f"<tr><td>{escape(c.source)}</td><td>{'' if c.arm is None else c.arm}</td>"
            f"<td>{escape(c.target)}</td></tr>" for c in self.connections)
        return (f"<div><b>Graph {escape(self.name)}</b> {escape(self.version)} "
                f"(API {escape(self.api_version)})"
                "<table><tr><th>operation</th><th>type</th><th>module</th></tr>"
                f"{operations}</table>"
                "<table><tr><th>from</th><th>arm</th><th>to</th></tr>"
                f"{connections}</table></div>")


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
