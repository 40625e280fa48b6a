"""The built-in sample datasets: ``load_dataset``, ``list_datasets`` and ``dataset_frame``.

Every dataset is generated, never stored: seeded, lazy, and the same for the same seed and options
on every machine. Time starts at 2025-01-01T00:00:00Z (option ``start``), never the wall clock.
"""

from __future__ import annotations

import difflib
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from typing import Any

from ..errors import DatasetError
from ..messages import Message
from .opcua import OpcUaAssets
from .sensors import HumiditySensors, MixedSensors, TemperatureSensors
from .stream import MakeEvent, StreamOptions, check_rate, messages, randoms

Builder = Callable[[random.Random, dict[str, Any]], MakeEvent]


@dataclass(frozen=True)
class DatasetInfo:
    """One built-in dataset: what it is, and its own options with their defaults."""

    name: str
    description: str
    topic: str
    options: tuple[tuple[str, Any], ...]
    build: Builder


DATASETS = {info.name: info for info in (
    DatasetInfo("temperature", "Thermostats in °F and °C (AIO temperature payloads), with outliers, gaps and "
                "late arrivals", "sensors/temperature/<device>",
                (("devices", 4), ("outliers", 0.01), ("decimals", 1)),
                lambda rng, o: TemperatureSensors(rng, o["devices"], o["outliers"], o["decimals"])),
    DatasetInfo("humidity", "Hygrometers in % (AIO humidity payloads), with outliers, gaps and late arrivals",
                "sensors/humidity/<device>",
                (("devices", 3), ("outliers", 0.01), ("decimals", 0)),
                lambda rng, o: HumiditySensors(rng, o["devices"], o["outliers"], o["decimals"])),
    DatasetInfo("mixed", "Temperature and humidity interleaved, told apart by the payload's top-level key "
                "(for branching)", "sensors/temperature/<device>, sensors/humidity/<device>",
                (("devices", 3), ("outliers", 0.01), ("humidity_share", 0.5)),
                lambda rng, o: MixedSensors(rng, o["devices"], o["outliers"], o["humidity_share"])),
    DatasetInfo("opcua", "OPC UA tag readings as AIO's connector for OPC UA publishes them: SourceTimestamp, "
                "Value, StatusCode, NodeId per data point", "azure-iot-operations/data/<asset>",
                (("assets", 3), ("outliers", 0.01), ("bad_status", 0.02)),
                lambda rng, o: OpcUaAssets(rng, o["assets"], o["outliers"], o["bad_status"])),
)}
STREAM_OPTIONS = tuple((f.name, f.default) for f in fields(StreamOptions))
_COUNTS = ("devices", "assets")
_RATES = ("outliers", "humidity_share", "bad_status")


def dataset_info(name: str) -> DatasetInfo:
    """The dataset called ``name``, or a ``DatasetError`` listing the known ones."""
    info = DATASETS.get(name) if isinstance(name, str) else None
    if info is None:
        close = difflib.get_close_matches(str(name), DATASETS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise DatasetError(f"unknown dataset {name!r}{hint} Known datasets: {', '.join(DATASETS)}")
    return info


def load_dataset(name: str, n: int = 100, *, seed: int = 0, **options: Any) -> Iterator[Message]:
    """``n`` messages of the built-in dataset ``name``, generated lazily in arrival order.

    Options (see ``list_datasets()``): the dataset's own (e.g. ``devices``, ``outliers``) and, for
    every dataset, ``interval_ms``, ``out_of_order``, ``max_delay``, ``gaps`` and ``start``.
    """
    info = dataset_info(name)
    for label, value in (("n", n), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DatasetError(f"{label}={value!r} must be a non-negative integer")
    own, stream = _split_options(info, options)
    return messages(name, n, seed, stream, info.build(randoms(name, seed, "values"), own))


def _split_options(info: DatasetInfo, options: dict[str, Any]) -> tuple[dict[str, Any], StreamOptions]:
    own = dict(info.options)
    stream_names = [name for name, _ in STREAM_OPTIONS]
    unknown = sorted(set(options) - set(own) - set(stream_names))
    if unknown:
        known = ", ".join([*own, *stream_names])
        raise DatasetError(f"dataset {info.name!r} has no option {unknown[0]!r}; its options are {known}")
    own.update({k: v for k, v in options.items() if k in own})
    for key, value in own.items():
        if key in _RATES:
            check_rate(key, value)
        elif key in _COUNTS and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise DatasetError(f"option {key}={value!r} must be an integer of at least 1")
        elif key == "decimals" and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6):
            raise DatasetError(f"option decimals={value!r} must be an integer from 0 to 6")
    return own, StreamOptions(**{k: v for k, v in options.items() if k in stream_names})


def list_datasets() -> Any:
    """The catalogue of built-in datasets as a pandas DataFrame (one row a dataset)."""
    import pandas as pd

    common = ", ".join(f"{k}={v!r}" for k, v in STREAM_OPTIONS)
    rows = [{"name": info.name, "description": info.description, "topic": info.topic,
             "fields": ", ".join(payload_fields(info.name)),
             "options": ", ".join(f"{k}={v!r}" for k, v in info.options), "common options": common,
             "example": next(load_dataset(info.name, 1)).payload.decode()}
            for info in DATASETS.values()]
    return pd.DataFrame(rows)


def payload_fields(name: str, sample: int = 50) -> list[str]:
    """The dotted payload fields of a dataset (as ``dataset_frame`` columns), from its first messages."""
    keys: dict[str, None] = {}
    for message in load_dataset(name, sample):
        row: dict[str, Any] = {}
        _flatten(json.loads(message.payload), "", row)
        keys.update(dict.fromkeys(row))
    return list(keys)


def dataset_frame(name: str, n: int = 100, seed: int = 0, **options: Any) -> Any:
    """The dataset as a pandas DataFrame: ``timestamp`` (UTC), ``topic``, and one column per payload field.

    Nested payload fields become dotted columns (``temperature.value``); integer and boolean columns
    keep their type where other rows lack the field. ``read_input(frame)`` gives the messages back.
    """
    import pandas as pd

    millis: list[int] = []
    rows: list[dict[str, Any]] = []
    for message in load_dataset(name, n, seed=seed, **options):
        millis.append(message.timestamp.millis)
        row = {"topic": message.topic}
        _flatten(json.loads(message.payload), "", row)
        rows.append(row)
    columns = list(dict.fromkeys(key for row in rows for key in row))
    frame = pd.DataFrame.from_records(rows, columns=columns or ["topic"])
    frame.insert(0, "timestamp", pd.to_datetime(pd.Series(millis, dtype="int64"), unit="ms", utc=True))
    for column in columns:
        kinds = {type(row[column]) for row in rows if column in row}
        if kinds == {int}:
            frame[column] = frame[column].astype("Int64")
        elif kinds == {bool}:
            frame[column] = frame[column].astype("boolean")
    return frame


def _flatten(value: Any, prefix: str, row: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(item, f"{prefix}{key}.", row)
    else:
        row[prefix[:-1]] = value
