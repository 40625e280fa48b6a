"""Reading and writing AIO graph definition files (``graph.yaml``).

Loading composes the YAML node tree (PyYAML, safe tags only) and builds the plain data from it
ourselves, so every value keeps the line it came from: schema and semantic problems then point
at that line. Writing produces the layout of AIO's samples, with every string value in double
quotes, so that ``arm: "True"`` stays a string and ``version: "1.0"`` stays text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import GraphError
from .graph import (
    SCHEMA_URL,
    Connection,
    Graph,
    Location,
    ModuleConfiguration,
    Operation,
    Parameter,
)
from .validation import DocumentPath, GraphValidationError, Problem, check_graph, document_problems, raise_problems

__all__ = ["dump_graph", "load_graph", "save_graph"]

_BOOL_TAG = "tag:yaml.org,2002:bool"
_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_$][A-Za-z0-9_$./-]*")
_ARMS = {"True": True, "False": False}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# -- loading ---------------------------------------------------------------------------------
def load_graph(source: str | Path, filename: str | None = None) -> Graph:
    """A checked ``Graph`` from a ``.yaml``/``.yml``/``.json`` file, or from YAML text.

    A string containing a newline is YAML text; anything else is a path. ``filename`` names YAML
    text in messages (e.g. ``<cell 4>``; default ``<graph>``). Raises ``GraphError`` naming file
    and line for malformed YAML, and ``GraphValidationError`` (a ``GraphError``) listing every
    schema and semantic problem.
    """
    text, file = _read(source)
    file = file if file is not None else filename
    document = _Document.parse(text, file)
    raise_problems(file, [*document.problems, *document_problems(document.data, file, document.lines)])
    graph = _build(document.data, file, document.lines)
    check_graph(graph, lines=document.lines)
    return graph


def _read(source: str | Path) -> tuple[str, str | None]:
    if isinstance(source, str) and "\n" in source:
        return source, None
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GraphError(f"{path}: cannot read graph definition: {exc}") from exc
    # JSON allows tabs between tokens, YAML does not; raw tabs in JSON are never inside strings.
    return (text.replace("\t", " ") if path.suffix == ".json" else text), str(path)


def _fail(file: str | None, line: int | None, message: str, cause: BaseException) -> GraphError:
    error = GraphValidationError(file, [Problem(Location(file, line), message)])
    error.__cause__ = cause
    return error


class _Lines:
    """Line numbers as editors count them: YAML 1.1 (PyYAML) also breaks lines at NEL, LS and PS."""

    def __init__(self, text: str):
        self._starts = [match.end() for match in _LINE_BREAK.finditer(text)]

    def __call__(self, mark: yaml.Mark) -> int:
        return self.at(mark.index)

    def at(self, index: int) -> int:
        """The 1-based line of the character at ``index``."""
        return bisect.bisect_right(self._starts, index) + 1


def _compose(text: str, file: str | None, line: _Lines) -> Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "cannot parse"
        if exc.context and exc.problem and exc.context_mark:
            reason += f" ({exc.context} at line {line(exc.context_mark)})"
        raise _fail(file, line(mark) if mark else None, f"malformed YAML: {reason}", exc) from exc
    except yaml.reader.ReaderError as exc:
        raise _fail(file, line.at(exc.position), f"malformed YAML: character {exc.character!r} is not allowed",
                    exc) from exc
    except (yaml.YAMLError, RecursionError) as exc:
        raise _fail(file, None, f"malformed YAML: {exc}", exc) from exc


@dataclass
class _Document:
    """Plain data from a YAML node tree, with the line of every path and the problems found."""

    file: str | None
    line: _Lines
    data: Any = None
    lines: dict[DocumentPath, int] = field(default_factory=dict)
    nodes: dict[DocumentPath, Node] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    _constructor: SafeConstructor = field(default_factory=SafeConstructor)
    _open: set[int] = field(default_factory=set)

    @classmethod
    def parse(cls, text: str, file: str | None) -> _Document:
        document = cls(file, _Lines(text))
        node = _compose(text, file, document.line)
        if node is not None:
            try:
                document.data = document._convert(node, (), document.line(node.start_mark))
            except RecursionError as exc:
                raise _fail(file, None, "the document is nested too deeply", exc) from exc
            document._quote_arms()
        return document

    def _problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(Location(self.file, line), message))

    def _convert(self, node: Node, path: DocumentPath, line: int) -> Any:
        self.lines[path], self.nodes[path] = line, node
        if isinstance(node, ScalarNode):
            return self._scalar(node, line)
        if id(node) in self._open:
            self._problem(line, "a YAML alias refers to an enclosing node (recursive data)")
            return None
        self._open.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self._convert(item, (*path, i), self.line(item.start_mark)) for i, item in enumerate(node.value)]
            return self._mapping(node, path) if isinstance(node, MappingNode) else None
        finally:
            self._open.discard(id(node))

    def _mapping(self, node: MappingNode, path: DocumentPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = self.line(key_node.start_mark)
            if not isinstance(key_node, ScalarNode):
                self._problem(line, "a mapping key must be text, not a list or mapping")
                continue
            key = key_node.value
            if key in result:
                self._problem(line, f"duplicate key \"{key}\" (first at line {self.lines[(*path, key)]})")
            result[key] = self._convert(value_node, (*path, key), line)
        return result

    def _scalar(self, node: ScalarNode, line: int) -> Any:
        try:
            return self._constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            self._problem(line, f"cannot read value \"{node.value}\" ({node.tag}): {exc}")
            return node.value

    def _quote_arms(self) -> None:
        """Unquoted ``arm: True`` is a YAML boolean; AIO wants the string, so say to quote it."""
        connections = self.data.get("connections") if isinstance(self.data, dict) else None
        if not isinstance(connections, list):
            return
        for i, connection in enumerate(connections):
            path = ("connections", i, "from", "arm")
            node = self.nodes.get(path)
            if isinstance(node, ScalarNode) and node.tag == _BOOL_TAG:
                meant = "True" if connection["from"]["arm"] else "False"
                connection["from"]["arm"] = meant
                self._problem(self.lines[path], f"connections[{i}].from.arm: {node.value} is a YAML boolean; "
                                                f"quote it: arm: \"{meant}\"")


def _build(data: Mapping[str, Any], file: str | None, lines: Mapping[DocumentPath, int]) -> Graph:
    """A ``Graph`` from a schema-valid document."""
    def at(*path: str | int) -> Location:
        return Location(file, lines.get(path))

    metadata, requirements = data["metadata"], data["moduleRequirements"]
    return Graph(
        name=metadata["name"], version=metadata["version"],
        description=metadata.get("description"), vendor=metadata.get("vendor"),
        api_version=requirements["apiVersion"], runtime_version=requirements["runtimeVersion"],
        features=tuple((f["name"], f.get("value")) for f in requirements.get("features") or ()),
        configurations=tuple(_configuration(c, at("moduleConfigurations", i))
                             for i, c in enumerate(data.get("moduleConfigurations") or ())),
        operations=tuple(Operation(o["name"], o["operationType"], o.get("module"), at("operations", i))
                         for i, o in enumerate(data["operations"])),
        connections=tuple(_connection(c, at("connections", i)) for i, c in enumerate(data["connections"])),
        schemas=tuple((s["name"], s["format"], s["schema"]) for s in data.get("schemas") or ()),
        source_file=file,
    )


def _configuration(entry: Mapping[str, Any], location: Location) -> ModuleConfiguration:
    parameters = tuple(Parameter(key, p["name"], p.get("description"), p.get("default"), p.get("required", False))
                       for key, p in entry["parameters"].items())
    return ModuleConfiguration(entry["name"], parameters, location)


def _connection(entry: Mapping[str, Any], location: Location) -> Connection:
    start = entry["from"]
    arm = _ARMS.get(start["arm"]) if start.get("arm") is not None else None
    return Connection(start["name"], entry["to"]["name"], arm, start.get("schemaName"), location)


# -- writing ---------------------------------------------------------------------------------
class _Text(str):
    """A string value, written double-quoted (or as a literal block when it spans lines)."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent list items under their key, as AIO's samples do


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Readers fold \r, \x85 and the Unicode separators inside block scalars; keep those quoted.
    # A value ending in several line breaks needs "keep" chomping (|+), which swallows the blank
    # line between sections and ends the document with "..."; quote those too.
    block = ("\n" in value.strip("\n") and not value.endswith("\n\n") and not value[:1].isspace()
             and not any(c in value for c in "\r\x85\u2028\u2029"))
    return dumper.represent_scalar(_STR_TAG, value, style="|" if block else '"')


