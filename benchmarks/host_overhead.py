"""Per-message cost of the host boundary, measured side by side in one run.

    python benchmarks/host_overhead.py [--messages N] [--rounds R]

Rows:
  (a) no-op map through the workbench host (planned conversions)
  (b) AIO-style temperature map through the workbench host
  (c) the same two components through wasmtime-py's generic ``Func.__call__`` path
  (d) the same operator classes in native mode (CPython, no wasm)
  (e) a diagnostic: the no-op map after the temperature map's JSON work in the guest (no
      callbacks, input returned unchanged). Its host-side work is (a)'s; the difference in
      "convert" is what the guest's own work costs the host afterwards, by evicting the
      host's code and data from the CPU caches.

Each wasm row is split into time inside the guest call (the FFI call into the
component, excluding host callbacks), time in host callbacks (logger, buffer.read, …),
and host-side conversion (everything else: building arguments, reading results).

Virtual machines steal CPU time in bursts, so the rows run interleaved in rounds: p50
and p99 are over all messages, and the split and msg/s come from each row's best round
(the same practice as ``timeit``).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import wasmtime
from wasmtime import component as wc

from workbench import Message, Timestamp, compile_operator
from workbench.host.engine import shared_engine

HERE = Path(__file__).parent
PAYLOAD = b'{"temperature": {"value": 1209, "unit": "F"}, "humidity": {"value": 52}}'


def messages(n: int) -> list[Message]:
    return [Message(PAYLOAD, "sensors/temperature", Timestamp(1_700_000_000 + i, 0, i, "bench"),
                    None, (("device", "d1"),)) for i in range(n)]


@dataclass
class Round:
    samples: list[float]
    guest: float | None = None          # seconds per message inside the guest, callbacks excluded
    callbacks: float | None = None      # seconds per message in host callbacks
    callback_calls: float | None = None

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples)


@dataclass
class Row:
    label: str
    run: Callable[[list[Message]], Round]
    rounds: list[Round] = field(default_factory=list)

    @property
    def best(self) -> Round:
        return min(self.rounds, key=lambda r: r.mean)

    def quantile(self, q: float) -> float:
        samples = sorted(s for r in self.rounds for s in r.samples)
        return samples[min(len(samples) - 1, int(q * len(samples)))]

    @property
    def conversion(self) -> float | None:
        best = self.best
        if best.guest is None:
            return None
        return best.mean - best.guest - (best.callbacks or 0.0)

    def line(self) -> str:
        us = lambda v: "      -" if v is None else f"{v * 1e6:7.1f}"  # noqa: E731
        best = self.best
        per_cb = best.callbacks / best.callback_calls if best.callbacks is not None and best.callback_calls else None
        return (f"{self.label:<46} {us(self.quantile(0.5))} {us(self.quantile(0.99))} {1 / best.mean:9.0f} "
                f"{us(best.guest)} {us(best.callbacks)} {us(per_cb)} {us(self.conversion)}")


def timed(call: Callable[[Message], Any], inputs: list[Message]) -> list[float]:
    samples = []
    clock = time.perf_counter
    for message in inputs:
        started = clock()
        call(message)
        samples.append(clock() - started)
    return samples


# -- (a), (b): the workbench host -------------------------------------------------------------
def workbench_runner(compiled: Any) -> Callable[[list[Message]], Round]:
    operator = compiled.instantiate()
    operator.init({})

    def run(inputs: list[Message]) -> Round:
        _, process = operator._funcs["process"]
        guest_before, calls_before = process.guest_seconds, process.calls
        host_before = [(h.seconds, h.calls) for h in operator.host_calls]
        samples = timed(operator.map, inputs)
        n = process.calls - calls_before
        callbacks = sum(h.seconds - s for h, (s, _) in zip(operator.host_calls, host_before)) / n
        calls = sum(h.calls - c for h, (_, c) in zip(operator.host_calls, host_before)) / n
        return Round(samples, (process.guest_seconds - guest_before) / n - callbacks, callbacks, calls)

    return run


# -- (c): wasmtime-py's generic path ------------------------------------------------------------
class GenericTimers:
    """Wraps wasmtime-py's FFI call and host-callback entry to split the generic path."""

    def __init__(self) -> None:
        from wasmtime.component import _func, _linker

        self.guest = 0.0
        self.callbacks = 0.0
        self.callback_calls = 0
        original_call = _func.ffi.wasmtime_component_func_call
        original_catch = _linker.catch_exceptions

        def call(*args: Any) -> Any:
            started = time.perf_counter()
            try:
                return original_call(*args)
            finally:
                self.guest += time.perf_counter() - started

        def catch(context: Any, run: Any) -> Any:
            started = time.perf_counter()
            try:
                return original_catch(context, run)
            finally:
                self.callbacks += time.perf_counter() - started
                self.callback_calls += 1

        self._patches = [(_func.ffi, "wasmtime_component_func_call", original_call, call),
                         (_linker, "catch_exceptions", original_catch, catch)]

    def __enter__(self) -> GenericTimers:
        for owner, name, _, new in self._patches:
            setattr(owner, name, new)
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, old, _ in self._patches:
            setattr(owner, name, old)


