"""Host implementations of the AIO processor imports, on wire values (see ``values``).

Each function receives the operator name and ``HostServices`` and returns the callable
the linker registers for one WIT function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .services import LOG_LEVELS, HostServices
from .state_store import HybridLogicalClock, SetCondition, StateStoreFailure

_CONDITIONS = (SetCondition.ONLY_IF_DOES_NOT_EXIST, SetCondition.ONLY_IF_EQUAL_OR_DOES_NOT_EXIST,
               SetCondition.UNCONDITIONAL)
_FAILURE_CASES = {"request-error": 0, "timeout": 1, "protocol": 2, "internal": 3}

HostFunction = Callable[..., Any]


def _clock_in(wire: Any) -> HybridLogicalClock | None:
    if wire is None:
        return None
    (secs, nanos), counter, node_id = wire
    return HybridLogicalClock(secs, nanos, counter, node_id)


def _clock_out(clock: HybridLogicalClock | None) -> Any:
    if clock is None:
        return None
    return ((clock.secs, clock.nanos), clock.counter, clock.node_id)


def _failure(failure: StateStoreFailure) -> Any:
    case = _FAILURE_CASES.get(failure.kind, 3)
    return (False, (case, failure.message if case == 0 else None))


def _seconds(duration: Any) -> float | None:
    if duration is None:
        return None
    secs, nanos = duration
    return secs + nanos / 1e9


def logger_functions(operator: str, services: HostServices) -> dict[str, HostFunction]:
    def log(level: int, context: str, message: str) -> None:
        services.log(operator, LOG_LEVELS[level], context, message)

    return {"log": log}


def metrics_functions(operator: str, services: HostServices) -> dict[str, HostFunction]:
    def record(kind: str, name: str, value: Any, labels: Any) -> Any:
        error = services.record_metric(operator, name, kind, value[1], tuple(labels or ()))
        return (True, None) if error is None else (False, (0, error))

    return {
        "add-to-counter": lambda name, value, labels: record("counter", name, value, labels),
        "record-to-histogram": lambda name, value, labels: record("histogram", name, value, labels),
    }


def state_store_functions(operator: str, services: HostServices) -> dict[str, HostFunction]:
    store = services.state_store

    def get(key: bytes, timeout: Any) -> Any:
        value, version = store.get(key)
        return (True, (value, _clock_out(version)))

    def set_(key: bytes, value: bytes, timeout: Any, fencing: Any, options: Any) -> Any:
        condition, expires = options
        outcome = store.set(key, value, condition=_CONDITIONS[condition], expires=_seconds(expires),
                            fencing_token=_clock_in(fencing))
        if isinstance(outcome, StateStoreFailure):
            return _failure(outcome)
        return (True, (outcome[0], _clock_out(outcome[1])))

    def delete(key: bytes, fencing: Any, timeout: Any) -> Any:
        return _deleted(store.delete(key, fencing_token=_clock_in(fencing)))

    def vdelete(key: bytes, value: bytes, fencing: Any, timeout: Any) -> Any:
        return _deleted(store.vdelete(key, value, fencing_token=_clock_in(fencing)))

    return {"get": get, "set": set_, "del": delete, "vdel": vdelete}


def _deleted(outcome: Any) -> Any:
    if isinstance(outcome, StateStoreFailure):
        return _failure(outcome)
    return (True, (outcome[0], _clock_out(outcome[1])))
