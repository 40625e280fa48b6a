"""Running AIO test files end to end: the sample suite in native mode (fast) and wasm mode (slow)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.testing._suite import FAILING, OPERATOR, PASSING, REFERENCE, SUITE, aio_sample_test, write_test
from workbench.testing import TestOutcome, load_test, run_test


def run(path: Path, mode: str = "native") -> TestOutcome:
    return run_test(load_test(path, mode=mode))


# -- the suite's passing tests ------------------------------------------------------------------


@pytest.mark.parametrize("name", PASSING)
def test_passing_suite_native(name: str) -> None:
    outcome = run(SUITE / name)
    assert (outcome.status, outcome.message) == ("passed", "")
    assert outcome.passed and str(outcome).startswith(f"PASSED {outcome.test.name} ({SUITE / name}, ")


@pytest.mark.slow
@pytest.mark.parametrize("name", PASSING)
def test_passing_suite_wasm(name: str) -> None:
    outcome = run(SUITE / name, "wasm")
    assert (outcome.status, outcome.message) == ("passed", "")


def test_outputs_are_aio_output_records() -> None:
    outcome = run(SUITE / "convert.test.yaml")
    assert [r["payload"] for r in outcome.outputs] == [
        {"sensor": "boiler", "celsius": 100.0}, {"sensor": "hot-day", "celsius": 37.8},
        {"sensor": "room", "celsius": 20.0}]
    assert all(r["properties"]["user-properties"]["converted-by"] == "fahrenheit" for r in outcome.outputs)
    assert {"tst", "topic", "qos", "retain", "payloadlen"} <= set(outcome.outputs[0])


def test_the_suite_runs_the_same_with_every_mode_from_the_file(tmp_path: Path) -> None:
    expected = [{"sensor": "boiler", "celsius": 100.0}, {"sensor": "hot-day", "celsius": 37.8},
                {"sensor": "room", "celsius": 20.0}]
    outcome = run_test(load_test(write_test(tmp_path, expected=expected, mode="native")))
    assert outcome.passed, outcome.message
    assert outcome.test.mode == "native"


# -- deliberate failures: readable diffs --------------------------------------------------------


def test_failing_tests_all_fail() -> None:
    outcomes = {name: run(SUITE / "failing" / name) for name in FAILING}
    assert {name: o.status for name, o in outcomes.items()} == {name: "failed" for name in FAILING}
    assert all(o.message for o in outcomes.values())


def test_wrong_value_diff() -> None:
    outcome = run(SUITE / "failing" / "wrong_value.test.yaml")
    lines = outcome.message.splitlines()
    assert lines[:3] == ["the last of 3 output messages differs:", "--- expected", "+++ actual"]
    assert '-    "celsius": 21.5,' in lines and '+    "celsius": 20.0,' in lines
    assert '     "sensor": "room"' in lines
    text = str(outcome)
    assert text.startswith(f"FAILED Deliberately wrong: the last reading is 20.0 °C, not 21.5 "
                           f"({SUITE / 'failing' / 'wrong_value.test.yaml'}, ")
    assert '\n    -    "celsius": 21.5,' in text  # indented under the headline


def test_expects_none_but_outputs_come() -> None:
    outcome = run(SUITE / "failing" / "expects_none.test.yaml")
    assert outcome.message.startswith("expected no output messages, got 3:")
    assert "-[]" in outcome.message.splitlines()
    assert '+      "sensor": "hot-day"' in outcome.message


def test_wrong_count_shows_the_missing_message() -> None:
    outcome = run(SUITE / "failing" / "wrong_count.test.yaml")
    assert outcome.message.startswith("expected 2 output messages, got 3:")
    assert '+      "celsius": 37.8,' in outcome.message


def test_needs_output_but_none_comes() -> None:
    outcome = run(SUITE / "failing" / "needs_output.test.yaml")
    assert outcome.message == "expected an output message (compared with the last one), but the graph produced none"
    assert outcome.outputs == ()


# -- timeouts -----------------------------------------------------------------------------------


def test_timeout_stops_a_native_run_between_messages() -> None:
    outcome = run(SUITE / "failing" / "timeout.test.yaml")
    assert outcome.status == "failed"
    assert outcome.message == ("timed out: the run took longer than the test's timeout of 100 ms; "
                               "stopped after 1 input messages\n"
                               "(timeout is in milliseconds, as in AIO's test files)")


@pytest.mark.slow
def test_timeout_interrupts_a_wasm_call() -> None:
    outcome = run(SUITE / "failing" / "timeout.test.yaml", "wasm")
    assert outcome.status == "failed"
    assert outcome.message.startswith("timed out: the run took longer than the test's timeout of 100 ms; "
                                      "an operator call ran past it and was interrupted:\n")
    assert "operator 'convert/map' failed in process" in outcome.message


def test_a_generous_timeout_passes(tmp_path: Path) -> None:
    path = write_test(tmp_path, expected={"sensor": "room", "celsius": 20.0}, timeout=60000,
                      config={"convert/map.busy_ms": 1})
    assert run(path).passed


# -- errors: the test cannot run ----------------------------------------------------------------


def test_an_operator_error_is_an_error_outcome(tmp_path: Path) -> None:
    (tmp_path / "input").mkdir()
    (tmp_path / "input" / "bad.json").write_text('{"sensor": "no reading"}')
    outcome = run(write_test(tmp_path, input="./input", expected=[]))
    assert outcome.status == "error"
    assert outcome.message.startswith("the run failed: operator 'convert/map' failed in process")
    assert "KeyError" in outcome.message and str(OPERATOR) in outcome.message
    assert str(outcome).startswith("ERROR case (")


def test_a_missing_module_is_an_error_outcome(tmp_path: Path) -> None:
    outcome = run(write_test(tmp_path, expected=[], modules={}))
    assert outcome.status == "error"
    assert f"module '{REFERENCE}' is not registered" in outcome.message


def test_unreadable_input_is_an_error_outcome(tmp_path: Path) -> None:
    (tmp_path / "input.json").write_text("{not json")
    outcome = run(write_test(tmp_path, input="./input.json", expected=[]))
    assert outcome.status == "error"
    assert outcome.message.startswith("the run failed: ") and "input.json" in outcome.message


def test_topic_and_state_fields(tmp_path: Path) -> None:
    (tmp_path / "statestore.json").write_text(json.dumps([{"factoryId": "factoryA"}]))
    path = write_test(tmp_path, expected=[], topic="probe/1", state="./statestore.json")
    test = load_test(path, mode="native")
    assert test.topic == "probe/1" and test.state == tmp_path / "statestore.json"
    outcome = run_test(test)
    assert outcome.status == "failed"
    assert {r["topic"] for r in outcome.outputs} == {"probe/1"}


# -- AIO's published sample graph and payloads --------------------------------------------------


def test_aio_sample_payloads_native(tmp_path: Path) -> None:
    outcome = run(aio_sample_test(tmp_path))
    assert (outcome.status, outcome.message) == ("passed", "")
    assert len(outcome.outputs) == 6


@pytest.mark.slow
def test_aio_sample_payloads_wasm(tmp_path: Path) -> None:
    outcome = run(aio_sample_test(tmp_path), "wasm")
    assert (outcome.status, outcome.message) == ("passed", "")


def test_aio_sample_payloads_catch_a_wrong_precision(tmp_path: Path) -> None:
    test = replace(load_test(aio_sample_test(tmp_path), mode="native"),
                   config={"module-temperature/map.precision": "1"})
    outcome = run_test(test)
    assert outcome.status == "failed"
    assert '-      "value": 653.8888888888889' in outcome.message
    assert '+      "value": 653.9' in outcome.message


def test_a_run_that_ends_past_the_timeout_fails(tmp_path: Path) -> None:
    from workbench.messages import Message
    from workbench.testing.aio_tests import _judge

    class Finished:  # a run whose outputs match, but which ended after the timeout
        def messages(self) -> list[Message]:
            return [Message.of({"sensor": "room", "celsius": 20.0})]

    test = load_test(write_test(tmp_path, expected={"sensor": "room", "celsius": 20.0}, timeout=2000))
    late = _judge(test, Finished(), seconds=2.5)
    assert (late.status, late.message) == (
        "failed", "timed out: the run took 2500 ms, longer than the test's timeout of 2000 ms")
    assert len(late.outputs) == 1
    assert _judge(test, Finished(), seconds=1.5).passed
