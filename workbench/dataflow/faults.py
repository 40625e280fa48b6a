"""What a run does when an operator fails: its error policy, and the dead-letter record.

Policies, per run or per operation:

- ``stop`` (the default): the run ends with the ``OperatorError``, which names the operation, the
  input message and the guest traceback mapped to the user's lines; ``error.run`` is the record
  of the run up to the failure.
- ``skip``: the failing input is dropped, counted as ``failed`` for that operation, and the run goes on.
- ``dead-letter``: like ``skip``, and the input and its error are kept in ``Run.dead_letters``.

A wasm instance that trapped (deadline, memory limit, panic) is re-created with its ``init``
configuration before its next call (``workbench.host.instance``), so a run under ``skip`` or
``dead-letter`` carries on with a fresh instance. ``init`` failing always ends the run: an
operator that cannot start has nothing to skip.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..errors import GraphError, OperatorError
from ..messages import Timestamp

POLICIES = ("stop", "skip", "dead-letter")


@dataclass(frozen=True)
class DeadLetter:
    """One input an operation failed on, with its error."""

    operator: str
    timestamp: Timestamp
    inputs: int
    topic: str
    payload: bytes
    error: str
    reason: str
    guest_traceback: str | None
    wall_time: float


class FaultHandler:
    """Applies the run's error policy to each operator failure; keeps dead letters (bounded)."""

    def __init__(self, policy: str | Mapping[str, str], operations: Iterable[str], limit: int = 10_000):
        names = set(operations)
        default, overrides = (policy, {}) if isinstance(policy, str) else ("stop", dict(policy))
        unknown = sorted(set(overrides) - names - {"*"})
        if unknown:
            raise GraphError(f"error policy for unknown operations: {', '.join(map(repr, unknown))} "
                             f"(operations: {', '.join(map(repr, sorted(names)))})")
        default = overrides.pop("*", default)
        for value in (default, *overrides.values()):
            if value not in POLICIES:
                raise GraphError(f"error policy {value!r} is not one of {', '.join(POLICIES)}")
        self.default = default
        self.overrides = overrides
        self.dead_letters: list[DeadLetter] = []
        self.limit = limit
        self.dropped = 0

    def policy(self, operation: str) -> str:
        return self.overrides.get(operation, self.default)

    def __call__(self, operation: str, error: OperatorError, timestamp: Timestamp, message: object,
                 inputs: int = 1) -> None:
        """Raise ``error`` under ``stop``; otherwise record it (``dead-letter``) and return."""
        policy = self.policy(operation)
        if policy == "stop":
            raise error
        if policy == "dead-letter":
            self._keep(DeadLetter(operation, timestamp, inputs, getattr(message, "topic", ""),
                                  getattr(message, "payload", b""), type(error).__name__, error.failure.reason,
                                  error.guest_traceback, time.time()))

    def _keep(self, letter: DeadLetter) -> None:
        if len(self.dead_letters) < self.limit:
            self.dead_letters.append(letter)
        else:
            self.dropped += 1
