"""Notebook magics: ``%%operator``, ``%%graph`` and ``%workbench``, loaded with ``%load_ext workbench``.

Each magic parses its line with ``magic_arguments``, makes one call on the session
(``workbench.session()``) and returns an object that renders itself. Errors the workbench
raises on purpose show as a short message with a hint; ``%workbench --traceback`` switches to
full Python tracebacks. Nothing here decides anything the session or compiler decides.
"""

from __future__ import annotations

from typing import Any

from .commands import WorkbenchMagics
from .display import BuildProgress, Notice
from .errors import short_traceback

__all__ = ["BuildProgress", "Notice", "WorkbenchMagics", "load_ipython_extension", "short_traceback"]


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics with ``ipython`` (what ``%load_ext workbench`` calls), and under a
    Jupyter kernel the comm target the JupyterLab extension's side panel connects to."""
    from ..frontend import register_comm_target

    ipython.register_magics(WorkbenchMagics)
    register_comm_target(ipython)
