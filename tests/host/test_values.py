"""Planned conversions (``workbench.host.values`` and ``codegen``) on raw value slots.

Values are lowered into a zeroed ``wasmtime_component_val_t`` slot, lifted back and
compared; ``relower`` is checked by updating a slot in place from one random value of a
type to another. Every slot is freed with ``values.clear`` at the end, so a plan that
writes a malformed slot tends to crash or corrupt the heap here rather than in a run.
"""

from __future__ import annotations

import ctypes
import math
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wasmtime import component as wc

from workbench.host import _capi as c
from workbench.host.engine import shared_engine
from workbench.host.values import VAL, RecordPlan, TypeNode, build_plan, clear, describe, plan_for

from ._resources import RecordingCodec, Token

PLANNERS = {"plan_for": plan_for, "build_plan": build_plan}
FLOAT32_MAX = struct.unpack("<f", struct.pack("<I", 0x7F7FFFFF))[0]

_CODEC = RecordingCodec()  # one store for every minted handle of the property tests


@contextmanager
def slot() -> Iterator[int]:
    buffer = (ctypes.c_char * VAL)()
    addr = ctypes.addressof(buffer)
    try:
        yield addr
    finally:
        clear(addr)
        assert bytes(buffer) == bytes(VAL)


def t(kind: str, *children: TypeNode | None, names: tuple[str, ...] = ()) -> TypeNode:
    return TypeNode(kind, tuple(children), names)


def record(*fields: TypeNode) -> TypeNode:
    return TypeNode("record", fields, tuple(f"field-{i}" for i in range(len(fields))))


# -- random types -------------------------------------------------------------------

_INT_RANGES = {
    "s8": (-(2**7), 2**7 - 1), "u8": (0, 2**8 - 1), "s16": (-(2**15), 2**15 - 1), "u16": (0, 2**16 - 1),
    "s32": (-(2**31), 2**31 - 1), "u32": (0, 2**32 - 1), "s64": (-(2**63), 2**63 - 1), "u64": (0, 2**64 - 1),
}
_LEAF_KINDS = ["bool", *_INT_RANGES, "f32", "f64", "char", "string"]


def _names(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix}-{i}" for i in range(count))


def _leaf_type(kind: str) -> st.SearchStrategy[TypeNode]:
    if kind == "bytes":
        return st.just(t("list", t("u8")))
    if kind == "enum":
        return st.integers(1, 5).map(lambda n: TypeNode("enum", (), _names("case", n)))
    if kind == "flags":
        return st.integers(1, 6).map(lambda n: TypeNode("flags", (), _names("flag", n)))
    return st.just(TypeNode(kind))


def _leaf_types(resources: bool) -> st.SearchStrategy[TypeNode]:
    kinds = [*_LEAF_KINDS, "bytes", "enum", "flags"] + (["own", "own"] if resources else [])
    return st.sampled_from(kinds).flatmap(_leaf_type)


def _compound_types(children: st.SearchStrategy[TypeNode]) -> st.SearchStrategy[TypeNode]:
    maybe = st.none() | children
    return st.one_of(
        children.map(lambda ch: t("list", ch)),
        st.lists(children, min_size=1, max_size=4).map(
            lambda fs: TypeNode("record", tuple(fs), _names("field", len(fs)))),
        st.lists(children, min_size=1, max_size=4).map(lambda fs: TypeNode("tuple", tuple(fs))),
        st.lists(maybe, min_size=1, max_size=4).map(
            lambda cs: TypeNode("variant", tuple(cs), _names("case", len(cs)))),
        # option<option<T>> has no unambiguous wire value (None), so it is never generated.
        children.filter(lambda ch: ch.kind != "option").map(lambda ch: t("option", ch)),
        st.tuples(maybe, maybe).map(lambda oe: t("result", *oe)),
    )


def types(resources: bool = False) -> st.SearchStrategy[TypeNode]:
    return st.recursive(_leaf_types(resources), _compound_types, max_leaves=8)


