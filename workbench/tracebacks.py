"""Mapping guest Python tracebacks back to the user's own files and cells."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')


# componentize-py mounts each bundled folder at /<index>/ in the guest; the standard
# library lives elsewhere (/python/...), so only these frames can be the user's.
_BUNDLED = re.compile(r"^/\d+/(?P<relative>.+)$")


@dataclass(frozen=True)
class SourceMap:
    """Where bundled guest files come from: path in the bundle -> (shown name, line offset).

    A notebook cell compiled as ``operator_app.py`` can be shown as ``cell [3]``; the
    offset accounts for lines the workbench added in front of the user's code.
    """

    modules: dict[str, tuple[str, int]] = field(default_factory=dict)

    def locate(self, guest_file: str, line: int) -> tuple[str, int] | None:
        match = _BUNDLED.match(guest_file)
        if match is None or match["relative"] not in self.modules:
            return None
        shown, offset = self.modules[match["relative"]]
        return shown, line - offset


def map_traceback(text: str, source_map: SourceMap) -> str:
    """Rewrite frame locations that belong to user modules; leave the others as they are."""

    def replace(match: re.Match[str]) -> str:
        found = source_map.locate(match["file"], int(match["line"]))
        if found is None:
            return match.group(0)
        return f'File "{found[0]}", line {found[1]}'

    return _FRAME.sub(replace, text)


_RUNTIME_NOISE = ("thread '", "note: run with `RUST_BACKTRACE", "Stack backtrace:", "Caused by:")


def _without_runtime_noise(text: str) -> str:
    """Drop the Rust panic lines componentize-py prints after a Python traceback."""
    kept = []
    for line in text.splitlines():
        if line.startswith(_RUNTIME_NOISE):
            break
        kept.append(line)
    return "\n".join(kept).rstrip()


_PANIC = re.compile(r"panicked at [^\n]*:\n(?P<message>[^\n]+)")


def extract_guest_traceback(stderr: str, source_map: SourceMap) -> str | None:
    """The last Python traceback the guest printed, mapped to user lines, or None.

    Without a Python traceback (e.g. componentize-py could not convert a wrong return
    value), the runtime's panic message is the best account of what happened.
    """
    start = stderr.rfind("Traceback (most recent call last):")
    text = _without_runtime_noise(stderr[start:] if start >= 0 else stderr)
    if start < 0:
        panic = _PANIC.search(stderr)
        if panic:
            text = (text + "\n" if text.strip() else "") + f"guest runtime: {panic['message'].strip()}"
    return map_traceback(text, source_map) if text.strip() else None


def user_frames(traceback: str, source_map: SourceMap) -> list[tuple[str, int]]:
    """(file, line) of the frames of a mapped traceback that are in user modules."""
    shown = {name for name, _ in source_map.modules.values()}
    return [(m["file"], int(m["line"])) for m in _FRAME.finditer(traceback) if m["file"] in shown]
