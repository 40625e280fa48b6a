"""The wire-level host imports (``imports``), ``HostServices`` and ``datamodel``.

Every wire value a host function returns is also lowered with a plan of its WIT type and
lifted back (``_wit``), so a value of the wrong shape fails here and not in a guest call.
"""

from __future__ import annotations

import ctypes
from typing import Any

import pytest
import wasmtime

from workbench.host import _capi as c
from workbench.host.buffers import BufferTable, Lend
from workbench.host.datamodel import (
    BUFFER,
    BYTES,
    MESSAGE,
    RAW,
    SNAPSHOT,
    STRING,
    clock_from_wire,
    clock_to_wire,
    configuration_to_wire,
    message_from_wire,
    message_to_wire,
)
from workbench.host.imports import logger_functions, metrics_functions, state_store_functions
from workbench.host.services import LOG_LEVELS, HostServices, LogRecord, MetricPoint
from workbench.host.state_store import HybridLogicalClock, StateStore
from workbench.host.values import VAL, build_plan, clear
from workbench.messages import Message, RawData, Timestamp

from . import _wit as wit


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def through(node: Any, value: Any, codec: Any = None) -> Any:
    """Lower ``value`` with the plan of ``node``, lift it back and free the slot."""
    buffer = (ctypes.c_char * VAL)()
    addr = ctypes.addressof(buffer)
    plan = build_plan(node, codec)
    try:
        plan.lower(value, addr)
        return plan.lift(addr)
    finally:
        clear(addr)


def fits(node: Any, value: Any) -> Any:
    assert through(node, value) == value
    return value


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def services(clock) -> HostServices:
    return HostServices(state_store=StateStore(clock=clock, node_id="store"), clock=clock)


# -- logger --------------------------------------------------------------------------------

def test_log_maps_the_level_enum_to_names(services, clock):
    log = logger_functions("op", services)["log"]
    for level in range(len(LOG_LEVELS)):
        fits(wit.LEVEL, level)
        assert log(level, "ctx", f"message {level}") is None
        clock.advance(1)
    assert [r.level for r in services.logs] == ["trace", "debug", "info", "warn", "error", "critical"]
    first = services.logs[0]
    assert first == LogRecord("op", "trace", "ctx", "message 0", 1_700_000_000.0, "logger")
    assert services.logs[-1].time == 1_700_000_005.0


def test_log_levels_follow_the_wit_enum():
    assert LOG_LEVELS == wit.LEVEL.names


# -- metrics -------------------------------------------------------------------------------

def test_counter_and_histogram_points(services, clock):
    functions = metrics_functions("op", services)
    labels = [("site", "a"), ("line", "2")]
    assert fits(wit.METRIC_RESULT, functions["add-to-counter"]("hits", fits(wit.COUNTER_VALUE, (0, 3)),
                                                               fits(wit.LABELS, labels))) == (True, None)
    assert functions["add-to-counter"]("hits", (0, 4), None) == (True, None)
    assert functions["record-to-histogram"]("latency", fits(wit.HISTOGRAM_VALUE, (0, 2.5)), None) == (True, None)
    assert functions["record-to-histogram"]("latency", (1, 7), []) == (True, None)
    assert services.metrics == [
        MetricPoint("op", "hits", "counter", 3, (("site", "a"), ("line", "2")), clock.now),
        MetricPoint("op", "hits", "counter", 4, (), clock.now),
        MetricPoint("op", "latency", "histogram", 2.5, (), clock.now),
        MetricPoint("op", "latency", "histogram", 7, (), clock.now),
    ]
    assert services.counter_totals() == {("op", "hits"): 7}


def test_a_metric_name_used_with_another_kind_is_an_incompatible_type_error(services):
    functions = metrics_functions("op", services)
    assert functions["add-to-counter"]("m", (0, 1), None) == (True, None)
    result = fits(wit.METRIC_RESULT, functions["record-to-histogram"]("m", (0, 1.0), None))
    assert result[0] is False
    case, text = result[1]
    assert wit.METRICS_ERROR.names[case] == "incompatible-type"
    assert "'m'" in text and "counter" in text and "histogram" in text
    assert len(services.metrics) == 1  # the rejected point is not recorded
    # Kinds are per operator: another operator may use the name for a histogram.
    assert metrics_functions("other", services)["record-to-histogram"]("m", (0, 1.0), None) == (True, None)


# -- HostServices ---------------------------------------------------------------------------

