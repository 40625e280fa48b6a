"""Short notebook errors: what went wrong, where, and a hint; full tracebacks on request.

IPython renders an exception through its ``_render_traceback_`` when it has one. A magic
gives the ``WorkbenchError`` it lets through such a renderer, so the cell still fails (a
"run all" stops there, and the error keeps its own type) but shows only the message. The
message already names the cell and line, and quotes the user's own guest traceback when
there is one; the workbench's frames are noise to someone writing an operator.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any, TypeVar

from ..errors import WorkbenchError

_RED, _CYAN, _DIM, _RESET = "\x1b[1;31m", "\x1b[36m", "\x1b[2m", "\x1b[0m"
TRACEBACK_SWITCH = "%workbench --traceback"

Magic = TypeVar("Magic", bound=Callable[..., Any])


def short_traceback(error: WorkbenchError, hint: str | None = None) -> list[str]:
    """The lines IPython shows for ``error`` instead of a traceback (ANSI coloured).

    ``hint`` is shown when the error brings none of its own.
    """
    lines = [f"{_RED}{type(error).__name__}{_RESET}: {error}"]
    if error.hint or hint:
        lines.append(f"{_CYAN}hint{_RESET}: {error.hint or hint}")
    lines.append(f"{_DIM}(full traceback: {TRACEBACK_SWITCH} on){_RESET}")
    return lines


def reported(hint: str | None = None) -> Callable[[Magic], Magic]:
    """Let a magic's ``WorkbenchError`` show as a short message unless full tracebacks are on.

    The magic's ``Magics`` instance says which with its ``full_tracebacks`` attribute; ``hint``
    is the magic's own advice for errors that carry none.
    """

    def decorate(magic: Magic) -> Magic:
        @wraps(magic)
        def run(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return magic(self, *args, **kwargs)
            except WorkbenchError as error:
                if not self.full_tracebacks:
                    setattr(error, "_render_traceback_", partial(short_traceback, error, hint))
                raise

        return run  # type: ignore[return-value]

    return decorate
