"""An in-memory model of the AIO (MQTT) distributed state store that operators call.

Every successful write gets a new version, a hybrid logical clock (HLC) taken from the
store's own clock. Keys may expire (checked lazily against an injectable clock) and may
be fenced: once written with a fencing token, later writes must bring an equal or newer
token. Request failures are returned as ``StateStoreFailure`` values, not raised, because
they travel back to the guest as ``Err``.
"""

from __future__ import annotations

import enum
import json
import math
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from ..errors import StateStoreError

DEFAULT_NODE_ID = "workbench-state-store"


@dataclass(frozen=True, order=True)
class HybridLogicalClock:
    """A version: wall time, a counter for writes within one instant, and the writer's node."""

    secs: int
    nanos: int
    counter: int
    node_id: str

    def __str__(self) -> str:
        return f"{self.secs * 1000 + self.nanos // 1_000_000}:{self.counter}:{self.node_id}"


class SetCondition(enum.Enum):
    UNCONDITIONAL = "unconditional"
    ONLY_IF_DOES_NOT_EXIST = "only-if-does-not-exist"
    ONLY_IF_EQUAL_OR_DOES_NOT_EXIST = "only-if-equal-or-does-not-exist"


@dataclass(frozen=True)
class StateStoreFailure:
    """One case of the WIT ``state-store-error`` variant."""

    kind: str  # "request-error" | "timeout" | "protocol" | "internal"
    message: str = ""


@dataclass(frozen=True)
class _Entry:
    value: bytes
    version: HybridLogicalClock
    expires_at: float | None = None
    fencing_token: HybridLogicalClock | None = None


SetOutcome = tuple[bool, HybridLogicalClock | None] | StateStoreFailure
DeleteOutcome = tuple[int, HybridLogicalClock | None] | StateStoreFailure


def _request_error(message: str) -> StateStoreFailure:
    return StateStoreFailure("request-error", message)


def _as_bytes(text: str | bytes) -> bytes:
    return text.encode("utf-8") if isinstance(text, str) else bytes(text)


def _fencing_failure(key: bytes, entry: _Entry, token: HybridLogicalClock | None) -> StateStoreFailure | None:
    """Why a write with ``token`` may not touch ``entry`` (None when it may)."""
    current = entry.fencing_token
    if current is None or (token is not None and token >= current):
        return None
    if token is None:
        return _request_error(f"key {key!r} is fenced by token {current}; a fencing token is required")
    return _request_error(f"fencing token {token} is older than {current} held by key {key!r}")


