"""Writing messages: JSON lines as AIO's local runtime writes output, payload folders as AIO's inputs, Parquet.

``write_jsonl`` writes one record a line (see ``workbench.datasets.records``)::

    {"tst": "2025-01-01T00:00:00.000000+0000", "topic": "sensors/temperature/thermostat-01", "qos": 0,
     "retain": 0, "payloadlen": 74, "properties": {"user-properties": {"__ts": "001735689600000:00000:workbench"}},
     "payload": {"temperature": {"value": 72.5, "unit": "F", "deviceId": "thermostat-01"}}}

The payload is embedded as JSON when it parses as JSON (other than a JSON string), else as text,
else (not UTF-8) as base64 under ``payload64``. ``read_input`` reads the file back to the same
messages; a JSON payload comes back serialised by ``json.dumps``, so its bytes are equal when they
were written that way (as every reader and dataset of the workbench writes them), and equal as JSON
otherwise. Timestamps have millisecond resolution, as ``__ts`` has.

``write_parquet`` writes the rows of ``messages_frame`` (``timestamp`` as ``__ts`` text, ``topic``,
``payload`` as bytes, ``content_type``, ``properties`` as a JSON object of strings, or a list of
``[key, value]`` pairs when keys repeat), through pandas and pyarrow, all in one go.
``read_input`` reads it back to the same messages, payload bytes included.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import DatasetError
from ..messages import Message
from .records import message_record
from .tables import messages_frame


def write_jsonl(messages: Iterable[Message], path: str | os.PathLike[str]) -> int:
    """Write ``messages`` to ``path`` as JSON lines, one at a time; returns how many were written."""
    target = Path(path)
    count = 0
    try:
        with target.open("w", encoding="utf-8", newline="\n") as handle:
            for message in messages:
                handle.write(json.dumps(message_record(_message(message, count)), ensure_ascii=False) + "\n")
                count += 1
    except OSError as exc:
        raise DatasetError(f"{target}: cannot write: {exc.strerror}") from exc
    return count


def write_payloads(messages: Iterable[Message], folder: str | os.PathLike[str], prefix: str = "payload") -> int:
    """Write each payload to its own file in ``folder``, as AIO's test inputs are laid out.

    Files are ``{prefix}_000001.json`` (or ``.raw`` for payloads that are not JSON) in message
    order, which ``read_input`` reads back in the same order. Only payloads are kept: topics,
    timestamps and properties are not. ``folder`` is created, and must not hold files already.
    """
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
        if any(p.is_file() for p in target.iterdir()):
            raise DatasetError(f"{target}: the folder already holds files; write payloads to an empty folder")
        count = 0
        for message in messages:
            message = _message(message, count)
            count += 1
            suffix = ".json" if _is_json(message.payload) else ".raw"
            (target / f"{prefix}_{count:06d}{suffix}").write_bytes(message.payload)
    except OSError as exc:
        raise DatasetError(f"{target}: cannot write: {exc.strerror}") from exc
    return count


def write_parquet(messages: Iterable[Message], path: str | os.PathLike[str]) -> int:
    """Write ``messages`` to ``path`` as a Parquet file, one row a message; returns how many were written."""
    target = Path(path)
    frame = messages_frame(messages)
    frame["payload"] = [value.encode("utf-8") if isinstance(value, str) else value for value in frame["payload"]]
    frame["properties"] = [json.dumps(value, ensure_ascii=False) for value in frame["properties"]]
    try:
        frame.to_parquet(target, engine="pyarrow", index=False)
    except ImportError as exc:
        raise DatasetError(f"{target}: writing Parquet needs pyarrow: pip install 'pyarrow>=15' ({exc})") from exc
    except OSError as exc:
        raise DatasetError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    except (ValueError, TypeError) as exc:  # pyarrow's conversion errors derive from these
        raise DatasetError(f"{target}: cannot write as Parquet: {exc}") from exc
    return len(frame)


def _message(message: object, index: int) -> Message:
    if not isinstance(message, Message):
        raise DatasetError(f"item {index + 1} to write is a {type(message).__name__}, not a Message: {message!r:.120}")
    return message


def _is_json(payload: bytes) -> bool:
    try:
        json.loads(payload)
    except ValueError:
        return False
    return True
