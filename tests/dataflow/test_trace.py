"""Trace records: bounded, evenly thinned, deterministic rows."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.dataflow.progress import CLOSED
from workbench.dataflow.trace import SampledRows, Tracer
from workbench.messages import Timestamp


def test_rows_are_all_kept_up_to_the_limit() -> None:
    rows = SampledRows(limit=10)
    for n in range(1, 10):
        rows.add((n,))
    assert [r[0] for r in rows.rows] == list(range(1, 10))
    assert not rows.sampled
    assert rows.every == 1


def test_past_the_limit_rows_are_thinned_by_powers_of_two() -> None:
    rows = SampledRows(limit=8)
    for n in range(1, 41):
        rows.add((n,))
    assert rows.sampled
    assert rows.seen == 40
    assert rows.every == 8
    assert [r[0] for r in rows.rows] == [8, 16, 24, 32, 40]


@given(st.integers(2, 64), st.integers(0, 3000))
def test_rows_stay_bounded_evenly_spaced_and_reproducible(limit: int, count: int) -> None:
    rows, again = SampledRows(limit), SampledRows(limit)
    for n in range(1, count + 1):
        rows.add((n,))
        again.add((n,))
    kept = [r[0] for r in rows.rows]
    assert len(kept) < limit
    assert kept == [n for n in range(1, count + 1) if n % rows.every == 0]
    assert kept == [r[0] for r in again.rows]
    if count >= limit:  # thinning keeps at least half of the budget in use
        assert len(kept) >= limit // 2 - 1


def test_a_limit_below_two_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 2 rows, not 1"):
        SampledRows(1)


def test_tracer_records_calls_frontiers_fires_and_late_input() -> None:
    tracer = Tracer(limit=4)
    a, b = Timestamp.from_millis(1), Timestamp.from_millis(2)
    for _ in range(5):
        tracer.call("op", a, b, 1.0, 1.5, "emitted")
    tracer.frontier("op", CLOSED)
    tracer.fire("acc", a)
    tracer.late_input("source", a, b, "restamped")
    assert tracer.calls.seen == 5 and tracer.calls.sampled
    assert all(row == ("op", a, b, 1.0, 1.5, "emitted", 1) for row in tracer.calls.rows)
    assert tracer.progress.rows[0][::2] == ("op", CLOSED)
    assert tracer.fires.rows[0][:2] == ("acc", a)
    assert tracer.late.rows[0][:3] == ("source", a, b)
    assert tracer.wall(0.0) == tracer.epoch
