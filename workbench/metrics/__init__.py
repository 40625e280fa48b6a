"""Metrics of a run: tidy frames, plotly figures and a self-contained HTML report.

    from workbench.metrics import latency_over_time_figure, frontier_figure, write_report
    latency_over_time_figure(run.trace)                  # p50/p95/p99 per operator over wall time
    frontier_figure(run.progress, run.fires)             # frontiers, with accumulate firings
    graph_figure(graph, run.summary, colour_by="p99_latency_us")
    write_report(run, "report.html", graph=graph)        # one file, works offline

``frames`` is pure pandas; ``plots``, ``graph_figure`` and ``report`` are the only modules
of the workbench that import plotly. Names load on first use, so importing this package
imports neither.
"""

from __future__ import annotations

from workbench._lazy import lazy_exports

_EXPORTS = {
    "MetricsError": "workbench.metrics.frames",
    "MissingColumnError": "workbench.metrics.frames",
    "common_origin": "workbench.metrics.frames",
    "frontier_lag": "workbench.metrics.frames",
    "latency_quantiles": "workbench.metrics.frames",
    "latency_stats": "workbench.metrics.frames",
    "throughput": "workbench.metrics.frames",
    "empty_figure": "workbench.metrics.plots",
    "frontier_figure": "workbench.metrics.plots",
    "frontier_lag_figure": "workbench.metrics.plots",
    "latency_distribution_figure": "workbench.metrics.plots",
    "latency_over_time_figure": "workbench.metrics.plots",
    "throughput_figure": "workbench.metrics.plots",
    "graph_figure": "workbench.metrics.graph_figure",
    "report_html": "workbench.metrics.report",
    "run_figures": "workbench.metrics.report",
    "write_report": "workbench.metrics.report",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