# -- random values of a type -----------------------------------------------------------

_SPECIAL_FLOATS = st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0])


def values(node: TypeNode) -> st.SearchStrategy[Any]:
    kind = node.kind
    if kind == "bool":
        return st.booleans()
    if kind in _INT_RANGES:
        return st.integers(*_INT_RANGES[kind])
    if kind == "f32":  # any double in range; the slot rounds it to float32
        return st.floats(-FLOAT32_MAX, FLOAT32_MAX) | _SPECIAL_FLOATS
    if kind == "f64":
        return st.floats() | _SPECIAL_FLOATS
    if kind == "char":
        return st.characters(exclude_categories=["Cs"])
    if kind == "string":
        return st.text(max_size=12)
    if kind == "list":
        element = node.children[0]
        if element.kind == "u8":
            return st.binary(max_size=24)
        return st.lists(values(element), max_size=4)
    if kind in ("record", "tuple"):
        return st.tuples(*(values(ch) for ch in node.children))
    if kind == "variant":
        return st.one_of([st.tuples(st.just(i), values(ch) if ch is not None else st.none())
                          for i, ch in enumerate(node.children)])
    if kind == "enum":
        return st.integers(0, len(node.names) - 1)
    if kind == "flags":
        return st.frozensets(st.sampled_from(node.names))
    if kind == "option":
        return st.none() | values(node.children[0])
    if kind == "result":
        ok, err = node.children
        return (st.tuples(st.just(True), values(ok) if ok else st.none())
                | st.tuples(st.just(False), values(err) if err else st.none()))
    if kind == "own":
        return st.builds(Token)
    raise AssertionError(kind)


def typed_values(count: int, resources: bool = False) -> st.SearchStrategy[tuple[TypeNode, list[Any]]]:
    return types(resources).flatmap(
        lambda node: st.tuples(st.just(node), st.lists(values(node), min_size=count, max_size=count)))


# -- what a lift must give back ------------------------------------------------------

def _round_f32(value: float) -> float:
    return struct.unpack("<f", struct.pack("<f", value))[0]


def same(node: TypeNode, got: Any, sent: Any, *, signed_zero: bool = True) -> bool:
    """Whether ``got`` (lifted) is what lowering ``sent`` must give back, exactly typed."""
    kind = node.kind
    if kind in ("f32", "f64"):
        want = _round_f32(sent) if kind == "f32" else sent
        if type(got) is not float:
            return False
        if math.isnan(want):
            return math.isnan(got)
        return got == want and (not signed_zero or math.copysign(1, got) == math.copysign(1, want))
    if kind == "list":
        if node.children[0].kind == "u8":
            return type(got) is bytes and got == bytes(sent)
        return (type(got) is list and len(got) == len(sent)
                and all(same(node.children[0], g, s, signed_zero=signed_zero) for g, s in zip(got, sent)))
    if kind in ("record", "tuple"):
        return (type(got) is tuple and len(got) == len(sent)
                and all(same(ch, g, s, signed_zero=signed_zero) for ch, g, s in zip(node.children, got, sent)))
    if kind == "variant":
        case = node.children[sent[0]]
        return (type(got) is tuple and got[0] == sent[0]
                and (got[1] is None if case is None else same(case, got[1], sent[1], signed_zero=signed_zero)))
    if kind == "option":
        if sent is None:
            return got is None
        return got is not None and same(node.children[0], got, sent, signed_zero=signed_zero)
    if kind == "result":
        case = node.children[0 if sent[0] else 1]
        return (type(got) is tuple and got[0] is bool(sent[0])
                and (got[1] is None if case is None else same(case, got[1], sent[1], signed_zero=signed_zero)))
    if kind == "flags":
        return type(got) is frozenset and got == sent
    if kind == "own":
        return got is sent
    return type(got) is type(sent) and got == sent


def _check_lift(plan: Any, addr: int, node: TypeNode, sent: Any, *, signed_zero: bool = True) -> None:
    got = plan.lift(addr)
    assert same(node, got, sent, signed_zero=signed_zero), f"{node}: sent {sent!r}, lifted {got!r}"


