"""The typed calls every running operator offers, one per operator kind.

Wasm instances (``host.instance.OperatorInstance``) and native operators
(``native.operator.NativeOperator``) both implement ``process(*inputs)`` for their kind; these
named calls say, per kind, what goes in and what comes out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .messages import DataModel, Timestamp


class KindCalls:
    """``map``/``filter``/``branch``/``accumulate``/``delay`` over ``process``."""

    def process(self, *inputs: Any) -> Any:
        raise NotImplementedError

    def map(self, message: DataModel) -> DataModel:
        return self.process(message)

    def filter(self, message: DataModel) -> bool:
        return self.process(message)

    def branch(self, timestamp: Timestamp, message: DataModel) -> bool:
        return self.process(timestamp, message)

    def accumulate(self, staged: DataModel, messages: Sequence[DataModel]) -> DataModel:
        return self.process(staged, messages)

    def delay(self, message: DataModel, timestamp: Timestamp) -> Timestamp:
        return self.process(message, timestamp)
