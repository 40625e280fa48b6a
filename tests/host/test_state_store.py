from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.reference import AIO_REFERENCE
from workbench.errors import StateStoreError
from workbench.host.state_store import HybridLogicalClock, SetCondition, StateStore, StateStoreFailure

AIO_SEED = AIO_REFERENCE / "statestore.json"


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(clock: FakeClock) -> StateStore:
    return StateStore(clock=clock)


def hlc(secs: int, nanos: int = 0, counter: int = 0, node: str = "client") -> HybridLogicalClock:
    return HybridLogicalClock(secs, nanos, counter, node)


# -- hybrid logical clock -----------------------------------------------------------

def test_hlc_orders_by_secs_nanos_counter_node():
    assert hlc(1, 0, 9) < hlc(1, 1, 0) < hlc(2, 0, 0)
    assert hlc(1, 0, 1, "a") < hlc(1, 0, 1, "b")
    assert hlc(1, 5, 2, "n") == hlc(1, 5, 2, "n")


def test_hlc_str_is_millis_counter_node():
    assert str(HybridLogicalClock(12, 345_000_000, 7, "node")) == "12345:7:node"


def test_versions_use_store_clock_and_node_id(clock):
    clock.now = 1000.25
    store = StateStore(clock=clock, node_id="n1")
    ok, version = store.set(b"k", b"v")
    assert ok is True
    assert version == HybridLogicalClock(1000, 250_000_000, 0, "n1")


def test_default_node_id(store):
    _, version = store.set(b"k", b"v")
    assert version.node_id == "workbench-state-store"


def test_counter_increments_when_wall_time_stands_still(store, clock):
    _, first = store.set(b"a", b"1")
    _, second = store.set(b"b", b"2")
    clock.advance(-5)  # a clock going backwards must not go back in versions either
    _, third = store.set(b"c", b"3")
    assert (first.counter, second.counter, third.counter) == (0, 1, 2)
    assert first < second < third
    clock.advance(10)
    _, fourth = store.set(b"d", b"4")
    assert fourth.counter == 0 and fourth > third


# -- get / set conditions -------------------------------------------------------------

def test_get_absent_key(store):
    assert store.get(b"missing") == (None, None)


def test_unconditional_set_overwrites(store):
    _, v1 = store.set(b"k", b"one")
    ok, v2 = store.set(b"k", b"two")
    assert ok and v2 > v1
    assert store.get(b"k") == (b"two", v2)


def test_only_if_does_not_exist(store):
    cond = SetCondition.ONLY_IF_DOES_NOT_EXIST
    ok, version = store.set(b"k", b"one", condition=cond)
    assert ok and version is not None
    assert store.set(b"k", b"two", condition=cond) == (False, None)
    assert store.set(b"k", b"one", condition=cond) == (False, None)
    assert store.get(b"k") == (b"one", version)


def test_only_if_equal_or_does_not_exist(store):
    cond = SetCondition.ONLY_IF_EQUAL_OR_DOES_NOT_EXIST
    ok, v1 = store.set(b"k", b"one", condition=cond)
    assert ok
    ok, v2 = store.set(b"k", b"one", condition=cond)
    assert ok and v2 > v1
    assert store.set(b"k", b"two", condition=cond) == (False, None)
    assert store.get(b"k") == (b"one", v2)


def test_set_condition_values_match_wit_names():
    assert [c.value for c in SetCondition] == [
        "unconditional", "only-if-does-not-exist", "only-if-equal-or-does-not-exist"]


def test_keys_accept_bytearray_and_memoryview(store):
    store.set(bytearray(b"k"), memoryview(b"v"))
    assert store.get(b"k")[0] == b"v"


# -- expiry ------------------------------------------------------------------------

def test_key_expires_lazily(store, clock):
    store.set(b"k", b"v", expires=2.0)
    clock.advance(1.999)
    assert store.get(b"k")[0] == b"v"
    clock.advance(0.001)
    assert store.get(b"k") == (None, None)
    assert len(store) == 0


def test_expired_key_counts_as_absent_for_conditions(store, clock):
    store.set(b"k", b"old", expires=1)
    clock.advance(1)
    ok, _ = store.set(b"k", b"new", condition=SetCondition.ONLY_IF_DOES_NOT_EXIST)
    assert ok and store.get(b"k")[0] == b"new"

    store.set(b"e", b"old", expires=1)
    clock.advance(1)
    ok, _ = store.set(b"e", b"other", condition=SetCondition.ONLY_IF_EQUAL_OR_DOES_NOT_EXIST)
    assert ok


def test_expired_key_counts_as_absent_for_deletes(store, clock):
    store.set(b"a", b"v", expires=1)
    store.set(b"b", b"v", expires=1)
    clock.advance(5)
    assert store.delete(b"a") == (0, None)
    assert store.vdelete(b"b", b"v") == (0, None)


