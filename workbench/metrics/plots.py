"""Figures of a run: latency, throughput and timestamp progress per operator.

Each function takes the run's tidy frame (``run.trace``, ``run.progress``, ``run.fires``;
columns documented per function), returns a new ``plotly.graph_objects.Figure`` and keeps no
state. An empty frame gives an empty figure that says so; a missing column raises
``MissingColumnError`` naming it.

Shared options: ``origin`` (a wall time) puts several figures on one time axis, measured in
seconds since it (``frames.common_origin``); ``operators`` fixes the order, and with it the
colour, of the operators, so one operator has one colour across figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from . import frames
from .frames import DEFAULT_QUANTILES, operator_order, require

__all__ = [
    "empty_figure",
    "frontier_figure",
    "frontier_lag_figure",
    "latency_distribution_figure",
    "latency_over_time_figure",
    "operator_colours",
    "throughput_figure",
]

PALETTE: tuple[str, ...] = tuple(qualitative.Plotly)
DASHES = ("solid", "dash", "dot", "dashdot", "longdash")
MAX_POINTS = 2000
ELAPSED_TITLE = "wall time since start (s)"


def operator_colours(operators: Sequence[str]) -> dict[str, str]:
    """Operator → colour, by position in ``operators`` (the palette repeats past ten)."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(operators)}


def empty_figure(title: str, reason: str) -> go.Figure:
    """A figure with no traces: ``title`` and, in the middle, why there is nothing to show."""
    figure = go.Figure()
    figure.update_layout(title=title, xaxis={"visible": False}, yaxis={"visible": False})
    figure.add_annotation(text=reason, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                          font={"size": 14})
    return figure


def _sample_note(frame: pd.DataFrame, what: str) -> str:
    every = frame.attrs.get("sample_every", 1) or 1
    return f" (sampled: 1 in {every} {what} kept)" if every > 1 else ""


def latency_distribution_figure(trace: pd.DataFrame, operators: Sequence[str] | None = None,
                                log_y: bool = True) -> go.Figure:
    """Latency distribution per operator: one box each (Tukey whiskers) and a p99 marker.

    Needs ``trace`` columns operator, latency_us. Box statistics are computed here
    (``frames.latency_stats``), so the figure carries a few numbers per operator, not every call.
    """
    require(trace, ("operator", "latency_us"), "trace", "latency_distribution_figure")
    title = "Latency per operator" + _sample_note(trace, "calls")
    if trace.empty:
        return empty_figure(title, "no operator calls were traced")
    stats = frames.latency_stats(trace).set_index("operator")
    names, colours = _palette(trace["operator"], operators)
    figure = go.Figure()
    for name in names:
        row = stats.loc[name]
        figure.add_trace(go.Box(
            name=name, x=[name], q1=[row["q1"]], median=[row["median"]], q3=[row["q3"]],
            lowerfence=[row["lower"]], upperfence=[row["upper"]], mean=[row["mean"]],
            marker_color=colours[name], boxpoints=False, showlegend=False))
    figure.add_trace(go.Scatter(
        name="p99", x=names, y=[stats.loc[n, "p99"] for n in names], mode="markers",
        marker={"symbol": "diamond", "color": "black", "size": 8},
        customdata=[[stats.loc[n, "calls"], stats.loc[n, "max"]] for n in names],
        hovertemplate="%{x}: p99 %{y:.3g} µs<br>%{customdata[0]} calls, max %{customdata[1]:.3g} µs"
                      "<extra></extra>"))
    figure.update_layout(title=title, xaxis_title="operator", yaxis_title="latency (µs)",
                         yaxis_type="log" if log_y else "linear")
    return figure


