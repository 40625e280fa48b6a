"""The shared wasmtime engine and the epoch ticker that enforces call deadlines."""

from __future__ import annotations

import threading
from functools import lru_cache

import wasmtime

EPOCH_TICK_SECONDS = 0.01


@lru_cache(maxsize=1)
def shared_engine() -> wasmtime.Engine:
    """One engine for the whole process: compiled components are tied to it."""
    config = wasmtime.Config()
    config.epoch_interruption = True
    config.wasm_component_model = True
    engine = wasmtime.Engine(config)
    _EpochTicker(engine).start()
    return engine


def deadline_ticks(seconds: float) -> int:
    """Epoch ticks for a deadline of ``seconds`` (at least one tick)."""
    return max(1, round(seconds / EPOCH_TICK_SECONDS))


class _EpochTicker(threading.Thread):
    """Advances the engine's epoch so a runaway guest call is interrupted.

    The thread never calls into Python code of a guest; it only increments a counter,
    so it cannot deadlock with a running call.
    """

    def __init__(self, engine: wasmtime.Engine):
        super().__init__(name="workbench-epoch-ticker", daemon=True)
        self._engine = engine
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.wait(EPOCH_TICK_SECONDS):
            self._engine.increment_epoch()
