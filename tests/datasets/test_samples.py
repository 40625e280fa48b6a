"""The built-in datasets: deterministic, lazy, AIO-shaped, with the disorder they promise."""

from __future__ import annotations

import itertools
import json
import time
import tracemalloc
from collections import Counter

import pytest

from workbench.datasets import START_MS, list_datasets, load_dataset
from workbench.datasets.sensors import NORMAL_CELSIUS
from workbench.datasets.timestamps import hlc_text
from workbench.errors import DatasetError
from workbench.messages import Message, Timestamp

NAMES = ("temperature", "humidity", "mixed", "opcua")


def late_fraction(messages: list[Message]) -> float:
    """The share of messages behind the newest timestamp seen before them."""
    newest, late = Timestamp(0), 0
    for message in messages:
        late += message.timestamp < newest
        newest = max(newest, message.timestamp)
    return late / len(messages)


def celsius(reading: dict) -> float:
    value = reading["value"]
    return (value - 32) * 5 / 9 if reading["unit"] == "F" else value


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_messages_other_seed_other_messages(name: str) -> None:
    first = list(load_dataset(name, 200, seed=7))
    assert first == list(load_dataset(name, 200, seed=7))
    assert [m.payload for m in first] != [m.payload for m in load_dataset(name, 200, seed=8)]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [0, 1, 10, 1234])
def test_sizes(name: str, n: int) -> None:
    assert sum(1 for _ in load_dataset(name, n)) == n


@pytest.mark.parametrize("name", NAMES)
def test_every_message_carries_its_timestamp_as_ts(name: str) -> None:
    for message in load_dataset(name, 300):
        assert dict(message.properties)["__ts"] == hlc_text(message.timestamp)
        assert Timestamp.parse(dict(message.properties)["__ts"]) == message.timestamp
        assert isinstance(json.loads(message.payload), dict)


@pytest.mark.parametrize("name", NAMES)
def test_time_starts_at_a_fixed_epoch_not_the_wall_clock(name: str) -> None:
    first = min(m.timestamp.millis for m in load_dataset(name, 20))
    assert START_MS <= first < START_MS + 250
    later = min(m.timestamp.millis for m in load_dataset(name, 20, start="2030-06-01T00:00:00Z"))
    assert later - first > 5 * 365 * 86_400_000


@pytest.mark.parametrize("name", NAMES)
def test_out_of_order_arrivals_match_the_rate(name: str) -> None:
    messages = list(load_dataset(name, 5000, out_of_order=0.1))
    assert 0.08 < late_fraction(messages) < 0.12
    assert late_fraction(list(load_dataset(name, 2000, out_of_order=0.0))) == 0.0


def test_disorder_changes_the_order_but_not_the_messages() -> None:
    ordered = list(load_dataset("temperature", 1000, out_of_order=0.0))
    shuffled = list(load_dataset("temperature", 1000, out_of_order=0.3, max_delay=8))
    assert shuffled != ordered
    assert sorted(shuffled, key=lambda m: m.timestamp) == ordered


def test_late_messages_are_at_most_max_delay_places_late() -> None:
    messages = list(load_dataset("humidity", 3000, out_of_order=0.5, max_delay=3))
    ranks = {m.timestamp: i for i, m in enumerate(sorted(messages, key=lambda m: m.timestamp))}
    assert max(i - ranks[m.timestamp] for i, m in enumerate(messages)) <= 3


def test_event_times_strictly_increase_with_gaps() -> None:
    times = sorted(m.timestamp.millis for m in load_dataset("temperature", 4000, interval_ms=100, gaps=0.01))
    steps = [b - a for a, b in itertools.pairwise(times)]
    assert min(steps) >= 1
    gaps = [s for s in steps if s >= 10 * 100]
    assert 20 <= len(gaps) <= 65
    none = sorted(m.timestamp.millis for m in load_dataset("temperature", 4000, interval_ms=100, gaps=0.0))
    assert max(b - a for a, b in itertools.pairwise(none)) < 200


def test_temperature_payloads_follow_aio_and_use_both_units() -> None:
    payloads = [json.loads(m.payload) for m in load_dataset("temperature", 400)]
    assert all(list(p) == ["temperature"] for p in payloads)  # AIO's enum takes exactly one key
    readings = [p["temperature"] for p in payloads]
    assert {r["unit"] for r in readings} == {"F", "C"}
    assert {r["deviceId"] for r in readings} == {f"thermostat-0{k}" for k in range(1, 5)}
    assert all(isinstance(r["value"], float) for r in readings)


def test_temperature_outliers_at_the_configured_rate() -> None:
    readings = [json.loads(m.payload)["temperature"] for m in load_dataset("temperature", 5000, outliers=0.02)]
    low, high = NORMAL_CELSIUS
    outliers = [r for r in readings if not low <= celsius(r) <= high]
    assert 60 <= len(outliers) <= 140
    clean = [json.loads(m.payload)["temperature"] for m in load_dataset("temperature", 5000, outliers=0.0)]
    assert all(low <= celsius(r) <= high for r in clean)


def test_decimals_zero_gives_integer_values_as_aio_samples_have() -> None:
    values = [json.loads(m.payload)["temperature"]["value"] for m in load_dataset("temperature", 50, decimals=0)]
    assert all(type(v) is int for v in values)


