"""``read_input``: messages from a directory of payload files, JSONL, JSON, CSV, Parquet, or a DataFrame.

Formats (the suffix decides; a directory is a folder of payload files):

- **directory**: every regular, non-hidden file is one payload, its bytes as-is (JSON or not:
  AIO's sample inputs include raw images), in natural name order (``payload_2`` before ``payload_10``).
- **.jsonl** / **.ndjson**: one message a line, blank lines skipped. A line that is an object with a
  ``payload`` (or ``payload64``) key is a record (see ``workbench.datasets.records``: the format
  ``write_jsonl`` writes, AIO's output format); any other line is a bare payload, its text as-is.
  A file holds records or bare payloads, not both (a payload that has a top-level ``payload`` key
  must be wrapped in a record).
- **.json**: the whole file is one payload, unless it is an array, whose items are bare payloads or
  records (one or the other).
- **.csv**, **.parquet** and **DataFrame**: one message a row, the same column conventions for
  all three; see ``workbench.datasets.tables``. ``write_parquet`` and ``messages_frame`` write them.

Timestamps come from a ``timestamp`` field, else the ``__ts`` user property, else arrival order
(2025-01-01T00:00:00Z plus one millisecond per message, counter 0). Every message gets a ``__ts``
property that agrees with its timestamp. JSONL, CSV and directories stream: one line, row or file
at a time; a Parquet file is read whole when the first message is wanted. Bad input raises
``DatasetError`` naming the file and the 1-based line, row or item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from os import PathLike
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import DatasetError
from ..messages import Message
from .records import RecordError, is_record, message_from_payload, message_from_record
from .timestamps import arrival, stamp

JSONL_SUFFIXES = (".jsonl", ".ndjson")
TOO_DEEP = "JSON nested too deeply to read (Python's json stops at about 1,000 levels)"
SUFFIXES = (*JSONL_SUFFIXES, ".json", ".csv", ".parquet")


def read_input(source: Any, topic: str = "input") -> Iterator[Message]:
    """Messages from ``source``: a path (str or Path) to a directory, .jsonl, .json, .csv or .parquet, or a DataFrame.

    ``topic`` is the topic of messages whose input names none. The path is checked now; the
    content is read as the messages are consumed.
    """
    if isinstance(source, (str, PathLike)):
        return _read_path(Path(source), topic)
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        from .tables import read_frame

        return read_frame(source, topic)
    raise DatasetError(f"cannot read input from a {type(source).__name__}; give a path "
                       f"(directory, {', '.join(SUFFIXES)}) or a pandas DataFrame")


def _read_path(path: Path, topic: str) -> Iterator[Message]:
    if path.is_dir():
        return _read_directory(path, _payload_files(path), topic)
    if not path.exists():
        raise DatasetError(f"{path}: no such file or directory")
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return _read_jsonl(path, topic)
    if suffix == ".json":
        return _read_json(path, topic)
    if suffix == ".csv":
        from .tables import read_csv

        return read_csv(path, topic)
    if suffix == ".parquet":
        from .tables import read_parquet

        return read_parquet(path, topic)
    raise DatasetError(f"{path}: unsupported input file type {path.suffix!r}; "
                       f"expected a directory of payload files or one of {', '.join(SUFFIXES)}")


def _natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part)


def _payload_files(folder: Path) -> list[Path]:
    try:
        files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    except OSError as exc:
        raise DatasetError(f"{folder}: cannot list the directory: {exc.strerror}") from exc
    if not files:
        raise DatasetError(f"{folder}: the directory has no payload files")
    return sorted(files, key=lambda p: _natural_key(p.name))


def _read_directory(folder: Path, files: list[Path], topic: str) -> Iterator[Message]:
    for index, file in enumerate(files):
        yield stamp(Message(_read_bytes(file), topic, arrival(index)))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read: {exc.strerror}") from exc


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read: {exc.strerror}") from exc


def decoded_lines(handle: Iterable[bytes], path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of a binary file, failing on the first line that is not UTF-8."""
    for number, raw in enumerate(handle, 1):
        try:
            yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise DatasetError(f"{path}, line {number}: not UTF-8 text ({exc.reason} at byte {exc.start}): "
                               f"{raw[:80]!r}") from exc


def _read_jsonl(path: Path, topic: str) -> Iterator[Message]:
    handle = _open(path)
    items = _Items(str(path), "line")
    with handle:
        for number, line in decoded_lines(handle, path):
            text = line.strip()
            if not text:
                continue
            try:
                item = json.loads(text)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}, line {number}: malformed JSON ({exc.msg} at column {exc.colno}): "
                                   f"{_quote(text)}") from exc
            except RecursionError as exc:
                raise DatasetError(f"{path}, line {number}: {TOO_DEEP}: {_quote(text)}") from exc
            yield items.message(number, item, text, topic)


def _read_json(path: Path, topic: str) -> Iterator[Message]:
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
        value = json.loads(text)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise DatasetError(f"{path}, line {line}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        lines = text.splitlines()
        line_text = lines[exc.lineno - 1] if exc.lineno <= len(lines) else ""
        raise DatasetError(f"{path}, line {exc.lineno}: malformed JSON ({exc.msg} at column {exc.colno}): "
                           f"{_quote(line_text)}") from exc
    except RecursionError as exc:
        raise DatasetError(f"{path}: {TOO_DEEP}; give such payloads as files of a payload directory, "
                           "which are read as bytes") from exc
    if not isinstance(value, list):
        yield stamp(Message(data, topic, arrival(0)))
        return
    items = _Items(str(path), "item")
    for number, item in enumerate(value, 1):
        yield items.message(number, item, None, topic)


class _Items:
    """Turns parsed items of one file into messages: records or bare payloads, never both."""

    def __init__(self, source: str, unit: str) -> None:
        self.source, self.unit = source, unit
        self.first: tuple[int, bool] | None = None
        self.count = 0

    def message(self, number: int, item: Any, text: str | None, topic: str) -> Message:
        where = f"{self.source}, {self.unit} {number}"
        record = is_record(item)
        if self.first is None:
            self.first = (number, record)
        elif self.first[1] != record:
            kinds = ("a bare payload", "a record (it has a 'payload' key)")
            raise DatasetError(f"{where} is {kinds[record]}, but {self.unit} {self.first[0]} is {kinds[not record]}; "
                               f"a file holds records or bare payloads, not both: {_quote(text or item)}")
        fallback = arrival(self.count)
        self.count += 1
        try:
            if record:
                return message_from_record(item, topic, fallback)
            if text is not None:
                return stamp(Message(text.encode("utf-8"), topic, fallback))
            return message_from_payload(item, topic, fallback)
        except RecordError as exc:
            raise DatasetError(f"{where}: {exc}") from exc


def _quote(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=repr)
    return repr(text if len(text) <= limit else text[:limit] + "…")
