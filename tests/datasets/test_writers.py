"""Writing messages as AIO's output JSON lines and as payload folders, and reading them back."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from workbench.datasets import load_dataset, read_input, write_jsonl, write_payloads
from workbench.datasets.timestamps import stamp
from workbench.errors import DatasetError
from workbench.messages import Message, Timestamp

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=12)


def canonical_or_not_json(payload: bytes) -> bool:
    """Payloads that come back byte for byte: canonical JSON, or not JSON at all."""
    try:
        return json.dumps(json.loads(payload)).encode() == payload or isinstance(json.loads(payload), str)
    except ValueError:
        return True


PAYLOADS = JSON.map(lambda v: json.dumps(v).encode()) | TEXT.map(str.encode) | st.binary(max_size=16)
MESSAGES = st.builds(
    Message,
    payload=PAYLOADS,
    topic=TEXT,
    timestamp=st.builds(Timestamp.from_millis, st.integers(0, 2**42), st.integers(0, 99_999), TEXT),
    content_type=st.none() | TEXT,
    properties=st.lists(st.tuples(TEXT.filter(lambda k: k != "__ts"), TEXT), max_size=4).map(tuple),
)


@given(st.lists(MESSAGES, max_size=5))
def test_jsonl_round_trip(messages: list[Message]) -> None:
    assume(all(canonical_or_not_json(m.payload) for m in messages))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.jsonl"
        assert write_jsonl(messages, path) == len(messages)
        assert list(read_input(path)) == [stamp(m) for m in messages]


def test_dataset_round_trips_exactly(tmp_path: Path) -> None:
    messages = list(load_dataset("mixed", 300, seed=2))
    write_jsonl(iter(messages), tmp_path / "mixed.jsonl")
    assert list(read_input(tmp_path / "mixed.jsonl")) == messages


def test_lines_are_aio_output_records(tmp_path: Path) -> None:
    message = Message(b'{"temperature": {"value": 72.5, "unit": "F"}}', "sensors", Timestamp.from_millis(1_758_255_553_528),
                      "application/json", (("a", "1"),))
    write_jsonl([message], tmp_path / "out.jsonl")
    (line,) = (tmp_path / "out.jsonl").read_text().splitlines()
    assert json.loads(line) == {
        "tst": "2025-09-19T04:19:13.528000+0000", "topic": "sensors", "qos": 0, "retain": 0, "payloadlen": 45,
        "properties": {"user-properties": {"__ts": "001758255553528:00000:workbench", "a": "1"},
                       "content-type": "application/json"},
        "payload": {"temperature": {"value": 72.5, "unit": "F"}}}


@pytest.mark.parametrize(("payload", "field"), [
    (b'"quoted"', {"payload": '"quoted"'}), (b"plain", {"payload": "plain"}), (b"NaN", {"payload": "NaN"}),
    (b"", {"payload": ""}), (b"7", {"payload": 7}), (b"\xff\x00", {"payload64": "/wA="}),
])
def test_payloads_are_json_when_json_else_text_else_base64(tmp_path: Path, payload: bytes, field: dict) -> None:
    write_jsonl([Message(payload)], tmp_path / "out.jsonl")
    record = json.loads((tmp_path / "out.jsonl").read_text())
    assert {k: v for k, v in record.items() if k.startswith("payload") and k != "payloadlen"} == field
    assert next(read_input(tmp_path / "out.jsonl")).payload == payload


def test_repeated_property_keys_are_written_as_pairs(tmp_path: Path) -> None:
    message = Message(b"1", properties=(("k", "1"), ("k", "2")))
    write_jsonl([message], tmp_path / "out.jsonl")
    user = json.loads((tmp_path / "out.jsonl").read_text())["properties"]["user-properties"]
    assert user == [["__ts", "000000000000000:00000:workbench"], ["k", "1"], ["k", "2"]]
    assert next(read_input(tmp_path / "out.jsonl")) == stamp(message)


def test_write_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"item 2 to write is a dict, not a Message"):
        write_jsonl([Message(b"1"), {"payload": 2}], tmp_path / "out.jsonl")  # type: ignore[list-item]
    with pytest.raises(DatasetError, match=rf"{tmp_path}/missing/out\.jsonl: cannot write: No such file"):
        write_jsonl([], tmp_path / "missing" / "out.jsonl")


def test_payload_folder_reads_back_in_order(tmp_path: Path) -> None:
    messages = [*load_dataset("temperature", 12), Message(b"\x89raw image")]
    assert write_payloads(messages, tmp_path / "data") == 13
    names = sorted(p.name for p in (tmp_path / "data").iterdir())
    assert names[0] == "payload_000001.json" and names[-1] == "payload_000013.raw"
    assert [m.payload for m in read_input(tmp_path / "data")] == [m.payload for m in messages]


def test_payload_folder_must_be_empty(tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text("1")
    with pytest.raises(DatasetError, match="already holds files"):
        write_payloads([Message(b"2")], tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(DatasetError, match=r"file: cannot write"):
        write_payloads([Message(b"2")], tmp_path / "file")
