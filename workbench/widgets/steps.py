"""What the graph builder's form means as ``Graph`` steps; no widgets here.

The builder adds module steps by *reference text* (``all-kinds:1.0.0``), not by module object:
a registered graph then resolves against the session at run time, so recompiling an operator
in the notebook is picked up without rebuilding the graph (a module object given to a step
would be kept by the graph and shadow the new build).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..dataflow.graph import MODULE_OPERATIONS, Graph
from ..dataflow.steps import PREVIOUS, Upstream
from ..dataflow.validation import GraphValidationError
from ..errors import GraphError

BUILT_INS = ("source", "concatenate", "sink")


@dataclass(frozen=True)
class StepChoice:
    """One entry of the builder's step menu: a built-in, or one kind of one session module."""

    kind: str
    reference: str | None = None

    @property
    def label(self) -> str:
        return f"{self.kind} (built-in)" if self.reference is None else f"{self.reference} · {self.kind}"


def step_choices(operators: Mapping[str, Any]) -> list[StepChoice]:
    """Built-ins first, then every kind of every module (reference → module with ``kinds``)."""
    modules = [StepChoice(kind, reference) for reference in sorted(operators)
               for kind in operators[reference].kinds if kind in MODULE_OPERATIONS]
    return [*(StepChoice(kind) for kind in BUILT_INS), *modules]


def upstream_choices(graph: Graph) -> list[tuple[str, Upstream]]:
    """(label, ``after`` item) for every step a new step can connect from; branches by arm."""
    choices: list[tuple[str, Upstream]] = []
    for op in graph.operations:
        if op.operation_type == "branch":
            choices += [(f"{op.name} ▸ True arm", (op.name, True)), (f"{op.name} ▸ False arm", (op.name, False))]
        elif op.operation_type != "sink":
            choices.append((op.name, op.name))
    return choices


def default_name(graph: Graph, kind: str) -> str:
    """``kind``, or ``kind-2``, ``kind-3``... : the first name no step of ``graph`` has."""
    taken = {op.name for op in graph.operations}
    return next(name for name in (kind, *(f"{kind}-{i}" for i in range(2, len(taken) + 3))) if name not in taken)


def add_step(graph: Graph, choice: StepChoice, name: str, after: Sequence[Upstream] = (),
             config: Mapping[str, str] | None = None) -> Graph:
    """``graph`` with one more step; empty ``after`` means the graph's default (the previous step)."""
    if choice.reference is None and config:
        raise GraphError(f"step {name!r}: a built-in {choice.kind} takes no configuration; clear the parameters")
    upstream: Any = list(after) if after else PREVIOUS
    if choice.kind == "source":
        if after:
            raise GraphError(f"step {name!r}: a source has no inputs; clear the steps it connects from")
        return graph.source(name)
    if choice.kind == "concatenate":
        return graph.concatenate(name, after=list(after))
    if choice.kind == "sink":
        return graph.sink(name, after=upstream)
    method = getattr(graph, choice.kind)
    return method(name, choice.reference, after=upstream, config=dict(config or {}))  # type: ignore[no-any-return]


def remove_last_step(graph: Graph) -> Graph:
    """``graph`` without its last step, the connections touching it and its configuration."""
    if not graph.operations:
        raise GraphError(f"graph {graph.name!r} has no steps to remove")
    last = graph.operations[-1].name
    return replace(graph, operations=graph.operations[:-1],
                   connections=tuple(c for c in graph.connections if last not in (c.source, c.target)),
                   configurations=tuple(c for c in graph.configurations if c.name != last))


def module_kinds(graph: Graph, find: Callable[[str], Any]) -> dict[str, tuple[str, ...]]:
    """Kinds of the modules ``graph`` uses that the session knows (``find(reference)`` → module)."""
    kinds: dict[str, tuple[str, ...]] = {}
    for reference in graph.modules():
        try:
            kinds[reference] = tuple(find(reference).kinds)
        except GraphError:
            continue  # validation reports what it can check; running names the missing module
    return kinds


def graph_problems(graph: Graph, kinds: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Every problem of the whole graph (empty when it is ready to register)."""
    try:
        graph.validate(dict(kinds))
    except GraphValidationError as exc:
        return [problem.message for problem in exc.problems]
    return []