def test_services_keep_at_most_max_records_and_count_the_rest(clock):
    services = HostServices(clock=clock, max_records=3)
    for i in range(5):
        services.log("op", "info", "", str(i))
    assert [r.message for r in services.logs] == ["0", "1", "2"]
    assert services.dropped_records == 2
    for i in range(4):
        assert services.record_metric("op", "c", "counter", i) is None
    assert len(services.metrics) == 3
    assert services.dropped_records == 3
    assert services.counter_totals() == {("op", "c"): 0 + 1 + 2}


def test_counter_totals_sum_counters_per_operator_and_name(services):
    services.record_metric("a", "x", "counter", 1)
    services.record_metric("a", "x", "counter", 2.5)
    services.record_metric("b", "x", "counter", 10)
    services.record_metric("a", "y", "histogram", 100)
    services.record_metric("a", "z", "counter", 0)
    assert services.counter_totals() == {("a", "x"): 3.5, ("b", "x"): 10, ("a", "z"): 0}


def test_log_source_is_recorded(services):
    services.log("op", "error", "stderr", "boom", source="stderr")
    assert services.logs[0].source == "stderr"


def test_services_default_to_their_own_state_store():
    first, second = HostServices(), HostServices()
    assert first.state_store is not second.state_store
    assert first.logs is not second.logs


# -- state store ----------------------------------------------------------------------------

ONLY_IF_DOES_NOT_EXIST, ONLY_IF_EQUAL_OR_DOES_NOT_EXIST, UNCONDITIONAL = range(3)
NO_TIMEOUT = None


def _hlc_wire(secs: int, nanos: int = 0, counter: int = 0, node: str = "client") -> Any:
    return ((secs, nanos), counter, node)


@pytest.fixture
def store_functions(services):
    functions = state_store_functions("op", services)

    def checked(name: str, params: tuple[Any, ...], result: Any) -> Any:
        def call(*args: Any) -> Any:
            for node, arg in zip(params, args, strict=True):
                fits(node, arg)
            return fits(result, functions[name](*args))
        return call

    return {
        "get": checked("get", wit.GET_PARAMS, wit.GET_RESULT),
        "set": checked("set", wit.SET_PARAMS, wit.SET_RESULT),
        "del": checked("del", wit.DEL_PARAMS, wit.DEL_RESULT),
        "vdel": checked("vdel", wit.VDEL_PARAMS, wit.DEL_RESULT),
    }


def test_get_of_a_missing_key(store_functions):
    assert store_functions["get"](b"nope", NO_TIMEOUT) == (True, (None, None))


def test_set_then_get_returns_value_and_version(store_functions, clock):
    clock.now = 1000.25
    ok, (written, version) = store_functions["set"](b"k", b"v1", (5, 0), None, (UNCONDITIONAL, None))
    assert ok is True and written is True
    assert version == ((1000, 250_000_000), 0, "store")
    assert store_functions["get"](b"k", NO_TIMEOUT) == (True, (b"v1", version))
    ok, (written, second) = store_functions["set"](b"k", b"v2", None, None, (UNCONDITIONAL, None))
    assert written is True and second == ((1000, 250_000_000), 1, "store")  # same instant: counter
    assert store_functions["get"](b"k", NO_TIMEOUT)[1][0] == b"v2"


def test_set_conditions(store_functions):
    s = store_functions["set"]
    assert s(b"k", b"a", None, None, (ONLY_IF_DOES_NOT_EXIST, None))[1][0] is True
    assert s(b"k", b"b", None, None, (ONLY_IF_DOES_NOT_EXIST, None)) == (True, (False, None))
    assert s(b"k", b"b", None, None, (ONLY_IF_EQUAL_OR_DOES_NOT_EXIST, None)) == (True, (False, None))
    assert s(b"k", b"a", None, None, (ONLY_IF_EQUAL_OR_DOES_NOT_EXIST, None))[1][0] is True
    assert s(b"new", b"x", None, None, (ONLY_IF_EQUAL_OR_DOES_NOT_EXIST, None))[1][0] is True
    assert s(b"k", b"c", None, None, (UNCONDITIONAL, None))[1][0] is True
    assert store_functions["get"](b"k", None)[1][0] == b"c"


