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
        self._readers = {}
        for stream in STREAMS:
            fd, path = tempfile.mkstemp(prefix=f"workbench-{stream}-")
            try:
                setattr(wasi, f"{stream}_file", path)
            finally:
                os.unlink(path)
            self._readers[stream] = os.fdopen(fd, "rb")

    def read(self) -> dict[str, str]:
        """What each stream received since the last read."""
        return {stream: reader.read().decode("utf-8", "replace") for stream, reader in self._readers.items()}

    def close(self) -> None:
        for reader in self._readers.values():
            reader.close()