# -- property tests ------------------------------------------------------------------

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(typed_values(1))
def test_lower_then_lift_round_trips(case):
    node, (value,) = case
    for make in PLANNERS.values():
        plan = make(node)
        with slot() as addr:
            plan.lower(value, addr)
            _check_lift(plan, addr, node, value)
            _check_lift(plan, addr, node, value)  # lifting does not consume the slot


@PROPERTY
@given(typed_values(4))
def test_relower_updates_the_slot_in_place(case):
    # Signed zeros are compared leniently here: see test_relower_keeps_the_sign_of_zero.
    node, chain = case
    for make in PLANNERS.values():
        plan = make(node)
        with slot() as addr:
            plan.lower(chain[0], addr)
            for old, new in zip(chain, chain[1:]):
                plan.relower(new, old, addr)
                _check_lift(plan, addr, node, new, signed_zero=False)
            plan.relower(chain[-1], chain[-1], addr)  # unchanged: nothing to do
            _check_lift(plan, addr, node, chain[-1], signed_zero=False)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typed_values(3, resources=True))
def test_resources_round_trip_through_the_codec(case):
    node, chain = case
    for make in PLANNERS.values():
        plan = make(node, _CODEC)
        with slot() as addr:
            plan.lower(chain[0], addr)
            _check_lift(plan, addr, node, chain[0], signed_zero=False)
            for old, new in zip(chain, chain[1:]):
                plan.relower(new, old, addr)
                _check_lift(plan, addr, node, new, signed_zero=False)


# -- fixed examples ------------------------------------------------------------------

MESSAGE_LIKE = record(
    record(record(t("u64"), t("u32")), t("u64"), t("variant", t("own"), t("string"), names=("buffer", "string"))),
    t("variant", t("own"), t("list", t("u8")), names=("buffer", "bytes")),
    t("option", t("string")),
    record(t("list", t("tuple", t("string"), t("string")))),
    t("option", t("enum", names=("a", "b"))),
)


@pytest.mark.parametrize("make", PLANNERS.values(), ids=PLANNERS.keys())
@pytest.mark.parametrize("node, value", [
    (t("bool"), True),
    (t("u64"), 2**64 - 1),
    (t("s64"), -(2**63)),
    (t("f32"), 0.1),
    (t("char"), "\U0010FFFF"),
    (t("string"), "grüße, 世界 \U0001F600"),
    (t("string"), ""),
    (t("list", t("u8")), b"\x00\xff" * 3000),  # longer than the cached kinds table
    (t("list", t("string")), ["a", "", "ccc"]),
    (t("list", t("string")), []),
    (TypeNode("enum", (), ("red", "green", "blue")), 2),
    (TypeNode("flags", (), ("a", "b", "c")), frozenset({"a", "c"})),
    (TypeNode("flags", (), ("a", "b", "c")), frozenset()),
    (t("variant", None, t("s32"), names=("none", "some")), (0, None)),
    (t("result", None, None), (False, None)),
    (t("result", t("string"), t("u8")), (False, 7)),
    (t("option", t("result", None, t("string"))), (True, None)),
    (record(record(t("u8"), t("string")), t("option", t("f64"))), ((1, "x"), -0.0)),
])
def test_lower_then_lift_examples(make, node, value):
    plan = make(node)
    with slot() as addr:
        plan.lower(value, addr)
        _check_lift(plan, addr, node, value)


def test_build_plan_generates_code_for_records_and_containers():
    node = record(t("u8"), t("option", record(t("string"), t("list", t("u8")))), t("variant", t("s8"), names=("x",)))
    plan = build_plan(node)
    assert "def lift" in plan.lift.source and "def relower" in plan.relower.source
    assert hasattr(plan.fields[1].lift, "source")  # option: generated
    generic = plan_for(node)
    assert not hasattr(generic.lift, "source")