def _record(**fields: Any) -> wc.Record:
    record = wc.Record()
    for name, value in fields.items():
        setattr(record, name.replace("_", "-"), value)
    return record


def _unused(store: Any, *args: Any) -> Any:
    raise NotImplementedError("not used by the benchmark operators")


def _generic_linker(compiled: Any, buffers: dict[int, bytes], resource_id: int) -> wc.Linker:
    package, version = compiled.module.package, compiled.module.api_version
    linker = wc.Linker(shared_engine())
    linker.add_wasip2()
    with linker.root() as root:
        with root.add_instance(f"{package}/types@{version}") as types:
            types.add_resource("buffer", wc.ResourceType.host(resource_id), lambda _s, rep: buffers.pop(rep, None))
            types.add_func("[method]buffer.read", lambda store, this: buffers[this.to_host(store).rep])
        with root.add_instance(f"{package}/logger@{version}") as logger:
            logger.add_func("log", lambda store, level, context, message: None)
        with root.add_instance(f"{package}/metrics@{version}") as metrics:
            for name in ("add-to-counter", "record-to-histogram"):
                metrics.add_func(name, lambda store, *args: None)
        with root.add_instance(f"{package}/state-store@{version}") as state:
            for name in ("get", "set", "del", "vdel"):
                state.add_func(name, _unused)
    return linker


def generic_runner(compiled: Any) -> Callable[[list[Message]], Round]:
    buffers: dict[int, bytes] = {}
    reps = itertools.count(1)
    resource_id = 7
    store = wasmtime.Store(shared_engine())
    store.set_wasi(wasmtime.WasiConfig())
    store.set_epoch_deadline(1 << 30)
    instance = _generic_linker(compiled, buffers, resource_id).instantiate(store, compiled.module.component)
    interface = instance.get_export_index(store, compiled.module.export_name("map"))
    init = instance.get_func(store, instance.get_export_index(store, "init", interface))
    process = instance.get_func(store, instance.get_export_index(store, "process", interface))
    init(store, _record(properties=[], module_schemas=[]))
    init.post_return(store)

    def to_value(message: Message) -> Any:
        rep = next(reps)
        buffers[rep] = message.payload
        ts = message.timestamp
        return wc.Variant("message", _record(
            timestamp=_record(timestamp=_record(secs=ts.secs, nanos=ts.nanos), counter=ts.counter,
                              node_id=ts.node_id),
            topic=message.topic.encode(), content_type=None, payload=wc.ResourceHost.own(rep, resource_id),
            properties=_record(user_properties=list(message.properties)), schema=None))

    def from_value(value: Any) -> Message:
        record = value.payload
        payload = record.payload
        data = buffers.pop(payload.to_host(store).rep) if isinstance(payload, wc.ResourceAny) else payload
        ts = record.timestamp
        return Message(data, record.topic.decode(),
                       Timestamp(ts.timestamp.secs, ts.timestamp.nanos, ts.counter, getattr(ts, "node-id")))

    def call(message: Message) -> Message:
        result = process(store, to_value(message))
        process.post_return(store)
        return from_value(result)

    def run(inputs: list[Message]) -> Round:
        with GenericTimers() as timers:
            samples = timed(call, inputs)
        n = len(inputs)
        callbacks = timers.callbacks / n
        return Round(samples, timers.guest / n - callbacks, callbacks, timers.callback_calls / n)

    return run


