"""HLC text, timestamp parsing in its three input forms, and the ``__ts`` property."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest

from workbench.datasets.timestamps import START_MS, arrival, hlc_text, iso_millis, parse_timestamp, stamp
from workbench.messages import Message, Timestamp


def test_hlc_text_is_zero_padded_as_aio_writes_it() -> None:
    assert hlc_text(Timestamp.from_millis(1_758_255_553_528, 7, "node-1")) == "001758255553528:00007:node-1"


@pytest.mark.parametrize("value", ["1735689600250:3:edge", "001735689600250:00003:edge", "  1735689600250:3:edge"])
def test_hlc_text_parses(value: str) -> None:
    assert parse_timestamp(value) == Timestamp.from_millis(1_735_689_600_250, 3, "edge")


def test_node_ids_keep_colons_and_trailing_spaces() -> None:
    assert parse_timestamp("5:0:host:1 ").node_id == "host:1 "


@pytest.mark.parametrize("value", [1_735_689_600_250, "1735689600250", " 1735689600250 ", 1_735_689_600_250.0])
def test_integer_milliseconds_parse(value: object) -> None:
    assert parse_timestamp(value) == Timestamp.from_millis(1_735_689_600_250)


@pytest.mark.parametrize("value", [
    "2025-01-01T00:00:00.250Z", "2025-01-01T00:00:00.250+00:00", "2025-01-01 01:00:00.250+01:00",
    "2025-01-01T00:00:00.250", "2025-01-01T00:00:00.250999Z",  # naive is UTC; sub-ms truncated
    datetime(2025, 1, 1, 0, 0, 0, 250_000, tzinfo=UTC),
    datetime(2025, 1, 1, 2, 0, 0, 250_000, tzinfo=timezone(timedelta(hours=2))),
    pd.Timestamp("2025-01-01T00:00:00.250Z"),
])
def test_iso_date_times_parse_to_the_millisecond(value: object) -> None:
    assert parse_timestamp(value) == Timestamp.from_millis(START_MS + 250)


@pytest.mark.parametrize("value", ["yesterday", "12:x:node", "", True, 1.5, float("nan"), -5, [1], None])
def test_unparseable_values_say_what_was_expected(value: object) -> None:
    with pytest.raises(ValueError) as info:
        parse_timestamp(value)
    assert repr(value) in str(info.value) or "HLC" in str(info.value)


def test_arrival_order_is_one_millisecond_apart_from_a_fixed_start() -> None:
    assert [arrival(i) for i in range(3)] == [Timestamp.from_millis(START_MS + i) for i in range(3)]
    assert iso_millis(START_MS) == "2025-01-01T00:00:00.000Z"


def test_stamp_adds_ts_first() -> None:
    message = Message(b"x", "t", Timestamp.from_millis(42), properties=(("a", "1"),))
    assert stamp(message).properties == (("__ts", "000000000000042:00000:workbench"), ("a", "1"))


def test_stamp_rewrites_a_disagreeing_ts_in_place_and_keeps_an_agreeing_one() -> None:
    ts = Timestamp.from_millis(42)
    wrong = Message(b"x", "t", ts, properties=(("a", "1"), ("__ts", "1:0:other")))
    assert stamp(wrong).properties == (("a", "1"), ("__ts", hlc_text(ts)))
    right = stamp(wrong)
    assert stamp(right) is right
