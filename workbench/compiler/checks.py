"""Fast ``ast`` checks of an operator source, run before the slow componentize-py build.

They check the shape AIO's bindings expect: top-level classes named after operator kinds,
each with ``init`` and ``process`` of the right arity, and imports of the matching
``<kind>_impl`` bindings. Errors point at the offending line (columns are 1-based).
"""

from __future__ import annotations

import ast
import difflib
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import CompileError, SourceLocation

KINDS: tuple[str, ...] = ("map", "filter", "branch", "accumulate", "delay")
CLASS_NAMES: dict[str, str] = {kind: kind.capitalize() for kind in KINDS}
PROCESS_PARAMS: dict[str, tuple[str, ...]] = {
    "map": ("message",), "filter": ("message",), "branch": ("timestamp", "message"),
    "accumulate": ("staged", "message"), "delay": ("data", "timestamp")}
INIT_PARAMS: tuple[str, ...] = ("configuration",)

_KIND_OF_CLASS = {name: kind for kind, name in CLASS_NAMES.items()}
_BINDINGS = {f"{kind}_impl": kind for kind in KINDS}
_TRANSPARENT_BASES = {"object", "exports", "ABC", "abc"}  # bases that cannot supply init/process
_Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class OperatorClass:
    """One operator class found in the source."""

    kind: str
    class_name: str
    line: int


@dataclass(frozen=True)
class SourceSummary:
    """What the checks learned about a valid source."""

    operators: tuple[OperatorClass, ...]
    imported_modules: tuple[str, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(op.kind for op in self.operators))


def check_source(source: str, filename: str = "<operator>", kind: str | None = None) -> SourceSummary:
    """Check an operator source; return its summary or raise a located ``CompileError``.

    With ``kind`` only that operator is required, but every operator class is checked.
    """
    if kind is not None and kind not in KINDS:
        raise _unknown_kind(kind, filename)
    checker = _Checker(source, filename)
    tree = checker.parse()
    imports = _imports(tree)
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    operators = checker.operator_classes(tree)
    checker.require(operators, kind, classes)
    checker.check_bindings(imports, tuple(dict.fromkeys(k for k, _ in operators)))
    bases = _binding_names(tree) | _TRANSPARENT_BASES
    for op_kind, node in operators:
        checker.check_class(op_kind, node, classes, bases)
    return SourceSummary(tuple(OperatorClass(k, node.name, node.lineno) for k, node in operators),
                         tuple(dict.fromkeys(module for _, module in imports)))