# -- (d): native --------------------------------------------------------------------------------
def native_runner(compiled: Any) -> Callable[[list[Message]], Round]:
    operator = compiled.native()
    operator.init({})
    return lambda inputs: Round(timed(operator.map, inputs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=3000, help="messages per row, over all rounds")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args(argv)
    noop = compile_operator(HERE / "operators" / "noop.py", name="noop")
    temperature = compile_operator(HERE / "operators" / "temperature.py", name="temperature")
    json_noop = compile_operator(HERE / "operators" / "json_noop.py", name="json-noop")
    rows = [
        Row("(a) no-op map, workbench host", workbench_runner(noop)),
        Row("(b) temperature map, workbench host", workbench_runner(temperature)),
        Row("(c) no-op map, wasmtime-py generic path", generic_runner(noop)),
        Row("(c) temperature map, wasmtime-py generic path", generic_runner(temperature)),
        Row("(d) no-op map, native", native_runner(noop)),
        Row("(d) temperature map, native", native_runner(temperature)),
        Row("(e) no-op map after JSON work in the guest", workbench_runner(json_noop)),
    ]
    per_round = max(1, args.messages // args.rounds)
    for row in rows:
        row.run(messages(args.warmup))
    for index in range(args.rounds):
        batch = messages(per_round)
        for row in rows:
            row.rounds.append(row.run(batch))
        print(f"round {index + 1}/{args.rounds} done", file=sys.stderr)
    print(f"{per_round * args.rounds} messages per row in {args.rounds} interleaved rounds; µs per message")
    print(f"{'':<46} {'p50':>7} {'p99':>7} {'msg/s':>9} {'guest':>7} {'cbacks':>7} {'per cb':>7} {'convert':>7}")
    for row in rows:
        print(row.line())
    a, b, c_noop, c_temp, d_noop, d_temp, e = rows
    speed = lambda slow, fast: slow.best.mean / fast.best.mean  # noqa: E731
    print()
    print(f"workbench host vs generic path: no-op {speed(c_noop, a):.1f}x faster (target ≥ 5x), "
          f"temperature {speed(c_temp, b):.1f}x faster (target ≥ 4x)")
    print(f"host-side conversion per call: no-op {a.conversion * 1e6:.1f} µs, temperature {b.conversion * 1e6:.1f} µs"
          f" (target ≤ 25 µs; generic path {c_noop.conversion * 1e6:.0f} µs and {c_temp.conversion * 1e6:.0f} µs)")
    best = b.best
    if best.callback_calls:
        generic = c_temp.best
        print(f"host callbacks: {best.callback_calls:.1f} per message, {best.callbacks / best.callback_calls * 1e6:.1f}"
              f" µs each (target ≤ 10 µs; generic path {generic.callbacks / generic.callback_calls * 1e6:.1f} µs)")
    print(f"(b)/(d) wasm over native: no-op {speed(a, d_noop):.0f}x, temperature {speed(b, d_temp):.0f}x slower")
    print(f"cache effect: the no-op map's host-side work measures {a.conversion * 1e6:.1f} µs after a trivial guest "
          f"call and {e.conversion * 1e6:.1f} µs after the guest's JSON work ({e.best.guest * 1e6:.0f} µs in the guest)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
