"""Tidy frames for plots: latency quantiles and throughput over time windows, frontier lag.

Pure pandas over a run's frames (``workbench.dataflow.record``); no plotting here.

Time: the frames keep absolute wall clock times (``datetime64``), but a run often lasts a few
milliseconds and plotly.js dates stop at milliseconds, so every helper here measures time as
``elapsed_s``: float seconds since an ``origin``. The origin defaults to the frame's earliest
time; pass one ``origin`` (see ``common_origin``) to put several figures on one time axis.

Windows: a call belongs to the window its ``wall_start`` falls in; window ``k`` covers
``[k * window_s, (k + 1) * window_s)`` seconds after the origin and is labelled by its start.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import WorkbenchError

__all__ = [
    "DEFAULT_QUANTILES",
    "MetricsError",
    "MissingColumnError",
    "common_origin",
    "elapsed_seconds",
    "frontier_lag",
    "latency_quantiles",
    "latency_stats",
    "nice_window",
    "operator_order",
    "quantile_label",
    "require",
    "thin",
    "throughput",
]

DEFAULT_QUANTILES = (0.5, 0.95, 0.99)
DEFAULT_BINS = 50
TRACE_COLUMNS = ("operator", "wall_start", "latency_us")
PROGRESS_COLUMNS = ("operator", "wall_time", "frontier_ms")


class MetricsError(WorkbenchError):
    """A metrics frame cannot be turned into the asked-for table or figure."""


class MissingColumnError(MetricsError):
    """A frame lacks a column a metrics function needs; the message names the column."""

    def __init__(self, column: str, frame_name: str, needed_by: str, present: Iterable[str]):
        self.column = column
        shown = ", ".join(repr(str(c)) for c in present) or "none"
        super().__init__(f"{needed_by}: the {frame_name} frame has no column {column!r} (its columns: {shown})")
        self.hint = f"pass the run's {frame_name} frame (e.g. run.{frame_name}) or add a {column!r} column"


def require(frame: object, columns: Sequence[str], frame_name: str, needed_by: str) -> pd.DataFrame:
    """``frame`` itself when it is a DataFrame with every one of ``columns``; else a ``MetricsError``."""
    if not isinstance(frame, pd.DataFrame):
        raise MetricsError(f"{needed_by} takes a pandas DataFrame (e.g. run.{frame_name}), "
                           f"not {type(frame).__name__}")
    for column in columns:
        if column not in frame.columns:
            raise MissingColumnError(column, frame_name, needed_by, frame.columns)
    return frame


def quantile_label(quantile: float) -> str:
    """0.5 → "p50", 0.999 → "p99.9"."""
    if not 0 <= quantile <= 1:
        raise MetricsError(f"a quantile must be between 0 and 1, not {quantile!r}")
    return f"p{round(quantile * 100, 6):g}"


def operator_order(*columns: pd.Series, order: Sequence[str] | None = None) -> list[str]:
    """Operators in ``order`` first (those present), then the rest in order of first appearance."""
    seen: dict[str, None] = {}
    for column in columns:
        seen.update(dict.fromkeys(column.astype(str)))
    first = [name for name in (order or ()) if name in seen]
    return first + [name for name in seen if name not in first]


def common_origin(*times: pd.Series) -> pd.Timestamp | None:
    """The earliest of several wall time columns (``None`` when all are empty)."""
    earliest = [column.min() for column in times if len(column)]
    earliest = [moment for moment in earliest if not pd.isna(moment)]
    return min(earliest) if earliest else None


def elapsed_seconds(times: pd.Series, origin: pd.Timestamp | None = None) -> pd.Series:
    """Float seconds from ``origin`` (default: the earliest of ``times``) to each time."""
    times = pd.to_datetime(times)
    start = times.min() if origin is None else pd.Timestamp(origin)
    return (times - start) / pd.Timedelta(seconds=1)


def nice_window(span_s: float, bins: int = DEFAULT_BINS) -> float:
    """A round window length (1, 2 or 5 times a power of ten, seconds) giving about ``bins`` windows."""
    if bins < 1:
        raise MetricsError(f"bins must be at least 1, not {bins!r}")
    if not span_s > 0 or not math.isfinite(span_s):
        return 1e-3
    raw = span_s / bins
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))
    return float(step * power)


def _windowed(trace: pd.DataFrame, window_s: float | None, origin: pd.Timestamp | None,
              bins: int) -> tuple[pd.DataFrame, float]:
    elapsed = elapsed_seconds(trace["wall_start"], origin)
    window = nice_window(float(elapsed.max()) if len(elapsed) else 0.0, bins) if window_s is None else window_s
    if not window > 0:
        raise MetricsError(f"window_s must be a positive number of seconds, not {window_s!r}")
    index = np.floor(elapsed.to_numpy(dtype=float) / window + 1e-9).astype("int64")
    return trace.assign(operator=trace["operator"].astype(str), _window=index), window


def latency_quantiles(trace: pd.DataFrame, window_s: float | None = None,
                      quantiles: Sequence[float] = DEFAULT_QUANTILES, origin: pd.Timestamp | None = None,
                      bins: int = DEFAULT_BINS) -> pd.DataFrame:
    """Latency quantiles per operator and time window.

    Needs ``trace`` columns operator, wall_start (datetime), latency_us. Returns one row per
    operator and non-empty window: operator, window_s (its start, seconds after the origin),
    calls, and one column per quantile named like ``p50_us``. ``window_s=None`` picks a round
    window giving about ``bins`` windows over the frame; ``attrs["window_s"]`` is the window used.
    """
    require(trace, TRACE_COLUMNS, "trace", "latency_quantiles")
    labels = [f"{quantile_label(q)}_us" for q in quantiles]
    if trace.empty:
        return pd.DataFrame(columns=["operator", "window_s", "calls", *labels])
    binned, window = _windowed(trace, window_s, origin, bins)
    grouped = binned.groupby(["operator", "_window"], sort=False)["latency_us"]
    table = grouped.size().rename("calls").to_frame()
    for quantile, label in zip(quantiles, labels):
        table[label] = grouped.quantile(quantile)
    table = table.reset_index()
    rank = {name: i for i, name in enumerate(operator_order(binned["operator"]))}
    table = table.sort_values(["operator", "_window"], key=_ranked(rank), kind="stable")
    table.insert(1, "window_s", table.pop("_window") * window)
    table = table.reset_index(drop=True)
    table.attrs["window_s"] = window
    return table


def _ranked(rank: dict[str, int]) -> Callable[[pd.Series], pd.Series]:
    return lambda column: column.map(rank) if column.name == "operator" else column


def throughput(trace: pd.DataFrame, window_s: float | None = None, origin: pd.Timestamp | None = None,
               bins: int = DEFAULT_BINS) -> pd.DataFrame:
    """Messages per second per operator and time window, empty windows counted as zero.

    Needs ``trace`` columns operator and wall_start; ``items`` (messages per call, as an
    accumulate folds batches) counts 1 per call where absent. Where the trace was sampled
    (``attrs["sample_every"]`` > 1) counts are scaled up by it. Returns operator, window_s
    (window start), calls, messages, messages_per_s, one row per operator for every window
    from the first to the last of the whole frame; ``attrs["window_s"]`` is the window used.
    """
    require(trace, ("operator", "wall_start"), "trace", "throughput")
    columns = ["operator", "window_s", "calls", "messages", "messages_per_s"]
    if trace.empty:
        return pd.DataFrame(columns=columns)
    binned, window = _windowed(trace, window_s, origin, bins)
    every = int(trace.attrs.get("sample_every", 1) or 1)
    items = binned["items"] if "items" in binned.columns else pd.Series(1, index=binned.index)
    binned = binned.assign(_items=items.astype("int64"))
    grouped = binned.groupby(["operator", "_window"])
    counts = pd.DataFrame({"calls": grouped.size() * every, "messages": grouped["_items"].sum() * every})
    windows = range(int(binned["_window"].min()), int(binned["_window"].max()) + 1)
    names = operator_order(binned["operator"])
    full = pd.MultiIndex.from_product([names, windows], names=["operator", "_window"])
    table = counts.reindex(full, fill_value=0).reset_index()
    table.insert(1, "window_s", table.pop("_window") * window)
    table["messages_per_s"] = table["messages"] / window
    table = table[columns]
    table.attrs["window_s"] = window
    return table


def latency_stats(trace: pd.DataFrame) -> pd.DataFrame:
    """Box-plot statistics of latency per operator (Tukey whiskers: the furthest call within 1.5 IQR).

    Needs ``trace`` columns operator, latency_us. Returns operator, calls, mean, min, lower
    (whisker), q1, median, q3, upper (whisker), p95, p99, max; all in µs.
    """
    require(trace, ("operator", "latency_us"), "trace", "latency_stats")
    rows = [_box(str(name), group.astype(float))
            for name, group in trace.groupby(trace["operator"].astype(str), sort=False)["latency_us"]]
    columns = ["operator", "calls", "mean", "min", "lower", "q1", "median", "q3", "upper", "p95", "p99", "max"]
    return pd.DataFrame(rows, columns=columns)


def _box(name: str, values: pd.Series) -> tuple[object, ...]:
    q1, median, q3, p95, p99 = values.quantile([0.25, 0.5, 0.75, 0.95, 0.99]).tolist()
    reach = 1.5 * (q3 - q1)
    lower = values[values >= q1 - reach].min()
    upper = values[values <= q3 + reach].max()
    return (name, len(values), values.mean(), values.min(), lower, q1, median, q3, upper, p95, p99, values.max())


def frontier_lag(progress: pd.DataFrame, sources: str | Sequence[str] | None = None,
                 origin: pd.Timestamp | None = None) -> pd.DataFrame:
    """How far each operator's frontier trails the source frontier, in ms, over wall time.

    Needs ``progress`` columns operator, wall_time, frontier_ms (NaN once "closed": closed
    rows are left out). The source frontier at a moment is the latest row of the ``sources``
    at or before it (the least of them, for several sources); ``sources=None`` takes the
    operator of the frame's first row, which is the source for the engine's frames. Returns
    operator, wall_time, elapsed_s, frontier_ms, source_ms, lag_ms for every row of the
    other operators that has a source frontier before it. From a sampled progress frame the
    source frontier is that of the latest kept source row, so a lag may read low.
    """
    require(progress, PROGRESS_COLUMNS, "progress", "frontier_lag")
    columns = ["operator", "wall_time", "elapsed_s", "frontier_ms", "source_ms", "lag_ms"]
    if progress.empty:
        return pd.DataFrame(columns=columns)
    names = [str(progress["operator"].iloc[0])] if sources is None else (
        [sources] if isinstance(sources, str) else list(sources))
    frame = progress.assign(operator=progress["operator"].astype(str),
                            elapsed_s=elapsed_seconds(progress["wall_time"], origin))
    reference = _source_frontier(frame[frame["operator"].isin(names)])
    others = frame[~frame["operator"].isin(names) & frame["frontier_ms"].notna()].sort_values("elapsed_s")
    if reference.empty or others.empty:
        return pd.DataFrame(columns=columns)
    joined = pd.merge_asof(others, reference, on="elapsed_s", direction="backward")
    joined = joined[joined["source_ms"].notna()]
    joined = joined.assign(lag_ms=joined["source_ms"] - joined["frontier_ms"])
    return joined[columns].reset_index(drop=True)


def _source_frontier(rows: pd.DataFrame) -> pd.DataFrame:
    """elapsed_s, source_ms: after each source row, the least frontier of the sources heard from."""
    rows = rows.dropna(subset=["frontier_ms"]).sort_values("elapsed_s", kind="stable")
    if rows.empty:
        return pd.DataFrame({"elapsed_s": pd.Series(dtype=float), "source_ms": pd.Series(dtype=float)})
    wide = rows.pivot_table(index="elapsed_s", columns="operator", values="frontier_ms", aggfunc="last")
    least = wide.ffill().min(axis=1, skipna=True)
    return least.rename("source_ms").reset_index()


def thin(frame: pd.DataFrame, by: str, max_rows: int) -> pd.DataFrame:
    """At most ``max_rows`` evenly spaced rows per ``by`` group, always keeping each group's first and last."""
    if max_rows < 2:
        raise MetricsError(f"max_rows must be at least 2, not {max_rows!r}")
    if frame.empty:
        return frame
    position = frame.groupby(by, sort=False).cumcount()
    size = frame.groupby(by, sort=False)[by].transform("size")
    step = np.ceil((size - 1) / (max_rows - 1)).clip(lower=1)
    keep = (position % step == 0) | (position == size - 1)
    return frame[keep.to_numpy()]
