"""Parquet files and DataFrames of messages: writing, reading back, and errors that name the file."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.datasets import dataset_frame, load_dataset, messages_frame, read_input, write_parquet
from workbench.datasets.tables import FRAME_COLUMNS
from workbench.datasets.timestamps import stamp
from workbench.errors import DatasetError
from workbench.messages import Message, Timestamp

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=10)
MESSAGES = st.builds(
    Message,
    payload=st.binary(max_size=16) | TEXT.map(str.encode),
    topic=TEXT,
    timestamp=st.builds(Timestamp.from_millis, st.integers(0, 2**42), st.integers(0, 99_999), TEXT),
    content_type=st.none() | TEXT,
    properties=st.lists(st.tuples(st.sampled_from(["a", "b", "ü"]) | TEXT.filter(lambda k: k != "__ts"), TEXT),
                        max_size=4).map(tuple),
)


def test_messages_round_trip_through_parquet(tmp_path: Path) -> None:
    messages = list(load_dataset("mixed", n=50))
    assert write_parquet(iter(messages), tmp_path / "out.parquet") == 50
    assert list(read_input(tmp_path / "out.parquet")) == messages


@settings(max_examples=40, deadline=None)
@given(st.lists(MESSAGES, max_size=5))
def test_any_messages_round_trip_through_parquet_and_frames(messages: list[Message]) -> None:
    expected = [stamp(m) for m in messages]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.parquet"
        assert write_parquet(messages, path) == len(messages)
        assert list(read_input(path)) == expected
    assert list(read_input(messages_frame(messages))) == expected


def test_messages_frame_is_readable_in_a_notebook() -> None:
    messages = [Message(b'{"a": 1}', "t", Timestamp.from_millis(5, 2, "n"), "application/json", (("k", "v"),)),
                Message(b"\xff", "u", properties=(("k", "1"), ("k", "2")))]
    frame = messages_frame(messages)
    assert list(frame.columns) == list(FRAME_COLUMNS)
    assert frame.to_dict("records") == [
        {"timestamp": "000000000000005:00002:n", "topic": "t", "payload": '{"a": 1}', "content_type": "application/json",
         "properties": {"__ts": "000000000000005:00002:n", "k": "v"}},
        {"timestamp": "000000000000000:00000:workbench", "topic": "u", "payload": b"\xff", "content_type": None,
         "properties": [["__ts", "000000000000000:00000:workbench"], ["k", "1"], ["k", "2"]]}]


def test_a_dataset_frame_saved_as_parquet_reads_back_to_the_dataset(tmp_path: Path) -> None:
    dataset_frame("temperature", 30).to_parquet(tmp_path / "frame.parquet")
    assert list(read_input(tmp_path / "frame.parquet")) == list(load_dataset("temperature", 30))


def test_parquet_columns_follow_the_csv_and_frame_conventions(tmp_path: Path) -> None:
    path = tmp_path / "rows.parquet"
    pd.DataFrame({"topic": ["a", None], "temperature.value": [70.5, 71.0], "ok": [True, None]}).to_parquet(path)
    first, second = read_input(path, topic="default")
    assert (first.topic, first.json()) == ("a", {"temperature": {"value": 70.5}, "ok": True})
    assert (second.topic, second.json()) == ("default", {"temperature": {"value": 71.0}})


def test_an_empty_message_list_writes_an_empty_file(tmp_path: Path) -> None:
    assert write_parquet([], tmp_path / "empty.parquet") == 0
    assert list(read_input(tmp_path / "empty.parquet")) == []


@pytest.mark.parametrize(("frame", "problem"), [
    (pd.DataFrame({"payload": ["x", "y"], "timestamp": ["1", "soon"]}),
     r"rows\.parquet, row 2, column 'timestamp': expected HLC .*'soon'"),
    (pd.DataFrame({"payload": ["x"], "extra": [1]}),
     r"rows\.parquet: column 'extra' is not allowed next to a 'payload' column"),
    (pd.DataFrame({"payload": ["x", None]}), r"rows\.parquet, row 2, column 'payload': the payload is missing"),
    (pd.DataFrame({"payload": ["x"], "properties": ["{not json"]}),
     r"rows\.parquet, row 1, column 'properties': malformed JSON '\{not json'"),
])
def test_bad_rows_and_columns_name_the_file(tmp_path: Path, frame: pd.DataFrame, problem: str) -> None:
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path)
    with pytest.raises(DatasetError, match=problem):
        list(read_input(path))


def test_a_file_that_is_not_parquet_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not a parquet file")
    with pytest.raises(DatasetError, match=rf"^{path}: not a readable Parquet file: .*magic bytes"):
        list(read_input(path))
    with pytest.raises(DatasetError, match=r"nope\.parquet: no such file or directory"):
        read_input(tmp_path / "nope.parquet")


def test_write_errors_name_the_file_or_the_item(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"missing/out\.parquet: cannot write: .*non-existent directory"):
        write_parquet([Message(b"x")], tmp_path / "missing" / "out.parquet")
    with pytest.raises(DatasetError, match=r"item 2 is a str, not a Message: 'oops'"):
        write_parquet([Message(b"x"), "oops"], tmp_path / "out.parquet")  # type: ignore[list-item]
    assert not (tmp_path / "out.parquet").exists()