def test_expiry_is_a_duration_in_seconds_and_nanos(store_functions, clock):
    assert store_functions["set"](b"k", b"v", None, None, (UNCONDITIONAL, (2, 500_000_000)))[1][0] is True
    clock.advance(2.4)
    assert store_functions["get"](b"k", None)[1][0] == b"v"
    clock.advance(0.2)
    assert store_functions["get"](b"k", None) == (True, (None, None))


def test_zero_expiry_is_a_request_error(store_functions):
    ok, (case, text) = store_functions["set"](b"k", b"v", None, None, (UNCONDITIONAL, (0, 0)))
    assert ok is False
    assert wit.STATE_STORE_ERROR.names[case] == "request-error"
    assert "expiry" in text
    assert store_functions["get"](b"k", None) == (True, (None, None))


def test_del_and_vdel(store_functions, clock):
    s, d, vd = store_functions["set"], store_functions["del"], store_functions["vdel"]
    assert d(b"missing", None, None) == (True, (0, None))
    s(b"k", b"v", None, None, (UNCONDITIONAL, None))
    assert vd(b"k", b"other", None, None) == (True, (-1, None))
    clock.advance(1)
    ok, (deleted, version) = vd(b"k", b"v", None, None)
    assert ok is True and deleted == 1 and version[0] == (1_700_000_001, 0)
    assert store_functions["get"](b"k", None) == (True, (None, None))
    s(b"j", b"w", None, None, (UNCONDITIONAL, None))
    assert d(b"j", None, None)[1][0] == 1
    assert d(b"j", None, None) == (True, (0, None))


def test_fencing_tokens_guard_writes_and_deletes(store_functions):
    s, d, vd = store_functions["set"], store_functions["del"], store_functions["vdel"]
    token = _hlc_wire(100, 5, 1)
    assert s(b"lock", b"a", None, token, (UNCONDITIONAL, None))[1][0] is True
    for attempt in [
        lambda: s(b"lock", b"b", None, None, (UNCONDITIONAL, None)),
        lambda: s(b"lock", b"b", None, _hlc_wire(100, 5, 0), (UNCONDITIONAL, None)),
        lambda: d(b"lock", _hlc_wire(99), None),
        lambda: vd(b"lock", b"a", None, None),
    ]:
        ok, (case, text) = attempt()
        assert ok is False
        assert wit.STATE_STORE_ERROR.names[case] == "request-error"
        assert "fenc" in text
    assert store_functions["get"](b"lock", None)[1][0] == b"a"
    assert s(b"lock", b"b", None, token, (UNCONDITIONAL, None))[1][0] is True  # an equal token may write
    assert s(b"lock", b"c", None, _hlc_wire(100, 5, 2), (UNCONDITIONAL, None))[1][0] is True
    assert d(b"lock", _hlc_wire(100, 5, 2), None)[1][0] == 1


def test_fencing_token_order_includes_the_node_id(store_functions):
    s = store_functions["set"]
    s(b"k", b"a", None, _hlc_wire(1, 0, 0, "b"), (UNCONDITIONAL, None))
    assert s(b"k", b"x", None, _hlc_wire(1, 0, 0, "a"), (UNCONDITIONAL, None))[0] is False
    assert s(b"k", b"x", None, _hlc_wire(1, 0, 0, "c"), (UNCONDITIONAL, None))[0] is True


class _FailingStore:
    """A state store whose requests fail with a given failure kind."""

    def __init__(self, failure: Any):
        self.failure = failure

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self.failure

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self.failure

    def vdelete(self, *args: Any, **kwargs: Any) -> Any:
        return self.failure


@pytest.mark.parametrize("kind, case, payload", [
    ("request-error", 0, "bad request"),
    ("timeout", 1, None),
    ("protocol", 2, None),
    ("internal", 3, None),
    ("something-new", 3, None),  # unknown failures are internal errors
])
def test_failures_map_to_state_store_error_cases(kind, case, payload):
    from workbench.host.state_store import StateStoreFailure

    services = HostServices(state_store=_FailingStore(StateStoreFailure(kind, "bad request")))  # type: ignore[arg-type]
    functions = state_store_functions("op", services)
    expected = (False, (case, payload))
    assert fits(wit.SET_RESULT, functions["set"](b"k", b"v", None, None, (UNCONDITIONAL, None))) == expected
    assert fits(wit.DEL_RESULT, functions["del"](b"k", None, None)) == expected
    assert fits(wit.DEL_RESULT, functions["vdel"](b"k", b"v", None, None)) == expected


