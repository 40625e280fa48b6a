"""What the magics show besides the session's own objects: notices and a build progress line.

``BuildProgress`` displays "building NAME (componentize-py)…" with a display id and, once the
build returns, updates that same output with the build card. Under a kernel a background
thread refreshes the elapsed seconds every ``interval``; a terminal cannot rewrite an output
in place, so there the line is shown once. With no frontend attached the display messages
simply go nowhere.
"""

from __future__ import annotations

import contextvars
import threading
import time
from dataclasses import dataclass
from html import escape
from types import TracebackType
from typing import Any

from IPython.display import HTML, DisplayHandle, display


@dataclass(frozen=True)
class Notice:
    """A one-line message (with an optional link) that renders in notebooks and terminals."""

    text: str
    link: str | None = None
    tone: str = "info"

    _COLOURS = {"info": "#2e86c1", "busy": "#7f8c8d", "failed": "#c0392b"}

    def _repr_html_(self) -> str:
        text = escape(self.text)
        if self.link is not None:
            text += f' (<a href="{escape(self.link, quote=True)}" target="_blank">open</a>)'
        colour = self._COLOURS.get(self.tone, "#2e86c1")
        return f'<div style="border-left:4px solid {colour};padding:2px 8px">{text}</div>'

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text)


class BuildProgress:
    """A display that says a build is running, then shows what it produced in the same place.

    ``with BuildProgress("building map (componentize-py)") as progress: progress.show(module)``.
    Should the block raise, the line says the build failed and the error shows below it.
    """

    def __init__(self, label: str, *, live: bool | None = None, interval: float = 1.0) -> None:
        self.label = label
        self.live = _kernel_attached() if live is None else live
        self.interval = interval
        self.handle: DisplayHandle | None = None
        self._started = 0.0
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __enter__(self) -> BuildProgress:
        self._started = time.perf_counter()
        self.handle = display(Notice(f"{self.label}…", tone="busy"), display_id=True)
        if self.live:
            # A copied context keeps ipykernel's parent header, so updates land in this cell.
            context = contextvars.copy_context()
            self._ticker = threading.Thread(target=context.run, args=(self._tick,), daemon=True)
            self._ticker.start()
        return self

    def show(self, result: Any) -> None:
        """Replace the progress line with ``result`` (anything that renders itself)."""
        self._halt()
        self._update(result)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._halt()
        if error is not None and self.elapsed < 1.0:
            self._update(HTML(""))  # failed its checks before any build: the error below says it all
        elif error is not None:
            what = "interrupted" if isinstance(error, KeyboardInterrupt) else "failed"
            self._update(Notice(f"{self.label}: {what} after {self.elapsed:.1f} s", tone="failed"))

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._started

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self._update(Notice(f"{self.label}… {self.elapsed:.0f} s", tone="busy"))

    def _halt(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None

    def _update(self, shown: Any) -> None:
        if self.handle is not None:
            self.handle.update(shown)


def _kernel_attached() -> bool:
    """True under a Jupyter kernel (outputs can be updated in place), False in a terminal."""
    from IPython import get_ipython

    return getattr(get_ipython(), "kernel", None) is not None
