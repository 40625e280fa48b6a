"""Error policies: stop, skip and dead-letter; every input accounted for, whatever fails.

Fast tests use plain Python operators; the wasm tests (slow) drive the ``probe`` component
through every fault the host can see: guest exception, ``Err`` result, wrong return type,
deadline, memory limit and oversized output, with the instance re-created after each trap.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from tests.dataflow._engine import MODULE, AddOne, Window, chain, msg, value, with_value
from workbench.dataflow.faults import FaultHandler
from workbench.dataflow.registry import PythonModule
from workbench.dataflow.run import run
from workbench.errors import (
    GraphError,
    OperatorError,
    OperatorFailure,
    OperatorMemoryError,
    OperatorTimeout,
    OperatorTrap,
)
from workbench.host.limits import Limits
from workbench.messages import Message

BALANCE = ("emitted", "filtered", "folded", "held", "dropped", "failed")


def balanced(result: Any) -> None:
    """Per operation: received + fired == emitted + filtered + folded + held + dropped + failed."""
    for row in result.summary.to_dict("records"):
        assert row["received"] + row["fired"] == sum(row[k] for k in BALANCE), row


class FailsOn:
    """A map that raises on the given values and adds one to the rest."""

    def __init__(self, *values: int, error: type[Exception] = ValueError):
        self.values, self.error = set(values), error

    def init(self, properties: dict[str, str]) -> bool:
        return True

    def process(self, message: Message) -> Message:
        if value(message) in self.values:
            raise self.error(f"cannot handle {value(message)}")
        return with_value(message, value(message) + 1)


class WrongType(FailsOn):
    def process(self, message: Message) -> Any:
        return "oops" if value(message) in self.values else message


class FoldFails:
    """An accumulate that fails on batches containing a 13."""

    def init(self, properties: dict[str, str]) -> bool:
        return True

    def process(self, staged: Message, messages: list[Message]) -> Message:
        if any(value(m) == 13 for m in messages):
            raise RuntimeError("unlucky batch")
        return with_value(staged, (value(staged) or 0) + sum(value(m) for m in messages))


def inputs(*values: int) -> list[Message]:
    return [msg(v, 100 * (i + 1)) for i, v in enumerate(values)]


def run_map(operator: Any, data: list[Message], **options: Any) -> Any:
    return run(chain(("m", "map")), data, modules={MODULE: PythonModule(map=lambda: operator)}, mode="native",
               **options)


def test_stop_ends_the_run_naming_operator_input_and_traceback_and_keeps_the_partial_run() -> None:
    with pytest.raises(OperatorError) as info:
        run_map(FailsOn(3), inputs(1, 2, 3, 4))
    error = info.value
    assert "operator 'm' failed in process: ValueError: cannot handle 3" in str(error)
    assert "input: Message(payload=b'3'" in str(error)
    assert "raise self.error" in error.guest_traceback
    partial = error.run
    assert partial.inputs == 3 and [value(m) for m in partial.messages()] == [2, 3]
    assert partial.summary.set_index("operator").loc["m", "failed"] == 1
    balanced(partial)


@pytest.mark.parametrize("policy", ["skip", "dead-letter"])
def test_skip_and_dead_letter_drop_the_failing_input_and_go_on(policy: str) -> None:
    result = run_map(FailsOn(2, 4), inputs(1, 2, 3, 4, 5), errors=policy)
    assert [value(m) for m in result.messages()] == [2, 4, 6]
    assert result.failed == 2
    balanced(result)
    letters = result.dead_letters
    assert len(letters) == (2 if policy == "dead-letter" else 0)


def test_dead_letters_keep_input_error_and_timestamp() -> None:
    result = run_map(FailsOn(2), inputs(1, 2, 3), errors="dead-letter")
    letter = result.dead_letters.iloc[0]
    assert (letter.operator, letter.timestamp, letter.payload, letter.error) == ("m", "200:0:n", b"2", "OperatorError")
    assert letter.reason == "ValueError: cannot handle 2" and "cannot handle 2" in letter.guest_traceback
    assert list(result.dead_letters.columns) == ["operator", "timestamp", "inputs", "topic", "payload", "error",
                                                 "reason", "guest_traceback", "wall_time"]
    assert "1 failed" in repr(result)


def test_a_wrong_return_type_is_a_fault_like_any_other() -> None:
    result = run_map(WrongType(2), inputs(1, 2, 3), errors="dead-letter")
    assert result.dead_letters.iloc[0].reason.startswith("returned 'oops'; a map must return a Message")
    assert len(result.messages()) == 2


def test_an_operator_failing_only_on_the_nth_message() -> None:
    result = run_map(FailsOn(500), inputs(*range(1000)), errors="skip")
    assert result.output_count == 999 and result.failed == 1
    balanced(result)


def test_policies_per_operation_with_a_default() -> None:
    graph = chain(("a", "map"), ("b", "map"))
    module = PythonModule(map=lambda: FailsOn(2))
    with pytest.raises(OperatorError, match="operator 'b'"):
        run(graph, inputs(1, 2), modules={MODULE: module}, mode="native", errors={"a": "skip"})
    # a fails on 2 and skips it; b sees 2 (from 1) and stops the run, unless it skips too
    result = run(graph, inputs(1, 2), modules={MODULE: module}, mode="native", errors={"a": "skip", "*": "skip"})
    assert result.summary.set_index("operator")["failed"].to_dict() == {"source": 0, "a": 1, "b": 1, "sink": 0}


def test_bad_policies_are_refused_before_the_run() -> None:
    with pytest.raises(GraphError, match="'retry' is not one of stop, skip, dead-letter"):
        run_map(AddOne(), inputs(1), errors="retry")
    with pytest.raises(GraphError, match="error policy for unknown operations: 'nope'"):
        run_map(AddOne(), inputs(1), errors={"nope": "skip"})


def test_a_failed_accumulate_batch_is_lost_but_the_timestamp_still_fires_with_the_other_batches() -> None:
    graph = chain(("w", "delay"), ("sum", "accumulate"))
    module = PythonModule(delay=lambda: Window(1000), accumulate=FoldFails)
    data = inputs(1, 13, 2, 3, 4)  # 100..500 ms: all in the first window
    result = run(graph, data, modules={MODULE: module}, mode="native", errors="dead-letter", accumulate_batch=2)
    # batches of two: (1, 13) fails and is lost; (2, 3) folds; (4) folds at the end of the window
    assert [value(m) for m in result.messages()] == [2 + 3 + 4]
    assert result.dead_letters.iloc[0].inputs == 2
    assert result.summary.set_index("operator").loc["sum", "failed"] == 2
    balanced(result)


def test_an_accumulate_whose_every_batch_failed_emits_nothing() -> None:
    graph = chain(("w", "delay"), ("sum", "accumulate"))
    module = PythonModule(delay=lambda: Window(1000), accumulate=FoldFails)
    result = run(graph, inputs(13), modules={MODULE: module}, mode="native", errors="skip")
    assert result.output_count == 0
    assert result.summary.set_index("operator").loc["sum", ["failed", "fired"]].tolist() == [1, 0]
    balanced(result)


def test_dead_letters_are_bounded() -> None:
    handler = FaultHandler("dead-letter", ["m"], limit=2)
    error = OperatorError(OperatorFailure("m", "process", "broken"))
    for i in range(5):
        handler("m", error, msg(i, i).timestamp, msg(i, i))
    assert len(handler.dead_letters) == 2 and handler.dropped == 3
    with pytest.raises(OperatorError):
        FaultHandler("stop", ["m"])("m", error, msg(1, 1).timestamp, msg(1, 1))


@pytest.fixture(scope="module")
def probe(compiled: Any) -> Any:
    return compiled("api_1_1/probe.py")


def probe_inputs(*requests: dict[str, Any]) -> list[Message]:
    return [msg(r, 100 * (i + 1)) for i, r in enumerate(requests)]


@pytest.mark.slow
@pytest.mark.parametrize(("request_", "kind", "reason"), [
    ({"action": "divide", "divisor": 0}, OperatorTrap, "ZeroDivisionError"),
    ({"action": "err", "why": "bad reading"}, OperatorError, "returned an error: refused: bad reading"),
    ({"action": "wrong_type"}, OperatorTrap, "must return a types.DataModel"),
    ({"action": "spin"}, OperatorTimeout, "exceeded its deadline"),
    ({"action": "hoard", "chunk": 8 << 20}, OperatorMemoryError, "ran out of memory"),
    ({"action": "big", "size": 8 << 20}, OperatorTrap, "returned more data than wasmtime can copy"),
])
def test_wasm_faults_under_every_policy(probe: Any, request_: dict[str, Any], kind: type, reason: str) -> None:
    graph = chain(("probe/map", "map"))
    modules = {MODULE: probe}
    data = probe_inputs({"action": "echo", "n": 1}, request_, {"action": "echo", "n": 2})
    limits = Limits(deadline=1.0, memory=64 << 20)
    with pytest.raises(kind, match=reason) as info:
        run(graph, data, modules=modules, limits=limits)
    assert info.value.run.inputs == 2
    result = run(graph, data, modules=modules, limits=limits, errors="dead-letter")
    echoed = [json.loads(m.payload)["result"]["n"] for m in result.messages()]
    assert echoed == [1, 2]  # the instance is re-created after a trap and the run goes on
    assert reason in result.dead_letters.iloc[0].reason
    balanced(result)


@pytest.mark.slow
def test_wasm_init_returning_false_always_ends_the_run(probe: Any) -> None:
    from workbench.dataflow.graph import Parameter

    graph = chain(("probe/map", "map")).with_configuration("probe/map", Parameter("reject", "reject", default="yes"))
    with pytest.raises(OperatorError, match="returned false"):
        run(graph, probe_inputs({"action": "echo"}), modules={MODULE: probe}, errors="skip")


def test_summary_frame_has_a_failed_column() -> None:
    result = run_map(AddOne(), inputs(1))
    assert isinstance(result.summary, pd.DataFrame) and "failed" in result.summary.columns
    assert result.failed == 0 and result.dead_letters.empty
