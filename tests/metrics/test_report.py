"""The HTML run report: self-contained (plotly.js inlined once), every figure, tables escaped."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from tests.metrics.conftest import MODULE, SmallRun, progress_frame, small_graph, small_module, trace_frame
from workbench import run
from workbench.metrics import MetricsError, report_html, run_figures, write_report
from workbench.metrics.frames import MissingColumnError

FIGURES = ["graph", "latency", "latency_over_time", "throughput", "frontier", "frontier_lag"]
BANNER = "* plotly.js v"


def newplot_ids(html: str) -> list[str]:
    return re.findall(r'Plotly\.newPlot\(\s*"([^"]+)"', html)


def test_report_is_one_offline_file_with_every_figure(small: SmallRun, tmp_path: Path) -> None:
    path = write_report(small.run, tmp_path / "report.html", graph=small.graph)
    html = path.read_text(encoding="utf-8")
    assert path == tmp_path / "report.html" and html.startswith("<!DOCTYPE html>")
    assert html.count(BANNER) == 1
    assert not re.search(r"<script[^>]*\bsrc\s*=", html) and not re.search(r"<link[^>]*\bhref\s*=", html)
    assert newplot_ids(html) == [f"workbench-{key}" for key in FIGURES]
    for key in FIGURES:
        assert html.count(f'id="workbench-{key}"') == 1


def test_report_tables(small: SmallRun) -> None:
    html = report_html(small.run, small.graph, title="Nightly <run>")
    assert "<title>Nightly &lt;run&gt;</title>" in html
    assert "200 inputs → 159 outputs" in html
    summary = html[html.index("<h2>Summary</h2>"):html.index("<h2>Figures</h2>")]
    assert all(f"<td>{name}</td>" in summary for name in small.run.summary["operator"])
    outputs = html[html.index("<h2>Outputs</h2>"):html.index("<h2>Logs</h2>")]
    assert outputs.count("<tr") == 1 + 20 and "First 20 of 159 outputs." in outputs
    assert "No log records." in html and "No metric records." in html


def test_run_figures_share_one_time_axis_and_colours(small: SmallRun) -> None:
    figures = run_figures(small.run, small.graph)
    assert list(figures) == FIGURES
    throughput, frontier = figures["throughput"], figures["frontier"]
    colour = {t.name: t.line.color for t in frontier.data if t.mode == "lines"}
    assert all(t.line.color == colour[t.name] for t in throughput.data)
    trace, progress = small.run.trace, small.run.progress
    # The trace starts first (a call, then the frontier moves): the origin of every figure.
    assert min(min(t.x) for t in throughput.data) == 0.0
    first_progress = (progress["wall_time"].min() - trace["wall_start"].min()) / pd.Timedelta(seconds=1)
    assert min(min(t.x) for t in frontier.data) == pytest.approx(first_progress) and first_progress > 0
    assert "graph" in run_figures(small.run)  # a Run remembers the graph that ran
    assert [t.name for t in figures["frontier_lag"].data][0] == "scale"  # lag behind the graph's source


def fake_run(**frames: pd.DataFrame) -> SimpleNamespace:
    logs = pd.DataFrame({"operator": ["scale"], "level": ["warn"], "context": [""],
                         "message": ["<script>alert(1)</script>"], "time": [0.0], "source": ["guest"]})
    empty = pd.DataFrame(columns=["operator", "name", "kind", "value", "labels", "time"])
    outputs = pd.DataFrame({"sink": ["out"], "seq": [0], "topic": ["t"], "timestamp": ["1:0:n"],
                            "text": ["<b>" + "x" * 500]})
    base = dict(graph="fake", inputs=1, output_count=1, late=0, seconds=0.0,
                summary=pd.DataFrame({"operator": ["source", "scale"], "kind": ["source", "map"]}),
                trace=trace_frame([]), progress=progress_frame([]), fires=pd.DataFrame(
                    columns=["operator", "timestamp", "timestamp_ms", "wall_time"]),
                outputs=outputs, logs=logs, metrics=empty)
    base.update(frames)
    return SimpleNamespace(**base)


def test_text_from_the_run_is_escaped_and_clipped() -> None:
    html = report_html(fake_run())  # type: ignore[arg-type]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "&lt;b&gt;" + "x" * 196 + "…" in html and "x" * 197 not in html


def test_logs_beyond_the_limit_are_counted() -> None:
    logs = pd.DataFrame({"operator": ["a"] * 5, "message": [f"m{i}" for i in range(5)]})
    logs.attrs["dropped"] = 10
    html = report_html(fake_run(logs=logs), log_rows=3)  # type: ignore[arg-type]
    assert "First 3 of 15 log records." in html and "<td>m2</td>" in html and "<td>m3</td>" not in html


def test_an_empty_run_still_reports(tmp_path: Path) -> None:
    empty = run(small_graph(), [], modules={MODULE: small_module()}, mode="native")
    html = write_report(empty, tmp_path / "empty.html", graph=small_graph()).read_text(encoding="utf-8")
    assert "no operator calls were traced" in html and "No outputs." in html
    assert len(newplot_ids(html)) == len(FIGURES)


def test_a_sampled_trace_is_noted() -> None:
    trace = trace_frame([("scale", 0.0, 1.0)], sampled=True, sample_every=4, events=4, kept=1)
    html = report_html(fake_run(trace=trace))  # type: ignore[arg-type]
    assert "trace: 1 of 4 events kept (every 4)" in html


def test_a_bad_frame_or_path_is_a_metrics_error(small: SmallRun, tmp_path: Path) -> None:
    with pytest.raises(MissingColumnError, match="'latency_us'"):
        report_html(fake_run(trace=trace_frame([]).drop(columns="latency_us")))  # type: ignore[arg-type]
    with pytest.raises(MetricsError, match="cannot write the run report"):
        write_report(small.run, tmp_path / "missing" / "report.html")
