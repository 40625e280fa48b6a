"""Connection events and outages, and the arrival clock: no broker needed."""

from __future__ import annotations

from unittest import mock

import pandas as pd

from workbench.live.events import EVENT_COLUMNS, OUTAGE_COLUMNS, EventLog
from workbench.live.source import ArrivalClock
from workbench.messages import Timestamp


def log_of(*events: tuple[str, float]) -> EventLog:
    log = EventLog("127.0.0.1:1883")
    for event, moment in events:
        with mock.patch("workbench.live.events.time.time", return_value=moment):
            log.add(event, f"why {event}")
    return log


def test_events_frame_has_utc_wall_times_like_run_frames() -> None:
    frame = log_of(("connected", 100.0), ("subscribed", 100.5)).frame()
    assert list(frame.columns) == EVENT_COLUMNS
    assert list(frame["event"]) == ["connected", "subscribed"]
    assert frame["wall_time"].iloc[1] == pd.Timestamp("1970-01-01 00:01:40.500")
    assert set(frame["broker"]) == {"127.0.0.1:1883"}


def test_outages_pair_each_loss_with_the_next_reconnect() -> None:
    log = log_of(("connected", 10.0), ("disconnected", 20.0), ("reconnect_failed", 21.0), ("reconnected", 23.5),
                 ("subscribed", 23.6), ("disconnected", 30.0))
    outages = log.outages()
    assert list(outages.columns) == OUTAGE_COLUMNS
    assert outages["seconds"].iloc[0] == 3.5 and outages["reason"].iloc[0] == "why disconnected"
    assert pd.isna(outages["reconnected"].iloc[1]) and pd.isna(outages["seconds"].iloc[1])
    assert log.count("disconnected") == 2


def test_no_events_give_empty_frames_with_their_columns() -> None:
    log = EventLog("h:1")
    assert log.frame().empty and list(log.outages().columns) == OUTAGE_COLUMNS


def test_arrival_clock_counts_within_a_millisecond_and_never_goes_back() -> None:
    clock = ArrivalClock()
    readings = iter([5_000_000_000, 5_000_100_000, 6_000_000_000, 4_000_000_000])
    with mock.patch("workbench.live.source.time.time_ns", side_effect=lambda: next(readings)):
        stamps = [clock.now() for _ in range(4)]
    assert stamps == [Timestamp.from_millis(5000, 0, "workbench"), Timestamp.from_millis(5000, 1, "workbench"),
                      Timestamp.from_millis(6000, 0, "workbench"), Timestamp.from_millis(6000, 1, "workbench")]