def latency_over_time_figure(trace: pd.DataFrame, window_s: float | None = None,
                             quantiles: Sequence[float] = DEFAULT_QUANTILES,
                             origin: pd.Timestamp | None = None, operators: Sequence[str] | None = None,
                             log_y: bool = True) -> go.Figure:
    """Latency quantiles per operator over wall time windows (``frames.latency_quantiles``).

    Needs ``trace`` columns operator, wall_start, latency_us. One line per operator and
    quantile, named like ``"scale p99"``: operator by colour, quantile by dash; x is the
    window start in seconds after ``origin``.
    """
    require(trace, frames.TRACE_COLUMNS, "trace", "latency_over_time_figure")
    labels = [frames.quantile_label(q) for q in quantiles]
    title = f"Latency {'/'.join(labels)} over time" + _sample_note(trace, "calls")
    if trace.empty:
        return empty_figure(title, "no operator calls were traced")
    table = frames.latency_quantiles(trace, window_s, quantiles, origin)
    names, colours = _palette(table["operator"], operators)
    figure = go.Figure()
    for name in names:
        rows = table[table["operator"] == name]
        for i, label in enumerate(labels):
            figure.add_trace(go.Scatter(
                name=f"{name} {label}", legendgroup=name, x=rows["window_s"].to_numpy(),
                y=rows[f"{label}_us"].to_numpy(), mode="lines+markers", line_shape="hv",
                line={"color": colours[name], "dash": DASHES[i % len(DASHES)]}, marker={"size": 4},
                customdata=rows["calls"].to_numpy(),
                hovertemplate=f"{name} {label}: %{{y:.3g}} µs<br>%{{customdata}} calls from %{{x:.4g}} s"
                              "<extra></extra>"))
    figure.update_layout(title=f"{title}, windows of {_seconds(table.attrs['window_s'])}",
                         xaxis_title=ELAPSED_TITLE, yaxis_title="latency (µs)", yaxis_type="log" if log_y else "linear")
    return figure


def throughput_figure(trace: pd.DataFrame, window_s: float | None = None, origin: pd.Timestamp | None = None,
                      operators: Sequence[str] | None = None) -> go.Figure:
    """Messages per second per operator over wall time windows (``frames.throughput``).

    Needs ``trace`` columns operator, wall_start (and ``items``, if there, as messages per
    call). One line per operator; x is the window start in seconds after ``origin``.
    """
    require(trace, ("operator", "wall_start"), "trace", "throughput_figure")
    title = "Throughput per operator" + (" (estimated from a sample)" if _sample_note(trace, "") else "")
    if trace.empty:
        return empty_figure(title, "no operator calls were traced")
    table = frames.throughput(trace, window_s, origin)
    names, colours = _palette(table["operator"], operators)
    figure = go.Figure()
    for name in names:
        rows = table[table["operator"] == name]
        figure.add_trace(go.Scatter(
            name=name, x=rows["window_s"].to_numpy(), y=rows["messages_per_s"].to_numpy(), mode="lines",
            line_shape="hv", line={"color": colours[name]}, customdata=rows["messages"].to_numpy(),
            hovertemplate=f"{name}: %{{y:,.0f}} msg/s<br>%{{customdata}} messages from %{{x:.4g}} s"
                          "<extra></extra>"))
    figure.update_layout(title=f"{title}, windows of {_seconds(table.attrs['window_s'])}",
                         xaxis_title=ELAPSED_TITLE, yaxis_title="messages/s")
    return figure


def frontier_figure(progress: pd.DataFrame, fires: pd.DataFrame | None = None,
                    origin: pd.Timestamp | None = None, operators: Sequence[str] | None = None,
                    max_points: int = MAX_POINTS) -> go.Figure:
    """Each operator's frontier (a dataflow timestamp) against wall time, with accumulate firings.

    Needs ``progress`` columns operator, wall_time, frontier_ms ("closed" rows, NaN, are left
    out) and, if given, ``fires`` columns operator, timestamp_ms, wall_time: one marker trace
    per accumulate, named ``"<operator> fires"``. Each operator's line is thinned to at most
    ``max_points`` rows (``frames.thin``). The y axis shows the frontier as a date.
    """
    require(progress, frames.PROGRESS_COLUMNS, "progress", "frontier_figure")
    if fires is not None:
        require(fires, ("operator", "timestamp_ms", "wall_time"), "fires", "frontier_figure")
    title = "Frontier per operator" + _sample_note(progress, "frontier changes")
    rows = progress[progress["frontier_ms"].notna()]
    if rows.empty:
        return empty_figure(title, "no frontier progress was recorded")
    start = origin if origin is not None else frames.common_origin(
        progress["wall_time"], *(() if fires is None else (fires["wall_time"],)))
    rows = frames.thin(rows.assign(operator=rows["operator"].astype(str)), "operator", max_points)
    names, colours = _palette(rows["operator"], operators)
    figure = go.Figure()
    for name in names:
        mine = rows[rows["operator"] == name]
        figure.add_trace(go.Scatter(
            name=name, legendgroup=name, x=frames.elapsed_seconds(mine["wall_time"], start).to_numpy(),
            y=_dates(mine["frontier_ms"]), mode="lines", line_shape="hv", line={"color": colours[name]},
            hovertemplate=f"{name}: frontier %{{y}}<br>at %{{x:.4g}} s<extra></extra>"))
    if fires is not None and not fires.empty:
        _add_fires(figure, fires, start, colours)
    figure.update_layout(title=title, xaxis_title=ELAPSED_TITLE, yaxis_title="frontier (timestamp)")
    return figure


