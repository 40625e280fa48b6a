"""CSV files, Parquet files and pandas DataFrames as messages: one message a row, and back.

Column conventions (the same for all three):

- With a ``payload`` column, its cell is the payload (CSV: the text as-is; DataFrame: bytes as-is,
  text as-is, anything else as JSON). The other columns may only be ``topic``, ``timestamp``,
  ``properties`` (a JSON object of strings) and ``content_type``.
- Without one, the row is the payload: a JSON object of its columns except ``topic`` and
  ``timestamp``. Dotted names nest (``temperature.value`` → ``{"temperature": {"value": …}}``), as
  ``pandas.json_normalize`` and ``dataset_frame`` flatten them. Empty cells (CSV) and missing values
  (NaN, None, NA) are left out. CSV cells that are JSON numbers or ``true``/``false``/``True``/``False``
  become numbers and booleans; everything else stays text.
- ``timestamp``: HLC text, integer milliseconds or ISO-8601 (a datetime column too); empty means
  the ``__ts`` user property of ``properties``, if any, else arrival order. ``topic``: empty means
  the reader's default topic.

``messages_frame(messages)`` goes the other way: one row a message in the ``payload`` column
layout (``timestamp`` as ``__ts`` text, ``topic``, ``payload``, ``content_type``, ``properties``), which
``read_input`` reads back to the same messages. A Parquet file is read whole (it is columnar), through
pandas, with the same conventions as a DataFrame; errors name the file and the 1-based row.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DatasetError
from ..messages import Message
from .records import payload_bytes, user_properties
from .timestamps import arrival, hlc_text, parse_timestamp, property_timestamp, stamp

META = ("topic", "timestamp", "properties", "content_type")
ROW_META = ("topic", "timestamp")
MISSING: Any = object()
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_BOOLEANS = {"true": True, "false": False, "True": True, "False": False}


@dataclass(frozen=True)
class Columns:
    """Where each part of a message is in a row, worked out once from the header."""

    meta: dict[str, int]
    payload: int | None
    fields: tuple[tuple[int, tuple[str, ...]], ...]

    @classmethod
    def of(cls, names: Sequence[Any], source: str) -> Columns:
        for name in names:
            if not isinstance(name, str) or not name.strip():
                raise DatasetError(f"{source}: column names must be non-empty text, got {name!r}")
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise DatasetError(f"{source}: duplicate column {duplicated[0]!r}")
        if "payload" in names:
            return cls._with_payload(list(names), source)
        meta = {n: i for i, n in enumerate(names) if n in ROW_META}
        fields = tuple((i, tuple(n.split("."))) for i, n in enumerate(names) if n not in ROW_META)
        if not fields:
            raise DatasetError(f"{source}: no payload columns: give a 'payload' column, or columns that make up "
                               f"the payload (columns: {', '.join(map(repr, names))})")
        _check_paths(fields, names, source)
        return cls(meta, None, fields)

    @classmethod
    def _with_payload(cls, names: list[str], source: str) -> Columns:
        extra = [n for n in names if n != "payload" and n not in META]
        if extra:
            raise DatasetError(f"{source}: column {extra[0]!r} is not allowed next to a 'payload' column; "
                               f"the others may only be {', '.join(META)}")
        return cls({n: i for i, n in enumerate(names) if n in META}, names.index("payload"), ())


def _check_paths(fields: tuple[tuple[int, tuple[str, ...]], ...], names: Sequence[str], source: str) -> None:
    paths = {parts for _, parts in fields}
    for index, parts in fields:
        if not all(parts):
            raise DatasetError(f"{source}: column {names[index]!r} has an empty part in its dotted name")
        for cut in range(1, len(parts)):
            if parts[:cut] in paths:
                raise DatasetError(f"{source}: column {names[index]!r} nests inside column "
                                   f"{'.'.join(parts[:cut])!r}, which holds a value; a field cannot be both")


class _CellError(ValueError):
    def __init__(self, column: str, problem: str) -> None:
        super().__init__(problem)
        self.column = column


@dataclass(frozen=True)
class RowReader:
    """Builds messages from rows of cells, with a cell converter for CSV text or DataFrame values."""

    columns: Columns
    names: tuple[str, ...]
    topic: str
    value: Callable[[Any], Any]
    raw_payload: Callable[[Any], bytes]

    def message(self, cells: Sequence[Any], index: int, where: str) -> Message:
        try:
            payload = self._payload(cells)
            topic = self._meta(cells, "topic", _text)
            timestamp = self._meta(cells, "timestamp", parse_timestamp)
            properties = self._meta(cells, "properties", lambda v: user_properties(_json_text(v)))
            if timestamp is MISSING and properties is not MISSING:
                timestamp = _property_timestamp(properties)
            content_type = self._meta(cells, "content_type", _text)
        except _CellError as exc:
            raise DatasetError(f"{where}, column {exc.column!r}: {exc}") from exc
        return stamp(Message(payload, self.topic if topic is MISSING else topic,
                             arrival(index) if timestamp is MISSING else timestamp,
                             None if content_type is MISSING else content_type,
                             () if properties is MISSING else properties))

    def _meta(self, cells: Sequence[Any], name: str, convert: Callable[[Any], Any]) -> Any:
        index = self.columns.meta.get(name)
        value = MISSING if index is None else self.value(cells[index])
        if value is MISSING:
            return MISSING
        try:
            return convert(value)
        except (ValueError, TypeError) as exc:
            raise _CellError(name, str(exc)) from exc

    def _payload(self, cells: Sequence[Any]) -> bytes:
        if self.columns.payload is not None:
            try:
                return self.raw_payload(cells[self.columns.payload])
            except (ValueError, TypeError) as exc:
                raise _CellError("payload", str(exc)) from exc
        payload: dict[str, Any] = {}
        for index, parts in self.columns.fields:
            value = self.value(cells[index])
            if value is MISSING:
                continue
            if isinstance(value, float) and not math.isfinite(value):
                raise _CellError(self.names[index], f"{value!r} is not a JSON number")
            target = payload
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = value
        try:
            return payload_bytes(payload)
        except (ValueError, TypeError) as exc:
            raise _CellError("payload", str(exc)) from exc


def _property_timestamp(properties: tuple[tuple[str, str], ...]) -> Any:
    """The timestamp of a ``__ts`` user property (when there is no ``timestamp`` cell), as records read it."""
    text = property_timestamp(properties)
    if text is None:
        return MISSING
    try:
        return parse_timestamp(text)
    except ValueError as exc:
        raise _CellError("properties", f"unparseable timestamp {text!r} in '__ts': {exc}") from exc


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__} {value!r}")
    return value


def _json_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValueError(f"malformed JSON {value!r} ({exc.msg})") from exc


def csv_value(text: str) -> Any:
    """A CSV cell as a JSON value: empty → missing, JSON numbers and booleans typed, else text."""
    if text == "":
        return MISSING
    if _NUMBER.fullmatch(text):
        return json.loads(text)
    return _BOOLEANS.get(text, text)


def read_csv(path: Path, topic: str) -> Iterator[Message]:
    """Messages from the rows of a CSV file with a header row, one row at a time."""
    from .readers import decoded_lines

    try:
        handle = path.open("rb")
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read: {exc.strerror}") from exc
    with handle:
        lines = decoded_lines(handle, path)
        line_number = [0]

        def texts() -> Iterator[str]:
            for number, text in lines:
                line_number[0] = number
                yield text

        yield from _csv_rows(csv.reader(texts(), strict=True), path, topic, line_number)


def _csv_rows(rows: Iterator[list[str]], path: Path, topic: str, line: list[int]) -> Iterator[Message]:
    header = _next_row(rows, path, line)
    if header is None:
        raise DatasetError(f"{path}: the file is empty; a CSV input needs a header row")
    reader = RowReader(Columns.of(header, str(path)), tuple(header), topic, csv_value, lambda t: t.encode("utf-8"))
    index = 0
    while (row := _next_row(rows, path, line)) is not None:
        if not row:
            continue
        if len(row) != len(header):
            raise DatasetError(f"{path}, line {line[0]}: {len(row)} cells, but the header has {len(header)} "
                               f"columns: {row!r}")
        yield reader.message(row, index, f"{path}, line {line[0]}")
        index += 1


def _next_row(rows: Iterator[list[str]], path: Path, line: list[int]) -> list[str] | None:
    try:
        return next(rows, None)
    except csv.Error as exc:
        raise DatasetError(f"{path}, line {line[0]}: malformed CSV: {exc}") from exc


def read_frame(frame: Any, topic: str, source: str | None = None) -> Iterator[Message]:
    """Messages from the rows of a pandas DataFrame (column names checked now, rows read lazily).

    ``source`` names where the frame came from (a file) in errors, which then give the 1-based
    row; without it errors say ``DataFrame row N (index L)``.
    """
    names = list(frame.columns)
    reader = RowReader(Columns.of(names, source or "DataFrame"), tuple(names), topic, frame_value, _frame_payload)
    return _frame_rows(frame, reader, source)


def _frame_rows(frame: Any, reader: RowReader, source: str | None) -> Iterator[Message]:
    labels = iter(frame.index)
    for position, cells in enumerate(frame.itertuples(index=False, name=None)):
        label = next(labels)
        where = f"DataFrame row {position + 1} (index {label!r})" if source is None else f"{source}, row {position + 1}"
        yield reader.message(cells, position, where)


def read_parquet(path: Path, topic: str) -> Iterator[Message]:
    """Messages from the rows of a Parquet file, read (whole) when the first message is wanted."""
    import pandas as pd

    try:
        frame = pd.read_parquet(path, engine="pyarrow")
    except ImportError as exc:
        raise DatasetError(f"{path}: reading Parquet needs pyarrow: pip install 'pyarrow>=15' ({exc})") from exc
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (ValueError, TypeError, NotImplementedError) as exc:  # pyarrow's ArrowInvalid & co. derive from these
        raise DatasetError(f"{path}: not a readable Parquet file: {exc}") from exc
    yield from read_frame(frame, topic, str(path))


FRAME_COLUMNS = ("timestamp", "topic", "payload", "content_type", "properties")


def messages_frame(messages: Iterable[Message]) -> Any:
    """A DataFrame of ``messages``, one row each: ``timestamp``, ``topic``, ``payload``, ``content_type``, ``properties``.

    ``timestamp`` is the ``__ts`` text (``<ms>:<counter>:<node>``, zero-padded); ``payload`` is text
    when the bytes are UTF-8, else the bytes; ``properties`` is a dict of the user properties (a list
    of ``[key, value]`` pairs when keys repeat), ``__ts`` included. ``read_input(frame)`` gives the
    messages back.
    """
    import pandas as pd

    rows = [_frame_row(message, index) for index, message in enumerate(messages)]
    return pd.DataFrame.from_records(rows, columns=list(FRAME_COLUMNS))


def _frame_row(message: object, index: int) -> tuple[Any, ...]:
    if not isinstance(message, Message):
        raise DatasetError(f"item {index + 1} is a {type(message).__name__}, not a Message: {message!r:.120}")
    message = stamp(message)
    try:
        payload: str | bytes = message.payload.decode("utf-8")
    except UnicodeDecodeError:
        payload = message.payload
    keys = [key for key, _ in message.properties]
    properties: Any = (dict(message.properties) if len(set(keys)) == len(keys)
                       else [list(pair) for pair in message.properties])
    return hlc_text(message.timestamp), message.topic, payload, message.content_type, properties


def frame_value(value: Any) -> Any:
    """A DataFrame cell as a JSON-ready value; missing values (None, NaN, NA, NaT) → missing."""
    if value is None or isinstance(value, (dict, list, tuple, str, bytes)):
        return MISSING if value is None else value
    import pandas as pd

    if not pd.api.types.is_scalar(value):  # e.g. a numpy array in an object column
        return value.tolist() if hasattr(value, "tolist") else value
    if pd.isna(value):
        return MISSING
    if hasattr(value, "isoformat"):  # pandas and Python date-times: ISO text, which timestamps accept too
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def _frame_payload(value: Any) -> bytes:
    value = frame_value(value)
    if value is MISSING:
        raise ValueError("the payload is missing")
    if isinstance(value, bytes):
        return value
    return payload_bytes(value)
