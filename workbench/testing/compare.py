"""Comparing a run's output messages with what an AIO test file expects.

Output messages become records in the format of AIO's local runtime output, as ``workbench
run --output`` writes them (``workbench.datasets.records.message_record``)::

    {"tst": "2025-01-01T00:00:00.000000+0000", "topic": "sensors", "qos": 0, "retain": 0,
     "payloadlen": 20, "properties": {"user-properties": {"__ts": "..."}}, "payload": {"temperature": 21.5}}

Rules (AIO's, plus two conveniences of the workbench, marked *):

- an expected **object** compares with the last output message, an **array** with all output
  messages in order, and ``[]`` means the graph must produce no output at all;
- an expected item is a record when it is a non-empty object whose keys are all record keys
  (``payload``, ``topic``, ``properties``, ...); *anything else is a bare payload;
- payloads compare as JSON when both sides parse as JSON (AIO's expected payloads are JSON
  text, ``"{\\"temperature\\": 21.5}"``), as text otherwise;
- ``select`` keeps only the listed dot paths of both sides, ``ignores`` drops dot paths from
  both; paths may go into the payload (``payload.temperature.value``), into the properties
  (``properties.user-properties.otel/factoryId``) and into arrays by index (``payload.0.tag``);
- *without ``select``, only the top-level fields the expected record names are compared, so an
  expected ``{"payload": ...}`` does not have to spell out the topic and timestamps.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Sequence
from typing import Any

from ..datasets.records import RECORD_KEYS as _KEYS
from ..datasets.records import message_record

RECORD_KEYS = frozenset(_KEYS)

__all__ = ["compare", "diff", "drop", "is_record", "lookup", "message_record", "pick", "same", "view"]


def is_record(item: Any) -> bool:
    return isinstance(item, dict) and bool(item) and set(item) <= RECORD_KEYS


def as_record(item: Any) -> dict[str, Any]:
    """An expected item as a record: records stay as they are, anything else is a payload."""
    return copy.deepcopy(item) if is_record(item) else {"payload": copy.deepcopy(item)}


def compare(expected: Any, actual: Sequence[dict[str, Any]], select: Sequence[str] = (),
            ignores: Sequence[str] = ()) -> str | None:
    """None when ``actual`` output records match ``expected``; otherwise a readable diff."""
    if isinstance(expected, list):
        return _compare_all(expected, actual, select, ignores)
    if not actual:
        return "expected an output message (compared with the last one), but the graph produced none"
    problem = _compare_one(expected, actual[-1], select, ignores)
    return None if problem is None else f"the last of {len(actual)} output messages differs:\n{problem}"


def _compare_all(expected: list[Any], actual: Sequence[dict[str, Any]], select: Sequence[str],
                 ignores: Sequence[str]) -> str | None:
    if len(expected) != len(actual):
        title = (f"expected no output messages, got {len(actual)}" if not expected
                 else f"expected {len(expected)} output messages, got {len(actual)}")
        return f"{title}:\n{diff(*_list_views(expected, actual, select, ignores))}"
    problems = []
    for number, (e, a) in enumerate(zip(expected, actual), 1):
        problem = _compare_one(e, a, select, ignores)
        if problem is not None:
            problems.append(f"output message {number} of {len(actual)} differs:\n{problem}")
    return "\n".join(problems) or None


def _list_views(expected: list[Any], actual: Sequence[dict[str, Any]], select: Sequence[str],
                ignores: Sequence[str]) -> tuple[list[Any], list[Any]]:
    """Both lists as compared; an item without a partner is shown as it would be compared."""
    wanted = [view(e, actual[i] if i < len(actual) else ABSENT, select, ignores)[0] for i, e in enumerate(expected)]
    template = expected[-1] if expected else ABSENT
    got = [view(expected[i] if i < len(expected) else template, a, select, ignores)[1]
           for i, a in enumerate(actual)]
    return wanted, got


def _compare_one(expected: Any, actual: dict[str, Any], select: Sequence[str],
                 ignores: Sequence[str]) -> str | None:
    wanted, got = view(expected, actual, select, ignores)
    return None if same(wanted, got) else diff(wanted, got)


ABSENT: Any = object()
"""Stands for the missing side of a pair (lists of different lengths)."""


def view(expected: Any, actual: Any, select: Sequence[str] = (),
         ignores: Sequence[str] = ()) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two records as they are compared: payloads parsed, select and ignores applied.

    ``expected`` ABSENT: ``actual`` is shown whole; ``actual`` ABSENT: only ``expected`` matters.
    """
    wanted = as_record(expected) if expected is not ABSENT else {}
    got = copy.deepcopy(actual) if actual is not ABSENT else {}
    _parse_payloads(wanted, got)
    if select:
        wanted, got = pick(wanted, select), pick(got, select)
    elif expected is not ABSENT:
        got = {key: got.get(key) for key in wanted}
    for path in ignores:
        drop(wanted, path)
        drop(got, path)
    return wanted, got


def _parse_payloads(wanted: dict[str, Any], got: dict[str, Any]) -> None:
    """Parse payloads as JSON where they are JSON; when both sides have a payload, only if both parse.

    An expected payload that is not a string is JSON already.
    """
    sides = [side for side in (wanted, got) if "payload" in side]
    for side in sides:
        if isinstance(side["payload"], bytes):
            side["payload"] = side["payload"].decode("utf-8", "replace")
    parsed = [_parse(side["payload"]) for side in sides]
    if all(ok for _, ok in parsed):
        for side, (value, _) in zip(sides, parsed):
            side["payload"] = value


def _parse(value: Any) -> tuple[Any, bool]:
    if not isinstance(value, str):
        return value, True
    try:
        return json.loads(value), True
    except ValueError:
        return value, False


def same(a: Any, b: Any) -> bool:
    """JSON equality: ``1 == 1.0``, but ``true != 1`` and key order does not matter."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    return bool(a == b)


def split_path(path: str) -> list[str]:
    return path.split(".")


def lookup(value: Any, path: str) -> tuple[Any, bool]:
    """The value at a dot path, and whether it is there (digits index arrays)."""
    for key in split_path(path):
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return None, False
    return value, True


def pick(record: dict[str, Any], paths: Sequence[str]) -> dict[str, Any]:
    """Only the values at ``paths``, at the same places (array indexes become object keys)."""
    chosen: dict[str, Any] = {}
    for path in paths:
        value, found = lookup(record, path)
        if found:
            _put(chosen, split_path(path), value)
    return chosen


def _put(target: dict[str, Any], keys: list[str], value: Any) -> None:
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    target[keys[-1]] = value


def drop(record: Any, path: str) -> None:
    """Remove the value at a dot path, if it is there."""
    *parents, last = split_path(path)
    container, found = lookup(record, ".".join(parents)) if parents else (record, True)
    if not found:
        return
    if isinstance(container, dict):
        container.pop(last, None)
    elif isinstance(container, list) and last.isdigit() and int(last) < len(container):
        del container[int(last)]


def diff(expected: Any, actual: Any) -> str:
    """A unified diff of the two values as indented JSON, ``-`` expected, ``+`` actual."""
    a = _lines(expected)
    b = _lines(actual)
    return "\n".join(difflib.unified_diff(a, b, "expected", "actual", n=3, lineterm=""))


def _lines(value: Any) -> list[str]:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str).splitlines()
