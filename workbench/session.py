"""The session: what a notebook (or any Python program) has compiled, wired and run.

The composition root of the workbench. Magics and widgets call exactly one method here per
action; the same calls work from plain Python:

    from workbench import current_session
    s = current_session()
    s.compile("temperature.py", name="temperature")            # registered as temperature:1.0.0
    s.add_graph("graph.yaml")                                    # validated, registered by name
    run = s.run("Simple graph", dataset="temperature", n=500)    # the Run; also s.last_run

A graph's module references resolve against the session's operators: exactly, or by module
name and version (``azure-samples/explore-iot-operations/temperature:1.0.0`` finds the
operator compiled as ``temperature:1.0.0``), or by name alone when one version exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import GraphError

RUN_HISTORY = 20


@dataclass
class Session:
    """Compiled operators, graphs and recent runs, by name."""

    operators: dict[str, Any] = field(default_factory=dict)
    graphs: dict[str, Any] = field(default_factory=dict)
    runs: list[Any] = field(default_factory=list)
    defaults: dict[str, dict[str, str]] = field(default_factory=dict)
    listeners: list[Any] = field(default_factory=list, repr=False)

    # -- operators ---------------------------------------------------------------------------
    def compile(self, source: str | Path, *, kind: str | None = None, name: str | None = None,
                version: str | None = None, api: str | None = None, config: Mapping[str, Any] | None = None,
                native: bool = False, filename: str | None = None) -> Any:
        """Compile (or, with ``native``, only check) operator code and register it as ``name:version``."""
        from .compiler import compile_operator
        from .compiler.wit import DEFAULT_API
        from .native.module import NativeModule

        api = api or DEFAULT_API
        if native:
            module: Any = NativeModule.from_source(source, kind, name, version, api, filename=filename)
        else:
            module = compile_operator(source, kind, name, version, api, filename=filename)
        self.operators[module.reference] = module
        self.defaults[module.reference] = {str(k): str(v) for k, v in (config or {}).items()}
        self._changed("operators")
        return module

    def add_operator(self, module: Any) -> Any:
        """Register an already compiled module (anything with ``reference`` and ``kinds``)."""
        self.operators[module.reference] = module
        self._changed("operators")
        return module

    def operator(self, reference: str) -> Any:
        """The session's module for a reference (see the module docs for how it matches)."""
        from .dataflow.elements import ModuleReference

        if reference in self.operators:
            return self.operators[reference]
        try:
            wanted = ModuleReference.parse(reference)
        except ValueError as exc:
            raise GraphError(str(exc)) from exc
        matches = [m for m in self.operators.values()
                   if m.name == wanted.name and (not wanted.version or m.version == wanted.version)]
        if not wanted.version or not matches:
            matches = matches or [m for m in self.operators.values() if m.name == wanted.name]
        if len(matches) == 1:
            return matches[0]
        known = ", ".join(sorted(self.operators)) or "none yet"
        if matches:
            raise GraphError(f"module {reference!r} matches several operators ({', '.join(m.reference for m in matches)});"
                             " give the version")
        raise GraphError(f"module {reference!r} is not in this session (operators: {known}); compile it with "
                         f"%%operator --name {wanted.name}" + (f" --version {wanted.version}" if wanted.version else ""))

    # -- graphs ------------------------------------------------------------------------------
    def add_graph(self, graph: Any, name: str | None = None, *, filename: str | None = None) -> Any:
        """Register a ``Graph``, a graph file or YAML text (named ``filename`` in errors); checked
        against the session's operators."""
        from .dataflow.graph import Graph

        graph = graph if isinstance(graph, Graph) else Graph.load(graph, filename)
        kinds = {}
        for reference in graph.modules():
            module = graph.module_objects.get(reference) or self._maybe_operator(reference)
            if module is not None:
                kinds[reference] = tuple(module.kinds)
        graph.validate(kinds)
        self.graphs[name or graph.name] = graph
        self._changed("graphs")
        return graph

    def graph(self, graph: Any) -> Any:
        """A registered graph by name, or the graph itself."""
        if isinstance(graph, str) and graph in self.graphs:
            return self.graphs[graph]
        if isinstance(graph, str) and "\n" not in graph and not Path(graph).exists():
            known = ", ".join(sorted(self.graphs)) or "none yet"
            raise GraphError(f"no graph {graph!r} in this session (graphs: {known}); define one with %%graph")
        return graph

    def _maybe_operator(self, reference: str) -> Any:
        try:
            return self.operator(reference)
        except GraphError:
            return None

    # -- runs --------------------------------------------------------------------------------
    def modules_for(self, graph: Any) -> dict[str, Any]:
        """Reference → module for every module ``graph`` uses (its own objects first)."""
        return {reference: graph.module_objects.get(reference) or self.operator(reference)
                for reference in graph.modules()}

    def run(self, graph: Any, inputs: Any = None, *, dataset: str | None = None, n: int = 100,
            seed: int = 0, mode: str | None = None, config: Mapping[str, Any] | Iterable[str] | None = None,
            **options: Any) -> Any:
        """Run a graph over ``inputs`` (or ``n`` messages of a built-in ``dataset``); keeps the ``Run``."""
        from .dataflow.run import parse_overrides, run
        from .datasets import load_dataset

        graph, modules = self._graph_and_modules(graph)
        if inputs is None:
            inputs = load_dataset(dataset or "temperature", n=n, seed=seed)
        mode = mode or ("native" if any(getattr(m, "native_only", False) for m in modules.values()) else "wasm")
        overrides = self._defaults_for(graph, modules, parse_overrides(config))
        result = run(graph, inputs, modules=modules, mode=mode, config=overrides, **options)
        self.runs = [*self.runs[-(RUN_HISTORY - 1):], result]
        self._changed("runs")
        return result

    def export(self, graph: Any, out_dir: str | Path, *,
               config: Mapping[str, Any] | Iterable[str] | None = None, **options: Any) -> Any:
        """Export a graph of the session with its modules for AIO (see ``workbench.export``).

        Configuration given to ``%%operator --config`` goes into the graph definition as parameter
        defaults, beneath the graph's own values and ``config``: the exported graph then runs on
        AIO as it runs here.
        """
        from .dataflow.run import parse_overrides
        from .deploy import export

        graph, modules = self._graph_and_modules(graph)
        return export(graph, modules, out_dir, config=self._defaults_for(graph, modules, parse_overrides(config)),
                      **options)

    def _graph_and_modules(self, graph: Any) -> tuple[Any, dict[str, Any]]:
        """The ``Graph`` a name, file, YAML text or ``Graph`` stands for, and the modules it uses."""
        from .dataflow.graph import Graph

        found = self.graph(graph)
        found = found if isinstance(found, Graph) else Graph.load(found)
        return found, self.modules_for(found)

    def _defaults_for(self, graph: Any, modules: Mapping[str, Any],
                      overrides: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        """``--config`` given at compile time, beneath the graph's own values and the run's."""
        merged = {name: dict(values) for name, values in overrides.items()}
        for op in graph.operations:
            module = modules.get(op.module) if op.module else None
            defaults = self.defaults.get(module.reference, {}) if module is not None else {}
            declared = graph.parameters_for(op.name, merged.get(op.name, {}))
            extra = {k: v for k, v in defaults.items() if k not in declared}
            if extra:
                merged[op.name] = {**extra, **merged.get(op.name, {})}
        return merged

    @property
    def last_run(self) -> Any:
        if not self.runs:
            raise GraphError("nothing has run in this session yet; run a graph with %workbench run GRAPH")
        return self.runs[-1]

    # -- listings ----------------------------------------------------------------------------
    def operators_frame(self) -> pd.DataFrame:
        rows = [{"operator": ref, "kinds": ", ".join(m.kinds), "api": m.api,
                 "mode": "native" if getattr(m, "native_only", False) else "wasm",
                 "size_mb": round(m.report.size_bytes / 1e6, 1) if hasattr(m, "report") else None,
                 "config": ", ".join(f"{k}={v}" for k, v in self.defaults.get(ref, {}).items())}
                for ref, m in self.operators.items()]
        return pd.DataFrame(rows, columns=["operator", "kinds", "api", "mode", "size_mb", "config"])

    def graphs_frame(self) -> pd.DataFrame:
        rows = [{"graph": name, "steps": len(g.operations), "connections": len(g.connections),
                 "api": g.api_version, "modules": ", ".join(g.modules())} for name, g in self.graphs.items()]
        return pd.DataFrame(rows, columns=["graph", "steps", "connections", "api", "modules"])

    def runs_frame(self) -> pd.DataFrame:
        rows = [{"run": i, "graph": r.graph, "inputs": r.inputs, "outputs": len(r.outputs),
                 "seconds": round(r.seconds, 3)} for i, r in enumerate(self.runs)]
        return pd.DataFrame(rows, columns=["run", "graph", "inputs", "outputs", "seconds"])

    # -- change notification (side panels, widgets) --------------------------------------------
    def subscribe(self, listener: Any) -> None:
        """``listener(what)`` is called with "operators", "graphs" or "runs" after each change."""
        self.listeners.append(listener)

    def unsubscribe(self, listener: Any) -> None:
        """Stop calling ``listener`` (no error if it was not subscribed)."""
        if listener in self.listeners:
            self.listeners.remove(listener)

    def _changed(self, what: str) -> None:
        for listener in list(self.listeners):
            listener(what)


_CURRENT: list[Session] = []


def session() -> Session:
    """The process's current session (created on first use)."""
    if not _CURRENT:
        _CURRENT.append(Session())
    return _CURRENT[0]


current_session = session
"""``workbench.current_session()``: the same function (``workbench.session`` is this module)."""


def reset_session() -> Session:
    """Start over with an empty session."""
    _CURRENT[:] = [Session()]
    return _CURRENT[0]
