"""Payloads and timestamps at the edges: through the readers, native graphs and wasm graphs.

Each behaviour is stated in docs/semantics.md, "Payloads and timestamps at the edges". Graph
tests run the ``edges`` operator (``tests/operators/api_1_1/edges.py``: a map whose ``mode``
parameter says what it does with the payload, and a delay) natively and, marked slow, as a
wasm component. Reader tests need no operator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.conftest import operator_path
from tests.dataflow._engine import MODULE, chain
from tests.dataflow.test_faults import balanced
from workbench.dataflow.registry import PythonModule
from workbench.dataflow.run import run
from workbench.datasets import read_input, write_jsonl
from workbench.datasets.timestamps import MAX_MS
from workbench.errors import DatasetError, OperatorError, OperatorTrap
from workbench.messages import Message, Timestamp

EDGES = "api_1_1/edges.py"
NOT_UTF8 = b"\xff\xfe\x00\x80 not text \xc3"
TEN_MB = 10 << 20
DEEP = 10_000  # levels of nesting: far past what Python's json (about 1,000) or the guest's can parse


@pytest.fixture(params=["native", pytest.param("wasm", marks=pytest.mark.slow)])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def edges(mode: str, compiled: Any) -> Any:
    return operator_path(EDGES) if mode == "native" else compiled(EDGES)


def nested(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def stamped(payload: bytes, ms: int) -> Message:
    return Message(payload, "t", Timestamp.from_millis(ms, 0, "n"))


def run_map(edges: Any, mode: str, how: str, payloads: list[bytes], **options: Any) -> Any:
    data = [stamped(payload, 100 * (i + 1)) for i, payload in enumerate(payloads)]
    return run(chain(("m", "map")), data, modules={MODULE: edges}, mode=mode, config={"m.mode": how}, **options)


def failed(result: Any, operation: str = "m") -> int:
    return int(result.summary.set_index("operator").loc[operation, "failed"])


# -- bytes that are not UTF-8 ----------------------------------------------------------------
@pytest.mark.parametrize("how", ["pass", "copy"])
def test_non_utf8_payloads_pass_byte_for_byte_and_survive_the_output_file(edges: Any, mode: str, how: str,
                                                                          tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_map(edges, mode, how, [NOT_UTF8, b"{}"], output_path=out)
    assert [m.payload for m in result.messages()] == [NOT_UTF8, b"{}"]
    assert result.outputs.text[0] == NOT_UTF8.decode("utf-8", "replace")  # for display only
    assert "payload64" in out.read_text().splitlines()[0]
    assert [m.payload for m in read_input(out)] == [NOT_UTF8, b"{}"]


def test_decoding_bytes_that_are_not_utf8_is_an_operator_error_every_policy_handles(edges: Any, mode: str) -> None:
    with pytest.raises(OperatorError, match="operator 'm' failed in process: UnicodeDecodeError") as info:
        run_map(edges, mode, "text", [b"fine", NOT_UTF8, b"also fine"])
    assert info.value.run.output_count == 1
    result = run_map(edges, mode, "text", [b"fine", NOT_UTF8, b"also fine"], errors="dead-letter")
    assert [m.payload for m in result.messages()] == [b"fine", b"also fine"]
    letter = result.dead_letters.iloc[0]
    assert letter.payload == NOT_UTF8 and "UnicodeDecodeError" in letter.reason
    balanced(result)


# -- empty payloads -------------------------------------------------------------------------
def test_empty_payloads_pass_and_fail_only_where_the_operator_parses(edges: Any, mode: str) -> None:
    for how, expected in (("pass", b""), ("copy", b""), ("size", b"0"), ("text", b"")):
        assert [m.payload for m in run_map(edges, mode, how, [b""]).messages()] == [expected], how
    result = run_map(edges, mode, "depth", [b"", b"[1]"], errors="skip")
    assert [m.payload for m in result.messages()] == [b"2"]
    assert failed(result) == 1
    balanced(result)


# -- 10 MB payloads -------------------------------------------------------------------------
def test_a_10_mb_payload_passes_through_unchanged(edges: Any, mode: str) -> None:
    big = bytes(range(256)) * (TEN_MB // 256)
    result = run_map(edges, mode, "pass", [big, b"small"])
    assert [len(m.payload) for m in result.messages()] == [TEN_MB, 5]
    assert result.messages()[0].payload == big
    assert [m.payload for m in run_map(edges, mode, "size", [big]).messages()] == [str(TEN_MB).encode()]


def test_a_10_mb_payload_returned_as_new_bytes(edges: Any, mode: str) -> None:
    """Native: any size. Wasm: above the per-call result limit (~2.7 MB) a clear trap, skipped by policy."""
    big = b"x" * TEN_MB
    if mode == "native":
        assert [len(m.payload) for m in run_map(edges, mode, "copy", [big]).messages()] == [TEN_MB]
        return
    with pytest.raises(OperatorTrap, match="returned more data than wasmtime can copy"):
        run_map(edges, mode, "copy", [big])
    result = run_map(edges, mode, "copy", [b"before", big, b"after"], errors="dead-letter")
    assert [m.payload for m in result.messages()] == [b"before", b"after"]  # the instance was re-created
    assert "return smaller payloads" in result.dead_letters.iloc[0].reason
    balanced(result)


# -- deeply nested JSON ---------------------------------------------------------------------
@pytest.mark.parametrize("how", ["depth", "json"])
def test_deeply_nested_json_is_a_clean_operator_error(edges: Any, mode: str, how: str) -> None:
    with pytest.raises(OperatorError, match="RecursionError: maximum recursion depth exceeded"):
        run_map(edges, mode, how, [nested(DEEP)])
    result = run_map(edges, mode, how, [nested(DEEP), nested(100_000), nested(3)], errors="dead-letter")
    assert [m.payload for m in result.messages()] == [b"3" if how == "depth" else b"[[[]]]"]
    assert list(result.dead_letters.reason.str.split(":").str[0]) == ["RecursionError", "RecursionError"]
    balanced(result)


def test_deeply_nested_json_passes_through_unparsed_and_into_the_output_file(edges: Any, mode: str,
                                                                               tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_map(edges, mode, "pass", [nested(DEEP)], output_path=out)
    assert result.messages()[0].payload == nested(DEEP)
    record = json.loads(out.read_text())
    assert record["payload"] == nested(DEEP).decode()  # too deep to re-parse: written as its text
    assert [m.payload for m in read_input(out)] == [nested(DEEP)]


# -- timestamps at the edges ------------------------------------------------------------------
EPOCH = Timestamp(0, 0, 0, "")
YEAR_9999 = Timestamp.from_millis(MAX_MS, 7, "n")
I64_MAX = Timestamp(2**63 - 1, 999_999_999, 2**63 - 1, "n")
U64_MAX = Timestamp(2**64 - 1, 999_999_999, 2**64 - 1, "n")


def test_the_message_timestamps_guests_see(edges: Any, mode: str) -> None:
    data = [Message(b"{}", "t", ts) for ts in (EPOCH, YEAR_9999, I64_MAX)]
    result = run(chain(("m", "map")), data, modules={MODULE: edges}, mode=mode, config={"m.mode": "stamp"})
    assert [m.payload.decode() for m in result.messages()] == [
        "0 0 0 ", "253402300799 999000000 7 n", f"{2**63 - 1} 999999999 {2**63 - 1} n"]
    assert result.timestamps() == [EPOCH, YEAR_9999, I64_MAX]


def test_every_u64_timestamp_passes_through_unchanged(edges: Any, mode: str) -> None:
    data = [Message(b"{}", "t", ts) for ts in (EPOCH, YEAR_9999, U64_MAX)]
    result = run(chain(("m", "map")), data, modules={MODULE: edges}, mode=mode, config={"m.mode": "pass"})
    assert [m.timestamp for m in result.messages()] == [EPOCH, YEAR_9999, U64_MAX]
    assert result.outputs.timestamp.tolist() == [str(EPOCH), str(YEAR_9999), str(U64_MAX)]


def test_timestamps_outside_u64_run_natively_and_fail_cleanly_in_wasm(edges: Any, mode: str) -> None:
    beyond, negative = Timestamp(2**64, 0, 0, "n"), Timestamp(-1, 0, 0, "n")
    data = [Message(b"neg", "t", negative), Message(b"9999", "t", YEAR_9999), Message(b"2**64", "t", beyond)]
    result = run(chain(("m", "map")), data, modules={MODULE: edges}, mode=mode, config={"m.mode": "pass"},
                 errors="dead-letter")
    # The negative one is behind the source frontier (never below 0:0:), so it is late: re-stamped to 0:0:.
    assert result.late == 1
    if mode == "native":
        assert [m.payload for m in result.messages()] == [b"neg", b"9999", b"2**64"]
        assert result.timestamps() == [Timestamp(0, 0, 0, ""), YEAR_9999, beyond]
        return
    assert [m.payload for m in result.messages()] == [b"9999"]
    reasons = result.dead_letters.reason.tolist()
    assert reasons == ["cannot pass its input to the guest: -1 does not fit u64",
                       "cannot pass its input to the guest: 18446744073709551616 does not fit u64"]
    balanced(result)


def test_a_delay_into_the_far_future(edges: Any, mode: str) -> None:
    data = [Message(b"a", "t", Timestamp.from_millis(MAX_MS - 1000, 0, "n")), stamped(b"b", 0)]
    result = run(chain(("d", "delay")), data, modules={MODULE: edges}, mode=mode, config={"d.shift_ms": "1000"})
    # "b" is late: re-stamped to the source frontier (node ""), then delayed like "a", and released first
    assert result.timestamps() == [Timestamp.from_millis(MAX_MS, 0, ""), Timestamp.from_millis(MAX_MS, 0, "n")]
    assert [m.payload for m in result.messages()] == [b"b", b"a"] and result.late == 1


# -- the engine, natively: order and lateness at the edges ------------------------------------
class Passthrough:
    def init(self, properties: dict[str, str]) -> bool:
        return True

    def process(self, message: Message) -> Message:
        return message


def test_negative_and_far_future_timestamps_order_as_late_data() -> None:
    data = [Message(b"neg", "t", Timestamp(-5, 0, 0, "n")), Message(b"zero", "t", EPOCH),
            Message(b"far", "t", YEAR_9999), Message(b"now", "t", Timestamp.from_millis(1_735_689_600_000))]
    result = run(chain(("m", "map")), data, modules={MODULE: PythonModule(map=Passthrough)}, mode="native")
    assert [m.payload for m in result.messages()] == [b"neg", b"zero", b"far", b"now"]
    assert result.timestamps() == [EPOCH, EPOCH, YEAR_9999, Timestamp(MAX_MS // 1000, 999_000_000, 0, "")]
    assert result.late_inputs.outcome.tolist() == ["restamped", "restamped"]
    assert [m.timestamp for m in result.messages()][0] == Timestamp(-5, 0, 0, "n")  # the message keeps its own
    balanced(result)


# -- readers and writers ----------------------------------------------------------------------
def test_readers_keep_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "payloads"
    folder.mkdir()
    (folder / "payload_1.bin").write_bytes(NOT_UTF8)
    (folder / "payload_2.bin").write_bytes(b"")
    assert [m.payload for m in read_input(folder)] == [NOT_UTF8, b""]
    write_jsonl([stamped(NOT_UTF8, 5)], tmp_path / "records.jsonl")
    assert [m.payload for m in read_input(tmp_path / "records.jsonl")] == [NOT_UTF8]
    (tmp_path / "raw.jsonl").write_bytes(b'{"payload": 1}\n' + NOT_UTF8 + b"\n")
    with pytest.raises(DatasetError, match=r"raw\.jsonl, line 2: not UTF-8 text"):
        list(read_input(tmp_path / "raw.jsonl"))


def test_readers_give_empty_payloads(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"payload": ""}\n{"payload64": ""}\n')
    (tmp_path / "a.csv").write_text("payload,topic\n,t\n")
    assert [m.payload for m in read_input(tmp_path / "a.jsonl")] == [b"", b""]
    assert [m.payload for m in read_input(tmp_path / "a.csv")] == [b""]
    (tmp_path / "empty.json").write_text("")
    with pytest.raises(DatasetError, match=r"empty\.json, line 1: malformed JSON"):
        list(read_input(tmp_path / "empty.json"))


def test_readers_and_writers_carry_10_mb_payloads(tmp_path: Path) -> None:
    big = bytes(range(256)) * (TEN_MB // 256)
    text = "é" * (TEN_MB // 2)
    write_jsonl([stamped(big, 1), stamped(text.encode(), 2)], tmp_path / "big.jsonl")
    assert [m.payload for m in read_input(tmp_path / "big.jsonl")] == [big, text.encode()]
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "payload").write_bytes(big)
    assert next(read_input(tmp_path / "big")).payload == big


def test_deeply_nested_json_in_input_files_is_a_dataset_error_naming_the_line(tmp_path: Path) -> None:
    (tmp_path / "deep.jsonl").write_bytes(b"[1]\n" + nested(DEEP) + b"\n")
    with pytest.raises(DatasetError, match=r"deep\.jsonl, line 2: JSON nested too deeply to read .*: '\[\[\[") as info:
        list(read_input(tmp_path / "deep.jsonl"))
    assert isinstance(info.value.__cause__, RecursionError)
    (tmp_path / "deep.json").write_bytes(nested(DEEP))
    with pytest.raises(DatasetError, match=r"deep\.json: JSON nested too deeply .* a payload directory"):
        list(read_input(tmp_path / "deep.json"))
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "payload").write_bytes(nested(DEEP))
    assert [m.payload for m in read_input(tmp_path / "deep")] == [nested(DEEP)]  # files are bytes: never parsed
    write_jsonl([stamped(nested(DEEP), 1)], tmp_path / "out.jsonl")
    assert [m.payload for m in read_input(tmp_path / "out.jsonl")] == [nested(DEEP)]


@pytest.mark.parametrize(("ts", "problem"), [
    ("garbage", "expected HLC text"),
    ("", "expected HLC text"),
    ("12:0", "expected HLC text"),
    ("-5:0:n", "expected HLC text"),
    ("1.5:0:n", "expected HLC text"),
    ("²:0:n", "invalid literal"),
    ("253402300800000:0:n", "is after 9999-12-31T23:59:59.999Z"),
    ("99999999999999999999999:0:n", "is after 9999-12-31T23:59:59.999Z"),
    ("5:18446744073709551616:n", "does not fit 64 bits"),
    ("9" * 5000 + ":0:n", "Exceeds the limit"),
])
def test_a_malformed_ts_property_names_file_and_line(tmp_path: Path, ts: str, problem: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"payload": 1}) + "\n" + json.dumps({"payload": 2, "properties": {"__ts": ts}}) + "\n")
    with pytest.raises(DatasetError, match=rf"in\.jsonl, line 2: unparseable timestamp '.*': .*{problem}"):
        list(read_input(path))


def test_a_ts_property_in_a_table_gives_the_timestamp_or_names_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('payload,properties\n1,"{""__ts"": ""5000:3:n""}"\n2,"{""__ts"": ""soon""}"\n')
    messages = read_input(path)
    assert next(messages).timestamp == Timestamp.from_millis(5000, 3, "n")
    with pytest.raises(DatasetError, match=r"in\.csv, line 3, column 'properties': unparseable timestamp 'soon'"):
        next(messages)
    frame = pd.DataFrame({"payload": [b"x", b"y"], "properties": [{"__ts": "7:0:n"}, {"__ts": "-1:0:n"}]})
    rows = read_input(frame)
    assert next(rows).timestamp == Timestamp.from_millis(7, 0, "n")
    with pytest.raises(DatasetError, match=r"DataFrame row 2 \(index 1\), column 'properties'"):
        next(rows)
    both = pd.DataFrame({"payload": [b"x"], "timestamp": [9], "properties": [{"__ts": "7:0:n"}]})
    assert [str(m.timestamp) for m in read_input(both)] == ["9:0:workbench"]  # the column wins, as in records


@pytest.mark.parametrize(("value", "expected"), [
    (0, "000000000000000:00000:workbench"),
    ("1970-01-01T00:00:00Z", "000000000000000:00000:workbench"),
    ("9999-12-31T23:59:59.999Z", "253402300799999:00000:workbench"),
    (MAX_MS, "253402300799999:00000:workbench"),
    (f"{MAX_MS}:{2**64 - 1}:n", f"253402300799999:{2**64 - 1}:n"),
])
def test_timestamps_from_1970_to_the_end_of_year_9999_are_read(tmp_path: Path, value: object, expected: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"payload": 1, "timestamp": value}) + "\n")
    assert [dict(m.properties)["__ts"] for m in read_input(path)] == [expected]


@pytest.mark.parametrize(("value", "problem"), [
    (-1, "timestamp -1 is before 1970"),
    ("1969-12-31T23:59:59.999Z", "timestamp -1 is before 1970"),
    ("0001-01-01T00:00:00Z", "is before 1970"),
    (MAX_MS + 1, "253402300800000 ms is after 9999-12-31T23:59:59.999Z"),
    (2**64, "ms is after 9999"),
    (1e300, "ms is after 9999"),
])
def test_timestamps_before_1970_or_after_9999_are_dataset_errors(tmp_path: Path, value: object, problem: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"payload": 1, "timestamp": value}) + "\n")
    with pytest.raises(DatasetError, match=rf"in\.jsonl, line 1: unparseable timestamp .*{problem}"):
        list(read_input(path))
    (tmp_path / "in.csv").write_text(f"timestamp,v\n{value},1\n")
    with pytest.raises(DatasetError, match=r"in\.csv, line 2, column 'timestamp'"):
        list(read_input(tmp_path / "in.csv"))


@pytest.mark.parametrize("ts", [Timestamp(-1, 0, 0, "n"), Timestamp.from_millis(MAX_MS + 1, 0, "n"),
                                Timestamp(2**64, 0, 0, "n")])
def test_writing_a_timestamp_no_date_time_can_hold_leaves_out_tst(tmp_path: Path, ts: Timestamp) -> None:
    path = tmp_path / "out.jsonl"
    assert write_jsonl([Message(b"{}", "t", ts)], path) == 1
    record = json.loads(path.read_text())
    assert "tst" not in record and record["properties"]["user-properties"]["__ts"].endswith(":00000:n")
    with pytest.raises(DatasetError, match=r"out\.jsonl, line 1: unparseable timestamp"):
        list(read_input(path))
