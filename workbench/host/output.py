"""Guest stdout and stderr, captured through files rather than callbacks.

wasmtime can call a custom-output callback from one of its runtime threads, even while the
process exits; a Python callback there can abort the interpreter. Files written by wasmtime
and read by the host after each call have no such hazard. The files are unlinked as soon as
wasmtime has opened them, so nothing is left behind; the host's descriptors are closed by
``close``, or when the ``GuestOutput`` is garbage collected.
"""

from __future__ import annotations

import os
import tempfile
import weakref

import wasmtime

STREAMS = ("stdout", "stderr")


class GuestOutput:
    """The two output files of one store, read incrementally."""

    def __init__(self, wasi: wasmtime.WasiConfig):
        self._files: dict[str, int] = {}
        self._read = {stream: 0 for stream in STREAMS}
        self._finalizer = weakref.finalize(self, _close_all, self._files)
        for stream in STREAMS:
            fd, path = tempfile.mkstemp(prefix=f"workbench-{stream}-")
            self._files[stream] = fd
            try:
                setattr(wasi, f"{stream}_file", path)
            finally:
                os.unlink(path)

    def read(self) -> dict[str, str]:
        """What each stream received since the last read (one cheap seek when nothing did)."""
        new = {}
        for stream, fd in self._files.items():
            size = os.lseek(fd, 0, os.SEEK_END)
            if size > self._read[stream]:
                new[stream] = os.pread(fd, size - self._read[stream], self._read[stream]).decode("utf-8", "replace")
                self._read[stream] = size
        return new

    def close(self) -> None:
        self._finalizer()


def _close_all(files: dict[str, int]) -> None:
    for fd in files.values():
        os.close(fd)
    files.clear()
