"""Per-message cost of the host boundary, measured side by side in one run.

    python benchmarks/host_overhead.py [--messages N]

Rows:
  (a) no-op map through the workbench host (planned conversions)
  (b) AIO-style temperature map through the workbench host
  (c) the same two components through wasmtime-py's generic ``Func.__call__`` path
  (d) the same operator classes in native mode (CPython, no wasm)

Each wasm row is split into time inside the guest call (the FFI call into the
component, excluding host callbacks), time in host callbacks (logger, buffer.read, …),
and host-side conversion (everything else: building arguments, reading results).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Callable
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


class Row:
    def __init__(self, label: str, samples: list[float], guest: float | None = None,
                 callbacks: float | None = None, callback_calls: float | None = None):
        self.label = label
        self.samples = sorted(samples)
        self.guest = guest
        self.callbacks = callbacks
        self.callback_calls = callback_calls

    def quantile(self, q: float) -> float:
        return self.samples[min(len(self.samples) - 1, int(q * len(self.samples)))]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples)

    @property
    def conversion(self) -> float | None:
        if self.guest is None:
            return None
        return self.mean - self.guest - (self.callbacks or 0.0)

    def line(self) -> str:
        us = lambda v: "      -" if v is None else f"{v * 1e6:7.1f}"  # noqa: E731
        per_cb = None
        if self.callbacks is not None and self.callback_calls:
            per_cb = self.callbacks / self.callback_calls
        return (f"{self.label:<44} {us(self.quantile(0.5))} {us(self.quantile(0.99))} "
                f"{1 / self.mean:9.0f} {us(self.guest)} {us(self.callbacks)} {us(per_cb)} {us(self.conversion)}")


def timed(call: Callable[[Message], Any], inputs: list[Message]) -> list[float]:
    samples = []
    clock = time.perf_counter
    for message in inputs:
        started = clock()
        call(message)
        samples.append(clock() - started)
    return samples


# -- (a), (b): the workbench host -------------------------------------------------------------
def workbench_row(label: str, compiled: Any, inputs: list[Message], warmup: int) -> Row:
    with compiled.instantiate() as operator:
        operator.init({})
        for message in inputs[:warmup]:
            operator.map(message)
        _, process = operator._funcs["process"]
        guest_before, calls_before = process.guest_seconds, process.calls
        host_before = [(h.seconds, h.calls) for h in operator.host_calls]
        samples = timed(operator.map, inputs)
        n = process.calls - calls_before
        callbacks = sum(h.seconds - s for h, (s, _) in zip(operator.host_calls, host_before)) / n
        callback_calls = sum(h.calls - c for h, (_, c) in zip(operator.host_calls, host_before)) / n
        guest = (process.guest_seconds - guest_before) / n - callbacks
    return Row(label, samples, guest, callbacks, callback_calls)


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


def generic_row(label: str, compiled: Any, inputs: list[Message], warmup: int) -> Row:
    engine = shared_engine()
    buffers: dict[int, bytes] = {}
    reps = itertools.count(1)
    resource_id = 7
    package = f"{compiled.module.package}"
    version = compiled.module.api_version
    linker = wc.Linker(engine)
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
    store = wasmtime.Store(engine)
    store.set_wasi(wasmtime.WasiConfig())
    store.set_epoch_deadline(1 << 30)
    instance = linker.instantiate(store, compiled.module.component)
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

    for message in inputs[:warmup]:
        call(message)
    with GenericTimers() as timers:
        samples = timed(call, inputs)
    n = len(inputs)
    callbacks = timers.callbacks / n
    return Row(label, samples, timers.guest / n - callbacks, callbacks, timers.callback_calls / n)


# -- (d): native --------------------------------------------------------------------------------
def native_row(label: str, compiled: Any, inputs: list[Message], warmup: int) -> Row:
    operator = compiled.native()
    operator.init({})
    for message in inputs[:warmup]:
        operator.map(message)
    return Row(label, timed(operator.map, inputs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=300)
    args = parser.parse_args(argv)
    inputs = messages(args.messages + args.warmup)
    noop = compile_operator(HERE / "operators" / "noop.py", name="noop")
    temperature = compile_operator(HERE / "operators" / "temperature.py", name="temperature")
    rows = [
        workbench_row("(a) no-op map, workbench host", noop, inputs, args.warmup),
        workbench_row("(b) temperature map, workbench host", temperature, inputs, args.warmup),
        generic_row("(c) no-op map, wasmtime-py generic path", noop, inputs, args.warmup),
        generic_row("(c) temperature map, wasmtime-py generic path", temperature, inputs, args.warmup),
        native_row("(d) no-op map, native", noop, inputs, args.warmup),
        native_row("(d) temperature map, native", temperature, inputs, args.warmup),
    ]
    print(f"{args.messages} messages per row after {args.warmup} warm-up; times in µs per message")
    print(f"{'':<44} {'p50':>7} {'p99':>7} {'msg/s':>9} {'guest':>7} {'cbacks':>7} {'per cb':>7} {'convert':>7}")
    for row in rows:
        print(row.line())
    a, b, c_noop, c_temp, d_noop, d_temp = rows
    print()
    print(f"speed-up of the workbench host over the generic path: no-op {c_noop.mean / a.mean:.1f}x, "
          f"temperature {c_temp.mean / b.mean:.1f}x")
    print(f"host-side conversion: no-op {a.conversion * 1e6:.1f} µs, temperature {b.conversion * 1e6:.1f} µs "
          f"(generic path: {c_noop.conversion * 1e6:.1f} µs, {c_temp.conversion * 1e6:.1f} µs)")
    if b.callback_calls:
        print(f"host callbacks: {b.callback_calls:.1f} per message, "
              f"{b.callbacks / b.callback_calls * 1e6:.1f} µs each (generic path: "
              f"{c_temp.callbacks / max(c_temp.callback_calls, 1e-9) * 1e6:.1f} µs each)")
    print(f"wasm vs native: no-op {a.mean / d_noop.mean:.0f}x, temperature {b.mean / d_temp.mean:.0f}x slower")
    return 0


if __name__ == "__main__":
    sys.exit(main())
