"""Every check of a graph definition, in one place.

Two layers: ``validate_document`` checks the parsed file against the graph config JSON Schema
(``schema/aio-wasm-graph-config.json``, our copy of the rules of AIO's published schema), and
``check_graph`` checks what a schema cannot: names that resolve, wiring, branch arms, cycles,
module references and API versions. Both collect every problem before raising one
``GraphValidationError`` whose message is a summary line and then one ``file, line N: problem``
line per problem, so a user fixes a file in one pass.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft7Validator, ValidationError

from ..errors import GraphError
from .graph import MODULE_OPERATIONS, OPERATION_TYPES, Graph, Location, ModuleReference, Operation, _cycle

__all__ = [
    "DocumentPath",
    "GraphValidationError",
    "Problem",
    "check_graph",
    "document_problems",
    "graph_problems",
    "graph_schema",
    "validate_document",
]

DocumentPath = tuple[str | int, ...]
"""Keys and indices from the document root, as jsonschema reports them: ("operations", 2, "name")."""

Lines = Mapping[DocumentPath, int]

SUPPORTED_API_VERSIONS = ("1.0.0", "1.1.0")
_BUILT_INS = tuple(t for t in OPERATION_TYPES if t not in MODULE_OPERATIONS)
_TYPE_NAMES = {"string": "a string", "null": "null", "object": "a mapping", "array": "a list",
               "boolean": "true or false", "number": "a number", "integer": "an integer"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a graph definition, and where."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class GraphValidationError(GraphError):
    """A graph definition with one or more problems; ``problems`` lists them in line order."""

    def __init__(self, file: str | None, problems: Iterable[Problem]):
        self.file = file
        self.problems = tuple(sorted(problems, key=lambda p: p.location.line or 0))
        count = len(self.problems)
        head = f"{file or '<graph>'}: {count} problem{'' if count == 1 else 's'}"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


def raise_problems(file: str | None, problems: Sequence[Problem]) -> None:
    """Raise ``GraphValidationError`` when there is any problem."""
    if problems:
        raise GraphValidationError(file, problems)


def quote(value: object) -> str:
    """A short rendering of a value from the file for a message: strings in double quotes."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def line_of(lines: Lines | None, path: Iterable[str | int]) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    if not lines:
        return None
    key = tuple(path)
    while key not in lines and key:
        key = key[:-1]
    return lines.get(key)


