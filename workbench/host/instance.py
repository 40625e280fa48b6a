"""One running operator: a store, a sandboxed component instance, and typed calls into it.

An instance that traps (deadline, memory, guest exception) is discarded and re-created,
with its saved configuration, before the next call.
"""

from __future__ import annotations

import ctypes
import re
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import wasmtime

from ..errors import HostError, OperatorError, OperatorFailure, OperatorMemoryError, OperatorTimeout, OperatorTrap
from ..kinds import KindCalls
from ..tracebacks import SourceMap, extract_guest_traceback
from . import _capi as c
from .buffers import BufferTable
from .calls import GuestCall
from .datamodel import clock_from_wire, clock_to_wire, configuration_to_wire, message_from_wire, message_to_wire
from .engine import deadline_ticks
from .limits import Limits
from .linker import build_linker
from .module import ComponentModule
from .output import GuestOutput
from .services import HostServices
from .values import build_plan

# wasmtime's C API copies a list<u8> result value by value, under a fixed budget of
# "hostcall fuel"; about this many bytes fit in one result (measured with wasmtime 50).
MAX_RESULT_BYTES = 2_790_000
_EXITED = re.compile(r"Exited with i32 exit status (-?\d+)")

_ARGS: dict[str, Callable[..., list[Any]]] = {
    "map": lambda message: [message_to_wire(message)],
    "filter": lambda message: [message_to_wire(message)],
    "branch": lambda timestamp, message: [clock_to_wire(timestamp), message_to_wire(message)],
    "accumulate": lambda staged, messages: [message_to_wire(staged), [message_to_wire(m) for m in messages]],
    "delay": lambda message, timestamp: [message_to_wire(message), clock_to_wire(timestamp)],
}
_EXPECTED = {"init": "a bool", "map": "a types.DataModel", "accumulate": "a types.DataModel",
             "filter": "a bool", "branch": "a bool", "delay": "a hybrid_logical_clock.HybridLogicalClock"}
_RESULTS: dict[str, Callable[[Any], Any]] = {
    "map": message_from_wire,
    "filter": bool,
    "branch": bool,
    "accumulate": message_from_wire,
    "delay": clock_from_wire,
}


