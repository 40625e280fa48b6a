"""Building a graph in Python, one named step at a time.

    graph = (Graph("temperature")
             .source("sensors")
             .map("to-celsius", temperature)                 # connected from "sensors"
             .branch("is-hot", temperature)
             .filter("plausible", temperature, after=("is-hot", True))
             .concatenate("all", after=[("is-hot", False), "plausible"])
             .sink("out"))

Every step is named first, returns a new ``Graph`` and connects from ``after``: by default the
step added just before (after a branch, say which arm). ``module`` is a module reference
(``"azure-samples/explore-iot-operations/temperature:1.0.0"``) or a compiled module (anything
with ``reference`` and ``kinds``, such as a ``CompiledOperator``); the graph remembers compiled
modules so ``graph.run(...)`` needs no registry. ``config`` becomes the step's module
configuration: each key a parameter whose default is the value.

Mistakes fail at the step that makes them (``GraphError`` naming the step); whole-graph checks
(unconnected steps, a missing sink) stay with ``validation``, run on save and run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Union, cast

from ..errors import GraphError
from .elements import MODULE_OPERATIONS, Connection, ModuleConfiguration, ModuleReference, Operation, Parameter, _q

if TYPE_CHECKING:
    from .graph import Graph

Upstream = Union[str, tuple[str, bool]]
"""A step to connect from: its name, or (branch name, arm)."""


class _Previous:
    def __repr__(self) -> str:
        return "the previous step"


PREVIOUS: Any = _Previous()


class GraphSteps:
    """The building methods of ``Graph``."""

    def source(self, name: str = "source") -> Graph:
        """A built-in source: where input messages enter."""
        return _add(_graph(self), Operation(name, "source"), ())

    def map(self, name: str, module: Any, *, after: Any = PREVIOUS,
            config: Mapping[str, Any] | None = None) -> Graph:
        """A map step: every message in, one message out."""
        return _operator_step(_graph(self), name, "map", module, after, config)

    def filter(self, name: str, module: Any, *, after: Any = PREVIOUS,
               config: Mapping[str, Any] | None = None) -> Graph:
        """A filter step: keeps the messages its operator returns ``True`` for."""
        return _operator_step(_graph(self), name, "filter", module, after, config)

    def branch(self, name: str, module: Any, *, after: Any = PREVIOUS,
               config: Mapping[str, Any] | None = None) -> Graph:
        """A branch step: connect from it with ``after=(name, True)`` or ``(name, False)``."""
        return _operator_step(_graph(self), name, "branch", module, after, config)

    def accumulate(self, name: str, module: Any, *, after: Any = PREVIOUS,
                   config: Mapping[str, Any] | None = None) -> Graph:
        """An accumulate step: folds the messages of each timestamp into one."""
        return _operator_step(_graph(self), name, "accumulate", module, after, config)

    def delay(self, name: str, module: Any, *, after: Any = PREVIOUS,
              config: Mapping[str, Any] | None = None) -> Graph:
        """A delay step: moves each message to a later timestamp."""
        return _operator_step(_graph(self), name, "delay", module, after, config)

    def concatenate(self, name: str, *, after: Sequence[Upstream]) -> Graph:
        """A built-in concatenate: merges the streams of every step in ``after``."""
        if isinstance(after, (str, tuple)) or len(after) < 1:
            raise GraphError(f"step {_q(name)}: concatenate needs a list of steps to merge, "
                             f"e.g. after=[(\"branch\", True), \"map\"]; got {after!r}")
        graph = _graph(self)
        return _add(graph, Operation(name, "concatenate"), _upstreams(graph, name, after))

    def sink(self, name: str = "sink", *, after: Any = PREVIOUS) -> Graph:
        """A built-in sink: where output messages leave."""
        graph = _graph(self)
        return _add(graph, Operation(name, "sink"), _upstreams(graph, name, after))

    def connect(self, source: Upstream, target: str) -> Graph:
        """One more connection between existing steps (``source`` may be ``(branch, arm)``)."""
        graph = _graph(self)
        for name in (_name_of(source), target):
            graph.operation(name)
        (connection,) = _upstreams(graph, target, [source])
        return replace(graph, connections=(*graph.connections, connection))


def _graph(steps: GraphSteps) -> Graph:
    return cast("Graph", steps)


def _operator_step(graph: Graph, name: str, kind: str, module: Any, after: Any,
                   config: Mapping[str, Any] | None) -> Graph:
    reference, compiled = _module(name, kind, module)
    objects = dict(graph.module_objects)
    if compiled is not None:
        known = objects.get(reference)
        if known is not None and known is not compiled:
            raise GraphError(f"step {_q(name)}: another module object is already used as {_q(reference)}; "
                             "give this one another name or version")
        objects[reference] = compiled
    grown = _add(graph, Operation(name, kind, reference), _upstreams(graph, name, after))
    grown = replace(grown, module_objects=objects)
    if config:
        parameters = tuple(Parameter(str(key), str(key), default=str(value)) for key, value in config.items())
        grown = replace(grown, configurations=(*grown.configurations, ModuleConfiguration(name, parameters)))
    return grown


def _module(name: str, kind: str, module: Any) -> tuple[str, Any]:
    """(reference text, compiled module or None) of a step's ``module`` argument."""
    if isinstance(module, str):
        try:
            ModuleReference.parse(module)
        except ValueError as exc:
            raise GraphError(f"step {_q(name)}: {exc}") from exc
        return module, None
    reference, kinds = getattr(module, "reference", None), getattr(module, "kinds", None)
    if not isinstance(reference, str) or kinds is None:
        raise GraphError(f"step {_q(name)}: module must be a reference such as "
                         f"\"azure-samples/explore-iot-operations/temperature:1.0.0\" or a compiled operator, "
                         f"not {type(module).__name__}")
    if kind not in kinds:
        raise GraphError(f"step {_q(name)} is a {kind}, but module {_q(reference)} provides only "
                         f"{', '.join(kinds)}")
    return reference, module