def test_relower_of_lists_changes_length_both_ways():
    node = t("list", record(t("string"), t("u32")))
    for make in PLANNERS.values():
        plan = make(node)
        chain = [[], [("a", 1)], [("a", 1), ("b", 2), ("c", 3)], [("a", 1), ("B", 2), ("c", 30)], [("z", 0)], []]
        with slot() as addr:
            plan.lower(chain[0], addr)
            for old, new in zip(chain, chain[1:]):
                plan.relower(new, old, addr)
                assert plan.lift(addr) == new


def test_relower_of_variants_options_and_results_switches_cases():
    cases = [
        (t("variant", None, t("string"), t("u8"), names=("a", "b", "c")),
         [(0, None), (1, "x"), (1, "yy"), (2, 3), (2, 4), (0, None), (1, "z")]),
        (t("option", t("string")), [None, "a", "b", None, None, "c"]),
        (t("result", t("string"), None), [(True, "a"), (False, None), (True, "b"), (True, "c")]),
    ]
    for node, chain in cases:
        for make in PLANNERS.values():
            plan = make(node)
            with slot() as addr:
                plan.lower(chain[0], addr)
                for old, new in zip(chain, chain[1:]):
                    plan.relower(new, old, addr)
                    assert plan.lift(addr) == new


@pytest.mark.parametrize("make", PLANNERS.values(), ids=PLANNERS.keys())
def test_relower_checks_a_value_equal_to_the_old_one_but_of_another_type(make):
    # 1 == True, yet 1 is not a bool: a field must not skip the check because they compare equal.
    plan = make(record(t("bool"), t("u8")))
    with slot() as addr:
        plan.lower((True, 0), addr)
        with pytest.raises(TypeError):
            plan.relower((1, 5), (True, 0), addr)
    plan = make(t("bool"))
    with slot() as addr:
        plan.lower(False, addr)
        with pytest.raises(TypeError):
            plan.relower(0, False, addr)


@pytest.mark.parametrize("make", PLANNERS.values(), ids=PLANNERS.keys())
@pytest.mark.parametrize("node, old, new", [
    (t("f64"), 0.0, -0.0),
    (record(t("f64"), t("u8")), (0.0, 1), (-0.0, 1)),
])
def test_relower_keeps_the_sign_of_zero(make, node, old, new):
    plan = make(node)
    with slot() as addr:
        plan.lower(old, addr)
        plan.relower(new, old, addr)
        _check_lift(plan, addr, node, new)


# -- wrong values -----------------------------------------------------------------------

@pytest.mark.parametrize("make", PLANNERS.values(), ids=PLANNERS.keys())
@pytest.mark.parametrize("node, value", [
    (t("string"), 5),
    (t("string"), b"bytes"),
    (t("bool"), 1),
    (t("bool"), None),
    (t("char"), "ab"),
    (t("char"), ""),
    (t("char"), 65),
    (t("u8"), 256),
    (t("u8"), -1),
    (t("s8"), -129),
    (t("u32"), "1"),
    (t("u64"), 1.5),
    (t("list", t("u8")), "text"),
    (TypeNode("flags", (), ("a", "b")), frozenset({"c"})),
    (record(t("u32"), t("u32")), (1,)),
    (record(t("u32"), t("u32")), (1, 2, 3)),
    (t("tuple", t("u8")), ()),
    (record(t("string"), t("string")), ("ok", 3)),
    (t("list", t("string")), ["a", "b", 3, "d"]),
    (t("option", record(t("u8"), t("bool"))), (1, 0)),
    (t("variant", t("char"), names=("c",)), (0, "xy")),
    (t("result", t("string"), None), (True, 1)),
])
def test_lowering_a_wrong_value_raises_type_error_and_leaves_a_clearable_slot(make, node, value):
    plan = make(node)
    with slot() as addr:
        with pytest.raises(TypeError):
            plan.lower(value, addr)