def test_overwrite_without_expiry_clears_expiry(store, clock):
    store.set(b"k", b"v", expires=1)
    store.set(b"k", b"w")
    clock.advance(100)
    assert store.get(b"k")[0] == b"w"


@pytest.mark.parametrize("expires", [0, -1, float("nan"), float("inf")])
def test_invalid_expiry_is_a_request_error(store, expires):
    outcome = store.set(b"k", b"v", expires=expires)
    assert isinstance(outcome, StateStoreFailure) and outcome.kind == "request-error"
    assert store.get(b"k") == (None, None)


def test_expired_keys_are_left_out_of_snapshots(store, clock):
    store.set(b"short", b"1", expires=1)
    store.set(b"long", b"2")
    clock.advance(2)
    assert store.to_dict() == {"long": "2"}
    assert [key for key, _, _ in store.items()] == [b"long"]


# -- delete / vdelete --------------------------------------------------------------

def test_delete(store):
    _, v1 = store.set(b"k", b"v")
    count, version = store.delete(b"k")
    assert count == 1 and version > v1
    assert store.get(b"k") == (None, None)
    assert store.delete(b"k") == (0, None)


def test_vdelete_outcomes(store):
    store.set(b"k", b"v")
    assert store.vdelete(b"k", b"other") == (-1, None)
    assert store.get(b"k")[0] == b"v"
    count, version = store.vdelete(b"k", b"v")
    assert count == 1 and version is not None
    assert store.vdelete(b"k", b"v") == (0, None)


# -- fencing tokens -----------------------------------------------------------------

@pytest.fixture
def fenced(store) -> StateStore:
    ok, _ = store.set(b"lock", b"owner", fencing_token=hlc(10, 0, 5))
    assert ok
    return store


def _is_fencing_error(outcome: object) -> bool:
    return isinstance(outcome, StateStoreFailure) and outcome.kind == "request-error"


def test_older_fencing_token_is_rejected(fenced):
    older = hlc(10, 0, 4)
    outcome = fenced.set(b"lock", b"x", fencing_token=older)
    assert _is_fencing_error(outcome)
    assert f"fencing token {older} is older than {hlc(10, 0, 5)}" in outcome.message
    assert _is_fencing_error(fenced.delete(b"lock", fencing_token=older))
    assert _is_fencing_error(fenced.vdelete(b"lock", b"owner", fencing_token=older))
    assert fenced.get(b"lock")[0] == b"owner"


def test_missing_fencing_token_is_rejected_on_fenced_key(fenced):
    for outcome in (fenced.set(b"lock", b"x"), fenced.delete(b"lock"), fenced.vdelete(b"lock", b"owner"),
                    fenced.set(b"lock", b"x", condition=SetCondition.ONLY_IF_DOES_NOT_EXIST)):
        assert _is_fencing_error(outcome)
        assert "fenc" in outcome.message
    assert fenced.get(b"lock")[0] == b"owner"


def test_equal_or_newer_fencing_token_is_accepted(fenced):
    ok, _ = fenced.set(b"lock", b"same", fencing_token=hlc(10, 0, 5))
    assert ok
    ok, _ = fenced.set(b"lock", b"newer", fencing_token=hlc(11))
    assert ok
    # the newer token now guards the key
    assert _is_fencing_error(fenced.set(b"lock", b"x", fencing_token=hlc(10, 0, 5)))
    assert fenced.vdelete(b"lock", b"other", fencing_token=hlc(11)) == (-1, None)
    count, _ = fenced.delete(b"lock", fencing_token=hlc(12))
    assert count == 1


def test_fencing_compares_node_id_last(fenced):
    assert _is_fencing_error(fenced.set(b"lock", b"x", fencing_token=hlc(10, 0, 5, "a")))
    ok, _ = fenced.set(b"lock", b"x", fencing_token=hlc(10, 0, 5, "d"))
    assert ok


def test_fence_is_gone_once_key_is_deleted_or_expired(fenced, clock):
    fenced.delete(b"lock", fencing_token=hlc(10, 0, 5))
    ok, _ = fenced.set(b"lock", b"free")
    assert ok
    fenced.set(b"tmp", b"v", expires=1, fencing_token=hlc(50))
    clock.advance(1)
    ok, _ = fenced.set(b"tmp", b"free")
    assert ok


def test_unfenced_key_accepts_any_token(store):
    store.set(b"k", b"v")
    ok, _ = store.set(b"k", b"w", fencing_token=hlc(1))
    assert ok
    assert store.delete(b"absent", fencing_token=hlc(0)) == (0, None)


# -- version monotonicity (property) -----------------------------------------------

