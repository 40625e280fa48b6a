"""What both panels share: message boxes and the guard that keeps callbacks from raising.

ipywidgets swallows an exception raised in a callback (at best it reaches a log the user never
sees), so every callback of the panels runs inside ``reported(show)``: whatever goes wrong is
rendered into the panel's message area instead. The message areas are ``HTML`` widgets rather
than ``Output`` widgets: each action replaces what they say (the state now, not a log), and their
content is plain data a test can read without a kernel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import escape
from typing import Any

import ipywidgets as widgets

TONES = {"error": "#c0392b", "warning": "#d68910", "ok": "#1e8449", "info": "#2e86c1"}


def note_html(text: str, tone: str = "info", details: list[str] | None = None) -> str:
    """A short message with a coloured bar; ``details`` become a list under it."""
    items = "".join(f"<li>{escape(line, quote=False)}</li>" for line in details or ())
    listed = f"<ul style='margin:2px 0 0 0'>{items}</ul>" if items else ""
    return (f"<div style='border-left:4px solid {TONES[tone]};padding:2px 8px;margin:2px 0'>"
            f"{escape(text, quote=False)}{listed}</div>")


def error_html(exc: BaseException) -> str:
    """An exception as the panel shows it: the workbench's own rendering, else type and message."""
    render = getattr(exc, "_repr_html_", None)
    if callable(render):
        return str(render())
    return (f"<div style='border-left:4px solid {TONES['error']};padding:4px 8px'><b>{type(exc).__name__}</b>: "
            f"<pre style='margin:0;white-space:pre-wrap'>{escape(str(exc))}</pre></div>")


@contextmanager
def reported(report: Callable[[Exception], None]) -> Iterator[None]:
    """Run a callback's body; an exception goes to ``report`` (which shows it in the panel)."""
    try:
        yield
    except Exception as exc:  # a widget callback must never raise: ipywidgets would hide it
        report(exc)


def button(description: str, style: str = "", icon: str = "", tooltip: str = "") -> widgets.Button:
    return widgets.Button(description=description, button_style=style, icon=icon, tooltip=tooltip,
                          layout=widgets.Layout(width="auto"))


def labelled(description: str, widget: Any, width: str = "110px") -> widgets.HBox:
    """A widget with a fixed-width label before it (descriptions inside widgets clip long text)."""
    return widgets.HBox([widgets.Label(description, layout=widgets.Layout(width=width)), widget])
