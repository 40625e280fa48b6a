"""CSV files and DataFrames as messages: column conventions, typing, streaming and errors."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.datasets import START_MS, dataset_frame, load_dataset, read_input
from workbench.errors import DatasetError
from workbench.messages import Timestamp


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_csv_payload_column_is_the_payload_as_is(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", 'payload,topic,timestamp\n"{""a"": 1}",t/1,1735689600007:1:n\nhello,,\n')
    first, second = read_input(path)
    assert (first.payload, first.topic, first.timestamp) == (b'{"a": 1}', "t/1", Timestamp.from_millis(START_MS + 7, 1, "n"))
    assert (second.payload, second.topic, second.timestamp) == (b"hello", "input", Timestamp.from_millis(START_MS + 1))


def test_csv_columns_become_a_typed_nested_json_object(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", "temperature.value,temperature.unit,deviceId,ok,count,code\n"
                                          "72.5,F,007,true,3,-1e3\n"
                                          "70,C,,False,,x\n")
    first, second = read_input(path)
    assert first.json() == {"temperature": {"value": 72.5, "unit": "F"}, "deviceId": "007", "ok": True,
                            "count": 3, "code": -1000.0}
    assert second.payload == b'{"temperature": {"value": 70, "unit": "C"}, "ok": false, "code": "x"}'


@pytest.mark.parametrize("stamp", ["1735689600250", "2025-01-01T00:00:00.250Z", "1735689600250:0:workbench",
                                   "2025-01-01 00:00:00.250000+00:00"])
def test_csv_timestamp_column_takes_every_form(tmp_path: Path, stamp: str) -> None:
    (message,) = read_input(write_csv(tmp_path / "in.csv", f"timestamp,v\n{stamp},1\n"))
    assert message.timestamp == Timestamp.from_millis(START_MS + 250)
    assert dict(message.properties)["__ts"] == "001735689600250:00000:workbench"


def test_csv_properties_and_content_type_next_to_a_payload(tmp_path: Path) -> None:
    text = 'payload,properties,content_type\n1,"{""k"": ""v""}",application/json\n'
    (message,) = read_input(write_csv(tmp_path / "in.csv", text))
    assert message.properties[1:] == (("k", "v"),) and message.content_type == "application/json"


def test_csv_streams_a_row_at_a_time(tmp_path: Path) -> None:
    rows = "".join(f"{i}\n" for i in range(1000))
    path = write_csv(tmp_path / "in.csv", f"n\n{rows}1,2\n")
    assert [m.json() for m in itertools.islice(read_input(path), 2)] == [{"n": 0}, {"n": 1}]


@pytest.mark.parametrize(("text", "problem"), [
    ("", r": the file is empty; a CSV input needs a header row"),
    ("payload,value\n1,2\n", r": column 'value' is not allowed next to a 'payload' column"),
    ("topic,timestamp\na,1\n", r": no payload columns"),
    ("a,b,a\n1,2,3\n", r": duplicate column 'a'"),
    ("a,a.b\n1,2\n", r": column 'a\.b' nests inside column 'a', which holds a value"),
    ("a,,b\n1,2,3\n", r": column names must be non-empty text, got ''"),
    ("x..y\n1\n", r": column 'x\.\.y' has an empty part"),
    ("a,b\n1,2\n3\n", r", line 3: 1 cells, but the header has 2 columns: \['3'\]"),
    ("a,timestamp\n1,1\n2,half past\n", r", line 3, column 'timestamp': expected HLC .*'half past'"),
    ("payload,properties\n1,{bad\n", r", line 2, column 'properties': malformed JSON '\{bad'"),
    ("payload,properties\n1,[1]\n", r", line 2, column 'properties': properties must be an object"),
    ('a\n"unterminated\n', r", line 2: malformed CSV"),
])
def test_csv_errors_name_file_line_and_column(tmp_path: Path, text: str, problem: str) -> None:
    path = write_csv(tmp_path / "bad.csv", text)
    with pytest.raises(DatasetError, match=rf"^{tmp_path}/bad\.csv{problem}"):
        list(read_input(path))


def test_non_utf8_csv_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes("a\nok\n°\n".encode("latin-1"))
    with pytest.raises(DatasetError, match=r"bad\.csv, line 3: not UTF-8 text"):
        list(read_input(path))


def test_frame_with_payload_column() -> None:
    frame = pd.DataFrame({"payload": [b"\x00raw", "text", {"a": 1}], "topic": ["x", None, "z"]})
    messages = list(read_input(frame, topic="d"))
    assert [(m.payload, m.topic) for m in messages] == [(b"\x00raw", "x"), (b"text", "d"), (b'{"a": 1}', "z")]


def test_frame_columns_skip_missing_values_and_keep_types() -> None:
    frame = pd.DataFrame({
        "timestamp": pd.to_datetime([START_MS, None, START_MS + 9], unit="ms", utc=True),
        "temperature.value": [72.5, np.nan, 70.0],
        "humidity.value": pd.array([None, 45, None], dtype="Int64"),
        "flag": pd.array([True, None, False], dtype="boolean"),
        "tags": [["a"], None, []],
    })
    messages = list(read_input(frame))
    assert [m.json() for m in messages] == [
        {"temperature": {"value": 72.5}, "flag": True, "tags": ["a"]},
        {"humidity": {"value": 45}},
        {"temperature": {"value": 70.0}, "flag": False, "tags": []},
    ]
    assert [m.timestamp.millis for m in messages] == [START_MS, START_MS + 1, START_MS + 9]


@pytest.mark.parametrize(("frame", "problem"), [
    (pd.DataFrame({"v": [1, 2], "timestamp": ["1", "soon"]}, index=[10, 20]),
     r"^DataFrame row 2 \(index 20\), column 'timestamp': expected HLC .*'soon'"),
    (pd.DataFrame({"v": [1.0, float("inf")]}), r"^DataFrame row 2 \(index 1\), column 'v': inf is not a JSON number"),
    (pd.DataFrame({"payload": [b"x", None]}), r"^DataFrame row 2 \(index 1\), column 'payload': the payload is missing"),
    (pd.DataFrame({"v": [1], "topic": [7]}), r"^DataFrame row 1 \(index 0\), column 'topic': expected text, got int 7"),
    (pd.DataFrame([[1, 2]]), r"^DataFrame: column names must be non-empty text, got 0"),
    (pd.DataFrame({"v": [object()]}), r"^DataFrame row 1 \(index 0\), column 'payload': .*not JSON serializable"),
])
def test_frame_errors_name_row_index_and_column(frame: pd.DataFrame, problem: str) -> None:
    with pytest.raises(DatasetError, match=problem):
        list(read_input(frame))


@pytest.mark.parametrize("name", ["temperature", "humidity", "mixed", "opcua"])
def test_dataset_frame_reads_back_to_the_dataset(name: str, tmp_path: Path) -> None:
    expected = list(load_dataset(name, 120, seed=4))
    frame = dataset_frame(name, 120, seed=4)
    assert list(frame.columns[:2]) == ["timestamp", "topic"] and len(frame) == 120
    assert list(read_input(frame)) == expected
    frame.to_csv(tmp_path / "data.csv", index=False)
    assert list(read_input(tmp_path / "data.csv")) == expected


def test_dataset_frame_columns_and_types() -> None:
    frame = dataset_frame("mixed", 200)
    assert str(frame["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert str(frame["humidity.value"].dtype) == "Int64" and frame["humidity.value"].isna().any()
    assert frame["temperature.value"].dtype == float
    assert set(frame["temperature.unit"].dropna()) == {"F", "C"}
    assert str(dataset_frame("opcua", 20)["running.Value"].dtype) == "boolean"
