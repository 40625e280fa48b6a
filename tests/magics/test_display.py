"""The progress display and notices, on their own (the magic tests use them through a shell)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from IPython.utils.capture import capture_output

from tests.magics.conftest import Cells, plain
from workbench.errors import CompileError, SourceLocation
from workbench.magics import BuildProgress, Notice, short_traceback
from workbench.magics import display as display_module


def test_a_live_progress_refreshes_the_elapsed_seconds_until_the_result_replaces_it(cell: Cells) -> None:
    with capture_output() as captured, BuildProgress("building x (componentize-py)", live=True,
                                                     interval=0.01) as progress:
        _wait_until(lambda: len(captured.outputs) > 2)
        progress.show(Notice("built x"))
    first, *ticks, last = captured.outputs
    assert first.data["text/plain"] == "building x (componentize-py)…"
    assert ticks and all(t.update and t.data["text/plain"].endswith(" s") for t in ticks)
    assert last.update and last.data["text/plain"] == "built x"
    assert {o.transient["display_id"] for o in captured.outputs} == {first.transient["display_id"]}


def _wait_until(condition: Callable[[], bool]) -> None:
    stop = threading.Event()
    for _ in range(3000):
        if condition():
            return
        stop.wait(0.01)
    raise AssertionError("the progress display was never refreshed")


def test_a_block_failing_after_a_while_marks_the_progress_line_failed(cell: Cells) -> None:
    with capture_output() as captured, pytest.raises(CompileError, match="nope"), \
            BuildProgress("building x (componentize-py)", live=False) as progress:
        progress._started -= 5  # as if the build had run for five seconds
        raise CompileError("nope")
    first, last = captured.outputs
    assert last.update and last.data["text/plain"].startswith("building x (componentize-py): failed after 5")


def test_a_block_failing_at_once_clears_the_progress_line(cell: Cells) -> None:
    with capture_output() as captured, pytest.raises(CompileError, match="nope"), \
            BuildProgress("building x (componentize-py)", live=False):
        raise CompileError("nope")
    first, last = captured.outputs
    assert last.update and "failed" not in last.data.get("text/plain", "") and last.data.get("text/html", "") == ""


def test_progress_without_a_frontend_does_nothing_and_does_not_break(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(display_module, "display", lambda *objects, **options: None)
    with BuildProgress("building x (componentize-py)", live=True, interval=0.01) as progress:
        progress.show(Notice("built x"))
    assert progress.handle is None


def test_notice_renders_text_and_a_link() -> None:
    notice = Notice("report written", link="out/report.html")
    assert repr(notice) == "report written"
    assert 'href="out/report.html"' in notice._repr_html_()


def test_short_traceback_uses_the_errors_hint_before_the_magics() -> None:
    error = CompileError("bad", SourceLocation("<cell 2>", 4), hint="do this")
    assert plain("\n".join(short_traceback(error, hint="generic"))).splitlines() == [
        "CompileError: <cell 2>, line 4: bad", "hint: do this", "(full traceback: %workbench --traceback on)"]
    assert "hint: generic" in plain("\n".join(short_traceback(CompileError("bad"), hint="generic")))
