"""Tidy-frame helpers against hand-computed answers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.metrics.conftest import T0, at, progress_frame, trace_frame
from workbench.errors import WorkbenchError
from workbench.metrics import frames
from workbench.metrics.frames import MetricsError, MissingColumnError

# a: 0.0 s → 1 µs, 0.25 s → 3 µs, 0.75 s → 5 µs; b: 0.5 s → 2 µs, 1.25 s → 4 µs
ROWS = [("a", 0.0, 1), ("a", 0.25, 3), ("b", 0.5, 2), ("a", 0.75, 5), ("b", 1.25, 4)]


def test_latency_quantiles_per_operator_and_window() -> None:
    table = frames.latency_quantiles(trace_frame(ROWS), window_s=0.5)
    assert list(table.columns) == ["operator", "window_s", "calls", "p50_us", "p95_us", "p99_us"]
    assert table[["operator", "window_s", "calls"]].values.tolist() == [
        ["a", 0.0, 2], ["a", 0.5, 1], ["b", 0.5, 1], ["b", 1.0, 1]]
    # [1, 3] interpolated: p50 = 2, p95 = 1 + 0.95 * 2, p99 = 1 + 0.99 * 2; single values stay.
    assert table["p50_us"].tolist() == [2.0, 5.0, 2.0, 4.0]
    assert table["p95_us"].tolist() == pytest.approx([2.9, 5.0, 2.0, 4.0])
    assert table["p99_us"].tolist() == pytest.approx([2.98, 5.0, 2.0, 4.0])
    assert table.attrs["window_s"] == 0.5


def test_latency_quantiles_from_a_given_origin_and_quantiles() -> None:
    table = frames.latency_quantiles(trace_frame(ROWS[:2]), window_s=0.5, quantiles=(0.25, 0.999),
                                     origin=T0 - pd.Timedelta(seconds=0.25))
    assert list(table.columns) == ["operator", "window_s", "calls", "p25_us", "p99.9_us"]
    assert table[["window_s", "calls", "p25_us"]].values.tolist() == [[0.0, 1, 1.0], [0.5, 1, 3.0]]


def test_latency_quantiles_pick_a_round_window() -> None:
    table = frames.latency_quantiles(trace_frame(ROWS))
    assert table.attrs["window_s"] == 0.05  # 1.25 s over 50 windows → 0.025 → rounded up to 0.05
    assert table["window_s"].tolist() == pytest.approx([0.0, 0.25, 0.75, 0.5, 1.25])


@pytest.mark.parametrize(("span", "window"), [(12.3, 0.5), (1.0, 0.02), (0.0049, 0.0001), (0.0, 0.001)])
def test_nice_window(span: float, window: float) -> None:
    assert frames.nice_window(span) == pytest.approx(window)


def test_throughput_counts_items_and_fills_empty_windows() -> None:
    table = frames.throughput(trace_frame(ROWS, items=[1, 1, 3, 1, 1]), window_s=0.5)
    assert table.values.tolist() == [
        ["a", 0.0, 2, 2, 4.0], ["a", 0.5, 1, 1, 2.0], ["a", 1.0, 0, 0, 0.0],
        ["b", 0.0, 0, 0, 0.0], ["b", 0.5, 1, 3, 6.0], ["b", 1.0, 1, 1, 2.0]]
    assert list(table.columns) == ["operator", "window_s", "calls", "messages", "messages_per_s"]


def test_throughput_scales_a_sampled_trace() -> None:
    table = frames.throughput(trace_frame(ROWS, sample_every=4), window_s=1.0)
    assert table[["operator", "messages", "messages_per_s"]].values.tolist() == [
        ["a", 12, 12.0], ["a", 0, 0.0], ["b", 4, 4.0], ["b", 4, 4.0]]


def test_latency_stats_use_tukey_whiskers() -> None:
    rows = [("a", 0, 1), ("a", 0, 3), ("a", 0, 5)] + [("c", 0, v) for v in (1, 2, 3, 4, 100)]
    stats = frames.latency_stats(trace_frame(rows)).set_index("operator")
    assert stats.loc["a", ["calls", "min", "lower", "q1", "median", "q3", "upper", "max"]].tolist() == [
        3, 1, 1, 2, 3, 4, 5, 5]
    c = stats.loc["c"]
    # q1 = 2, q3 = 4: whiskers reach 1.5 IQR (3) beyond them, so 100 is outside the upper one.
    assert (c["lower"], c["upper"], c["max"], c["mean"]) == (1, 4, 100, 22)
    assert (c["p95"], c["p99"]) == pytest.approx((80.8, 96.16))


def test_frontier_lag_behind_the_first_operator() -> None:
    progress = progress_frame([("s", 0.0, 100), ("x", 0.1, 90), ("s", 0.2, 200), ("x", 0.3, 150),
                               ("y", 0.35, 200), ("s", 0.4, None), ("x", 0.5, None)])
    lag = frames.frontier_lag(progress)
    assert list(lag.columns) == ["operator", "wall_time", "elapsed_s", "frontier_ms", "source_ms", "lag_ms"]
    assert lag[["operator", "elapsed_s", "source_ms", "lag_ms"]].values.tolist() == [
        ["x", pytest.approx(0.1), 100.0, 10.0], ["x", pytest.approx(0.3), 200.0, 50.0],
        ["y", pytest.approx(0.35), 200.0, 0.0]]
    assert lag["wall_time"].tolist() == [at(0.1), at(0.3), at(0.35)]


def test_frontier_lag_behind_the_least_of_several_sources() -> None:
    progress = progress_frame([("x", 0.0, 10), ("s1", 0.01, 100), ("x", 0.05, 95), ("s2", 0.1, 80),
                               ("x", 0.2, 70), ("s1", 0.3, 300), ("s2", 0.4, 250), ("x", 0.5, 240)])
    lag = frames.frontier_lag(progress, sources=["s1", "s2"])
    # x at 0.0 has no source frontier yet; at 0.05 only s1 has been heard from.
    assert lag[["source_ms", "lag_ms"]].values.tolist() == [[100, 5], [80, 10], [250, 10]]
    behind_s2 = frames.frontier_lag(progress, sources="s2")
    # s1 is then an operator like any other: ahead of s2, so a negative lag.
    assert behind_s2[["operator", "lag_ms"]].values.tolist() == [["x", 10], ["s1", -220], ["x", 10]]


def test_thin_keeps_evenly_spaced_rows_and_each_last() -> None:
    frame = pd.DataFrame({"operator": ["a"] * 10 + ["b"] * 2, "v": list(range(12))})
    assert frames.thin(frame, "operator", 4)["v"].tolist() == [0, 3, 6, 9, 10, 11]
    assert frames.thin(frame, "operator", 3)["v"].tolist() == [0, 5, 9, 10, 11]
    with pytest.raises(MetricsError, match="max_rows"):
        frames.thin(frame, "operator", 1)


def test_order_origin_and_labels() -> None:
    assert frames.operator_order(pd.Series(["b", "a", "b", "c"]), order=["c", "z", "a"]) == ["c", "a", "b"]
    assert frames.common_origin(pd.Series([at(2), at(1)]), pd.Series([], dtype="datetime64[ns]")) == at(1)
    assert frames.common_origin(pd.Series([], dtype="datetime64[ns]")) is None
    assert [frames.quantile_label(q) for q in (0.5, 0.95, 0.999, 1)] == ["p50", "p95", "p99.9", "p100"]


def test_empty_frames_give_empty_tables_with_the_columns() -> None:
    empty_trace = trace_frame([])
    assert list(frames.latency_quantiles(empty_trace).columns) == [
        "operator", "window_s", "calls", "p50_us", "p95_us", "p99_us"]
    assert frames.throughput(empty_trace).empty and frames.latency_stats(empty_trace).empty
    lag = frames.frontier_lag(progress_frame([]))
    assert lag.empty and "lag_ms" in lag.columns
    assert frames.frontier_lag(progress_frame([("s", 0, None)])).empty


@pytest.mark.parametrize(("call", "column"), [
    (lambda: frames.latency_quantiles(trace_frame(ROWS).drop(columns="latency_us")), "latency_us"),
    (lambda: frames.throughput(trace_frame(ROWS).drop(columns="wall_start")), "wall_start"),
    (lambda: frames.latency_stats(trace_frame(ROWS).drop(columns="operator")), "operator"),
    (lambda: frames.frontier_lag(progress_frame([]).drop(columns="frontier_ms")), "frontier_ms"),
])
def test_a_missing_column_is_named(call: object, column: str) -> None:
    with pytest.raises(MissingColumnError) as caught:
        call()  # type: ignore[operator]
    assert isinstance(caught.value, WorkbenchError)
    assert caught.value.column == column and repr(column) in str(caught.value)
    assert caught.value.hint and column in caught.value.hint


def test_bad_arguments_are_metrics_errors() -> None:
    with pytest.raises(MetricsError, match="takes a pandas DataFrame .*not dict"):
        frames.latency_quantiles({"operator": []})  # type: ignore[arg-type]
    with pytest.raises(MetricsError, match="between 0 and 1, not 1.5"):
        frames.latency_quantiles(trace_frame(ROWS), quantiles=(1.5,))
    with pytest.raises(MetricsError, match="positive number of seconds, not 0"):
        frames.throughput(trace_frame(ROWS), window_s=0)
    assert math.isclose(frames.nice_window(float("inf")), 1e-3)
