"""A run report: one self-contained HTML file (plotly.js inlined once, works offline).

``write_report(run, "report.html", graph=graph)`` writes the run's headline numbers, the
summary table, the figures of ``run_figures`` (graph, latency, throughput, frontiers), a
preview of the outputs and the logs. Tables come from pandas (text escaped); figures from
``plots`` and ``graph_figure``, all on one time axis and with one colour per operator.
"""

from __future__ import annotations

from html import escape
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from . import plots
from .frames import MetricsError, common_origin
from .graph_figure import graph_figure

if TYPE_CHECKING:
    from ..dataflow.graph import Graph
    from ..dataflow.record import Run

__all__ = ["report_html", "run_figures", "write_report"]

STYLE = """body{font-family:sans-serif;margin:1.5em auto;max-width:1200px;color:#222}
table{border-collapse:collapse;font-size:13px;margin:.5em 0}th,td{border:1px solid #ccc;padding:2px 6px}
th{background:#f3f3f3}td{max-width:600px;overflow-wrap:anywhere}.note{color:#666;font-size:13px}
section{margin-bottom:2em}"""
TEXT_LIMIT = 200


def run_figures(run: Run, graph: Graph | None = None) -> dict[str, go.Figure]:
    """The report's figures by key, in report order: graph (with ``graph``), latency, latency_over_time,
    throughput, frontier, frontier_lag. One time origin and one operator order (the summary's) for all."""
    graph = graph if graph is not None else getattr(run, "definition", None)
    summary, trace, progress, fires = run.summary, run.trace, run.progress, run.fires
    origin = common_origin(*(frame[column] for frame, column in (
        (trace, "wall_start"), (progress, "wall_time"), (fires, "wall_time")) if column in frame.columns))
    operators = [str(name) for name in summary["operator"]] if "operator" in summary.columns else None
    figures: dict[str, go.Figure] = {}
    if graph is not None:
        figures["graph"] = graph_figure(graph, summary, colour_by="received")
    figures["latency"] = plots.latency_distribution_figure(trace, operators=operators)
    figures["latency_over_time"] = plots.latency_over_time_figure(trace, origin=origin, operators=operators)
    figures["throughput"] = plots.throughput_figure(trace, origin=origin, operators=operators)
    figures["frontier"] = plots.frontier_figure(progress, fires, origin=origin, operators=operators)
    figures["frontier_lag"] = plots.frontier_lag_figure(progress, _sources(summary, graph), origin=origin,
                                                        operators=operators)
    return figures


def _sources(summary: pd.DataFrame, graph: Graph | None) -> list[str] | None:
    if graph is not None and graph.sources():
        return [op.name for op in graph.sources()]
    if {"operator", "kind"} <= set(summary.columns):
        names = [str(name) for name in summary.loc[summary["kind"] == "source", "operator"]]
        return names or None
    return None


def report_html(run: Run, graph: Graph | None = None, *, title: str | None = None,
                preview_rows: int = 20, log_rows: int = 200) -> str:
    """The report as one HTML document (see ``write_report``)."""
    heading = title or f"Run of {run.graph}"
    figures = "".join(_figure(key, figure) for key, figure in run_figures(run, graph).items())
    body = (f"<h1>{escape(heading)}</h1>{_headline(run)}"
            f"<section><h2>Summary</h2>{_table(run.summary, None)}{_sampling(run)}</section>"
            f"<section><h2>Figures</h2>{figures}</section>"
            f"<section><h2>Outputs</h2>{_outputs(run, preview_rows)}</section>"
            f"<section><h2>Logs</h2>{_records(run.logs, log_rows, 'log records')}</section>"
            f"<section><h2>Metrics</h2>{_records(run.metrics, log_rows, 'metric records')}</section>")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(heading)}</title>'
            f'<style>{STYLE}</style><script type="text/javascript">{get_plotlyjs()}</script></head>'
            f"<body>{body}</body></html>\n")


def write_report(run: Run, path: str | PathLike[str], graph: Graph | None = None, *, title: str | None = None,
                 preview_rows: int = 20, log_rows: int = 200) -> Path:
    """Write the run report to ``path`` (HTML, self-contained) and return the path.

    ``graph``: the ``Graph`` that was run, to draw it coloured by messages received (a ``Run``
    keeps only the graph's name). ``preview_rows`` outputs and ``log_rows`` log and metric
    records are shown (the counts of the rest are noted).
    """
    target = Path(path)
    html = report_html(run, graph, title=title, preview_rows=preview_rows, log_rows=log_rows)
    try:
        target.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise MetricsError(f"{target}: cannot write the run report: {exc.strerror}") from exc
    return target


def _figure(key: str, figure: go.Figure) -> str:
    div = figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"workbench-{key}",
                         config={"displaylogo": False})
    return f'<div class="figure">{div}</div>'


def _headline(run: Run) -> str:
    rate = run.inputs / run.seconds if run.seconds else 0.0
    return (f"<p>{run.inputs:,} inputs → {run.output_count:,} outputs, {run.late:,} late, "
            f"in {run.seconds:.3f} s ({rate:,.0f} msg/s)</p>")


def _sampling(run: Run) -> str:
    notes = []
    for name, frame in (("trace", run.trace), ("progress", run.progress), ("fires", run.fires)):
        attrs: dict[str, Any] = frame.attrs
        if attrs.get("sampled"):
            notes.append(f"{name}: {attrs.get('kept', len(frame)):,} of {attrs.get('events', '?'):,} "
                         f"events kept (every {attrs.get('sample_every')})")
    if not notes:
        return ""
    return f'<p class="note">Figures are drawn from evenly thinned samples: {escape("; ".join(notes))}.</p>'


def _table(frame: pd.DataFrame, rows: int | None) -> str:
    shown = frame if rows is None else frame.head(rows)
    return shown.to_html(index=False, na_rep="", border=0, escape=True)


def _outputs(run: Run, rows: int) -> str:
    outputs = run.outputs
    if outputs.empty:
        return "<p>No outputs.</p>"
    columns = [c for c in ("sink", "seq", "topic", "timestamp", "text") if c in outputs.columns]
    shown = outputs.head(rows)[columns]
    if "text" in shown.columns:
        shown = shown.assign(text=shown["text"].map(_clip))
    note = f'<p class="note">First {len(shown):,} of {run.output_count:,} outputs.</p>'
    return _table(shown, None) + note


def _records(frame: pd.DataFrame, rows: int, what: str) -> str:
    if frame.empty:
        return f"<p>No {what}.</p>"
    dropped = int(frame.attrs.get("dropped", 0) or 0)
    total = len(frame) + dropped
    note = f'<p class="note">First {min(rows, len(frame)):,} of {total:,} {what}.</p>' if total > rows else ""
    return _table(frame, rows) + note


def _clip(text: Any) -> str:
    text = str(text)
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT - 1] + "…"
