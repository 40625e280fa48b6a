"""HLC timestamps and frontiers: total order, the ``__ts`` format, CLOSED, minimum, behind."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.dataflow.progress import CLOSED, EARLIEST, behind, frontier_text, minimum
from workbench.messages import Timestamp

timestamps = st.builds(Timestamp, st.integers(0, 10**10), st.integers(0, 999_999_999),
                       st.integers(0, 2**64 - 1), st.text(max_size=8))


def test_timestamps_order_by_time_then_counter_then_node() -> None:
    ordered = [Timestamp(1, 0, 5, "z"), Timestamp(1, 1, 0, "a"), Timestamp(1, 1, 1, "a"),
               Timestamp(1, 1, 1, "b"), Timestamp(2, 0, 0, "")]
    assert sorted(reversed(ordered)) == ordered
    assert Timestamp(1, 1, 1, "a") == Timestamp(1, 1, 1, "a")


@given(timestamps, timestamps)
def test_timestamp_order_is_total_and_matches_its_fields(a: Timestamp, b: Timestamp) -> None:
    fields = (a.secs, a.nanos, a.counter, a.node_id), (b.secs, b.nanos, b.counter, b.node_id)
    assert (a < b) == (fields[0] < fields[1])
    assert [a < b, a == b, a > b].count(True) == 1


def test_ts_property_text_round_trips() -> None:
    stamp = Timestamp.parse("1735689600123:7:node-a")
    assert stamp == Timestamp(1735689600, 123_000_000, 7, "node-a")
    assert stamp.millis == 1735689600123
    assert str(stamp) == "1735689600123:7:node-a"
    assert Timestamp.parse("5:0:a:b").node_id == "a:b"  # a node id may hold colons


@pytest.mark.parametrize("text", ["", "12", "12:3", "x:1:n", "1:y:n", "-1:0:n"])
def test_malformed_ts_property_is_rejected_with_the_text(text: str) -> None:
    with pytest.raises(ValueError, match="malformed HLC timestamp") as info:
        Timestamp.parse(text)
    assert repr(text) in str(info.value)


@given(timestamps)
def test_closed_is_past_every_timestamp(stamp: Timestamp) -> None:
    assert stamp < CLOSED
    assert CLOSED > stamp
    assert not CLOSED < stamp
    assert stamp != CLOSED
    assert EARLIEST <= stamp


def test_closed_equals_only_itself() -> None:
    assert CLOSED == CLOSED
    assert not CLOSED < CLOSED
    assert repr(CLOSED) == "CLOSED"
    assert frontier_text(CLOSED) == "closed"
    assert frontier_text(Timestamp.from_millis(1500, 2, "n")) == "1500:2:n"


def test_minimum_of_frontiers() -> None:
    early, late = Timestamp.from_millis(10), Timestamp.from_millis(20)
    assert minimum([late, early, CLOSED]) == early
    assert minimum([CLOSED, CLOSED]) is CLOSED
    assert minimum([]) is CLOSED


@given(st.lists(timestamps, min_size=1, max_size=6))
def test_minimum_is_the_least(frontiers: list[Timestamp]) -> None:
    assert minimum([*frontiers, CLOSED]) == min(frontiers)


def test_behind_moves_back_to_the_earliest_stamp_of_that_instant() -> None:
    stamp = Timestamp(10, 500_000_000, 4, "node")
    assert behind(stamp, 600_000_000) == Timestamp(9, 900_000_000, 0, "")
    assert behind(stamp, 0) == Timestamp(10, 500_000_000, 0, "")
    assert behind(stamp, 20 * 10**9) == EARLIEST


@given(timestamps, st.integers(0, 10**12), st.data())
def test_behind_never_passes_a_timestamp_within_the_bound(stamp: Timestamp, bound: int, data: st.DataObject) -> None:
    frontier = behind(stamp, bound)
    assert frontier <= stamp
    total = stamp.secs * 10**9 + stamp.nanos
    back = data.draw(st.integers(0, min(bound, total)))
    within = Timestamp((total - back) // 10**9, (total - back) % 10**9, data.draw(st.integers(0, 9)),
                       data.draw(st.text(max_size=3)))
    assert within >= frontier
