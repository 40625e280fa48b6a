"""``run(graph, inputs)``: one call from a graph definition and data to a ``Run`` record."""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DatasetError, GraphError, OperatorError, OperatorFailure, WorkbenchError
from ..host.limits import Limits
from ..host.services import HostServices
from ..messages import Message
from .faults import FaultHandler
from .graph import MODULE_OPERATIONS
from .record import DEFAULT_OUTPUT_LIMIT, OnOutput, Outputs, Run
from .registry import ModuleRegistry
from .scheduler import Dataflow
from .trace import DEFAULT_TRACE_LIMIT, Tracer

MODES = ("wasm", "native")


def load(graph: Any) -> Any:
    """A ``Graph`` from a ``Graph``, a path, or YAML text."""
    if hasattr(graph, "operations"):
        return graph
    from .graph_yaml import load_graph

    return load_graph(graph)


def parse_overrides(config: Mapping[str, Any] | Iterable[str] | None) -> dict[str, dict[str, str]]:
    """``{"op.KEY": "V"}``, ``{"op": {"KEY": "V"}}`` or ``["op.KEY=V"]`` → per-operation overrides."""
    result: dict[str, dict[str, str]] = {}
    if config is None:
        return result
    items: Iterable[tuple[str, Any]]
    if isinstance(config, Mapping):
        items = config.items()
    else:
        items = [_split_assignment(text) for text in config]
    for key, value in items:
        if isinstance(value, Mapping):
            result.setdefault(key, {}).update({str(k): str(v) for k, v in value.items()})
            continue
        operation, dot, parameter = str(key).rpartition(".")
        if not dot:
            raise GraphError(f"configuration {key!r} must be OPERATION.KEY (e.g. module-temperature/map.unit)")
        result.setdefault(operation, {})[parameter] = str(value)
    return result


def _split_assignment(text: str) -> tuple[str, str]:
    key, eq, value = text.partition("=")
    if not eq:
        raise GraphError(f"configuration {text!r} must be OPERATION.KEY=VALUE")
    return key.strip(), value


def resolve_modules(graph: Any, registry: ModuleRegistry) -> dict[str, Any]:
    """Module reference → module, for every module the graph's operations use."""
    from .validation import check_graph

    modules: dict[str, Any] = {}
    for reference, kinds in graph.modules().items():
        try:
            modules[reference] = registry.resolve(reference, graph.api_version)
        except GraphError as exc:
            users = [op for op in graph.operations if op.module == reference]
            where = f"{users[0].location}: " if users[0].location else ""
            names = ", ".join(repr(op.name) for op in users)
            raise GraphError(f"{where}operation {names} ({', '.join(kinds)}): {exc}") from exc
    check_graph(graph, module_kinds={reference: tuple(module.kinds) for reference, module in modules.items()})
    return modules