def test_keys_and_values_may_be_any_bytes(store_functions):
    key, value = bytes(range(256)), b"\x00" * 10
    store_functions["set"](key, value, None, None, (UNCONDITIONAL, None))
    assert store_functions["get"](key, None)[1][0] == value


def test_the_state_store_is_shared_by_operators(services):
    state_store_functions("a", services)["set"](b"k", b"from a", None, None, (UNCONDITIONAL, None))
    assert state_store_functions("b", services)["get"](b"k", None)[1][0] == b"from a"
    assert services.state_store.get(b"k")[1] == HybridLogicalClock(1_700_000_000, 0, 0, "store")


# -- datamodel --------------------------------------------------------------------------------

def _as_lifted(wire: Any) -> Any:
    """The wire value with every ``Lend`` replaced by its bytes, as the host lift gives it."""
    if isinstance(wire, Lend):
        return wire.data
    if isinstance(wire, tuple):
        return tuple(_as_lifted(item) for item in wire)
    if isinstance(wire, list):
        return [_as_lifted(item) for item in wire]
    return wire


MESSAGES = [
    Message(b'{"t": 21.5}', "sensors/a", Timestamp(1_700_000_000, 123_000_000, 4, "node-1"), "application/json",
            (("unit", "C"), ("site", "ü"))),
    Message(),
    Message(b"\x00\xff", "", Timestamp(0, 0, 0, ""), None, ()),
    Message.of({"a": [1, 2]}, "t/ü", properties={"k": "v"}),
]


@pytest.mark.parametrize("message", MESSAGES)
def test_message_wire_round_trip(message):
    wire = message_to_wire(message)
    case, body = wire
    assert case == MESSAGE
    payload = body[3]
    assert payload[0] == BUFFER and isinstance(payload[1], Lend) and payload[1].data == message.payload
    assert body[1] == (BYTES, message.topic.encode())
    assert body[0][2] == (STRING, message.timestamp.node_id)
    assert message_from_wire(_as_lifted(wire)) == message


def test_raw_data_wire_round_trip():
    wire = message_to_wire(RawData(b"raw bytes"))
    assert wire[0] == RAW and wire[1][0] == BUFFER and wire[1][1].data == b"raw bytes"
    assert message_from_wire(_as_lifted(wire)) == RawData(b"raw bytes")
    assert message_from_wire((RAW, (BYTES, b"inline"))) == RawData(b"inline")


def test_message_from_wire_accepts_buffers_where_text_is_expected():
    # A guest may answer with buffer handles for text; lifted, they are bytes.
    wire = (MESSAGE, (
        ((5, 6), 7, (BUFFER, b"node")),
        (BUFFER, b"topic/\xc3\xbc"),
        (BUFFER, b"text/plain"),
        (BYTES, b"payload"),
        ([((BUFFER, b"k"), (STRING, "v")), ((STRING, "k2"), (BUFFER, b"\xff"))],),
        (0, (STRING, "schema-ref")),
    ))
    assert message_from_wire(wire) == Message(
        b"payload", "topic/ü", Timestamp(5, 6, 7, "node"), "text/plain", (("k", "v"), ("k2", "\ufffd")))


def test_snapshots_are_rejected():
    with pytest.raises(TypeError, match="snapshot"):
        message_from_wire((SNAPSHOT, None))


@pytest.fixture
def buffers() -> Any:
    store = wasmtime.Store()
    table = BufferTable()
    table.context = c.context_address(store)
    yield table
    table.clear()
    del store


@pytest.mark.parametrize("message", [*MESSAGES, RawData(b"r")])
def test_message_wire_fits_the_data_model_type(message, buffers):
    lifted = through(wit.DATA_MODEL, message_to_wire(message), buffers)
    assert len(buffers) == 0  # lift_own took every buffer back
    assert message_from_wire(lifted) == message


def test_clock_wire_round_trip():
    ts = Timestamp(12, 345, 6, "node")
    wire = clock_to_wire(ts)
    assert fits(wit.HLC, wire) == ((12, 345), 6, "node")
    assert clock_from_wire(wire) == ts


def test_configuration_to_wire():
    wire = configuration_to_wire({"a": "1", "b": "x"}, [("s", "application/json", "{}")])
    assert fits(wit.MODULE_CONFIGURATION, wire) == ([("a", "1"), ("b", "x")], [("s", "application/json", "{}")])
    assert fits(wit.MODULE_CONFIGURATION, configuration_to_wire({})) == ([], [])