class _Checker:
    """Builds located errors for one source."""

    def __init__(self, source: str, filename: str) -> None:
        self.source = source
        self.filename = filename
        self.lines = re.split(r"\r\n|\r|\n", source)

    def text(self, line: int | None) -> str | None:
        return self.lines[line - 1] if line is not None and 0 < line <= len(self.lines) else None

    def error(self, message: str, node: ast.AST | None = None, hint: str | None = None) -> CompileError:
        if node is None:
            return CompileError(message, SourceLocation(self.filename), hint=hint)
        line, column = getattr(node, "lineno", None), getattr(node, "col_offset", -1) + 1
        return CompileError(message, SourceLocation(self.filename, line, column, self.text(line)), hint=hint)

    def parse(self) -> ast.Module:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return ast.parse(self.source, filename=self.filename)
        except SyntaxError as exc:
            text = exc.text.rstrip("\r\n") if exc.text else self.text(exc.lineno)
            location = SourceLocation(self.filename, exc.lineno, exc.offset, text)
            raise CompileError(f"syntax error: {exc.msg}", location) from exc
        except (ValueError, RecursionError, MemoryError) as exc:
            reason = str(exc) or "source is nested too deeply"
            raise CompileError(f"cannot parse source: {reason}", SourceLocation(self.filename)) from exc

    def operator_classes(self, tree: ast.Module) -> list[tuple[str, ast.ClassDef]]:
        found: dict[str, ast.ClassDef] = {}
        for node in tree.body:
            if not isinstance(node, ast.ClassDef) or node.name not in _KIND_OF_CLASS:
                continue
            if node.name in found:
                first = found[node.name].lineno
                raise self.error(f"duplicate operator class {node.name!r} (first defined at line {first})", node,
                                 hint="define one class per operator kind; the later one would replace the first")
            found[node.name] = node
        return [(_KIND_OF_CLASS[name], node) for name, node in found.items()]

    def require(self, operators: list[tuple[str, ast.ClassDef]], kind: str | None,
                classes: dict[str, ast.ClassDef]) -> None:
        present = [node.name for _, node in operators]
        if (kind is None and present) or (kind is not None and CLASS_NAMES[kind] in present):
            return
        wanted = [CLASS_NAMES[kind]] if kind else list(CLASS_NAMES.values())
        if kind:
            found = f" (found {', '.join(present)})" if present else ""
            message = f"no class {wanted[0]!r} for operator kind {kind!r}{found}"
        else:
            message = f"no operator class found; define a top-level class named one of {', '.join(wanted)}"
        guess = _misnamed(classes.values(), wanted, set(present))
        if guess is not None:
            node, target = guess
            raise self.error(f"{message}; class {node.name!r} looks like one", node,
                             hint=f"rename {node.name!r} to {target!r}")
        raise self.error(message, hint="for example:\n" + _skeleton(kind or "map"))

    def check_bindings(self, imports: list[tuple[ast.stmt, str]], kinds: tuple[str, ...]) -> None:
        for node, module in imports:
            bound = _BINDINGS.get(module)
            if bound is None or bound in kinds:
                continue
            defined = ", ".join(CLASS_NAMES[k] for k in kinds)
            choices = " or ".join(f"{k}_impl" for k in kinds)
            raise self.error(f"{module!r} is the bindings module of {CLASS_NAMES[bound]!r}, "
                             f"but this source defines {defined}", node,
                             hint=f"import {choices} instead, e.g. from {kinds[0]}_impl import exports")

    def check_class(self, kind: str, node: ast.ClassDef, classes: dict[str, ast.ClassDef],
                    binding_names: set[str]) -> None:
        members, opaque = _members(node, classes, binding_names, set())
        for method, params in (("init", INIT_PARAMS), ("process", PROCESS_PARAMS[kind])):
            found = members.get(method)
            if isinstance(found, _Function):
                self.check_method(node.name, method, params, found)
            elif found is None and not opaque:  # an unseen base may define it
                raise self.missing(node, method, params, members)

    def check_method(self, class_name: str, method: str, params: tuple[str, ...], fn: _Function) -> None:
        label = f"{class_name}.{method}"
        expected = _signature(("self", *params))
        if isinstance(fn, ast.AsyncFunctionDef):
            raise self.error(f"{label} must be a plain 'def', not 'async def'", fn,
                             hint=f"the bindings call it synchronously: def {method}{expected}")
        if any(_last_name(d) == "staticmethod" for d in fn.decorator_list):
            raise self.error(f"{label} must be an instance method taking self, not a staticmethod", fn,
                             hint=f"remove @staticmethod: def {method}{expected}")
        if _accepts(fn.args, len(params) + 1):
            return
        given = [*fn.args.posonlyargs, *fn.args.args]
        no_self = len(given) == len(params) and not fn.args.vararg and given[0].arg != "self"
        hint = "add self as the first parameter" if no_self else None
        raise self.error(f"{label} takes {expected}, found {_describe(fn.args)}", fn,
                         hint=hint or f"def {method}{expected}")

    def missing(self, node: ast.ClassDef, method: str, params: tuple[str, ...],
                members: dict[str, ast.stmt]) -> CompileError:
        typo = _near_miss(method, members)
        if typo is not None:
            return self.error(f"class {node.name!r} has no {method!r} method, but defines {typo.name!r}", typo,
                              hint=f"did you mean {method}? rename {typo.name!r} to {method!r}")
        return self.error(f"class {node.name!r} has no {method!r} method", node,
                          hint=f"add def {method}{_signature(('self', *params))}")


def _unknown_kind(kind: object, filename: str) -> CompileError:
    close = difflib.get_close_matches(str(kind).lower(), KINDS, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(KINDS)}"
    return CompileError(f"unknown operator kind {kind!r}; expected one of {', '.join(KINDS)}",
                        SourceLocation(filename), hint=hint)


def _imports(tree: ast.Module) -> list[tuple[ast.stmt, str]]:
    """(statement, top-level module) for every absolute import, in source order."""
    found: list[tuple[ast.stmt, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node, alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node, node.module.split(".")[0]))
    return sorted(found, key=lambda item: (item[0].lineno, item[0].col_offset))