@pytest.mark.parametrize("value", [1e39, -1e300])
def test_lowering_an_out_of_range_f32_raises_type_error(value):
    plan = plan_for(t("f32"))
    with slot() as addr:
        with pytest.raises(TypeError):
            plan.lower(value, addr)


@pytest.mark.parametrize("make", PLANNERS.values(), ids=PLANNERS.keys())
def test_relowering_a_wrong_value_raises_type_error_and_leaves_a_clearable_slot(make):
    node = record(t("string"), t("string"), t("u8"))
    plan = make(node)
    with slot() as addr:
        plan.lower(("a", "b", 1), addr)
        with pytest.raises(TypeError):
            plan.relower(("a", 7, 1), ("a", "b", 1), addr)


_NESTED = record(record(t("u8"), t("string")), t("u8"))


@pytest.mark.parametrize("make, node, old, new", [
    pytest.param(build_plan, _NESTED, ((1, "a"), 2), ((1, "a"),), id="build_plan-outer-short"),
    pytest.param(build_plan, _NESTED, ((1, "a"), 2), ((1, "a"), 2, 3), id="build_plan-outer-long"),
    pytest.param(plan_for, _NESTED, ((1, "a"), 2), ((1, "a"),), id="plan_for-outer-short"),
    pytest.param(plan_for, _NESTED, ((1, "a"), 2), ((1, "a"), 2, 3), id="plan_for-outer-long"),
    pytest.param(build_plan, _NESTED, ((1, "a"), 2), ((9,), 2), id="build_plan-inner-short"),
    pytest.param(build_plan, _NESTED, ((1, "a"), 2), ((9, "b", 3), 2), id="build_plan-inner-long"),
    pytest.param(plan_for, _NESTED, ((1, "a"), 2), ((9,), 2), id="plan_for-inner-short"),
    pytest.param(plan_for, _NESTED, ((1, "a"), 2), ((9, "b", 3), 2), id="plan_for-inner-long"),
])
def test_relowering_a_record_with_the_wrong_field_count_raises_type_error(make, node, old, new):
    # lower() rejects these values; relower() must not accept them (or keep stale fields).
    plan = make(node)
    with slot() as addr:
        plan.lower(old, addr)
        with pytest.raises(TypeError):
            plan.relower(new, old, addr)


@pytest.mark.parametrize("make", PLANNERS.values(), ids=PLANNERS.keys())
@pytest.mark.parametrize("node, value", [
    (TypeNode("enum", (), ("a", "b", "c")), -1),
    (t("variant", None, t("u8"), names=("a", "b")), (-1, 5)),
])
def test_a_negative_case_index_is_rejected(make, node, value):
    plan = make(node)
    with slot() as addr:
        with pytest.raises((TypeError, IndexError, ValueError)):
            plan.lower(value, addr)


@pytest.mark.parametrize("node, value", [(t("string"), "a\ud800b"), (t("char"), "\udfff"),
                                         (record(t("u8"), t("string")), (1, "\udc80"))])
def test_lone_surrogates_are_rejected_before_they_reach_wasmtime(node, value):
    plan = build_plan(node)
    with slot() as addr:
        with pytest.raises(TypeError):
            plan.lower(value, addr)


def test_clear_is_idempotent():
    plan = build_plan(record(t("string"), t("list", t("string"))))
    with slot() as addr:
        plan.lower(("abc", ["d", "e"]), addr)
        clear(addr)
        clear(addr)


# -- resources ------------------------------------------------------------------------

@pytest.fixture
def codec() -> RecordingCodec:
    return RecordingCodec()


def test_resource_plans_need_a_codec():
    with pytest.raises(TypeError, match="resource"):
        plan_for(record(t("u8"), t("option", t("own"))))
    with pytest.raises(TypeError):
        build_plan(t("borrow"))