class StateStore:
    """Keys and values are bytes; see the module docstring for the semantics."""

    def __init__(self, clock: Callable[[], float] = time.time, node_id: str = DEFAULT_NODE_ID):
        self._clock = clock
        self._node_id = node_id
        self._entries: dict[bytes, _Entry] = {}
        self._last: HybridLogicalClock | None = None

    # -- construction -------------------------------------------------------------

    @classmethod
    def from_json(cls, path: str | Path, **kw: Any) -> StateStore:
        """A store seeded from an AIO seed file: ``[{"key": "value"}, ...]`` or one object."""
        store = cls(**kw)
        store.seed(_load_seed_file(Path(path)))
        return store

    def seed(self, entries: Mapping[str, str] | Mapping[bytes, bytes] | Mapping[str | bytes, str | bytes]) -> None:
        """Write ``entries`` unconditionally, without expiry or fencing."""
        for key, value in entries.items():
            self._write(_as_bytes(key), _as_bytes(value), None, None)

    # -- the WIT operations ---------------------------------------------------------

    def get(self, key: bytes) -> tuple[bytes | None, HybridLogicalClock | None]:
        entry = self._live(bytes(key))
        return (None, None) if entry is None else (entry.value, entry.version)

    def set(self, key: bytes, value: bytes, *, condition: SetCondition = SetCondition.UNCONDITIONAL,
            expires: float | None = None, fencing_token: HybridLogicalClock | None = None) -> SetOutcome:
        key, value = bytes(key), bytes(value)
        if expires is not None and not (math.isfinite(expires) and expires > 0):
            return _request_error(f"expiry must be a positive number of seconds, not {expires!r}")
        entry = self._live(key)
        if entry is not None:
            failure = _fencing_failure(key, entry, fencing_token)
            if failure is not None:
                return failure
        if not _condition_allows(condition, entry, value):
            return (False, None)
        expires_at = None if expires is None else self._clock() + expires
        return (True, self._write(key, value, expires_at, fencing_token))

    def delete(self, key: bytes, *, fencing_token: HybridLogicalClock | None = None) -> DeleteOutcome:
        return self._delete(bytes(key), None, fencing_token)

    def vdelete(self, key: bytes, value: bytes, *,
                fencing_token: HybridLogicalClock | None = None) -> DeleteOutcome:
        return self._delete(bytes(key), bytes(value), fencing_token)

    # -- reporting ------------------------------------------------------------------

    def items(self) -> Iterator[tuple[bytes, bytes, HybridLogicalClock]]:
        """(key, value, version) of every live key, in insertion order."""
        for key in list(self._entries):
            entry = self._live(key)
            if entry is not None:
                yield key, entry.value, entry.version

    def to_dict(self) -> dict[str, str]:
        return {_text(key): _text(value) for key, value, _ in self.items()}

    def __len__(self) -> int:
        return sum(1 for _ in self.items())

    def __repr__(self) -> str:
        return f"<StateStore node={self._node_id!r} keys={len(self)}>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td><code>{escape(_text(key))}</code></td><td><code>{escape(_text(value))}</code></td>"
            f"<td>{escape(str(version))}</td></tr>"
            for key, value, version in self.items()
        )
        if not rows:
            return "<div><i>state store is empty</i></div>"
        return ("<table><thead><tr><th>key</th><th>value</th><th>version</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>")

    # -- internals ------------------------------------------------------------------

    def _live(self, key: bytes) -> _Entry | None:
        """The entry at ``key`` unless absent or expired (expired entries are dropped)."""
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at is not None and self._clock() >= entry.expires_at:
            del self._entries[key]
            return None
        return entry

    def _delete(self, key: bytes, expected: bytes | None,
                fencing_token: HybridLogicalClock | None) -> DeleteOutcome:
        entry = self._live(key)
        if entry is None:
            return (0, None)
        failure = _fencing_failure(key, entry, fencing_token)
        if failure is not None:
            return failure
        if expected is not None and entry.value != expected:
            return (-1, None)
        del self._entries[key]
        return (1, self._next_version())

    def _write(self, key: bytes, value: bytes, expires_at: float | None,
               fencing_token: HybridLogicalClock | None) -> HybridLogicalClock:
        version = self._next_version()
        self._entries.pop(key, None)  # keep insertion order = order of last write
        self._entries[key] = _Entry(value, version, expires_at, fencing_token)
        return version

    def _next_version(self) -> HybridLogicalClock:
        """A version strictly greater than every earlier one of this store."""
        secs, nanos = _split_seconds(self._clock())
        last = self._last
        if last is None or (secs, nanos) > (last.secs, last.nanos):
            version = HybridLogicalClock(secs, nanos, 0, self._node_id)
        else:
            version = HybridLogicalClock(last.secs, last.nanos, last.counter + 1, self._node_id)
        self._last = version
        return version


def _condition_allows(condition: SetCondition, entry: _Entry | None, value: bytes) -> bool:
    if entry is None or condition is SetCondition.UNCONDITIONAL:
        return True
    if condition is SetCondition.ONLY_IF_EQUAL_OR_DOES_NOT_EXIST:
        return entry.value == value
    return False


def _split_seconds(wall: float) -> tuple[int, int]:
    total_nanos = max(0, int(wall * 1_000_000_000))
    return total_nanos // 1_000_000_000, total_nanos % 1_000_000_000


def _text(data: bytes) -> str:
    return data.decode("utf-8", "backslashreplace")


# -- seed files -------------------------------------------------------------------

def _load_seed_file(path: Path) -> dict[bytes, bytes]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StateStoreError(f"cannot read state store seed file {path}: {exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StateStoreError(f"state store seed file {path} is not valid JSON: {exc}") from exc
    return _seed_entries(path, document)


def _seed_entries(path: Path, document: Any) -> dict[bytes, bytes]:
    if isinstance(document, dict):
        return _seed_object(document)
    if not isinstance(document, list):
        raise StateStoreError(
            f"state store seed file {path} must hold a JSON array of objects like "
            f'[{{"key": "value"}}], not a {type(document).__name__}')
    entries: dict[bytes, bytes] = {}
    for index, item in enumerate(document):
        if not isinstance(item, dict) or not item:
            shown = json.dumps(item)[:80]
            raise StateStoreError(
                f"state store seed file {path}: entry {index} must be an object with a key, "
                f'like {{"key": "value"}}, not {shown}')
        entries.update(_seed_object(item))
    return entries


def _seed_object(document: dict[str, Any]) -> dict[bytes, bytes]:
    return {_as_bytes(key): _as_bytes(_seed_value(value)) for key, value in document.items()}


def _seed_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
