"""Guest stdout and stderr, captured through files rather than callbacks.

wasmtime can call a custom-output callback from one of its runtime threads, even while the
process exits; a Python callback there can abort the interpreter. Files written by wasmtime
and read by the host after each call have no such hazard. The files are unlinked as soon as
wasmtime has opened them, so nothing is left behind.
"""

from __future__ import annotations

import os
import tempfile

import wasmtime

STREAMS = ("stdout", "stderr")


class GuestOutput:
    """The two output files of one store, read incrementally."""

    def __init__(self, wasi: wasmtime.WasiConfig):
        self._files: dict[str, int] = {}
        self._read = {stream: 0 for stream in STREAMS}
        for stream in STREAMS:
            fd, path = tempfile.mkstemp(prefix=f"workbench-{stream}-")
            try:
                setattr(wasi, f"{stream}_file", path)
            finally:
                os.unlink(path)
            self._files[stream] = fd

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
        for fd in self._files.values():
            os.close(fd)
        self._files.clear()
