"""Running AIO local test files: a graph over its input, outputs compared with the expected ones.

The test's ``timeout`` bounds the run from the first input message on: building the modules
does not count (AIO builds before it tests). The time is checked before every input message,
and in wasm mode no single operator call may take longer than the timeout (nor than the host's
usual per-call deadline). A native operator stuck in a call is not interrupted; the run stops
at the next message. The time taken after the last input (flushing windows) is checked when
the run ends.

Outcomes are ``passed``, ``failed`` (outputs differ from the expected ones, or the run took
too long) and ``error`` (the test could not run: a bad graph, a build failure, an operator
error), as AIO's test runner counts them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import OperatorTimeout, WorkbenchError
from .compare import compare, message_record
from .testfile import AioTest

PASSED, FAILED, ERROR = "passed", "failed", "error"


@dataclass(frozen=True)
class TestOutcome:
    """What running one AIO test gave: a status, and for failures a readable explanation."""

    __test__ = False  # not a pytest test class

    test: AioTest
    status: str
    message: str
    seconds: float
    outputs: tuple[dict[str, Any], ...] = ()

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def __str__(self) -> str:
        head = f"{self.status.upper()} {self.test.name} ({self.test.file}, {self.seconds:.2f} s)"
        if self.passed:
            return head
        return head + "\n" + "\n".join(f"    {line}" for line in self.message.splitlines())


class _TimedOut(Exception):
    def __init__(self, fed: int):
        super().__init__(fed)
        self.fed = fed


class _Deadline:
    """The input messages, stopping the run when the test's time is up.

    The clock starts when the engine asks for the first message, after it has created (and
    in wasm mode built) the operators.
    """

    def __init__(self, messages: Iterable[Any], seconds: float):
        self.messages = messages
        self.seconds = seconds
        self.started: float | None = None

    def __iter__(self) -> Iterator[Any]:
        self.started = time.perf_counter()
        for fed, message in enumerate(self.messages):
            if time.perf_counter() - self.started > self.seconds:
                raise _TimedOut(fed)
            yield message

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started if self.started is not None else 0.0


def run_test(test: AioTest) -> TestOutcome:
    """Run one AIO test; errors of the run become ``error`` outcomes, not exceptions."""
    from ..dataflow.run import messages_from

    started = time.perf_counter()
    try:
        inputs = _Deadline(messages_from(str(test.input), test.topic or "input"), test.timeout)
        result = _run(test, inputs)
    except _TimedOut as exc:
        return _timed_out(test, f"stopped after {exc.fed} input messages", inputs.elapsed)
    except OperatorTimeout as exc:
        return _timed_out(test, f"an operator call ran past it and was interrupted:\n{exc}", inputs.elapsed)
    except WorkbenchError as exc:
        return TestOutcome(test, ERROR, f"the run failed: {exc}", time.perf_counter() - started)
    return _judge(test, result, inputs.elapsed)


def _run(test: AioTest, inputs: _Deadline) -> Any:
    from ..dataflow.run import run
    from ..host.limits import Limits

    limits = Limits(deadline=min(Limits().deadline, test.timeout)) if test.mode == "wasm" else None
    return run(test.graph, inputs, modules=test.modules, mode=test.mode, config=test.config, limits=limits,
               state=test.state, output_limit=None)


def _timed_out(test: AioTest, detail: str, seconds: float) -> TestOutcome:
    message = f"timed out: the run took longer than the test's timeout of {test.timeout_ms:g} ms; {detail}"
    return TestOutcome(test, FAILED, message + _unit_hint(test), seconds)


def _unit_hint(test: AioTest) -> str:
    """A short timeout may have been meant in seconds; AIO's are in milliseconds."""
    return "\n(timeout is in milliseconds, as in AIO's test files)" if test.timeout_ms < 1000 else ""


def _judge(test: AioTest, result: Any, seconds: float) -> TestOutcome:
    outputs = tuple(message_record(m) for m in result.messages())
    if seconds > test.timeout:
        message = (f"timed out: the run took {seconds * 1000:.0f} ms, longer than the test's timeout "
                   f"of {test.timeout_ms:g} ms{_unit_hint(test)}")
        return TestOutcome(test, FAILED, message, seconds, outputs)
    problem = compare(test.expected, outputs, test.select, test.ignores)
    return TestOutcome(test, PASSED if problem is None else FAILED, problem or "", seconds, outputs)
