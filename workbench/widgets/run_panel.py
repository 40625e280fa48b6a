"""``RunPanel``: run a session graph over a dataset or a DataFrame, and watch it run.

    from workbench.widgets import RunPanel
    panel = RunPanel(graph="temperature")            # or RunPanel(data=frame) to run over a DataFrame
    panel                                            # choose input, count, seed, replay speed; Run
    panel.wait(); panel.last_run                     # the Run (also session().last_run)

A run goes in a background thread, so the kernel stays responsive and Stop can be clicked:
"on error" is the run's error policy (``workbench.run(errors=...)``): stop at the first
operator error, or skip or dead-letter the failing message and go on; a run with failures says
how many, and its dead letters are ``panel.last_run.dead_letters``. Stop ends the run's input (``Feed.stop``) and the engine finishes cleanly with what it was fed;
the stopped run is kept in the session like any other. While the run goes, the progress bar
follows the messages fed (at most every 0.2 s) and the figures follow the engine's
``on_progress`` snapshots (every ``progress_every`` seconds); both are widget updates sent
from the run thread, which ipykernel allows. A second Run while one goes is refused with a
message. Whatever goes wrong (an ``OperatorError``, a bad input) is shown in the panel and
kept in ``panel.error``.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets

from ..dataflow.faults import POLICIES
from ..dataflow.graph import Graph
from ..dataflow.record import Run
from ..errors import GraphError
from ..messages import Message
from ..session import Session
from ..session import session as current_session
from .common import button, error_html, labelled, note_html, reported
from .feed import Feed
from .figures import LiveFigures

SPEEDS = (("as fast as possible", 0.0), ("event time ×1", 1.0), ("event time ×10", 10.0),
          ("event time ×100", 100.0), ("event time ×1000", 1000.0))
DATASET, FRAME = "dataset", "data frame"
PREVIEW_COLUMNS = ["sink", "timestamp", "topic", "text"]
POLICY_LABELS = {"stop": "stop the run", "skip": "skip the message", "dead-letter": "dead-letter it"}
ERROR_POLICIES = tuple((POLICY_LABELS[policy], policy) for policy in POLICIES)


class RunPanel(widgets.VBox):
    """Graph and input choices, Run/Stop, a progress bar, live figures and an output preview."""

    def __init__(self, session: Session | None = None, graph: Graph | str | None = None, data: Any = None, *,
                 n: int | None = None, errors: str = "stop", progress_every: float = 0.5, preview_rows: int = 10):
        self.session = session if session is not None else current_session()
        self.data = data
        self.progress_every = progress_every
        self.preview_rows = preview_rows
        self.last_run: Run | None = None
        self.error: Exception | None = None
        self.stopped = False
        self.feed: Feed | None = None
        self._thread: threading.Thread | None = None
        self._active = False
        self._lock = threading.Lock()
        self._graphs: dict[str, Graph] = {}
        self._extra: dict[str, Graph] = {}
        self._make_controls(n if n is not None else (len(data) if data is not None else 200))
        if errors not in POLICIES:
            raise ValueError(f"errors={errors!r} is not one of {', '.join(POLICIES)}")
        self.errors.value = errors
        super().__init__(self._layout())
        self._refresh_graphs(graph)  # a bad ``graph`` argument raises here, like any bad argument
        self.session.subscribe(self._session_changed)

    # -- public ----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def start(self) -> None:
        """Click Run."""
        self.run_button.click()

    def stop(self) -> None:
        """Click Stop."""
        self.stop_button.click()

    def wait(self, timeout: float | None = 60.0) -> Run | None:
        """Join the run thread; the run (``None`` if it failed). ``TimeoutError`` if it still goes."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                raise TimeoutError(f"the run is still going after {timeout} s; stop it with panel.stop()")
        return self.last_run

    # -- widgets ---------------------------------------------------------------------------
    def _make_controls(self, n: int) -> None:
        self.graph_choice = widgets.Dropdown(layout=widgets.Layout(width="300px"))
        self.input_choice = widgets.ToggleButtons(options=[DATASET, *([FRAME] if self.data is not None else [])],
                                                  value=FRAME if self.data is not None else DATASET)
        self.dataset = widgets.Dropdown(options=_dataset_names(), layout=widgets.Layout(width="200px"))
        self.count = widgets.BoundedIntText(value=max(n, 1), min=1, max=10**9, layout=widgets.Layout(width="120px"))
        self.seed = widgets.IntText(value=0, layout=widgets.Layout(width="120px"))
        self.speed = widgets.Dropdown(options=SPEEDS, value=0.0, layout=widgets.Layout(width="200px"))
        self.errors = widgets.Dropdown(options=ERROR_POLICIES, value="stop", layout=widgets.Layout(width="170px"))
        self.run_button = button("Run", "success", "play")
        self.stop_button = button("Stop", "danger", "stop")
        self.stop_button.disabled = True
        self.progress = widgets.IntProgress(value=0, min=0, max=1, layout=widgets.Layout(width="320px"))
        self.progress_label = widgets.Label("")
        self.status = widgets.HTML()
        self.figures = LiveFigures()
        self.preview = widgets.HTML()
        self.run_button.on_click(self._start)
        self.stop_button.on_click(self._stop)
        self.input_choice.observe(lambda _: self._input_changed(), names="value")
        self._input_changed()

    def _layout(self) -> list[widgets.Widget]:
        return [
            labelled("graph", self.graph_choice),
            labelled("input", widgets.HBox([self.input_choice, self.dataset])),
            widgets.HBox([labelled("messages", self.count, "70px"), labelled("seed", self.seed, "40px"),
                          labelled("replay", self.speed, "50px"), labelled("on error", self.errors, "60px")]),
            widgets.HBox([self.run_button, self.stop_button, self.progress, self.progress_label]),
            self.status, self.figures, self.preview,
        ]

    def _input_changed(self) -> None:
        frame = self.input_choice.value == FRAME
        self.dataset.disabled = self.seed.disabled = frame

    # -- starting and stopping (button callbacks, main thread) -----------------------------------
    def _start(self, _: Any = None) -> None:
        with reported(self._failed):
            if self.running:
                self._say(note_html("a run is still going: stop it, or wait for it to finish, before "
                                    "starting another", "warning"))
                return
            graph = self._chosen_graph()
            messages, total = self._inputs()
            self._begin(graph, Feed(messages, total, float(self.speed.value), on_fed=self._fed), self.errors.value)

    def _begin(self, graph: Graph, feed: Feed, errors: str = "stop") -> None:
        self.last_run, self.error, self.stopped, self.feed = None, None, False, feed
        self.progress.max, self.progress.value, self.progress.bar_style = max(feed.total, 1), 0, "info"
        self.progress_label.value = f"0 / {feed.total}"
        self.figures.clear()
        self.preview.value = ""
        self._buttons(running=True)
        self._active = True
        self._say(note_html(f"running {graph.name!r} over {feed.total} messages"))
        self._thread = threading.Thread(target=self._execute, args=(graph, feed, errors), daemon=True,
                                        name=f"workbench run of {graph.name}")
        self._thread.start()

    def _stop(self, _: Any = None) -> None:
        with reported(self._failed), self._lock:
            if self._active and self.feed is not None:
                self.feed.stop()
                self._say(note_html("stopping: the run finishes the messages already fed"))

    def _chosen_graph(self) -> Graph:
        graph = self._graphs.get(self.graph_choice.value or "")
        if graph is None:
            raise GraphError("no graph to run: register one (GraphBuilder's 'Register graph', %%graph or "
                             "session().add_graph(...)) or pass RunPanel(graph=...)")
        return graph

    def _inputs(self) -> tuple[Iterable[Message], int]:
        from ..datasets import load_dataset, read_input

        if self.input_choice.value == FRAME:
            total = min(self.count.value, len(self.data))
            return itertools.islice(read_input(self.data), total), total
        return load_dataset(self.dataset.value, n=self.count.value, seed=self.seed.value), self.count.value

    # -- the run thread ----------------------------------------------------------------------
    def _execute(self, graph: Graph, feed: Feed, errors: str) -> None:
        try:
            run = self.session.run(graph, feed, on_progress=self._snapshot, progress_every=self.progress_every,
                                   errors=errors)
        except Exception as exc:  # the end of the run thread: shown in the panel, kept in .error
            self._ended_with(exc, feed)
        else:
            self._finished(run, feed)
        finally:
            self._buttons(running=False)

    def _ended_with(self, exc: Exception, feed: Feed) -> None:
        with self._lock:
            self._active = False
            self._fed(feed.fed)
            self.progress.bar_style = "danger"
            self._failed(exc)
        partial = getattr(exc, "run", None)  # an OperatorError carries the run up to the failure
        if isinstance(partial, Run):
            with reported(self._figures_failed):
                self.figures.update(partial)

    def _snapshot(self, run: Run) -> None:
        """``on_progress``: called inside the engine, so the run's records hold still meanwhile."""
        with reported(self._figures_failed):
            self.figures.update(run)

    def _fed(self, fed: int) -> None:
        with reported(self._figures_failed):
            self.progress.value = min(fed, self.progress.max)
            total = self.feed.total if self.feed is not None else fed
            self.progress_label.value = f"{fed} / {total}"

    def _finished(self, run: Run, feed: Feed) -> None:
        with self._lock:
            self._active = False
            self.last_run, self.stopped = run, not feed.exhausted
            self._fed(feed.fed)
            troubled = self.stopped or run.failed > 0
            self.progress.bar_style = "warning" if troubled else "success"
            self._say(note_html(_summary(run, feed), "warning" if troubled else "ok"))
        with reported(self._figures_failed):
            self.figures.update(run)
            self.preview.value = preview_html(run, self.preview_rows)

    # -- messages and state ------------------------------------------------------------------------
    def _say(self, html: str) -> None:
        self.status.value = html

    def _failed(self, exc: Exception) -> None:
        self.error = exc
        self._say(error_html(exc))

    def _figures_failed(self, exc: Exception) -> None:
        """A display problem must not end the run: shown under the run's status instead."""
        self.status.value += note_html("the live display failed:", "warning") + error_html(exc)

    def _buttons(self, running: bool) -> None:
        self.run_button.disabled = running
        self.stop_button.disabled = not running

    def _refresh_graphs(self, select: Graph | str | None = None) -> None:
        """The graph menu: the session's graphs, and any graph given to the panel but not registered."""
        if isinstance(select, str) and select not in self.session.graphs:
            found = self.session.graph(select)  # a GraphError naming the known graphs, unless a file or YAML
            select = found if isinstance(found, Graph) else Graph.load(found)
        registered = {id(graph) for graph in self.session.graphs.values()}
        if isinstance(select, Graph) and id(select) not in registered:
            self._extra[f"{select.name} (not registered)"] = select
        self._extra = {label: graph for label, graph in self._extra.items() if id(graph) not in registered}
        self._graphs = {**self.session.graphs, **self._extra}
        current = self.graph_choice.value
        self.graph_choice.options = list(self._graphs)
        chosen = next((label for label, graph in self._graphs.items() if graph is select), current)
        if chosen in self._graphs or self._graphs:
            self.graph_choice.value = chosen if chosen in self._graphs else next(iter(self._graphs))

    def _session_changed(self, what: str) -> None:
        """The session's listener: newly registered graphs appear in the menu."""
        if what == "graphs":
            with reported(self._failed):
                self._refresh_graphs()

    def close(self) -> None:
        self.session.unsubscribe(self._session_changed)
        super().close()


def _dataset_names() -> list[str]:
    from ..datasets import list_datasets

    return [str(name) for name in list_datasets()["name"]]


def _summary(run: Run, feed: Feed) -> str:
    done = f"{run.inputs} inputs → {run.output_count} outputs, {run.late} late, in {run.seconds:.3f} s"
    if run.failed:
        kept = len(run.dead_letters)
        done += (f"; {run.failed} failed in operators ({kept} dead letters: panel.last_run.dead_letters)" if kept
                 else f"; {run.failed} failed in operators and were skipped")
    if feed.exhausted:
        return f"run of {run.graph!r} finished: {done}"
    return (f"run of {run.graph!r} stopped after {run.inputs} of {feed.total} messages: {done}; "
            "the stopped run is kept (session().runs[-1])")


def preview_html(run: Run, rows: int) -> str:
    """The first ``rows`` outputs of ``run`` as a table."""
    frame = run.outputs
    if frame.empty:
        return "<i>the run produced no outputs</i>"
    shown = frame.head(rows)[PREVIEW_COLUMNS]
    return (f"<div><b>outputs</b>: the first {len(shown)} of {run.output_count}</div>"
            f"{shown.to_html(index=False)}")