def show_path(path: Iterable[str | int]) -> str:
    """``("operations", 2, "name")`` → ``operations[2].name``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the document"


# -- schema ----------------------------------------------------------------------------------
@cache
def graph_schema() -> dict[str, Any]:
    """The graph config JSON Schema shipped with the workbench."""
    text = resources.files("workbench.dataflow.schema").joinpath("aio-wasm-graph-config.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft7Validator:
    return Draft7Validator(graph_schema())


def document_problems(data: object, file: str | None = None, lines: Lines | None = None) -> list[Problem]:
    """Every schema violation of a parsed graph document, at the line of the offending node."""
    if data is None:
        return [Problem(Location(file, 1 if lines is not None else None), "the document is empty")]
    problems: list[Problem] = []
    for error in sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        problems.extend(_explain(error, file, lines))
    return list(dict.fromkeys(problems))


def validate_document(data: object, file: str | None = None, lines: Lines | None = None) -> None:
    """Raise ``GraphValidationError`` listing every schema violation of ``data``."""
    raise_problems(file, document_problems(data, file, lines))


def _explain(error: ValidationError, file: str | None, lines: Lines | None) -> list[Problem]:
    path = tuple(error.absolute_path)
    where = show_path(path)

    def at(message: str, sub: DocumentPath = ()) -> Problem:
        return Problem(Location(file, line_of(lines, path + sub)), message)

    value, rule = error.instance, error.validator_value
    if error.validator == "required":
        missing = [name for name in rule if name not in value]
        return [at(f"{where}: missing required field {quote(name)}") for name in missing]
    if error.validator == "additionalProperties" and rule is False:
        allowed = ", ".join(quote(k) for k in error.schema.get("properties", {}))
        extra = [key for key in value if key not in error.schema.get("properties", {})]
        return [at(f"{where}: unexpected field {quote(k)} (allowed: {allowed})", (k,)) for k in extra]
    if error.validator in ("type", "enum", "anyOf"):
        expected = _describe({error.validator: rule})
        return [at(f"{where}: {quote(value)} is not {expected}{_hint(value, expected)}")]
    return [at(f"{where}: {error.message}")]


def _describe(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        options = [quote(v) for v in schema["enum"]]
        return "one of " + ", ".join(options)
    if "anyOf" in schema:
        return " or ".join(_describe(option) for option in schema["anyOf"])
    types = schema.get("type", [])
    return " or ".join(_TYPE_NAMES.get(t, t) for t in ([types] if isinstance(types, str) else types))


def _hint(value: object, expected: str) -> str:
    if "string" in expected and not isinstance(value, dict | list | str) and value is not None:
        return f" (quote it: \"{value}\")"
    return ""


# -- semantics -------------------------------------------------------------------------------
Check = Callable[["_Context"], Iterable[Problem]]


@dataclass(frozen=True)
class _Context:
    graph: Graph
    supported_api_versions: Sequence[str]
    module_kinds: Mapping[str, Sequence[str]] | None
    lines: Lines | None

    def at(self, thing: Any, message: str) -> Problem:
        location = getattr(thing, "location", None) or Location(self.graph.source_file)
        return Problem(location, message)

    def at_path(self, path: DocumentPath, message: str) -> Problem:
        return Problem(Location(self.graph.source_file, line_of(self.lines, path)), message)

    def known(self) -> dict[str, Operation]:
        """Operation name → its first definition."""
        known: dict[str, Operation] = {}
        for op in self.graph.operations:
            known.setdefault(op.name, op)
        return known


def graph_problems(graph: Graph, supported_api_versions: Sequence[str] = SUPPORTED_API_VERSIONS,
                   module_kinds: Mapping[str, Sequence[str]] | None = None, *,
                   lines: Lines | None = None) -> list[Problem]:
    """Every semantic problem of ``graph`` (see ``check_graph``)."""
    context = _Context(graph, supported_api_versions, module_kinds, lines)
    return [problem for check in _CHECKS for problem in check(context)]


def check_graph(graph: Graph, supported_api_versions: Sequence[str] = SUPPORTED_API_VERSIONS,
                module_kinds: Mapping[str, Sequence[str]] | None = None, *, lines: Lines | None = None) -> None:
    """Raise ``GraphValidationError`` listing every semantic problem of ``graph``.

    ``module_kinds`` maps module reference text to the operation types its compiled module
    provides; modules missing from it are not checked (they may not be built yet). ``lines``
    maps document paths to lines, for problems outside operations and connections (apiVersion).
    """
    raise_problems(graph.source_file, graph_problems(graph, supported_api_versions, module_kinds, lines=lines))


def _suggest(name: str, names: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(names), n=1)
    return f"; did you mean {quote(close[0])}?" if close else ""


def _duplicates(context: _Context) -> Iterable[Problem]:
    first = context.known()
    for op in context.graph.operations:
        if first[op.name] is not op:
            seen = first[op.name].location
            also = f" (first defined at line {seen.line})" if seen and seen.line else ""
            yield context.at(op, f"duplicate operation name {quote(op.name)}{also}")


def _types(context: _Context) -> Iterable[Problem]:
    for op in context.graph.operations:
        if op.operation_type not in OPERATION_TYPES:
            expected = ", ".join(quote(t) for t in OPERATION_TYPES)
            yield context.at(op, f"operation {quote(op.name)}: {quote(op.operation_type)} is not one of {expected}")


def _modules(context: _Context) -> Iterable[Problem]:
    kinds = context.module_kinds or {}
    for op in context.graph.operations:
        name, kind = quote(op.name), op.operation_type
        if kind in _BUILT_INS and op.module is not None:
            yield context.at(op, f"built-in operation {name} ({kind}) takes no module, but has module {quote(op.module)}")
        elif kind in MODULE_OPERATIONS and op.module is None:
            yield context.at(op, f"operation {name} ({kind}) needs a module")
        elif kind in MODULE_OPERATIONS and op.module is not None:
            try:
                ModuleReference.parse(op.module)
            except ValueError as exc:
                yield context.at(op, f"operation {name}: {exc}")
            provided = kinds.get(op.module)
            if provided is not None and kind not in provided:
                offered = ", ".join(provided) or "nothing"
                yield context.at(op, f"operation {name} is a {kind}, but module {quote(op.module)} "
                                     f"provides only {offered}")


def _endpoints(context: _Context) -> Iterable[Problem]:
    known = context.known()
    for c in context.graph.connections:
        for end, name in (("from", c.source), ("to", c.target)):
            if name not in known:
                yield context.at(c, f"connection {end} unknown operation {quote(name)}{_suggest(name, known)}")


def _arms(context: _Context) -> Iterable[Problem]:
    known = context.known()
    for c in context.graph.connections:
        op = known.get(c.source)
        if op is None:
            continue
        if op.operation_type == "branch" and c.arm is None:
            yield context.at(c, f"connection from branch {quote(c.source)} needs arm \"True\" or \"False\"")
        elif op.operation_type != "branch" and c.arm is not None:
            yield context.at(c, f"connection from {quote(c.source)} ({op.operation_type}) has arm \"{c.arm}\"; "
                                "only branch outputs have arms")
    for op in known.values():
        if op.operation_type == "branch":
            arms = {c.arm for c in context.graph.connections if c.source == op.name}
            for arm in (True, False):
                if arm not in arms:
                    yield context.at(op, f"branch {quote(op.name)} has no connection from arm \"{arm}\"")


def _wiring(context: _Context) -> Iterable[Problem]:
    graph = context.graph
    for op in context.known().values():
        inputs = [c for c in graph.connections if c.target == op.name]
        outputs = [c for c in graph.connections if c.source == op.name]
        if op.operation_type == "source":
            yield from (context.at(c, f"source {quote(op.name)} cannot have inputs") for c in inputs)
        elif not inputs:
            yield context.at(op, f"operation {quote(op.name)} has no input")
        if op.operation_type == "sink":
            yield from (context.at(c, f"sink {quote(op.name)} cannot have outputs") for c in outputs)
        elif not outputs:
            yield context.at(op, f"operation {quote(op.name)} has no output")
    for kind in ("source", "sink"):
        if not any(op.operation_type == kind for op in graph.operations):
            yield context.at_path(("operations",), f"the graph has no {kind} operation")


def _cycles(context: _Context) -> Iterable[Problem]:
    cycle = _cycle(context.graph)
    if cycle:
        path = " -> ".join(quote(name) for name in [cycle[0].source, *(c.target for c in cycle)])
        yield context.at(cycle[-1], f"cycle: {path}")


def _api_version(context: _Context) -> Iterable[Problem]:
    version = context.graph.api_version
    if version not in context.supported_api_versions:
        supported = ", ".join(quote(v) for v in context.supported_api_versions)
        yield context.at_path(("moduleRequirements", "apiVersion"),
                              f"apiVersion {quote(version)} is not supported (supported: {supported})")


def _configurations(context: _Context) -> Iterable[Problem]:
    known = context.known()
    seen: dict[str, Any] = {}
    for configuration in context.graph.configurations:
        name = configuration.name
        if name not in known:
            yield context.at(configuration, f"moduleConfigurations entry {quote(name)} names no operation"
                                            f"{_suggest(name, known)}")
        if name in seen:
            first = seen[name].location
            also = f" (first at line {first.line})" if first and first.line else ""
            yield context.at(configuration, f"second moduleConfigurations entry for {quote(name)}{also}")
        seen.setdefault(name, configuration)


_CHECKS: tuple[Check, ...] = (_duplicates, _types, _modules, _endpoints, _arms, _wiring, _cycles, _api_version,
                              _configurations)
