"""A broker that goes away mid-run and comes back: the source reconnects, and the gap shows."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable

import pandas as pd
import pytest

from workbench.live import mqtt_messages, mqtt_publisher
from workbench.metrics.plots import frontier_figure

from ._broker import Mosquitto
from ._mqtt import Sent, publish
from .test_run import double_graph, run_live

OUTAGE = 1.5  # seconds the broker is down
FAST = (0.1, 0.5)  # reconnect backoff, seconds: quick enough to notice the broker is back


def batch(start: int, n: int) -> list[Sent]:
    return [Sent(f"restart/in/{i}", json.dumps({"n": i}).encode()) for i in range(start, start + n)]  # no __ts


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.slow
def test_a_broker_restart_mid_run_reconnects_and_leaves_a_gap_in_progress(
        new_broker: Callable[..., Mosquitto]) -> None:
    broker = new_broker()
    first, second = 10, 10
    source = mqtt_messages(broker.address, ["restart/in/#"], count=first + second, seconds=60,
                           reconnect_delay=FAST)
    publisher = mqtt_publisher(broker.address, "restart/out/{sink}", reconnect_delay=FAST)
    failures: list[BaseException] = []

    def restart_in_the_middle() -> None:
        try:
            publish(broker.port, batch(0, first))
            wait_until(lambda: source.delivered >= first)
            time.sleep(0.2)  # the run has taken the first batch in
            broker.stop()
            time.sleep(OUTAGE)
            broker.start()
            wait_until(lambda: source.event_count("subscribed") >= 2)  # resubscribed after the reconnect
            publish(broker.port, batch(first, second))
        except BaseException as exc:  # the run's thread reports it
            failures.append(exc)
            source.close()

    driver = threading.Thread(target=restart_in_the_middle)
    driver.start()
    result = run_live(double_graph(), source, on_output=publisher)
    driver.join(30)
    publisher.close()
    assert not failures, failures

    assert result.output_count == first + second and publisher.published == first + second
    assert sorted(m.json()["n"] for m in result.messages()) == [2 * i for i in range(first + second)]
    events = list(source.events["event"])
    assert list(result.input_events["event"]) == events  # the Run keeps what its input reported
    assert events[:2] == ["connected", "subscribed"] and events[-1] == "closed"
    assert events.index("disconnected") < events.index("reconnected") < len(events) - 1
    assert source.event_count("reconnect_failed") >= 1  # the broker was still down at the first attempts
    assert "reconnected" in list(publisher.events["event"])

    (outage,) = source.outages.itertuples(index=False)
    assert outage.seconds >= OUTAGE * 0.9

    progress = result.progress
    times = progress[progress["operator"] == "source"]["wall_time"].reset_index(drop=True)
    gaps = times.diff()
    widest = int(gaps.idxmax())
    assert gaps[widest] >= pd.Timedelta(seconds=OUTAGE)  # the source frontier stood still while the broker was away
    slack = pd.Timedelta(seconds=0.05)
    assert times[widest - 1] - slack <= outage.disconnected < outage.reconnected <= times[widest] + slack

    (line,) = [trace for trace in frontier_figure(progress).data if trace.name == "source"]
    assert line.line.shape == "hv" and max(b - a for a, b in itertools.pairwise(line.x)) >= OUTAGE  # flat there
