"""``read_input`` over directories, JSONL and JSON: formats, timestamps, streaming and errors."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from workbench.datasets import START_MS, read_input
from workbench.errors import DatasetError
from workbench.messages import Message, Timestamp

AIO_PAYLOADS = Path("/work/shared/reference/aio/payloads")


def ts_of(message: Message) -> str:
    return dict(message.properties)["__ts"]


def write_lines(path: Path, *lines: object) -> Path:
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return path


def test_aio_sample_payload_folder_reads_in_name_order() -> None:
    messages = list(read_input(AIO_PAYLOADS))
    files = sorted(AIO_PAYLOADS.glob("*.json"))
    assert [m.payload for m in messages] == [f.read_bytes() for f in files]
    assert [next(iter(m.json())) for m in messages] == ["humidity"] * 3 + ["temperature"] * 3
    assert messages[3].json() == {"temperature": {"value": 1209, "unit": "F"}}
    assert {m.topic for m in messages} == {"input"}
    assert [m.timestamp for m in messages] == [Timestamp.from_millis(START_MS + i) for i in range(6)]
    assert all(Timestamp.parse(ts_of(m)) == m.timestamp for m in messages)


def test_folder_sorts_naturally_keeps_raw_bytes_and_skips_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "payload_10.json").write_text('{"n": 10}')
    (tmp_path / "payload_2.json").write_text('{"n": 2}')
    (tmp_path / "image.raw").write_bytes(b"\x89PNG\xff\x00")
    (tmp_path / ".DS_Store").write_bytes(b"junk")
    (tmp_path / "output").mkdir()
    messages = list(read_input(str(tmp_path), topic="cameras"))
    assert [m.payload for m in messages] == [b"\x89PNG\xff\x00", b'{"n": 2}', b'{"n": 10}']
    assert {m.topic for m in messages} == {"cameras"}


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="has no payload files"):
        read_input(tmp_path)


def test_jsonl_bare_payloads_keep_their_text(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", '{"temperature": {"value": 70, "unit": "F"}}', "", "42", '"text"')
    messages = list(read_input(path))
    assert [m.payload for m in messages] == [b'{"temperature": {"value": 70, "unit": "F"}}', b"42", b'"text"']
    assert [m.timestamp.millis for m in messages] == [START_MS, START_MS + 1, START_MS + 2]


def test_jsonl_records_carry_topic_properties_content_type_and_timestamp(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "in.jsonl",
        {"payload": {"a": 1}, "topic": "t/1", "timestamp": "1735689600500:2:edge", "content_type": "application/json",
         "properties": {"k": "v"}},
        {"payload": "plain text", "timestamp": 1735689601000},
        {"payload": [1, 2], "timestamp": "2025-01-01T00:00:02Z", "properties": [["k", "1"], ["k", "2"]]},
        {"payload": None, "properties": {"__ts": "1735689603000:0:n"}},
        {"payload": {}},
    )
    messages = list(read_input(path, topic="default"))
    assert messages[0] == Message(b'{"a": 1}', "t/1", Timestamp.from_millis(START_MS + 500, 2, "edge"),
                                  "application/json", (("__ts", "001735689600500:00002:edge"), ("k", "v")))
    assert (messages[1].payload, messages[1].topic) == (b"plain text", "default")
    assert messages[1].timestamp == Timestamp.from_millis(START_MS + 1000)
    assert messages[2].properties[1:] == (("k", "1"), ("k", "2"))
    assert messages[3].timestamp == Timestamp.from_millis(START_MS + 3000, 0, "n")
    assert messages[3].payload == b"null"
    assert messages[4].timestamp == Timestamp.from_millis(START_MS + 4)  # arrival order: fifth message
    assert all(Timestamp.parse(ts_of(m)) == m.timestamp for m in messages)


def test_a_timestamp_field_wins_over_ts_which_is_rewritten_to_agree(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", {"payload": 1, "timestamp": 5000, "properties": {"__ts": "1:0:x"}})
    (message,) = read_input(path)
    assert message.timestamp == Timestamp.from_millis(5000)
    assert message.properties == (("__ts", "000000000005000:00000:workbench"),)


def test_aio_output_records_are_read(tmp_path: Path) -> None:
    line = ('{"tst":"2025-09-19T04:19:13.530381+0000","topic":"sensors","qos":0,"retain":0,"payloadlen":27,'
            '"properties":{"payload-format-indicator":1,"user-properties":{"__ts":"001758255553528:00000:node",'
            '"__protVer":"1.0"},"content-type":"application/json"},"payload":{"temperature":{"value":1}}}')
    (message,) = read_input(write_lines(tmp_path / "out.jsonl", line))
    assert message.topic == "sensors" and message.content_type == "application/json"
    assert message.timestamp == Timestamp.from_millis(1_758_255_553_528, 0, "node")
    assert message.properties == (("__ts", "001758255553528:00000:node"), ("__protVer", "1.0"))
    assert message.json() == {"temperature": {"value": 1}}


def test_json_file_is_one_payload_unless_it_is_an_array(tmp_path: Path) -> None:
    single = tmp_path / "one.json"
    single.write_text('{\n  "humidity": {"value": 45}\n}\n')
    assert [m.payload for m in read_input(single)] == [single.read_bytes()]
    listed = tmp_path / "many.json"
    listed.write_text(json.dumps([{"humidity": {"value": 1}}, {"humidity": {"value": 2}}]))
    assert [m.json() for m in read_input(listed)] == [{"humidity": {"value": 1}}, {"humidity": {"value": 2}}]
    records = tmp_path / "records.json"
    records.write_text(json.dumps([{"payload": {"x": 1}, "topic": "a"}, {"payload": {"x": 2}, "timestamp": 9}]))
    got = list(read_input(records))
    assert [(m.topic, m.json(), m.timestamp.millis) for m in got] == [("a", {"x": 1}, START_MS), ("input", {"x": 2}, 9)]


def test_jsonl_streams_a_line_at_a_time(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", *[{"n": i} for i in range(1000)], "{broken")
    first = list(itertools.islice(read_input(path), 3))
    assert [m.json() for m in first] == [{"n": 0}, {"n": 1}, {"n": 2}]


@pytest.mark.parametrize(("lines", "problem"), [
    (['{"a": 1}', "{not json"], r"line 2: malformed JSON \(Expecting property name enclosed in double quotes at "
                                r"column 2\): '\{not json'"),
    (['{"a": 1}', '{"payload": 2}'], r"line 2 is a record \(it has a 'payload' key\), but line 1 is a bare payload"),
    (['{"payload": 2}', "", '{"a": 1}'], r"line 3 is a bare payload, but line 1 is a record"),
    (['{"payload": 1, "timestamp": "noon"}'], r"line 1: unparseable timestamp 'noon'"),
    (['{"payload": 1, "properties": {"__ts": "x:y"}}'], r"line 1: unparseable timestamp 'x:y'"),
    (['{"payload": 1, "topik": "a"}'], r"line 1: unknown record key 'topik'"),
    (['{"payload": 1, "properties": {"n": 1}}'], r"line 1: user property 'n': 1 is not a pair of strings"),
    (['{"payload": 1, "properties": "k=v"}'], r"line 1: properties must be an object of strings"),
    (['{"payload": 1, "topic": 5}'], r"line 1: topic must be text, got 5"),
    (['{"payload64": "***"}'], r"line 1: payload64 '\*\*\*' is not base64"),
    (['{"payload": {"v": NaN}}'], r"line 1: payload \{'v': nan\} is not valid JSON"),
])
def test_jsonl_errors_name_file_and_line_and_quote_the_value(tmp_path: Path, lines: list[str], problem: str) -> None:
    path = write_lines(tmp_path / "bad.jsonl", *lines)
    with pytest.raises(DatasetError, match=rf"^{tmp_path}/bad\.jsonl, {problem}"):
        list(read_input(path))


def test_non_utf8_jsonl_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": "\xff"}\n')
    with pytest.raises(DatasetError, match=r"bad\.jsonl, line 2: not UTF-8 text \(invalid start byte at byte 7\)"):
        list(read_input(path))


def test_json_errors_name_the_line_or_item(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"a": 1},\n  {"a": 2,}\n]')
    with pytest.raises(DatasetError, match=r"broken\.json, line 3: malformed JSON .*'  \{\"a\": 2,\}'"):
        list(read_input(broken))
    truncated = tmp_path / "truncated.json"
    truncated.write_text('[1,\n')
    with pytest.raises(DatasetError, match=r"truncated\.json, line 2: malformed JSON \(Expecting value at column 1\)"):
        list(read_input(truncated))
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps([{"payload": 1}, {"value": 2}]))
    with pytest.raises(DatasetError, match=r"mixed\.json, item 2 is a bare payload, but item 1 is a record"):
        list(read_input(mixed))
    binary = tmp_path / "binary.json"
    binary.write_bytes(b'{\n"a": "\xfe"}')
    with pytest.raises(DatasetError, match=r"binary\.json, line 2: not UTF-8 text"):
        list(read_input(binary))


def test_missing_and_unsupported_inputs_fail_at_once(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=rf"{tmp_path}/nope\.jsonl: no such file or directory"):
        read_input(tmp_path / "nope.jsonl")
    (tmp_path / "data.xlsx").write_bytes(b"PK")
    with pytest.raises(DatasetError, match=r"data\.xlsx: unsupported input file type '\.xlsx'; .*\.parquet"):
        read_input(tmp_path / "data.xlsx")
    with pytest.raises(DatasetError, match="cannot read input from a int"):
        read_input(42)


def test_a_payload_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("1")
    (tmp_path / "b.json").write_text("2")
    messages = read_input(tmp_path)  # the folder is listed now, its files read as consumed
    (tmp_path / "b.json").unlink()
    assert next(messages).payload == b"1"
    with pytest.raises(DatasetError, match=r"b\.json: cannot read: No such file or directory"):
        next(messages)