_keys = st.sampled_from([b"a", b"b", b"c"])
_values = st.sampled_from([b"x", b"y"])
_tokens = st.none() | st.builds(hlc, st.integers(0, 3), st.just(0), st.integers(0, 2))
_operations = st.one_of(
    st.tuples(st.just("set"), _keys, _values, st.sampled_from(list(SetCondition)),
              st.none() | st.sampled_from([0.5, 2.0]), _tokens),
    st.tuples(st.just("delete"), _keys, _tokens),
    st.tuples(st.just("vdelete"), _keys, _values, _tokens),
    st.tuples(st.just("tick"), st.sampled_from([-1.0, 0.0, 0.0, 1e-9, 0.3, 1.0])),
)


def _apply(store: StateStore, clock: FakeClock, op: tuple) -> object:
    name, *args = op
    if name == "tick":
        clock.advance(args[0])
        return None
    if name == "set":
        key, value, condition, expires, token = args
        return store.set(key, value, condition=condition, expires=expires, fencing_token=token)
    if name == "delete":
        return store.delete(args[0], fencing_token=args[1])
    return store.vdelete(args[0], args[1], fencing_token=args[2])


def _new_version(outcome: object) -> HybridLogicalClock | None:
    if outcome is None or isinstance(outcome, StateStoreFailure):
        return None
    success, version = outcome
    assert (version is not None) == (success is True or success == 1)
    return version


@settings(max_examples=150, deadline=None)
@given(st.lists(_operations, max_size=40))
def test_successful_writes_have_strictly_increasing_versions(operations):
    clock = FakeClock(100.0)
    store = StateStore(clock=clock)
    seen: list[HybridLogicalClock] = []
    for op in operations:
        version = _new_version(_apply(store, clock, op))
        if version is not None:
            seen.append(version)
    assert seen == sorted(set(seen))
    for key, _, version in store.items():
        assert store.get(key)[1] == version


# -- seeding ------------------------------------------------------------------------

def test_from_aio_seed_file():
    store = StateStore.from_json(AIO_SEED)
    assert store.get(b"factoryId")[0] == b"factoryA"
    assert store.get(b"machineId")[0] == b"machineA"
    assert store.to_dict() == {"factoryId": "factoryA", "machineId": "machineA"}
    assert len(store) == 2


def test_from_json_passes_clock_and_node_id(tmp_path, clock):
    path = tmp_path / "seed.json"
    path.write_text('{"a": "1"}')
    store = StateStore.from_json(str(path), clock=clock, node_id="seeder")
    assert store.get(b"a")[1].node_id == "seeder"


def test_seed_file_as_one_object_with_non_string_values(tmp_path):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({"n": 3, "flag": True, "cfg": {"a": [1, 2]}, "none": None, "s": "ü"}))
    store = StateStore.from_json(path)
    assert store.to_dict() == {"n": "3", "flag": "true", "cfg": '{"a":[1,2]}', "none": "null", "s": "ü"}
    assert store.get(b"s")[0] == "ü".encode()


def test_seed_mapping_accepts_str_and_bytes(store):
    store.seed({"a": "1", b"b": b"\xff"})
    assert store.get(b"a")[0] == b"1"
    assert store.to_dict() == {"a": "1", "b": "\\xff"}


@pytest.mark.parametrize(("content", "index"), [
    ('[{"a": "1"}, "b"]', 1),
    ('[{"a": "1"}, {"b": "2"}, {}]', 2),
    ('[[1, 2]]', 0),
])
def test_bad_seed_entry_names_file_and_index(tmp_path, content, index):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(StateStoreError) as info:
        StateStore.from_json(path)
    assert str(path) in str(info.value)
    assert f"entry {index}" in str(info.value)


def test_seed_top_level_must_be_array_or_object(tmp_path):
    path = tmp_path / "scalar.json"
    path.write_text('"hello"')
    with pytest.raises(StateStoreError, match="scalar.json"):
        StateStore.from_json(path)


def test_invalid_json_seed_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"a": ')
    with pytest.raises(StateStoreError, match="broken.json") as info:
        StateStore.from_json(path)
    assert isinstance(info.value.__cause__, json.JSONDecodeError)


def test_missing_seed_file(tmp_path):
    path = tmp_path / "nope.json"
    with pytest.raises(StateStoreError, match="nope.json") as info:
        StateStore.from_json(path)
    assert isinstance(info.value.__cause__, OSError)


# -- reporting ----------------------------------------------------------------------

def test_items_and_html(store):
    _, version = store.set(b"<k>", b"a&b")
    assert list(store.items()) == [(b"<k>", b"a&b", version)]
    html = store._repr_html_()
    assert "&lt;k&gt;" in html and "a&amp;b" in html and str(version) in html
    assert "empty" in StateStore()._repr_html_()
