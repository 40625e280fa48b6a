"""Resource limits for one operator instance."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Deadline per call and memory ceiling per store.

    ``deadline`` bounds every guest call (init and process) in seconds, enforced by epoch
    interruption (host-side conversion of arguments does not count); ``memory`` bounds the
    linear memory of the store in bytes.

    Not a setting but a fact: a payload a guest returns as bytes must stay below about
    2.6 MiB per call, the most wasmtime's C API copies out of a component in one result.
    Larger results fail with a clear ``OperatorTrap``; inputs are not limited this way.
    """

    deadline: float = 5.0
    memory: int = 512 * 1024 * 1024