def _represent_key(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Keys stay plain when that reads back as the same string; otherwise double quotes, which
    # escape every character a plain or single-quoted scalar would lose (\x85 folds to a space).
    plain = _PLAIN_KEY.fullmatch(value) and dumper.resolve(ScalarNode, value, (True, False)) == _STR_TAG
    return dumper.represent_scalar(_STR_TAG, value, style=None if plain else '"')


_Dumper.add_representer(_Text, _represent_text)
_Dumper.add_representer(str, _represent_key)


def dump_graph(graph: Graph) -> str:
    """The AIO graph definition YAML of ``graph``; ``load_graph`` reads it back equal."""
    sections = [{key: value} for key, value in _document(graph).items()]
    return "\n".join(yaml.dump(section, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 16)
                     for section in sections)


def save_graph(graph: Graph, path: str | Path) -> None:
    """Write ``dump_graph(graph)`` to ``path``."""
    try:
        Path(path).write_text(dump_graph(graph), encoding="utf-8")
    except OSError as exc:
        raise GraphError(f"{path}: cannot write graph definition: {exc}") from exc


def _optional(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _text(value: str | None) -> _Text | None:
    return None if value is None else _Text(value)


def _document(graph: Graph) -> dict[str, Any]:
    document: dict[str, Any] = {
        "metadata": _optional(**{"$schema": _Text(SCHEMA_URL)}, name=_Text(graph.name),
                              description=_text(graph.description), version=_Text(graph.version),
                              vendor=_text(graph.vendor)),
        "moduleRequirements": _optional(
            apiVersion=_Text(graph.api_version), runtimeVersion=_Text(graph.runtime_version),
            features=[_optional(name=_Text(n), value=_text(v)) for n, v in graph.features] or None),
    }
    if graph.configurations:
        document["moduleConfigurations"] = [_configuration_data(c) for c in graph.configurations]
    document["operations"] = [_optional(operationType=_Text(o.operation_type), name=_Text(o.name),
                                        module=_text(o.module)) for o in graph.operations]
    document["connections"] = [_connection_data(c) for c in graph.connections]
    if graph.schemas:
        document["schemas"] = [{"name": _Text(n), "format": _Text(f), "schema": _Text(s)} for n, f, s in graph.schemas]
    return document


def _configuration_data(configuration: ModuleConfiguration) -> dict[str, Any]:
    parameters = {p.key: _optional(name=_Text(p.name), description=_text(p.description), default=_text(p.default),
                                   required=True if p.required else None)
                  for p in configuration.parameters}
    return {"name": _Text(configuration.name), "parameters": parameters}


def _connection_data(connection: Connection) -> dict[str, Any]:
    arm = None if connection.arm is None else _Text(str(connection.arm))
    start = _optional(name=_Text(connection.source), arm=arm, schemaName=_text(connection.schema_name))
    return {"from": start, "to": {"name": _Text(connection.target)}}
