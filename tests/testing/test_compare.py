"""Comparing output records with AIO expected output: plain data, no runs."""

from __future__ import annotations

import json

import pytest

from workbench.messages import Message, Timestamp
from workbench.testing.compare import compare, diff, drop, is_record, lookup, message_record, pick, same, view


def record(payload: object, topic: str = "out", **user: str) -> dict[str, object]:
    """An output record as a run gives it (AIO's local runtime output format)."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return message_record(Message.of(text, topic, properties=user, timestamp=Timestamp.from_millis(1000)))


# -- output records -----------------------------------------------------------------------


def test_output_records_are_aio_local_runtime_records() -> None:
    got = record({"t": 1}, "sensors", factory="A")
    assert got["topic"] == "sensors" and got["payload"] == {"t": 1}
    assert got["properties"]["user-properties"]["factory"] == "A"  # type: ignore[index]
    assert {"tst", "qos", "retain", "payloadlen"} <= set(got)


def test_a_pasted_output_line_is_a_valid_expectation() -> None:
    line = record({"t": 1}, "sensors", factory="A")
    assert is_record(line)
    assert compare(json.loads(json.dumps(line)), [record({"t": 1}, "sensors", factory="A")]) is None
    assert compare(line, [record({"t": 1}, "sensors", factory="B")]) is not None


def test_which_objects_are_records() -> None:
    assert is_record({"payload": "1"}) and is_record({"topic": "a"}) and is_record({"payload64": "AA=="})
    assert not is_record({}) and not is_record({"temperature": 1}) and not is_record({"payload": 1, "x": 2})
    assert not is_record([{"payload": "1"}])


# -- object: the last message ---------------------------------------------------------------


def test_object_compares_with_the_last_output() -> None:
    outputs = [record({"v": 1}), record({"v": 2})]
    assert compare({"payload": '{"v": 2}'}, outputs) is None
    problem = compare({"payload": '{"v": 1}'}, outputs)
    assert problem is not None
    assert problem.startswith("the last of 2 output messages differs:")
    assert '-    "v": 1' in problem and '+    "v": 2' in problem


def test_object_with_no_output_fails() -> None:
    assert compare({"payload": "{}"}, []) == (
        "expected an output message (compared with the last one), but the graph produced none")


# -- array: every message in order, [] for none -----------------------------------------------


def test_array_compares_every_output_in_order() -> None:
    outputs = [record({"v": 1}), record({"v": 2})]
    assert compare([{"payload": '{"v": 1}'}, {"payload": '{"v": 2}'}], outputs) is None
    problem = compare([{"payload": '{"v": 2}'}, {"payload": '{"v": 1}'}], outputs)
    assert problem is not None
    assert "output message 1 of 2 differs:" in problem
    assert "output message 2 of 2 differs:" in problem


def test_array_only_reports_the_messages_that_differ() -> None:
    outputs = [record({"v": 1}), record({"v": 2}), record({"v": 3})]
    problem = compare([{"v": 1}, {"v": 20}, {"v": 3}], outputs)
    assert problem is not None
    assert problem.splitlines()[0] == "output message 2 of 3 differs:"
    assert "message 1 " not in problem and "message 3 " not in problem
    assert '-    "v": 20' in problem and '+    "v": 2' in problem


def test_empty_array_means_no_output() -> None:
    assert compare([], []) is None
    problem = compare([], [record({"v": 1}, topic="alerts"), record("text")])
    assert problem is not None
    assert problem.startswith("expected no output messages, got 2:")
    assert '+    "topic": "alerts"' in problem
    assert '+      "v": 1' in problem
    assert '+    "payload": "text",' in problem


def test_array_length_mismatch_shows_both_lists() -> None:
    problem = compare([{"v": 1}, {"v": 2}], [record({"v": 1})])
    assert problem is not None
    assert problem.startswith("expected 2 output messages, got 1:")
    assert '-      "v": 2' in problem
    assert "topic" not in problem  # bare payloads: only payloads are shown


def test_more_outputs_than_expected_shows_the_extra_ones() -> None:
    problem = compare([{"v": 1}], [record({"v": 1}), record({"v": 9})])
    assert problem is not None
    assert problem.startswith("expected 1 output messages, got 2:")
    assert '+      "v": 9' in problem


# -- records and payloads ---------------------------------------------------------------------


def test_aio_payload_strings_compare_as_json() -> None:
    expected = {"payload": '{"temperature":{"value":653.8888888888889,"unit":"C"}}'}
    actual = record('{"temperature": {"unit": "C", "value": 653.8888888888889}}')
    assert compare(expected, [actual]) is None


def test_payloads_compare_as_text_unless_both_parse() -> None:
    assert compare({"payload": "hello"}, [record("hello")]) is None
    assert compare({"payload": '"hello"'}, [record("hello")]) is not None
    assert compare({"payload": "1.0"}, [record("1")]) is None
    assert compare({"payload": "1.0 "}, [record("1.00")]) is None
    assert compare({"payload": "not json"}, [record('"not json"')]) is not None


def test_a_bare_payload_is_json() -> None:
    assert compare({"temperature": 21.5}, [record({"temperature": 21.5})]) is None
    assert compare([[1, 2], "text", 3, None], [record([1, 2]), record("text"), record(3), record(None)]) is None
    problem = compare({"temperature": 21.5}, [record("not json")])
    assert problem is not None and '+  "payload": "not json"' in problem
    assert compare("not json", [record("not json")]) is None


def test_booleans_are_not_numbers() -> None:
    assert compare({"ok": True}, [record({"ok": 1})]) is not None
    assert compare({"ok": 1}, [record({"ok": True})]) is not None
    assert compare({"ok": True}, [record({"ok": True})]) is None


def test_without_select_only_the_fields_the_expected_record_names_compare() -> None:
    actual = record({"v": 1}, topic="sensors", factory="A")
    assert compare({"payload": '{"v": 1}'}, [actual]) is None
    assert compare({"topic": "sensors", "payload": '{"v": 1}'}, [actual]) is None
    problem = compare({"topic": "other", "payload": '{"v": 1}'}, [actual])
    assert problem is not None and '-  "topic": "other"' in problem and '+  "topic": "sensors"' in problem
    assert compare({"properties": {"user-properties": {"factory": "B"}}}, [actual]) is not None


def test_select_keeps_only_the_paths_on_both_sides() -> None:
    expected = {"topic": "sensors", "payload": '{"humidity":175,"temperature":12.5}'}
    actual = record({"humidity": 175, "temperature": 12.5}, topic="local/out")
    assert compare(expected, [actual], select=["payload"]) is None
    assert compare(expected, [actual]) is not None  # the topics differ


def test_select_is_strict_about_a_selected_field_the_expected_record_lacks() -> None:
    actual = record({"v": 1}, topic="sensors")
    problem = compare({"payload": '{"v": 1}'}, [actual], select=["payload", "topic"])
    assert problem is not None and '+  "topic": "sensors"' in problem


def test_select_into_user_properties_like_aio_statestore_test() -> None:
    expected = {"payload": '{"temperature":{"value":360,"unit":"F"}}',
                "properties": {"user-properties": {"otel/factoryId": "factoryA", "otel/machineId": "machineA"}}}
    actual = record({"temperature": {"value": 360, "unit": "F"}}, **{
        "otel/factoryId": "factoryA", "otel/machineId": "machineA", "__ts": "123:0:node"})
    select = ["payload", "properties.user-properties.otel/factoryId", "properties.user-properties.otel/machineId"]
    assert compare(expected, [actual], select=select) is None
    wrong = record({"temperature": {"value": 360, "unit": "F"}}, **{"otel/factoryId": "factoryB"})
    problem = compare(expected, [wrong], select=select)
    assert problem is not None
    assert '-      "otel/factoryId": "factoryA",' in problem and '+      "otel/factoryId": "factoryB"' in problem
    assert '-      "otel/machineId": "machineA"' in problem


def test_select_into_the_payload() -> None:
    expected = {"payload": '{"temperature": {"value": 100, "unit": "C"}, "seq": 1}'}
    actual = record({"temperature": {"value": 100, "unit": "C"}, "seq": 2})
    assert compare(expected, [actual], select=["payload.temperature"]) is None
    assert compare(expected, [actual], select=["payload.seq"]) is not None


def test_ignores_drop_paths_into_the_payload() -> None:
    expected = {"payload": '{"value": 100, "received": "2024-01-01T00:00:00Z"}'}
    actual = record({"value": 100, "received": "2025-06-30T12:00:00Z"})
    assert compare(expected, [actual]) is not None
    assert compare(expected, [actual], ignores=["payload.received"]) is None
    assert compare(expected, [actual], ignores=["payload.absent.deeper", "nothing"]) is not None


def test_ignores_apply_after_select() -> None:
    expected = {"topic": "a", "payload": '{"v": 1, "t": 5}'}
    actual = record({"v": 1, "t": 6}, topic="b")
    assert compare(expected, [actual], select=["payload"], ignores=["payload.t"]) is None


def test_paths_index_arrays() -> None:
    expected = {"payload": '[{"tag": "Pressure", "ts": 1}, {"tag": "Temperature", "ts": 2}]'}
    actual = record([{"tag": "Pressure", "ts": 10}, {"tag": "Temperature", "ts": 20}])
    assert compare(expected, [actual], ignores=["payload.0.ts"]) is not None
    assert compare(expected, [actual], ignores=["payload.0.ts", "payload.1.ts"]) is None
    assert compare(expected, [actual], select=["payload.0.tag", "payload.1.tag"]) is None


# -- the helpers ------------------------------------------------------------------------------


def test_lookup_pick_and_drop() -> None:
    data = {"a": {"b": [10, {"c": 3}]}, "x.y": 1}
    assert lookup(data, "a.b.1.c") == (3, True)
    assert lookup(data, "a.b.2") == (None, False)
    assert lookup(data, "a.b.c") == (None, False)
    assert lookup(data, "x.y") == (None, False)  # keys with dots cannot be addressed
    assert pick(data, ["a.b.0", "missing"]) == {"a": {"b": {"0": 10}}}
    drop(data, "a.b.1.c")
    drop(data, "a.b.0")
    drop(data, "nope.nope")
    assert data == {"a": {"b": [{}]}, "x.y": 1}


def test_same_is_json_equality() -> None:
    assert same({"a": [1, 2.0]}, {"a": [1.0, 2]})
    assert not same({"a": 1}, {"a": 1, "b": None})
    assert not same([1], (1,))
    assert not same(0, False) and not same(None, False) and not same("1", 1)
    assert not same({"a": []}, {"a": {}})


def test_view_shows_what_is_compared() -> None:
    wanted, got = view({"payload": '{"v": 1}'}, record({"v": 2}))
    assert (wanted, got) == ({"payload": {"v": 1}}, {"payload": {"v": 2}})


def test_diff_is_a_unified_diff_of_indented_json() -> None:
    text = diff({"a": 1, "b": "é"}, {"a": 2, "b": "é"})
    assert text.splitlines()[:2] == ["--- expected", "+++ actual"]
    assert '-  "a": 1,' in text and '+  "a": 2,' in text and '"b": "é"' in text


@pytest.mark.parametrize("expected", [{}, [{}]])
def test_an_empty_object_is_the_empty_payload_not_a_wildcard(expected: object) -> None:
    assert compare(expected, [record({})]) is None
    assert compare(expected, [record({"v": 1})]) is not None