def _binding_names(tree: ast.Module) -> set[str]:
    """Local names bound by imports of a bindings module (``exports``, ``map_impl``, ...)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names if a.name.split(".")[0] in _BINDINGS)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] in _BINDINGS:
            names.update(a.asname or a.name for a in node.names)
    return names


def _members(node: ast.ClassDef, classes: dict[str, ast.ClassDef], binding_names: set[str],
             seen: set[str]) -> tuple[dict[str, ast.stmt], bool]:
    """Members of a class and of its bases defined in this source; and whether some base
    is neither local nor from the bindings (so a member may come from where we cannot see)."""
    seen.add(node.name)
    members: dict[str, ast.stmt] = {}
    opaque = False
    for base in node.bases:
        if isinstance(base, ast.Name) and base.id in classes and base.id not in seen:
            inherited, base_opaque = _members(classes[base.id], classes, binding_names, seen)
            for name, member in inherited.items():
                members.setdefault(name, member)
            opaque = opaque or base_opaque
        elif _root_name(base) not in binding_names:
            opaque = True
    return {**members, **_own_members(node)}, opaque


def _own_members(node: ast.ClassDef) -> dict[str, ast.stmt]:
    members: dict[str, ast.stmt] = {}
    for stmt in node.body:
        if isinstance(stmt, _Function):
            members[stmt.name] = stmt
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
        members.update((t.id, stmt) for t in targets if isinstance(t, ast.Name))
    return members


def _root_name(expr: ast.expr) -> str | None:
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def _last_name(expr: ast.expr) -> str | None:
    """``b`` for ``a.b``, ``a`` for ``a``."""
    return expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", None)


def _near_miss(method: str, members: dict[str, ast.stmt]) -> _Function | None:
    candidates: dict[str, _Function] = {
        name.lower(): member for name, member in members.items()
        if isinstance(member, _Function) and name not in ("init", "process") and not name.startswith("__")}
    close = difflib.get_close_matches(method, list(candidates), n=1, cutoff=0.7)
    return candidates[close[0]] if close else None


def _misnamed(classes: Iterable[ast.ClassDef], wanted: Sequence[str],
              taken: set[str]) -> tuple[ast.ClassDef, str] | None:
    """A class that looks like a misnamed operator: it subclasses one, or its name is close."""
    lowered = {name.lower(): name for name in wanted}
    for node in classes:
        if node.name in taken:
            continue
        for base in node.bases:
            if (last := _last_name(base)) in wanted:
                return node, str(last)
        close = difflib.get_close_matches(node.name.lower(), list(lowered), n=1, cutoff=0.75)
        if close:
            return node, lowered[close[0]]
    return None


def _accepts(args: ast.arguments, count: int) -> bool:
    """Whether a function can be called with exactly ``count`` positional arguments."""
    positional = len(args.posonlyargs) + len(args.args)
    required = positional - len(args.defaults)
    if any(default is None for default in args.kw_defaults):
        return False
    return required <= count and (positional >= count or args.vararg is not None)


def _describe(args: ast.arguments) -> str:
    """The parameter list of a def as the user wrote it, defaults elided."""
    positional = [*args.posonlyargs, *args.args]
    first_default = len(positional) - len(args.defaults)
    parts = [a.arg + ("=..." if i >= first_default else "") for i, a in enumerate(positional)]
    if args.posonlyargs:
        parts.insert(len(args.posonlyargs), "/")
    if args.vararg:
        parts.append(f"*{args.vararg.arg}")
    elif args.kwonlyargs:
        parts.append("*")
    parts += [a.arg + ("" if d is None else "=...") for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    if args.kwarg:
        parts.append(f"**{args.kwarg.arg}")
    return _signature(parts)


def _signature(names: Iterable[str]) -> str:
    return f"({', '.join(names)})"


def _skeleton(kind: str) -> str:
    name = CLASS_NAMES[kind]
    return (f"from {kind}_impl import exports\n\n"
            f"class {name}(exports.{name}):\n"
            f"    def init(self, configuration) -> bool:\n"
            f"        return True\n\n"
            f"    def process{_signature(('self', *PROCESS_PARAMS[kind]))}:\n"
            f"        ...")
