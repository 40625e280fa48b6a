"""Host interfaces for native operators: the generated import stubs, bound to HostServices."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ..host.services import HostServices
from ..host.state_store import HybridLogicalClock, SetCondition, StateStoreFailure

_CONDITIONS = {"ONLY_IF_DOES_NOT_EXIST": SetCondition.ONLY_IF_DOES_NOT_EXIST,
               "ONLY_IF_EQUAL_OR_DOES_NOT_EXIST": SetCondition.ONLY_IF_EQUAL_OR_DOES_NOT_EXIST,
               "UNCONDITIONAL": SetCondition.UNCONDITIONAL}


def install_host(package: ModuleType, operator: str, services: HostServices) -> None:
    """Replace the ``raise NotImplementedError`` import stubs of ``package`` with the host."""
    imports = package.imports
    Err = package.types.Err
    _install_logger(imports.logger, operator, services)
    _install_metrics(imports.metrics, Err, operator, services)
    _install_state_store(imports, Err, services)


def _install_logger(logger: ModuleType, operator: str, services: HostServices) -> None:
    def log(level: Any, context: str, message: str) -> None:
        services.log(operator, level.name.lower(), context, message)

    logger.log = log  # type: ignore[attr-defined]


def _install_metrics(metrics: ModuleType, Err: type, operator: str, services: HostServices) -> None:
    def record(kind: str, name: str, value: Any, labels: Any) -> None:
        pairs = tuple((label.key, label.value) for label in labels or ())
        error = services.record_metric(operator, name, kind, value.value, pairs)
        if error is not None:
            raise Err(metrics.MetricsError_IncompatibleType(error))

    metrics.add_to_counter = (  # type: ignore[attr-defined]
        lambda name, value, labels: record("counter", name, value, labels))
    metrics.record_to_histogram = (  # type: ignore[attr-defined]
        lambda name, value, labels: record("histogram", name, value, labels))


def _install_state_store(imports: ModuleType, Err: type, services: HostServices) -> None:
    store = services.state_store
    types = imports.state_store_types
    clock = imports.hybrid_logical_clock

    def version_out(version: HybridLogicalClock | None) -> Any:
        if version is None:
            return None
        return clock.HybridLogicalClock(clock.Timespec(version.secs, version.nanos), version.counter,
                                        version.node_id)

    def fence_in(token: Any) -> HybridLogicalClock | None:
        if token is None:
            return None
        return HybridLogicalClock(token.timestamp.secs, token.timestamp.nanos, token.counter, token.node_id)

    def check(outcome: Any) -> Any:
        if isinstance(outcome, StateStoreFailure):
            cases = {"request-error": lambda: types.StateStoreError_RequestError(outcome.message),
                     "timeout": types.StateStoreError_Timeout, "protocol": types.StateStoreError_Protocol}
            raise Err(cases.get(outcome.kind, types.StateStoreError_Internal)())
        return outcome

    def get(key: bytes, timeout: Any) -> Any:
        value, version = store.get(bytes(key))
        return types.StateStoreGetResponse(value, version_out(version))

    def set_(key: bytes, value: bytes, timeout: Any, fencing_token: Any, options: Any) -> Any:
        expires = None if options.expires is None else options.expires.seconds + options.expires.nanos / 1e9
        ok, version = check(store.set(bytes(key), bytes(value), condition=_CONDITIONS[options.conditions.name],
                                      expires=expires, fencing_token=fence_in(fencing_token)))
        return types.StateStoreSetResponse(ok, version_out(version))

    def delete(key: bytes, fencing_token: Any, timeout: Any) -> Any:
        count, version = check(store.delete(bytes(key), fencing_token=fence_in(fencing_token)))
        return types.StateStoreDelResponse(count, version_out(version))

    def vdelete(key: bytes, value: bytes, fencing_token: Any, timeout: Any) -> Any:
        count, version = check(store.vdelete(bytes(key), bytes(value), fencing_token=fence_in(fencing_token)))
        return types.StateStoreDelResponse(count, version_out(version))

    state_store = imports.state_store
    state_store.get, state_store.set, state_store.del_, state_store.vdel = get, set_, delete, vdelete