def _add_fires(figure: go.Figure, fires: pd.DataFrame, origin: pd.Timestamp | None,
               colours: Mapping[str, str]) -> None:
    fires = fires.assign(operator=fires["operator"].astype(str))
    for name in operator_order(fires["operator"]):
        mine = fires[fires["operator"] == name]
        figure.add_trace(go.Scatter(
            name=f"{name} fires", legendgroup=name, x=frames.elapsed_seconds(mine["wall_time"], origin).to_numpy(),
            y=_dates(mine["timestamp_ms"]), mode="markers",
            marker={"symbol": "star", "size": 9, "color": colours.get(name, "black"),
                    "line": {"width": 1, "color": "black"}},
            hovertemplate=f"{name} fired the window at %{{y}}<br>at %{{x:.4g}} s<extra></extra>"))


def frontier_lag_figure(progress: pd.DataFrame, sources: str | Sequence[str] | None = None,
                        origin: pd.Timestamp | None = None, operators: Sequence[str] | None = None,
                        max_points: int = MAX_POINTS) -> go.Figure:
    """How far (ms) each operator's frontier trails the source frontier, over wall time.

    Needs ``progress`` columns operator, wall_time, frontier_ms; ``sources`` as in
    ``frames.frontier_lag`` (default: the operator of the first row). One line per other operator.
    """
    require(progress, frames.PROGRESS_COLUMNS, "progress", "frontier_lag_figure")
    lag = frames.frontier_lag(progress, sources, origin)
    named = sources if isinstance(sources, str) else ", ".join(sources) if sources else ""
    title = f"Frontier lag behind the source{f' ({named})' if named else ''}" + _sample_note(
        progress, "frontier changes")
    if lag.empty:
        return empty_figure(title, "no frontier progress downstream of a source was recorded")
    lag = frames.thin(lag, "operator", max_points)
    names, colours = _palette(progress["operator"], operators)
    figure = go.Figure()
    for name in (n for n in names if n in set(lag["operator"])):
        mine = lag[lag["operator"] == name]
        figure.add_trace(go.Scatter(
            name=name, x=mine["elapsed_s"].to_numpy(), y=mine["lag_ms"].to_numpy(), mode="lines",
            line_shape="hv", line={"color": colours[name]},
            hovertemplate=f"{name}: %{{y:,.0f}} ms behind<br>at %{{x:.4g}} s<extra></extra>"))
    figure.update_layout(title=title, xaxis_title=ELAPSED_TITLE, yaxis_title="lag (ms of timestamp)")
    return figure


def _dates(millis: pd.Series) -> pd.Series:
    return pd.to_datetime(millis.astype("float64"), unit="ms")


def _palette(column: pd.Series, operators: Sequence[str] | None) -> tuple[list[str], dict[str, str]]:
    """The operators present, in order, and colours by position in ``operators`` (then the rest)."""
    present = operator_order(column, order=operators)
    return present, operator_colours([*(operators or ()), *(n for n in present if n not in (operators or ()))])


def _seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:g} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:g} ms"
    return f"{seconds * 1e6:g} µs"