def _add(graph: Graph, operation: Operation, inputs: tuple[Connection, ...]) -> Graph:
    if operation.operation_type in MODULE_OPERATIONS and not inputs:
        raise GraphError(f"step {_q(operation.name)} has nothing to connect from; add a source first")
    if any(op.name == operation.name for op in graph.operations):
        raise GraphError(f"graph {_q(graph.name)} already has a step named {_q(operation.name)}")
    return replace(graph, operations=(*graph.operations, operation), connections=(*graph.connections, *inputs))


def _upstreams(graph: Graph, name: str, after: Any) -> tuple[Connection, ...]:
    if after is PREVIOUS:
        return _from_previous(graph, name)
    items = [after] if isinstance(after, (str, tuple)) else list(after)
    connections = []
    for item in items:
        source, arm = (item, None) if isinstance(item, str) else _arm(name, item)
        operation = graph.operation(source)
        if operation.operation_type == "branch" and arm is None:
            raise GraphError(f"step {_q(name)}: {_q(source)} is a branch; say which arm: "
                             f"after=(\"{source}\", True) or (\"{source}\", False)")
        if operation.operation_type != "branch" and arm is not None:
            raise GraphError(f"step {_q(name)}: {_q(source)} is a {operation.operation_type}, not a branch; "
                             "only branch outputs have arms")
        if operation.operation_type == "sink":
            raise GraphError(f"step {_q(name)}: {_q(source)} is a sink and has no outputs")
        connections.append(Connection(source, name, arm))
    return tuple(connections)


def _from_previous(graph: Graph, name: str) -> tuple[Connection, ...]:
    if not graph.operations:
        return ()
    previous = graph.operations[-1]
    if previous.operation_type == "branch":
        raise GraphError(f"step {_q(name)} follows branch {_q(previous.name)}; say which arm: "
                         f"after=(\"{previous.name}\", True) or (\"{previous.name}\", False)")
    if previous.operation_type == "sink":
        raise GraphError(f"step {_q(name)} follows sink {_q(previous.name)}, which has no outputs; "
                         "say where it connects from with after=...")
    return (Connection(previous.name, name),)


def _arm(name: str, item: Any) -> tuple[str, bool]:
    if len(item) != 2 or not isinstance(item[0], str) or not isinstance(item[1], bool):
        raise GraphError(f"step {_q(name)}: after={item!r} must be a step name or (branch name, True/False)")
    return item[0], item[1]


def _name_of(upstream: Upstream) -> str:
    return upstream if isinstance(upstream, str) else upstream[0]