def test_topics_name_the_dataset_and_device() -> None:
    for message in load_dataset("temperature", 50):
        assert message.topic == f"sensors/temperature/{json.loads(message.payload)['temperature']['deviceId']}"
    assert {m.topic for m in load_dataset("opcua", 30, assets=2)} == {
        "azure-iot-operations/data/boiler-01", "azure-iot-operations/data/boiler-02"}


def test_humidity_payloads_follow_aio_with_outliers_outside_0_to_100() -> None:
    readings = [json.loads(m.payload) for m in load_dataset("humidity", 5000, outliers=0.02)]
    assert all(list(p) == ["humidity"] and type(p["humidity"]["value"]) is int for p in readings)
    outside = [p for p in readings if not 0 <= p["humidity"]["value"] <= 100]
    assert 60 <= len(outside) <= 140


def test_mixed_interleaves_kinds_told_apart_by_payload_key() -> None:
    messages = list(load_dataset("mixed", 2000, humidity_share=0.3))
    kinds = Counter(next(iter(json.loads(m.payload))) for m in messages)
    assert set(kinds) == {"temperature", "humidity"}
    assert 0.25 < kinds["humidity"] / len(messages) < 0.35
    assert all(m.topic.split("/")[1] == next(iter(json.loads(m.payload))) for m in messages)
    sequence = [next(iter(json.loads(m.payload))) for m in messages[:50]]
    assert sum(a != b for a, b in itertools.pairwise(sequence)) > 5


def test_opcua_tags_have_node_id_value_status_and_source_timestamp() -> None:
    messages = list(load_dataset("opcua", 3000, bad_status=0.05))
    statuses: Counter[str] = Counter()
    for message in messages:
        payload = json.loads(message.payload)
        assert list(payload) == ["temperature", "pressure", "flowRate", "running"]
        for tag, point in payload.items():
            assert set(point) == {"SourceTimestamp", "Value", "StatusCode", "NodeId"}
            assert point["NodeId"] == f"ns=2;s={message.topic.rsplit('/', 1)[1]}/{tag}"
            assert Timestamp.from_millis(message.timestamp.millis) == message.timestamp
            assert point["SourceTimestamp"].endswith("Z")
            statuses[point["StatusCode"]["Symbol"]] += 1
        assert isinstance(payload["running"]["Value"], bool)
    assert statuses["Good"] > 0.9 * sum(statuses.values())
    assert {"BadSensorFailure", "UncertainLastUsableValue"} <= set(statuses)
    assert 100 <= len(messages) * 4 - statuses["Good"] <= 200


def test_ten_million_messages_stream_lazily() -> None:
    started = time.perf_counter()
    first = list(itertools.islice(load_dataset("temperature", 10_000_000), 5))
    assert len(first) == 5 and time.perf_counter() - started < 1.0


def test_memory_stays_bounded_while_streaming() -> None:
    stream = load_dataset("mixed", 10_000_000, out_of_order=0.2, max_delay=8)
    next(stream)
    tracemalloc.start()
    try:
        for _ in itertools.islice(stream, 5_000):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 256 * 1024  # keeping 5,000 messages would take about 3 MB


def test_catalogue_describes_every_dataset() -> None:
    catalogue = list_datasets()
    assert list(catalogue["name"]) == list(NAMES)
    assert {"description", "topic", "fields", "options", "common options", "example"} <= set(catalogue.columns)
    rows = catalogue.set_index("name")
    assert rows.loc["temperature", "fields"] == "temperature.value, temperature.unit, temperature.deviceId"
    assert "humidity.value" in rows.loc["mixed", "fields"] and "temperature.value" in rows.loc["mixed", "fields"]
    assert "bad_status=0.02" in rows.loc["opcua", "options"] and "out_of_order=0.05" in rows.loc["opcua", "common options"]
    assert json.loads(rows.loc["humidity", "example"]) == json.loads(next(load_dataset("humidity", 1)).payload)
    assert "<table" in catalogue._repr_html_()


def test_unknown_dataset_lists_the_known_ones_with_a_suggestion() -> None:
    with pytest.raises(DatasetError, match=r"unknown dataset 'temprature'; did you mean 'temperature'\?.*"
                                          r"temperature, humidity, mixed, opcua"):
        load_dataset("temprature")


@pytest.mark.parametrize(("options", "problem"), [
    ({"device": 3}, "has no option 'device'; its options are devices"),
    ({"devices": 0}, "devices=0 must be an integer of at least 1"),
    ({"outliers": 1.5}, "outliers=1.5 must be a fraction"),
    ({"out_of_order": -0.1}, "out_of_order=-0.1 must be a fraction"),
    ({"interval_ms": 0}, "interval_ms=0 must be an integer"),
    ({"decimals": 9}, "decimals=9 must be an integer from 0 to 6"),
    ({"start": "soon"}, "start='soon'"),
    ({"bad_status": 0.1}, "has no option 'bad_status'"),
])
def test_bad_options_are_named(options: dict, problem: str) -> None:
    with pytest.raises(DatasetError, match=problem):
        load_dataset("temperature", 5, **options)


@pytest.mark.parametrize(("n", "seed"), [(-1, 0), (2.5, 0), (True, 0), (5, "x")])
def test_bad_sizes_and_seeds(n: object, seed: object) -> None:
    with pytest.raises(DatasetError, match="must be a non-negative integer"):
        load_dataset("humidity", n, seed=seed)  # type: ignore[arg-type]
