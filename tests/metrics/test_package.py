"""The ``workbench.metrics`` facade: every name resolves; plotly loads only with a figure."""

from __future__ import annotations

import subprocess
import sys

import workbench.metrics as metrics


def test_every_exported_name_resolves() -> None:
    assert all(callable(getattr(metrics, name)) for name in metrics.__all__)
    assert set(metrics.__all__) <= set(dir(metrics))


def test_frames_do_not_import_plotly() -> None:
    code = ("import sys, workbench.metrics as m; m.latency_quantiles; assert 'plotly' not in sys.modules; "
            "m.throughput_figure; assert 'plotly' in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