class OperatorInstance(KindCalls):
    """Runs one operator kind of a component module inside the sandbox."""

    def __init__(self, module: ComponentModule, kind: str | None = None, *, name: str | None = None,
                 services: HostServices | None = None, limits: Limits | None = None,
                 source_map: SourceMap | None = None):
        self.module = module
        self.kind = kind or module.kinds[0]
        module.export_name(self.kind)  # fail early on an unknown kind
        self.name = name or f"{module.name}/{self.kind}"
        self.services = services or HostServices()
        self.limits = limits or Limits()
        self.source_map = source_map or SourceMap()
        self.configuration: tuple[dict[str, str], Sequence[tuple[str, str, str]]] | None = None
        self.instantiations = 0
        self._store: wasmtime.Store | None = None
        self._host_failure: BaseException | None = None
        self._stderr: list[str] = []
        self._output: GuestOutput | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def _instantiate(self) -> None:
        store = wasmtime.Store(self.module.engine)
        store.set_limits(memory_size=self.limits.memory)
        wasi = wasmtime.WasiConfig()
        self._output = GuestOutput(wasi)
        store.set_wasi(wasi)
        store.set_epoch_deadline(deadline_ticks(self.limits.deadline))
        buffers = BufferTable()
        buffers.context = c.context_address(store)
        linker, self.host_calls = build_linker(self.module, self.name, self.services, buffers,
                                               _weakly(self._on_host_error))
        try:
            instance = linker.instantiate(store, self.module.component)
        except wasmtime.WasmtimeError as exc:
            raise HostError(f"cannot instantiate {self.name}: {exc}") from exc
        self._store, self._buffers, self._context = store, buffers, buffers.context
        self._funcs = {fn: self._export(store, instance, fn, buffers) for fn in ("init", "process")}
        self._func_addrs = {fn: ctypes.addressof(func._func) for fn, (func, _) in self._funcs.items()}
        context, ticks = buffers.context, deadline_ticks(self.limits.deadline)
        self._arm_deadline = lambda: c.set_epoch_deadline(context, ticks)
        self.instantiations += 1

    def _export(self, store: wasmtime.Store, instance: Any, function: str,
                buffers: BufferTable) -> tuple[Any, GuestCall]:
        interface = self.module.export_name(self.kind)
        index = instance.get_export_index(store, function, instance.get_export_index(store, interface))
        func = instance.get_func(store, index)
        ftype = self.module.function_type(interface, function, imported=False)
        call = GuestCall(f"{self.name}.{function}", [build_plan(p, buffers) for p in ftype.params],
                         build_plan(ftype.result, buffers) if ftype.result else None)
        return func, call

    def close(self) -> None:
        """Release the store, its buffers and retained arguments."""
        if self._store is not None:
            for _func, call in self._funcs.values():
                call.forget()
            self._buffers.clear()
        if self._output is not None:
            self._output.close()
            self._output = None
        self._store = None

    def __enter__(self) -> OperatorInstance:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- calls -----------------------------------------------------------------------------
    def init(self, properties: dict[str, str] | None = None,
             schemas: Sequence[tuple[str, str, str]] = ()) -> bool:
        """Call the operator's ``init``; the configuration is replayed after a re-creation."""
        self.configuration = (dict(properties or {}), tuple(schemas))
        return bool(self._call("init", [configuration_to_wire(*self.configuration)], properties))

    def process(self, *inputs: Any) -> Any:
        """Call ``process`` with kind-specific Python inputs (see ``_ARGS``)."""
        if self._store is None and self.configuration is not None:
            self._call("init", [configuration_to_wire(*self.configuration)], None)
        result = self._call("process", _ARGS[self.kind](*inputs), inputs)
        if self.module.api_version != "1.0.0":
            ok, value = result
            if not ok:
                raise OperatorError(OperatorFailure(self.name, "process", f"returned an error: {value[0]}",
                                                    _describe(inputs)))
            result = value
        return _RESULTS[self.kind](result)

    def _call(self, function: str, args: list[Any], inputs: Any) -> Any:
        if self._store is None:
            self._instantiate()
        call = self._funcs[function][1]
        if self._stderr:
            self._stderr.clear()
        self._host_failure = None
        try:
            # The deadline is armed after the arguments are lowered: it bounds the guest only.
            return call(self._func_addrs[function], self._context, args, self._arm_deadline)
        except TypeError as exc:  # lowering: a value the AIO types cannot hold (a timestamp beyond u64...)
            raise OperatorError(OperatorFailure(self.name, function, f"cannot pass its input to the guest: {exc}",
                                                _describe(inputs))) from exc
        except (wasmtime.WasmtimeError, wasmtime.Trap) as exc:
            self._collect_output()
            failure = self._failure(function, exc, inputs)
            self.close()
            raise failure from (self._host_failure or exc)
        finally:
            self._collect_output()

    def _failure(self, function: str, exc: Exception, inputs: Any) -> OperatorError:
        text = str(exc)
        guest_tb = extract_guest_traceback("".join(self._stderr), self.source_map)
        details = {"trap": text}
        if "interrupt" in text:
            reason = f"exceeded its deadline of {self.limits.deadline:g} s and was interrupted"
            return OperatorTimeout(OperatorFailure(self.name, function, reason, _describe(inputs), guest_tb, details))
        if self._host_failure is not None:
            reason = f"a host call failed: {self._host_failure}"
            return OperatorTrap(OperatorFailure(self.name, function, reason, _describe(inputs), guest_tb, details))
        if "fuel allocated for hostcalls" in text:
            reason = ("returned more data than wasmtime can copy out of a component in one call "
                      f"(about {MAX_RESULT_BYTES / 2**20:.1f} MiB per call through wasmtime's C API); "
                      "return smaller payloads")
            return OperatorTrap(OperatorFailure(self.name, function, reason, _describe(inputs), guest_tb, details))
        if guest_tb and "MemoryError" in guest_tb:
            reason = f"ran out of memory (limit {self.limits.memory // (1024 * 1024)} MiB)"
            return OperatorMemoryError(OperatorFailure(self.name, function, reason, _describe(inputs), guest_tb, details))
        if guest_tb and guest_tb.startswith("guest runtime:"):
            reason = (f"trapped in the guest runtime ({guest_tb.removeprefix('guest runtime:').strip()}); "
                      f"the usual cause is a {function} result of the wrong type: "
                      f"{self.kind}.{function} must return {_EXPECTED[function if function == 'init' else self.kind]}")
            return OperatorTrap(OperatorFailure(self.name, function, reason, _describe(inputs), guest_tb, details))
        exited = _EXITED.search(text)
        if exited:
            reason = (f"exited with status {exited[1]} instead of returning (sys.exit, os._exit or an uncaught "
                      "SystemExit end the guest, never the host); the instance is re-created for the next call")
            return OperatorTrap(OperatorFailure(self.name, function, reason, _describe(inputs), guest_tb, details))
        reason = _last_line(guest_tb) if guest_tb else f"trapped: {_cause(text)}"
        return OperatorTrap(OperatorFailure(self.name, function, reason, _describe(inputs), guest_tb, details))

    def _on_host_error(self, exc: BaseException) -> None:
        self._host_failure = exc

    def _collect_output(self) -> None:
        """Log, line by line, what the guest printed during the call that just ended."""
        if self._output is None:
            return
        for stream, text in self._output.read().items():
            if not text:
                continue
            if stream == "stderr":
                self._stderr.append(text)
            level = "info" if stream == "stdout" else "error"
            for line in text.rstrip("\n").split("\n"):
                self.services.log(self.name, level, stream, line, source=stream)

    def __repr__(self) -> str:
        return f"<OperatorInstance {self.name} ({self.kind}, API {self.module.api_version})>"


def _weakly(method: Callable[[BaseException], None]) -> Callable[[BaseException], None]:
    """``method``, called through a weak reference.

    Host calls live in a process-wide registry until wasmtime drops the store; a strong reference
    from there back to the instance would keep an instance that was never closed (its store,
    linear memory and output files) alive for good.
    """
    ref = weakref.WeakMethod(method)

    def call(exc: BaseException) -> None:
        target = ref()
        if target is not None:
            target(exc)

    return call


def _cause(trap: str) -> str:
    """What a wasmtime trap says happened: the end of its "Caused by:" chain (the first line is a header)."""
    head, _, causes = trap.partition("Caused by:")
    lines = [line.strip() for line in causes.splitlines() if line.strip()]
    return lines[-1] if lines else head.splitlines()[0] if head else trap


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else text


def _describe(inputs: Any) -> Any:
    if isinstance(inputs, tuple) and len(inputs) == 1:
        return inputs[0]
    return inputs
