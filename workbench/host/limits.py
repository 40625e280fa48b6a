"""Resource limits for one operator instance."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Deadline per call and memory ceiling per store.

    ``deadline`` bounds every guest call (init and process) in seconds, enforced by epoch
    interruption; ``memory`` bounds the linear memory of the store in bytes.
    """

    deadline: float = 5.0
    memory: int = 512 * 1024 * 1024
    max_output_bytes: int = 64 * 1024 * 1024
