"""Figures of a run's frames: trace data (types, names, x/y, colours), never images."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from tests.metrics.conftest import T0, SmallRun, at, progress_frame, trace_frame
from workbench.metrics import frames, plots
from workbench.metrics.frames import MissingColumnError
from workbench.metrics.plots import PALETTE

ROWS = [("a", 0.0, 1), ("a", 0.25, 3), ("b", 0.5, 2), ("a", 0.75, 5), ("b", 1.25, 4)]
PROGRESS = [("s", 0.0, 100), ("x", 0.1, 90), ("s", 0.2, 200), ("x", 0.3, 150), ("s", 0.4, None)]


def fires_frame(rows: list[tuple[str, float, int]]) -> pd.DataFrame:
    return pd.DataFrame({"operator": [r[0] for r in rows], "timestamp": [f"{r[2]}:0:n" for r in rows],
                         "timestamp_ms": [r[2] for r in rows], "wall_time": [at(r[1]) for r in rows]})


def dates(*millis: float) -> np.ndarray:
    return pd.to_datetime(pd.Series(millis, dtype="float64"), unit="ms").to_numpy()


def test_latency_distribution_has_one_precomputed_box_per_operator() -> None:
    figure = plots.latency_distribution_figure(trace_frame(ROWS), operators=["source", "a", "b"])
    boxes, p99 = figure.data[:2], figure.data[2]
    assert [(t.type, t.name) for t in figure.data] == [("box", "a"), ("box", "b"), ("scatter", "p99")]
    assert (boxes[0].q1, boxes[0].median, boxes[0].q3) == ((2.0,), (3.0,), (4.0,))
    assert (boxes[0].lowerfence, boxes[0].upperfence, boxes[0].mean) == ((1.0,), (5.0,), (3.0,))
    # colours follow the position in ``operators``: "source" (absent here) keeps the first.
    assert [b.marker.color for b in boxes] == [PALETTE[1], PALETTE[2]]
    assert list(p99.x) == ["a", "b"] and list(p99.y) == pytest.approx([4.96, 3.98])
    assert figure.layout.yaxis.type == "log"


def test_latency_over_time_has_a_line_per_operator_and_quantile() -> None:
    figure = plots.latency_over_time_figure(trace_frame(ROWS), window_s=0.5)
    assert [t.name for t in figure.data] == ["a p50", "a p95", "a p99", "b p50", "b p95", "b p99"]
    a50, a99, b50 = figure.data[0], figure.data[2], figure.data[3]
    assert list(a50.x) == [0.0, 0.5] and list(a50.y) == [2.0, 5.0] and list(a50.customdata) == [2, 1]
    assert list(a99.y) == pytest.approx([2.98, 5.0])
    assert list(b50.x) == [0.5, 1.0] and list(b50.y) == [2.0, 4.0]
    assert [t.line.dash for t in figure.data[:3]] == ["solid", "dash", "dot"]
    assert {t.line.color for t in figure.data[:3]} == {PALETTE[0]} and b50.line.color == PALETTE[1]
    assert figure.layout.title.text.endswith("windows of 500 ms")


def test_throughput_lines_in_messages_per_second() -> None:
    figure = plots.throughput_figure(trace_frame(ROWS, items=[1, 1, 3, 1, 1]), window_s=0.5,
                                     origin=T0 - pd.Timedelta(seconds=0.5))
    assert [t.name for t in figure.data] == ["a", "b"]
    assert list(figure.data[0].x) == [0.5, 1.0, 1.5] and list(figure.data[0].y) == [4.0, 2.0, 0.0]
    assert list(figure.data[1].y) == [0.0, 6.0, 2.0] and list(figure.data[1].customdata) == [0, 3, 1]


def test_frontier_lines_with_fires_markers() -> None:
    figure = plots.frontier_figure(progress_frame(PROGRESS), fires_frame([("x", 0.35, 120)]))
    assert [(t.name, t.mode) for t in figure.data] == [("s", "lines"), ("x", "lines"), ("x fires", "markers")]
    s, x, fires = figure.data
    assert list(s.x) == pytest.approx([0.0, 0.2]) and (s.y == dates(100, 200)).all()  # closed row left out
    assert list(x.x) == pytest.approx([0.1, 0.3]) and (x.y == dates(90, 150)).all()
    assert list(fires.x) == pytest.approx([0.35]) and (fires.y == dates(120)).all()
    assert fires.marker.color == x.line.color == PALETTE[1] and s.line.shape == "hv"


def test_frontier_lines_are_thinned() -> None:
    rows = [("s", i / 100, 100 + i) for i in range(50)]
    figure = plots.frontier_figure(progress_frame(rows), max_points=5, origin=T0)
    assert list(figure.data[0].x) == pytest.approx([0.0, 0.13, 0.26, 0.39, 0.49])


def test_frontier_lag_lines() -> None:
    figure = plots.frontier_lag_figure(progress_frame(PROGRESS), sources="s")
    assert [t.name for t in figure.data] == ["x"]
    assert list(figure.data[0].x) == pytest.approx([0.1, 0.3]) and list(figure.data[0].y) == [10.0, 50.0]
    assert figure.data[0].line.color == PALETTE[1] and "(s)" in figure.layout.title.text


EMPTY_FIGURES: list[tuple[str, Callable[[], go.Figure]]] = [
    ("no operator calls", lambda: plots.latency_distribution_figure(trace_frame([]))),
    ("no operator calls", lambda: plots.latency_over_time_figure(trace_frame([]))),
    ("no operator calls", lambda: plots.throughput_figure(trace_frame([]))),
    ("no frontier progress", lambda: plots.frontier_figure(progress_frame([("s", 0, None)]))),
    ("no frontier progress", lambda: plots.frontier_lag_figure(progress_frame([("s", 0, 100)]))),
]


@pytest.mark.parametrize(("reason", "make"), EMPTY_FIGURES)
def test_empty_frames_give_an_empty_figure_that_says_so(reason: str, make: Callable[[], go.Figure]) -> None:
    figure = make()
    assert len(figure.data) == 0 and figure.layout.title.text
    assert reason in figure.layout.annotations[0].text


MISSING: list[tuple[str, Callable[[], go.Figure]]] = [
    ("latency_us", lambda: plots.latency_distribution_figure(trace_frame(ROWS).drop(columns="latency_us"))),
    ("wall_start", lambda: plots.latency_over_time_figure(trace_frame(ROWS).drop(columns="wall_start"))),
    ("operator", lambda: plots.throughput_figure(trace_frame(ROWS).drop(columns="operator"))),
    ("frontier_ms", lambda: plots.frontier_figure(progress_frame(PROGRESS).drop(columns="frontier_ms"))),
    ("timestamp_ms", lambda: plots.frontier_figure(progress_frame(PROGRESS),
                                                   fires_frame([]).drop(columns="timestamp_ms"))),
    ("wall_time", lambda: plots.frontier_lag_figure(progress_frame(PROGRESS).drop(columns="wall_time"))),
]


@pytest.mark.parametrize(("column", "make"), MISSING)
def test_a_missing_column_is_named(column: str, make: Callable[[], go.Figure]) -> None:
    with pytest.raises(MissingColumnError, match=repr(column)):
        make()


def test_a_sampled_trace_says_so_in_the_title() -> None:
    figure = plots.latency_distribution_figure(trace_frame(ROWS, sample_every=8))
    assert "sampled: 1 in 8 calls kept" in figure.layout.title.text


# -- figures of a real (native) run -------------------------------------------------------------

def test_run_latency_figures_cover_every_called_operator(small: SmallRun) -> None:
    trace, summary = small.run.trace, small.run.summary
    called = summary.loc[summary["calls"] > 0, "operator"].tolist()
    figure = plots.latency_distribution_figure(trace, operators=summary["operator"].tolist())
    assert [t.name for t in figure.data if t.type == "box"] == called == ["scale", "hot", "window", "count", "keep"]
    over_time = plots.latency_over_time_figure(trace)
    assert [t.name for t in over_time.data][:3] == ["scale p50", "scale p95", "scale p99"]
    for line in over_time.data:
        assert (np.diff(line.x) > 0).all() and (line.y >= 0).all()


def test_run_throughput_adds_up_to_the_summary(small: SmallRun) -> None:
    figure = plots.throughput_figure(small.run.trace)
    messages = {t.name: int(sum(t.customdata)) for t in figure.data}
    summary = small.run.summary.set_index("operator")
    assert messages == {"scale": 200, "hot": 200, "window": summary.loc["window", "received"],
                        "count": summary.loc["count", "folded"], "keep": summary.loc["keep", "received"]}


def test_run_frontiers_and_fires(small: SmallRun) -> None:
    run = small.run
    figure = plots.frontier_figure(run.progress, run.fires)
    names = [t.name for t in figure.data]
    assert names == ["source", "scale", "hot", "window", "count", "out", "keep", "cold", "count fires"]
    fired = figure.data[-1]
    assert len(fired.x) == run.summary.set_index("operator").loc["count", "fired"] == len(run.fires)
    assert (fired.y == dates(*run.fires["timestamp_ms"])).all()
    source = figure.data[0]
    assert (np.diff(source.y.astype("int64")) >= 0).all()  # a frontier never goes back


def test_run_lag_is_never_negative(small: SmallRun) -> None:
    figure = plots.frontier_lag_figure(small.run.progress, sources="source")
    assert [t.name for t in figure.data] == ["scale", "hot", "window", "count", "out", "keep", "cold"]
    assert all((t.y >= 0).all() for t in figure.data)
    lag = frames.frontier_lag(small.run.progress)
    assert set(lag["operator"]) == {t.name for t in figure.data}