@pytest.mark.parametrize("make", PLANNERS.values(), ids=PLANNERS.keys())
def test_own_is_lowered_and_lifted_through_the_codec(make, codec):
    plan = make(t("own"), codec)
    token = Token("payload")
    with slot() as addr:
        plan.lower(token, addr)
        assert codec.calls == [("lower_own", token)]
        handle = c.WORD.unpack_from(c.MEMORY, addr + c.PAYLOAD_OFFSET)[0]
        assert c.MEMORY[addr] == c.RESOURCE
        assert plan.lift(addr) is token
        assert codec.calls[-1] == ("lift_own", handle)


def test_borrow_is_lifted_with_lift_borrow(codec):
    plan = build_plan(record(t("borrow"), t("u8")), codec)
    token = Token()
    with slot() as addr:
        plan.lower((token, 9), addr)
        assert plan.lift(addr) == (token, 9)
        assert [name for name, _ in codec.calls] == ["lower_own", "lift_borrow"]


@pytest.mark.parametrize("make", PLANNERS.values(), ids=PLANNERS.keys())
def test_relower_of_a_bare_own_always_mints_a_new_handle(make, codec):
    plan = make(t("own"), codec)
    token = Token()
    with slot() as addr:
        plan.lower(token, addr)
        plan.relower(token, token, addr)
        assert codec.lowered() == [token, token]


@pytest.mark.parametrize("make", PLANNERS.values(), ids=PLANNERS.keys())
def test_relower_of_a_record_with_a_fresh_own_mints_a_new_handle(make, codec):
    plan = make(record(t("string"), t("own"), t("u32")), codec)
    first, second = Token(1), Token(2)
    with slot() as addr:
        plan.lower(("a", first, 1), addr)
        plan.relower(("a", second, 1), ("a", first, 1), addr)
        assert codec.lowered() == [first, second]
        assert plan.lift(addr) == ("a", second, 1)


@pytest.mark.parametrize("make", PLANNERS.values(), ids=PLANNERS.keys())
@pytest.mark.parametrize("node, wrap", [
    (record(t("own"), t("u32")), lambda token: (token, 7)),
    (t("variant", t("own"), t("string"), names=("buffer", "string")), lambda token: (0, token)),
    (t("list", t("own")), lambda token: [token]),
    (MESSAGE_LIKE, lambda token: (((1, 2), 3, (0, token)), (1, b"t"), None, ([],), None)),
], ids=["record", "variant", "list", "message"])
def test_relower_of_a_value_holding_an_own_always_mints_a_new_handle(make, codec, node, wrap):
    # An owned handle moves into the guest on every call; an unchanged value that holds a
    # resource must still get a new handle, or the next call passes a handle already gone.
    token = Token()
    value = wrap(token)
    plan = make(node, codec)
    with slot() as addr:
        plan.lower(value, addr)
        plan.relower(value, value, addr)
        assert codec.lowered() == [token, token]


# -- describe -------------------------------------------------------------------------

_DESCRIBE_WAT = """
(component
  (type $point' (record (field "x" s32) (field "label" string)))
  (export $point "point" (type $point'))
  (type $shape' (variant (case "none") (case "int" s64) (case "text" string)))
  (export $shape "shape" (type $shape'))
  (type $color' (enum "red" "green" "blue"))
  (export $color "color" (type $color'))
  (type $perms' (flags "read" "write"))
  (export $perms "perms" (type $perms'))
  (core module $m
    (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable)
    (func (export "f") (param i32) unreachable))
  (core instance $i (instantiate $m))
  (func (export "f")
    (param "p" $point) (param "s" $shape) (param "c" $color) (param "o" (option u8))
    (param "r" (result u32 (error string))) (param "l" (list $point)) (param "t" (tuple bool f32 f64 char))
    (param "fl" $perms) (param "b" (list u8)) (param "unit" (result)) (param "err-only" (result (error u16)))
    (param "nested" (option (list (tuple s8 u16 u64 $color))))
    (canon lift (core func $i "f") (memory (core memory $i "mem")) (realloc (core func $i "realloc"))))
)
"""


