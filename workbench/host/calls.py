"""Calls across the component boundary with planned conversions, in both directions."""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable, Sequence
from typing import Any

from . import _capi as c
from .codegen import host_invoker
from .values import VAL, Plan, clear

_MISSING = object()


class GuestCall:
    """Calls one exported guest function; arguments stay lowered between calls."""

    def __init__(self, name: str, params: Sequence[Plan], result: Plan | None):
        self.name = name
        self.params = tuple(params)
        self.result = result
        self._args = (ctypes.c_char * (VAL * max(1, len(self.params))))()
        self._args_addr = ctypes.addressof(self._args)
        self._result = (ctypes.c_char * VAL)()
        self._result_addr = ctypes.addressof(self._result)
        self._last: list[Any] = [_MISSING] * len(self.params)
        self.guest_seconds = 0.0
        self.calls = 0

    def __call__(self, func_addr: int, context: int, args: Sequence[Any],
                 before: Callable[[], None] | None = None) -> Any:
        """Lower ``args``, run ``before`` (e.g. arm the deadline), call, lift the result."""
        self._lower_args(args)
        if before is not None:
            before()
        started = time.perf_counter()
        error = c.func_call(func_addr, context, self._args_addr, len(self.params),
                            self._result_addr, 1 if self.result is not None else 0)
        self.guest_seconds += time.perf_counter() - started
        self.calls += 1
        if error:
            raise c.take_error(error)
        try:
            value = self.result.lift(self._result_addr) if self.result is not None else None
        finally:
            if self.result is not None:
                clear(self._result_addr)
        error = c.func_post_return(func_addr, context)
        if error:
            raise c.take_error(error)
        return value

    def _lower_args(self, args: Sequence[Any]) -> None:
        if len(args) != len(self.params):
            raise TypeError(f"{self.name} takes {len(self.params)} arguments, got {len(args)}")
        try:
            for i, (plan, value) in enumerate(zip(self.params, args)):
                addr = self._args_addr + i * VAL
                last = self._last[i]
                if last is _MISSING:
                    plan.lower(value, addr)
                else:
                    plan.relower(value, last, addr)
                self._last[i] = value
        except BaseException:
            self.reset()
            raise

    def reset(self) -> None:
        """Free the retained arguments (after an error, or before the store goes away)."""
        for i in range(len(self._last)):
            clear(self._args_addr + i * VAL)
            self._last[i] = _MISSING

    def forget(self) -> None:
        """Free retained arguments that may hold handles of a store that is gone."""
        self.reset()


class HostCall:
    """A host function the guest imports: lifts arguments, runs Python, lowers the result."""

    def __init__(self, name: str, params: Sequence[Plan], result: Plan | None,
                 function: Callable[..., Any], on_error: Callable[[BaseException], None]):
        self.name = name
        self.params = tuple(params)
        self.result = result
        self.function = function
        self.on_error = on_error
        self.seconds = 0.0
        self.calls = 0
        # Generated: lift the arguments inline, call, lower the result. The arguments stay
        # owned by wasmtime, which frees them after the callback.
        self._invoke = host_invoker(list(self.params), result, function) if params or result else None

    def invoke(self, args_addr: int, nargs: int, results_addr: int) -> None:
        started = time.perf_counter()
        if self._invoke is not None:
            self._invoke(args_addr, results_addr)
        else:
            self.function()
        self.seconds += time.perf_counter() - started
        self.calls += 1


_HOST_CALLS: dict[int, HostCall] = {}
_next_id = [1]


def register(call: HostCall) -> int:
    key = _next_id[0]
    _next_id[0] += 1
    _HOST_CALLS[key] = call
    return key


@c.HOST_CALLBACK
def dispatch(data, context, func_type, args, nargs, results, nresults):  # type: ignore[no-untyped-def]
    call = _HOST_CALLS[data]
    try:
        call.invoke(args or 0, nargs, results or 0)
        return 0
    except BaseException as exc:  # the guest gets a trap; the host keeps the exception
        call.on_error(exc)
        return c.error_new(f"host function {call.name} failed: {type(exc).__name__}: {exc}".encode())


@c.FINALIZER
def finalize(data):  # type: ignore[no-untyped-def]
    _HOST_CALLS.pop(data or 0, None)


@c.RESOURCE_DTOR
def destroy(data, context, rep):  # type: ignore[no-untyped-def]
    """A guest dropped a host resource: ``data`` keys the Python destructor."""
    try:
        _HOST_CALLS[data].function(rep)
        return 0
    except BaseException as exc:
        _HOST_CALLS[data].on_error(exc)
        return c.error_new(f"resource destructor failed: {exc}".encode())


DISPATCH_ADDR = ctypes.cast(dispatch, ctypes.c_void_p).value
FINALIZE_ADDR = ctypes.cast(finalize, ctypes.c_void_p).value
DESTROY_ADDR = ctypes.cast(destroy, ctypes.c_void_p).value
