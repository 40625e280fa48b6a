"""What the host provides to operators: logging, metrics and the state store.

The same ``HostServices`` object serves wasm components (through ``imports``) and
native operators (through ``workbench.native``), so both modes record identical logs,
metrics and state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .state_store import StateStore

LOG_LEVELS = ("trace", "debug", "info", "warn", "error", "critical")


@dataclass(frozen=True)
class LogRecord:
    operator: str
    level: str
    context: str
    message: str
    time: float
    source: str = "logger"  # "logger", "stdout" or "stderr"


@dataclass(frozen=True)
class MetricPoint:
    operator: str
    name: str
    kind: str  # "counter" or "histogram"
    value: float
    labels: tuple[tuple[str, str], ...]
    time: float


@dataclass
class HostServices:
    """Shared host state for every operator of a session or run."""

    state_store: StateStore = field(default_factory=StateStore)
    clock: Callable[[], float] = time.time
    logs: list[LogRecord] = field(default_factory=list)
    metrics: list[MetricPoint] = field(default_factory=list)
    max_records: int = 100_000
    dropped_records: int = 0
    _metric_kinds: dict[tuple[str, str], str] = field(default_factory=dict)

    def log(self, operator: str, level: str, context: str, message: str, source: str = "logger") -> None:
        self._keep(self.logs, LogRecord(operator, level, context, message, self.clock(), source))

    def record_metric(self, operator: str, name: str, kind: str, value: float,
                      labels: tuple[tuple[str, str], ...] = ()) -> str | None:
        """Record a metric point; returns an error text if ``name`` is already another kind."""
        known = self._metric_kinds.setdefault((operator, name), kind)
        if known != kind:
            return f"metric {name!r} is a {known}, not a {kind}"
        self._keep(self.metrics, MetricPoint(operator, name, kind, value, labels, self.clock()))
        return None

    def _keep(self, records: list, record: object) -> None:
        if len(records) >= self.max_records:
            self.dropped_records += 1
            return
        records.append(record)

    def counter_totals(self) -> dict[tuple[str, str], float]:
        totals: dict[tuple[str, str], float] = {}
        for point in self.metrics:
            if point.kind == "counter":
                key = (point.operator, point.name)
                totals[key] = totals.get(key, 0) + point.value
        return totals