def create_operators(graph: Any, registry: ModuleRegistry, mode: str, services: HostServices,
                     limits: Limits | None, overrides: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Instantiate and ``init`` one operator per module operation of the graph.

    Every operation gets its own operator, even where several use one module; each ``init``
    gets that operation's ``moduleConfigurations`` parameters (and ``overrides``).
    """
    if mode not in MODES:
        raise GraphError(f"mode {mode!r} is not one of {', '.join(MODES)}")
    unknown = set(overrides) - {op.name for op in graph.operations}
    if unknown:
        known = ", ".join(repr(op.name) for op in graph.operations)
        raise GraphError(f"configuration for unknown operations: {', '.join(map(repr, sorted(unknown)))} "
                         f"(graph {graph.name!r} has {known})")
    modules = resolve_modules(graph, registry)
    operators: dict[str, Any] = {}
    try:
        for op in graph.operations:
            if op.operation_type in MODULE_OPERATIONS:
                properties = graph.parameters_for(op.name, overrides.get(op.name, {}))
                operators[op.name] = _create(op, modules[op.module], mode, properties, services, limits, operators)
    except BaseException:
        close_operators(operators)
        raise
    return operators


def _create(op: Any, module: Any, mode: str, properties: dict[str, str], services: HostServices,
            limits: Limits | None, created: dict[str, Any]) -> Any:
    options: dict[str, Any] = {"name": op.name, "services": services}
    if mode == "wasm" and limits is not None:
        options["limits"] = limits
    operator = (module.instantiate if mode == "wasm" else module.native)(op.operation_type, **options)
    created[op.name] = operator  # closed should init fail
    try:
        accepted = operator.init(properties)
    except WorkbenchError:
        raise
    except Exception as exc:
        text = "".join(traceback.format_exception(exc))
        raise OperatorError(OperatorFailure(op.name, "init", f"{type(exc).__name__}: {exc}", properties, text)) from exc
    if not accepted:
        raise OperatorError(OperatorFailure(
            op.name, "init", f"returned false: the {op.operation_type} of module {op.module!r} rejected "
            f"its configuration {properties!r}"))
    return operator


def close_operators(operators: Mapping[str, Any]) -> None:
    for operator in operators.values():
        close = getattr(operator, "close", None)
        if close is not None:
            close()


def run(graph: Any, inputs: Any, *, modules: Mapping[str, Any] | None = None, mode: str = "wasm",
        config: Mapping[str, Any] | Iterable[str] | None = None, out_of_order: float = 0.0,
        late: str = "restamp", accumulate_batch: int = 64, services: HostServices | None = None,
        state: Mapping[str, str] | str | PathLike[str] | None = None, limits: Limits | None = None,
        trace_limit: int = DEFAULT_TRACE_LIMIT, output_limit: int | None = DEFAULT_OUTPUT_LIMIT,
        on_output: OnOutput | None = None, output_path: str | PathLike[str] | None = None,
        on_progress: Callable[[Run], None] | None = None, progress_every: float = 0.5,
        errors: str | Mapping[str, str] = "stop", topic: str = "input") -> Run:
    """Run ``graph`` over ``inputs`` and return the ``Run`` record.

    ``inputs``: messages (any iterable, consumed lazily), a DataFrame, a path (directory of
    payload files, .jsonl, .json, .csv) or ``"dataset:NAME[:N]"`` / ``("NAME", n)``, for the
    graph's first source; or a mapping of source names to such inputs, merged in timestamp order.
    ``out_of_order``: how far (seconds) a message may arrive behind the newest one before it
    is late; late messages are re-stamped to the source frontier or, with ``late="drop"``,
    dropped. ``state`` seeds the state store (a mapping, or a ``statestore.json``).
    ``output_limit`` outputs are kept in memory (``None``: all); ``on_output(sink, message,
    timestamp)`` sees every one, and ``output_path`` gets every one as a line of AIO's JSON lines
    output format (``workbench.datasets.write_jsonl``'s). ``trace_limit`` bounds each trace
    record. ``on_progress(run)`` is called about every ``progress_every`` seconds with a snapshot
    ``Run`` of what happened so far (``finished`` is False), for live displays. Ending the input
    early (a generator that stops) ends the run cleanly. ``errors`` is the error policy, for the
    run or per operation (``{"op": "skip", "*": "dead-letter"}``): ``stop`` (raise the
    ``OperatorError``, whose ``run`` is the record so far), ``skip`` or ``dead-letter`` (see
    ``faults``). See ``docs/semantics.md``.
    """
    graph = load(graph)
    faults = FaultHandler(errors, [op.name for op in graph.operations])
    registry = modules if isinstance(modules, ModuleRegistry) else ModuleRegistry.of(modules)
    for reference, module in getattr(graph, "module_objects", {}).items():
        registry.entries.setdefault(reference, module)  # modules given to the graph's building steps
    services = _services(services, state)
    operators = create_operators(graph, registry, mode, services, limits, parse_overrides(config))
    writer = JsonLines(output_path, on_output) if output_path is not None else None
    tracer, outputs = Tracer(limit=trace_limit), Outputs(output_limit, writer or on_output)
    try:
        flow = Dataflow(graph, operators, tracer, outputs, out_of_order_ns=round(out_of_order * 1e9),
                        late=late, accumulate_batch=accumulate_batch, faults=faults)
        started = time.perf_counter()
        def snapshot(count: int) -> Run:
            return Run(graph.name, tracer, outputs, flow.counts(), services, count, flow.late,
                       time.perf_counter() - started, definition=graph, finished=False, faults=faults)

        watch = _Watch(on_progress, progress_every, snapshot)
        try:
            if isinstance(inputs, Mapping):
                count = flow.feed_sources({name: watch(messages_from(each, topic)) for name, each in inputs.items()})
            else:
                count = flow.feed(watch(messages_from(inputs, topic)))
            flow.finish()
        except OperatorError as error:
            error.run = snapshot(sum(source.received for source in flow.sources))  # the run up to the failure
            raise
        seconds = time.perf_counter() - started
    finally:
        close_operators(operators)
        if writer is not None:
            writer.close()
    result = Run(graph.name, tracer, outputs, flow.counts(), services, count, flow.late, seconds, definition=graph,
                 faults=faults)
    result.input_events = getattr(inputs, "events", None)  # e.g. a live MQTT source's connection events
    return result


class _Watch:
    """Wraps input streams so ``on_progress`` sees a snapshot about every ``every`` seconds."""

    def __init__(self, on_progress: Callable[[Run], None] | None, every: float, snapshot: Callable[[int], Run]):
        self.on_progress, self.every, self.snapshot = on_progress, every, snapshot
        self.seen = 0
        self.due = time.perf_counter() + every

    def __call__(self, messages: Iterable[Message]) -> Iterable[Message]:
        return messages if self.on_progress is None else self._watched(messages)

    def _watched(self, messages: Iterable[Message]) -> Iterator[Message]:
        assert self.on_progress is not None
        for message in messages:
            self.seen += 1
            if time.perf_counter() >= self.due:  # every message: a live input may trickle
                self.on_progress(self.snapshot(self.seen))
                self.due = time.perf_counter() + self.every
            yield message


class JsonLines:
    """Writes each output message, as it is produced, as one line of AIO's output format."""

    def __init__(self, path: str | PathLike[str], then: OnOutput | None = None):
        from ..datasets.records import message_record

        self.path = Path(path)
        self.record = message_record
        self.then = then
        try:
            self.handle = self.path.open("w", encoding="utf-8", newline="\n")
        except OSError as exc:
            raise DatasetError(f"{self.path}: cannot write: {exc.strerror}") from exc

    def __call__(self, sink: str, message: Any, timestamp: Any) -> None:
        self.handle.write(json.dumps(self.record(message), ensure_ascii=False) + "\n")
        if self.then is not None:
            self.then(sink, message, timestamp)

    def close(self) -> None:
        self.handle.close()


def _services(services: HostServices | None, state: Mapping[str, str] | str | PathLike[str] | None) -> HostServices:
    services = services or HostServices()
    if isinstance(state, (str, PathLike)):
        from ..host.state_store import StateStore

        seeded = StateStore.from_json(Path(state))
        services.state_store.seed({key: value for key, value, _ in seeded.items()})
    elif state:
        services.state_store.seed(state)
    return services


def messages_from(inputs: Any, topic: str = "input") -> Iterable[Message]:
    """Messages from any supported input (see ``run``)."""
    if isinstance(inputs, str) and inputs.startswith("dataset:"):
        name, _, size = inputs[len("dataset:"):].partition(":")
        return _dataset(name, int(size) if size else 100)
    if isinstance(inputs, tuple) and len(inputs) == 2 and isinstance(inputs[0], str) and isinstance(inputs[1], int):
        return _dataset(inputs[0], inputs[1])
    if isinstance(inputs, (str, PathLike, pd.DataFrame)):
        from ..datasets import read_input

        return read_input(Path(inputs) if isinstance(inputs, str) else inputs, topic=topic)
    if isinstance(inputs, Iterable):
        return _messages_only(inputs)
    raise DatasetError(f"cannot run over a {type(inputs).__name__}; give messages, a DataFrame, a path "
                       "or 'dataset:NAME'")


def _messages_only(inputs: Iterable[Any]) -> Iterator[Message]:
    for number, item in enumerate(inputs, 1):
        if not isinstance(item, Message):
            raise DatasetError(f"input item {number} is a {type(item).__name__}, not a Message: {item!r:.120}")
        yield item


def _dataset(name: str, n: int) -> Iterable[Message]:
    from ..datasets import load_dataset

    return load_dataset(name, n=n)