def test_describe_reads_function_parameter_types():
    engine = shared_engine()
    component = wc.Component(engine, _DESCRIBE_WAT)
    ftype = component.type.exports(engine)["f"].ty
    assert isinstance(ftype, wc.FuncType)
    described = {name: describe(ty) for name, ty in ftype.params}
    color = TypeNode("enum", (), ("red", "green", "blue"))
    point = TypeNode("record", (t("s32"), t("string")), ("x", "label"))
    assert described == {
        "p": point,
        "s": TypeNode("variant", (None, t("s64"), t("string")), ("none", "int", "text")),
        "c": color,
        "o": t("option", t("u8")),
        "r": t("result", t("u32"), t("string")),
        "l": t("list", point),
        "t": t("tuple", t("bool"), t("f32"), t("f64"), t("char")),
        "fl": TypeNode("flags", (), ("read", "write")),
        "b": t("list", t("u8")),
        "unit": t("result", None, None),
        "err-only": t("result", None, t("u16")),
        "nested": t("option", t("list", t("tuple", t("s8"), t("u16"), t("u64"), color))),
    }
    assert ftype.result is None
    assert not any(node.has_resource for node in described.values())


def test_describe_reads_resources():
    engine = shared_engine()
    component = wc.Component(engine, """
    (component
      (import "r" (type $r (sub resource)))
      (import "a" (func (param "x" (borrow $r)) (param "y" (option (own $r))) (result (own $r))))
    )
    """)
    ftype = component.type.imports(engine)["a"].ty
    (_, x), (_, y) = ftype.params
    assert describe(x) == TypeNode("borrow")
    assert describe(y) == t("option", TypeNode("own"))
    assert describe(y).has_resource and not t("option", t("u8")).has_resource
    assert describe(ftype.result) == TypeNode("own")


def test_describe_rejects_unsupported_types():
    with pytest.raises(TypeError, match="not supported"):
        describe(object())


def test_type_node_str():
    assert str(t("result", None, t("list", t("u8")))) == "result<_, list<u8>>"
    assert str(t("u8")) == "u8"


def test_record_plan_of_a_tuple_uses_value_stride():
    # Tuples are arrays of values; records interleave names. A mix-up shows up as garbage.
    tuple_plan = plan_for(t("tuple", t("u8"), t("string")))
    record_plan = plan_for(record(t("u8"), t("string")))
    assert isinstance(tuple_plan, RecordPlan) and isinstance(record_plan, RecordPlan)
    for plan in (tuple_plan, record_plan):
        with slot() as addr:
            plan.lower((3, "x"), addr)
            assert plan.lift(addr) == (3, "x")



def test_lowered_slots_carry_the_declared_names():
    # wasmtime matches records, variants, enums and flags by name, so the names are the ABI.
    node = record(t("variant", None, t("u8"), names=("empty", "full")),
                  TypeNode("enum", (), ("lo", "hi")), TypeNode("flags", (), ("x", "y", "z")))
    plan = build_plan(node)
    with slot() as addr:
        plan.lower(((1, 5), 1, frozenset({"z", "x"})), addr)
        assert c.MEMORY[addr] == c.RECORD
        count, data = c.PAIR.unpack_from(c.MEMORY, addr + c.PAYLOAD_OFFSET)
        assert count == 3
        names = [c.read_bytes(data + i * c.ENTRY_SIZE) for i in range(count)]
        assert names == [b"field-0", b"field-1", b"field-2"]
        variant, enum, flags = (data + i * c.ENTRY_SIZE + c.ENTRY_VAL_OFFSET for i in range(3))
        assert (c.MEMORY[variant], c.read_bytes(variant + c.PAYLOAD_OFFSET)) == (c.VARIANT, b"full")
        assert (c.MEMORY[enum], c.read_bytes(enum + c.PAYLOAD_OFFSET)) == (c.ENUM, b"hi")
        count, flag_names = c.PAIR.unpack_from(c.MEMORY, flags + c.PAYLOAD_OFFSET)
        assert c.MEMORY[flags] == c.FLAGS
        assert [c.read_bytes(flag_names + 16 * i) for i in range(count)] == [b"x", b"z"]  # declaration order
