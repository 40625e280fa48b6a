"""Calls across the component boundary (``workbench.host.calls``) on small WAT components.

The components are written by hand in the component text format with the canonical ABI
laid out explicitly: flattened parameters, results returned through a pointer into the
guest's memory, and a bump allocator as ``cabi_realloc`` that a ``post-return`` resets.
"""

from __future__ import annotations

import ctypes
import math
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import wasmtime
from wasmtime import component as wc

from workbench.host import _capi as c
from workbench.host.buffers import BUFFER_RESOURCE_TYPE, BufferTable, Lend
from workbench.host.calls import DISPATCH_ADDR, FINALIZE_ADDR, GuestCall, HostCall, register
from workbench.host.engine import shared_engine
from workbench.host.values import build_plan, describe

# A bump allocator and the memory every canonical option refers to. ``reset`` (a
# post-return) frees everything a call allocated; addresses below 1024 are return areas.
LIBC = """
  (core module $libc
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    (data (i32.const 512) "division by zero")
    (data (i32.const 544) "overflow")
    (func (export "realloc") (param $old i32) (param $old-size i32) (param $align i32) (param $size i32)
      (result i32)
      (local $p i32)
      (if (local.get $old) (then unreachable))
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
      (global.set $bump (i32.add (local.get $p) (local.get $size)))
      (if (i32.gt_u (global.get $bump) (i32.const 65536)) (then unreachable))
      (local.get $p))
    (func (export "reset") (param i32) (global.set $bump (i32.const 1024)))
    (func (export "reset64") (param i64) (global.set $bump (i32.const 1024)))
    (func (export "reset0") (global.set $bump (i32.const 1024)))
    (func (export "bump") (result i32) (global.get $bump)))
  (core instance $libc (instantiate $libc))
"""
MEM = '(memory (core memory $libc "mem"))'
REALLOC = '(realloc (core func $libc "realloc"))'
RESET = '(post-return (core func $libc "reset"))'

# -- exports: GuestCall --------------------------------------------------------------

GUEST_WAT = f"""
(component
  (type $point' (record (field "x" s32) (field "y" s32)))
  (export $point "point" (type $point'))
  (type $rect' (record (field "origin" $point) (field "size" $point)))
  (export $rect "rect" (type $rect'))
  (type $sign' (enum "negative" "zero" "positive"))
  (export $sign "sign" (type $sign'))
  (type $shape' (variant (case "none") (case "int" s32) (case "real" f64)))
  (export $shape "shape" (type $shape'))
  (type $perms' (flags "read" "write" "exec"))
  (export $perms "perms" (type $perms'))
  {LIBC}
  (core module $m
    (import "libc" "mem" (memory 1))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "wide") (param i64 i32) (result i64) (i64.add (local.get 0) (i64.extend_i32_s (local.get 1))))
    (func (export "scale") (param f64 i32) (result f64) (f64.mul (local.get 0) (f64.convert_i32_s (local.get 1))))
    (func (export "halve") (param f32) (result f32) (f32.mul (local.get 0) (f32.const 0.5)))
    (func (export "next-char") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "flip") (param i32) (result i32) (i32.eqz (local.get 0)))
    (func (export "translate") (param i32 i32 i32) (result i32)
      (i32.store (i32.const 16) (i32.add (local.get 0) (local.get 2)))
      (i32.store (i32.const 20) (local.get 1))
      (i32.const 16))
    (func (export "area") (param i32 i32 i32 i32) (result i32)
      (i32.add (i32.mul (local.get 2) (local.get 3)) (i32.sub (local.get 0) (local.get 1))))
    (func (export "classify") (param i32) (result i32)
      (if (result i32) (i32.lt_s (local.get 0) (i32.const 0)) (then (i32.const 0))
        (else (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1)) (else (i32.const 2))))))
    (func (export "measure") (param i32 i64) (result f64)
      (if (result f64) (i32.eqz (local.get 0)) (then (f64.const -1))
        (else (if (result f64) (i32.eq (local.get 0) (i32.const 1))
          (then (f64.convert_i32_s (i32.wrap_i64 (local.get 1))))
          (else (f64.mul (f64.reinterpret_i64 (local.get 1)) (f64.const 2)))))))
    (func (export "parse") (param i32) (result i32)
      (if (i32.lt_s (local.get 0) (i32.const 0))
        (then (i32.store8 (i32.const 32) (i32.const 0)))
        (else (if (i32.eqz (i32.and (local.get 0) (i32.const 1)))
          (then (i32.store8 (i32.const 32) (i32.const 1))
                (i32.store (i32.const 40) (i32.shr_s (local.get 0) (i32.const 1))))
          (else (i32.store8 (i32.const 32) (i32.const 2))
                (f64.store (i32.const 40) (f64.add (f64.convert_i32_s (local.get 0)) (f64.const 0.5)))))))
      (i32.const 32))
    (func (export "maybe-double") (param i32 i32) (result i32)
      (if (i32.and (local.get 0) (i32.le_u (local.get 1) (i32.const 1000)))
        (then (i32.store8 (i32.const 48) (i32.const 1))
              (i32.store (i32.const 52) (i32.shl (local.get 1) (i32.const 1))))
        (else (i32.store8 (i32.const 48) (i32.const 0))))
      (i32.const 48))
    (func (export "checked-div") (param i32 i32) (result i32)
      (if (i32.eqz (local.get 1))
        (then (i32.store8 (i32.const 64) (i32.const 1))
              (i32.store (i32.const 68) (i32.const 512)) (i32.store (i32.const 72) (i32.const 16)))
        (else (if (i32.and (i32.eq (local.get 0) (i32.const 0x80000000)) (i32.eq (local.get 1) (i32.const -1)))
          (then (i32.store8 (i32.const 64) (i32.const 1))
                (i32.store (i32.const 68) (i32.const 544)) (i32.store (i32.const 72) (i32.const 8)))
          (else (i32.store8 (i32.const 64) (i32.const 0))
                (i32.store (i32.const 68) (i32.div_s (local.get 0) (local.get 1)))))))
      (i32.const 64))
    (func (export "swap") (param i32 i64) (result i32)
      (i64.store (i32.const 80) (local.get 1))
      (i32.store8 (i32.const 88) (local.get 0))
      (i32.const 80))
    (func (export "toggle") (param i32 i32) (result i32)
      (i32.xor (local.get 0) (i32.and (local.get 1) (i32.const 7))))
    (func (export "shout") (param $p i32) (param $n i32) (result i32)
      (local $i i32) (local $ch i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $ch (i32.load8_u (i32.add (local.get $p) (local.get $i))))
          (if (i32.and (i32.ge_u (local.get $ch) (i32.const 97)) (i32.le_u (local.get $ch) (i32.const 122)))
            (then (i32.store8 (i32.add (local.get $p) (local.get $i)) (i32.sub (local.get $ch) (i32.const 32)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.store (i32.const 96) (local.get $p))
      (i32.store (i32.const 100) (local.get $n))
      (i32.const 96))
    (func (export "sum-bytes") (param $p i32) (param $n i32) (result i32)
      (local $i i32) (local $sum i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $sum (i32.add (local.get $sum) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (local.get $sum))
    (func (export "sum-points") (param $p i32) (param $n i32) (result i32)
      (local $i i32) (local $x i32) (local $y i32) (local $at i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $at (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3))))
          (local.set $x (i32.add (local.get $x) (i32.load (local.get $at))))
          (local.set $y (i32.add (local.get $y) (i32.load offset=4 (local.get $at))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.store (i32.const 112) (local.get $x))
      (i32.store (i32.const 116) (local.get $y))
      (i32.const 112))
  )
  (core instance $m (instantiate $m (with "libc" (instance $libc))))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $m "add")))
  (func (export "wide") (param "a" u64) (param "b" s16) (result s64) (canon lift (core func $m "wide")))
  (func (export "scale") (param "x" f64) (param "k" s8) (result f64) (canon lift (core func $m "scale")))
  (func (export "halve") (param "x" f32) (result f32) (canon lift (core func $m "halve")))
  (func (export "next-char") (param "c" char) (result char) (canon lift (core func $m "next-char")))
  (func (export "flip") (param "b" bool) (result bool) (canon lift (core func $m "flip")))
  (func (export "translate") (param "p" $point) (param "dx" s32) (result $point)
    (canon lift (core func $m "translate") {MEM}))
  (func (export "area") (param "r" $rect) (result s32) (canon lift (core func $m "area")))
  (func (export "classify") (param "x" s32) (result $sign) (canon lift (core func $m "classify")))
  (func (export "measure") (param "s" $shape) (result f64) (canon lift (core func $m "measure")))
  (func (export "parse") (param "x" s32) (result $shape) (canon lift (core func $m "parse") {MEM}))
  (func (export "maybe-double") (param "o" (option u32)) (result (option u32))
    (canon lift (core func $m "maybe-double") {MEM}))
  (func (export "checked-div") (param "a" s32) (param "b" s32) (result (result s32 (error string)))
    (canon lift (core func $m "checked-div") {MEM}))
  (func (export "swap") (param "t" (tuple u8 s64)) (result (tuple s64 u8))
    (canon lift (core func $m "swap") {MEM}))
  (func (export "toggle") (param "f" $perms) (param "mask" u8) (result $perms)
    (canon lift (core func $m "toggle")))
  (func (export "shout") (param "s" string) (result string)
    (canon lift (core func $m "shout") {MEM} {REALLOC} {RESET}))
  (func (export "sum-bytes") (param "b" (list u8)) (result u32)
    (canon lift (core func $m "sum-bytes") {MEM} {REALLOC} {RESET}))
  (func (export "sum-points") (param "ps" (list $point)) (result $point)
    (canon lift (core func $m "sum-points") {MEM} {REALLOC} {RESET}))
)
"""


class Guest:
    """An instance of a WAT component whose exports are called through ``GuestCall``."""

    def __init__(self, wat: str | wc.Component, linker: wc.Linker | None = None, codec: Any = None,
                 store: wasmtime.Store | None = None):
        self.engine = shared_engine()
        self.store = store or wasmtime.Store(self.engine)
        self.store.set_epoch_deadline(100_000)  # the shared engine interrupts on epochs
        self.context = c.context_address(self.store)
        self.component = wat if isinstance(wat, wc.Component) else wc.Component(self.engine, wat)
        self.instance = (linker or wc.Linker(self.engine)).instantiate(self.store, self.component)
        self.codec = codec
        self.calls: dict[str, tuple[wc.Func, GuestCall]] = {}

    def call(self, name: str) -> GuestCall:
        if name not in self.calls:
            func = self.instance.get_func(self.store, name)
            assert func is not None, name
            ftype = func.type(self.store)
            params = [build_plan(describe(ty), self.codec) for _, ty in ftype.params]
            result = build_plan(describe(ftype.result), self.codec) if ftype.result is not None else None
            self.calls[name] = (func, GuestCall(name, params, result))
        return self.calls[name][1]

    def __call__(self, name: str, *args: Any) -> Any:
        call = self.call(name)
        func = self.calls[name][0]
        return call(ctypes.addressof(func._func), self.context, args)

    def close(self) -> None:
        for _, call in self.calls.values():
            call.forget()


@pytest.fixture
def guest() -> Iterator[Guest]:
    instance = Guest(GUEST_WAT)
    yield instance
    instance.close()


def _s32(value: int) -> int:
    return (value + 2**31) % 2**32 - 2**31


def _f32(value: float) -> float:
    return struct.unpack("<f", struct.pack("<f", value))[0]


def test_scalars(guest):
    for a, b in [(1, 2), (1, 2), (2**32 - 1, 1), (0, 0), (7, 2**31)]:
        assert guest("add", a, b) == (a + b) % 2**32
    for a, b in [(0, -1), (2**64 - 1, 1), (5, -32768), (5, -32768), (2**63, 32767)]:
        assert guest("wide", a, b) == ((a + b) + 2**63) % 2**64 - 2**63
    for x, k in [(1.5, 2), (1.5, -128), (-0.25, 127), (math.inf, 0)]:
        got, want = guest("scale", x, k), x * k
        assert got == want or (math.isnan(got) and math.isnan(want))
    for x in [1.0, 3.1, -7e30, 0.1]:
        assert guest("halve", x) == _f32(_f32(x) * 0.5)
    for ch in ["a", "z", "é", "\U0001F600", "\ud7fe"]:
        assert guest("next-char", ch) == chr(ord(ch) + 1)
    for value in [True, False, False, True]:
        result = guest("flip", value)
        assert result is (not value)


def test_records_are_passed_flattened_and_returned_through_memory(guest):
    points = [(1, 2), (1, 2), (-5, 7), (2**31 - 1, 0), (0, -(2**31))]
    for i, point in enumerate(points):
        assert guest("translate", point, i) == (_s32(point[0] + i), point[1])
    rects = [((0, 0), (3, 4)), ((0, 0), (3, 4)), ((10, 2), (3, 4)), ((10, 2), (-3, 5)), ((1, 1), (0, 0))]
    for (ox, oy), (w, h) in rects:
        assert guest("area", ((ox, oy), (w, h))) == w * h + ox - oy
    assert guest.call("translate").calls == len(points)


def test_enums_variants_options_and_results(guest):
    for x, sign in [(-3, 0), (0, 1), (0, 1), (9, 2), (-(2**31), 0)]:
        assert guest("classify", x) == sign
    shapes = [((0, None), -1.0), ((1, 42), 42.0), ((1, 42), 42.0), ((1, -7), -7.0), ((2, 1.25), 2.5),
              ((2, -1e300), -2e300), ((0, None), -1.0), ((2, 0.5), 1.0), ((1, 3), 3.0)]
    for shape, measured in shapes:
        assert guest("measure", shape) == measured
    for x, parsed in [(-1, (0, None)), (10, (1, 5)), (7, (2, 7.5)), (7, (2, 7.5)), (0, (1, 0)), (-9, (0, None))]:
        assert guest("parse", x) == parsed
    for option, doubled in [(None, None), (3, 6), (3, 6), (1001, None), (None, None), (0, 0), (1000, 2000)]:
        assert guest("maybe-double", option) == doubled
    for a, b, expected in [(7, 2, (True, 3)), (7, 0, (False, "division by zero")), (7, 0, (False, "division by zero")),
                           (-(2**31), -1, (False, "overflow")), (-9, 3, (True, -3))]:
        assert guest("checked-div", a, b) == expected


def test_tuples_and_flags(guest):
    for pair in [(1, -1), (255, 2**63 - 1), (255, 2**63 - 1), (0, -(2**63))]:
        assert guest("swap", pair) == (pair[1], pair[0])
    cases = [(frozenset(), 0, frozenset()), (frozenset({"read"}), 0b110, frozenset({"read", "write", "exec"})),
             (frozenset({"read", "exec"}), 0b101, frozenset()), (frozenset({"write"}), 0b010, frozenset()),
             (frozenset({"write"}), 0b001, frozenset({"read", "write"}))]
    for flags, mask, expected in cases:
        assert guest("toggle", flags, mask) == expected


def test_strings_and_lists_go_through_cabi_realloc(guest):
    texts = ["hello", "hello", "", "MiXeD case 123", "grüße", "x" * 5000, "abc", "hello"]
    for text in texts:
        result = guest("shout", text)
        assert result == "".join(ch.upper() if "a" <= ch <= "z" else ch for ch in text)
    for data in [b"", b"\x01\x02\x03", b"\x01\x02\x03", b"\xff" * 3000, b"\x00", b"ab"]:
        assert guest("sum-bytes", data) == sum(data)
    lists = [[], [(1, 2)], [(1, 2)], [(1, 2), (3, 4), (5, 6)], [(1, 2), (3, 40), (5, 6)], [(-1, -1)], []]
    for points in lists:
        assert guest("sum-points", points) == (sum(p[0] for p in points), sum(p[1] for p in points))


def test_post_return_runs_after_every_call(guest):
    # The allocator only gets its memory back from the post-return ``reset``.
    for text in ["a" * 100, "b" * 30000, "c" * 30000, "d" * 30000]:  # would overflow one page without resets
        assert guest("shout", text) == text.upper()


def test_guest_call_counts_calls_and_time(guest):
    call = guest.call("add")
    for i in range(5):
        guest("add", i, i)
    assert call.calls == 5
    assert call.guest_seconds > 0


def test_wrong_arguments_raise_type_error_and_the_next_call_works(guest):
    with pytest.raises(TypeError, match="takes 2 arguments"):
        guest("add", 1)
    assert guest("translate", (1, 2), 3) == (4, 2)
    with pytest.raises(TypeError):
        guest("translate", (1, 2, 3), 3)
    with pytest.raises(TypeError):
        guest("translate", (1, "2"), 3)
    assert guest("translate", (1, 2), 3) == (4, 2)  # arguments were reset and lowered afresh
    assert guest("shout", "ok") == "OK"
    with pytest.raises(TypeError):
        guest("shout", b"bytes")
    assert guest("shout", "ok") == "OK"


def test_a_guest_trap_raises_wasmtime_error():
    wat = f"""
    (component
      {LIBC}
      (core module $m (func (export "boom") (param i32) (result i32)
        (if (local.get 0) (then unreachable)) (i32.const 7)))
      (core instance $m (instantiate $m))
      (func (export "boom") (param "x" bool) (result u8) (canon lift (core func $m "boom")))
    )
    """
    guest = Guest(wat)
    assert guest("boom", False) == 7
    with pytest.raises(wasmtime.WasmtimeError):
        guest("boom", True)
    guest.close()


# -- imports: HostCall -------------------------------------------------------------------

HOST_WAT = f"""
(component
  (type $point' (record (field "x" s32) (field "y" s32)))
  (import "point" (type $point (eq $point')))
  (type $level' (enum "low" "high"))
  (import "level" (type $level (eq $level')))
  (type $mode' (variant (case "off") (case "scaled" f64) (case "named" string)))
  (import "mode" (type $mode (eq $mode')))
  (import "host-add" (func $host-add (param "a" u32) (param "b" u32) (result u32)))
  (import "host-grade" (func $host-grade (param "p" $point) (param "strict" bool)
    (result (result $level (error string)))))
  (import "host-greet" (func $host-greet (param "name" string) (result string)))
  (import "host-opt" (func $host-opt (param "o" (option u32)) (param "m" $mode) (result (option u32))))
  (import "host-sum" (func $host-sum (param "b" (list u8)) (result u64)))
  (import "host-note" (func $host-note (param "level" $level) (param "text" string)))
  {LIBC}
  (core func $add (canon lower (func $host-add)))
  (core func $grade (canon lower (func $host-grade) {MEM} {REALLOC}))
  (core func $greet (canon lower (func $host-greet) {MEM} {REALLOC}))
  (core func $opt (canon lower (func $host-opt) {MEM} {REALLOC}))
  (core func $sum (canon lower (func $host-sum) {MEM}))
  (core func $note (canon lower (func $host-note) {MEM}))
  (core module $m
    (import "host" "add" (func $add (param i32 i32) (result i32)))
    (import "host" "grade" (func $grade (param i32 i32 i32 i32)))
    (import "host" "greet" (func $greet (param i32 i32 i32)))
    (import "host" "opt" (func $opt (param i32 i32 i32 i64 i32 i32)))
    (import "host" "sum" (func $sum (param i32 i32) (result i64)))
    (import "host" "note" (func $note (param i32 i32 i32)))
    (func (export "add") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))
    (func (export "grade") (param i32 i32 i32) (result i32)
      (call $grade (local.get 0) (local.get 1) (local.get 2) (i32.const 16)) (i32.const 16))
    (func (export "greet") (param i32 i32) (result i32)
      (call $greet (local.get 0) (local.get 1) (i32.const 32)) (i32.const 32))
    (func (export "opt") (param i32 i32 i32 i64 i32) (result i32)
      (call $opt (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (i32.const 48))
      (i32.const 48))
    (func (export "sum") (param i32 i32) (result i64) (call $sum (local.get 0) (local.get 1)))
    (func (export "note") (param i32 i32 i32) (call $note (local.get 0) (local.get 1) (local.get 2)))
  )
  (core instance $m (instantiate $m (with "host" (instance
    (export "add" (func $add)) (export "grade" (func $grade)) (export "greet" (func $greet))
    (export "opt" (func $opt)) (export "sum" (func $sum)) (export "note" (func $note))))))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $m "add")))
  (func (export "grade") (param "p" $point) (param "strict" bool) (result (result $level (error string)))
    (canon lift (core func $m "grade") {MEM} {REALLOC} {RESET}))
  (func (export "greet") (param "name" string) (result string)
    (canon lift (core func $m "greet") {MEM} {REALLOC} {RESET}))
  (func (export "opt") (param "o" (option u32)) (param "m" $mode) (result (option u32))
    (canon lift (core func $m "opt") {MEM} {REALLOC} {RESET}))
  (func (export "sum") (param "b" (list u8)) (result u64)
    (canon lift (core func $m "sum") {MEM} {REALLOC} (post-return (core func $libc "reset64"))))
  (func (export "note") (param "level" $level) (param "text" string)
    (canon lift (core func $m "note") {MEM} {REALLOC} (post-return (core func $libc "reset0"))))
)
"""


class Host:
    """Host functions registered the way ``linker._add_function`` does, plus the guest."""

    def __init__(self, wat: str, functions: dict[str, Callable[..., Any]], codec: Any = None,
                 resources: Callable[[wc.LinkerInstance], None] | None = None):
        engine = shared_engine()
        self.errors: list[BaseException] = []
        component = wc.Component(engine, wat)
        imports = component.type.imports(engine)
        self.linker = wc.Linker(engine)
        self.host_calls: dict[str, HostCall] = {}
        with self.linker.root() as root:
            if resources is not None:
                resources(root)
            for name, function in functions.items():
                ftype = imports[name].ty
                call = HostCall(name, [build_plan(describe(ty), codec) for _, ty in ftype.params],
                                build_plan(describe(ftype.result), codec) if ftype.result is not None else None,
                                function, self.errors.append)
                key = register(call)
                encoded = name.encode()
                root_addr = ctypes.cast(root.ptr(), ctypes.c_void_p).value
                error = c.linker_instance_add_func(root_addr, encoded, len(encoded), DISPATCH_ADDR, key,
                                                   FINALIZE_ADDR)
                assert not error, c.error_message(error)
                self.host_calls[name] = call
        self.store = wasmtime.Store(engine)
        if codec is not None:
            codec.context = c.context_address(self.store)
        self.guest = Guest(component, self.linker, codec, self.store)

    def __call__(self, name: str, *args: Any) -> Any:
        return self.guest(name, *args)

    def close(self) -> None:
        self.guest.close()


class Recorder:
    """Host function implementations that record the arguments they receive."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, tuple[Any, ...]]] = []
        self.grades: Any = None

    def functions(self) -> dict[str, Callable[..., Any]]:
        def record(name: str, result: Callable[..., Any]) -> Callable[..., Any]:
            def function(*args: Any) -> Any:
                self.seen.append((name, args))
                return result(*args)
            return function

        return {
            "host-add": record("host-add", lambda a, b: (a + b) % 2**32),
            "host-grade": record("host-grade", self._grade),
            "host-greet": record("host-greet", lambda name: f"hello, {name}!"),
            "host-opt": record("host-opt", self._opt),
            "host-sum": record("host-sum", lambda data: sum(data) * 2**40),
            "host-note": record("host-note", lambda level, text: None),
        }

    @staticmethod
    def _grade(point: tuple[int, int], strict: bool) -> Any:
        x, y = point
        if strict and x < 0:
            return (False, f"negative x: {x}")
        return (True, 1 if x + y > 10 else 0)

    @staticmethod
    def _opt(option: int | None, mode: tuple[int, Any]) -> Any:
        case, payload = mode
        if option is None or case == 0:
            return None
        if case == 1:
            return int(option * payload) % 2**32
        return option + len(payload)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def host(recorder) -> Iterator[Host]:
    instance = Host(HOST_WAT, recorder.functions())
    yield instance
    instance.close()


def test_host_function_receives_arguments_and_returns_results(host, recorder):
    for a, b in [(1, 2), (1, 2), (2**32 - 1, 2), (0, 0)]:
        assert host("add", a, b) == (a + b) % 2**32
    assert recorder.seen == [("host-add", (1, 2)), ("host-add", (1, 2)), ("host-add", (2**32 - 1, 2)),
                             ("host-add", (0, 0))]
    call = host.host_calls["host-add"]
    assert call.calls == 4 and call.seconds > 0
    assert host.errors == []


def test_host_function_with_records_enums_and_results(host, recorder):
    cases = [((1, 2), False, (True, 0)), ((5, 6), False, (True, 1)), ((5, 6), False, (True, 1)),
             ((-1, 20), False, (True, 1)), ((-1, 20), True, (False, "negative x: -1")), ((3, 3), True, (True, 0))]
    for point, strict, expected in cases:
        assert host("grade", point, strict) == expected
    assert [args for _, args in recorder.seen] == [(point, strict) for point, strict, _ in cases]
    assert all(type(args[1]) is bool for _, args in recorder.seen)


def test_host_function_with_strings_both_ways(host, recorder):
    for name in ["world", "", "wörld", "world", "w" * 4000]:
        assert host("greet", name) == f"hello, {name}!"
    assert [args for _, args in recorder.seen] == [(n,) for n in ["world", "", "wörld", "world", "w" * 4000]]
    host("note", 1, "a note")
    assert recorder.seen[-1] == ("host-note", (1, "a note"))


def test_host_function_with_options_variants_and_lists(host, recorder):
    cases = [(None, (0, None), None), (3, (0, None), None), (3, (1, 2.5), 7), (3, (1, 2.5), 7),
             (4, (2, "abc"), 7), (None, (2, "abc"), None), (10, (2, ""), 10)]
    for option, mode, expected in cases:
        assert host("opt", option, mode) == expected
    assert [args for _, args in recorder.seen] == [(o, m) for o, m, _ in cases]
    for data in [b"", b"\x01\x02", b"\xff" * 1000]:
        assert host("sum", data) == sum(data) * 2**40
    assert recorder.seen[-1] == ("host-sum", (b"\xff" * 1000,))
    assert type(recorder.seen[-1][1][0]) is bytes


def test_host_exception_becomes_a_trap_and_reaches_on_error(recorder):
    problem = ValueError("the host is unhappy")

    def failing(a: int, b: int) -> int:
        if a == 13:
            raise problem
        return a + b

    host = Host(HOST_WAT, {**recorder.functions(), "host-add": failing})
    assert host("add", 1, 2) == 3
    with pytest.raises(wasmtime.WasmtimeError) as caught:
        host("add", 13, 1)
    assert host.errors == [problem]
    assert "host function host-add failed: ValueError: the host is unhappy" in str(caught.value)
    host.close()


def test_wrong_host_result_becomes_a_trap_with_a_type_error(recorder):
    host = Host(HOST_WAT, {**recorder.functions(), "host-greet": lambda name: 42})
    with pytest.raises(wasmtime.WasmtimeError, match="host-greet"):
        host("greet", "x")
    assert len(host.errors) == 1 and isinstance(host.errors[0], TypeError)
    host.close()


def test_host_exception_in_a_later_call_after_successful_ones(recorder):
    calls = {"n": 0}

    def flaky(name: str) -> str:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyError(name)
        return name.upper()

    host = Host(HOST_WAT, {**recorder.functions(), "host-greet": flaky})
    assert host("greet", "a") == "A"
    assert host("greet", "b") == "B"
    with pytest.raises(wasmtime.WasmtimeError):
        host("greet", "c")
    assert len(host.errors) == 1 and isinstance(host.errors[0], KeyError)
    host.close()


# -- resources: buffers lent to the guest --------------------------------------------------

BUFFER_WAT = f"""
(component
  (import "buffer" (type $buffer (sub resource)))
  (import "[method]buffer.read" (func $read (param "self" (borrow $buffer)) (result (list u8))))
  (type $tagged' (record (field "payload" (own $buffer)) (field "tag" u32)))
  (export $tagged "tagged-buffer" (type $tagged'))
  {LIBC}
  (core func $read (canon lower (func $read) {MEM} {REALLOC}))
  (core func $drop (canon resource.drop $buffer))
  (core module $m
    (import "libc" "mem" (memory 1))
    (import "host" "read" (func $read (param i32 i32)))
    (import "host" "drop" (func $drop (param i32)))
    (func $checksum (export "checksum") (param $h i32) (result i32)
      (local $p i32) (local $n i32) (local $i i32) (local $sum i32)
      (call $read (local.get $h) (i32.const 16))
      (call $drop (local.get $h))
      (local.set $p (i32.load (i32.const 16)))
      (local.set $n (i32.load (i32.const 20)))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $sum (i32.add (i32.mul (local.get $sum) (i32.const 31))
                                   (i32.load8_u (i32.add (local.get $p) (local.get $i)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.add (local.get $sum) (i32.shl (local.get $n) (i32.const 24))))
    (func (export "tagged") (param $h i32) (param $tag i32) (result i32)
      (i32.add (call $checksum (local.get $h)) (local.get $tag)))
    (func (export "echo") (param $h i32) (result i32) (local.get $h))
  )
  (core instance $m (instantiate $m (with "libc" (instance $libc))
    (with "host" (instance (export "read" (func $read)) (export "drop" (func $drop))))))
  (func (export "checksum") (param "b" (own $buffer)) (result u32)
    (canon lift (core func $m "checksum") {MEM} {REALLOC} {RESET}))
  (func (export "tagged") (param "t" $tagged) (result u32)
    (canon lift (core func $m "tagged") {MEM} {REALLOC} {RESET}))
  (func (export "echo") (param "b" (own $buffer)) (result (own $buffer)) (canon lift (core func $m "echo")))
)
"""


def _checksum(data: bytes) -> int:
    total = 0
    for byte in data:
        total = (total * 31 + byte) % 2**32
    return (total + (len(data) << 24)) % 2**32


@pytest.fixture
def buffers() -> BufferTable:
    return BufferTable()


@pytest.fixture
def buffer_host(buffers) -> Iterator[Host]:
    def add_resource(root: wc.LinkerInstance) -> None:
        root.add_resource("buffer", wc.ResourceType.host(BUFFER_RESOURCE_TYPE),
                          lambda _store, rep: buffers.drop(rep))

    instance = Host(BUFFER_WAT, {"[method]buffer.read": buffers.read}, codec=buffers, resources=add_resource)
    yield instance
    instance.close()


def test_buffers_are_lent_read_by_the_guest_and_dropped(buffer_host, buffers):
    for data in [b"abc", b"abc", b"", b"\x00\xff" * 500, b"abc"]:
        assert buffer_host("checksum", Lend(data)) == _checksum(data)
        assert len(buffers) == 0  # the guest dropped its handle; the destructor released the bytes
    assert buffers.reads == 5


def test_records_holding_fresh_buffers_mint_a_handle_per_call(buffer_host, buffers):
    for tag, data in [(1, b"x"), (1, b"x"), (2, b"yz"), (2, b"")]:
        assert buffer_host("tagged", (Lend(data), tag)) == (_checksum(data) + tag) % 2**32
    assert len(buffers) == 0


def test_repeating_the_same_record_holding_a_buffer_passes_a_live_handle(buffer_host, buffers):
    argument = (Lend(b"same"), 5)
    assert buffer_host("tagged", argument) == _checksum(b"same") + 5
    assert buffer_host("tagged", argument) == _checksum(b"same") + 5


def test_a_buffer_returned_by_the_guest_is_lifted_as_its_bytes(buffer_host, buffers):
    for data in [b"back", b"", b"again"]:
        assert buffer_host("echo", Lend(data)) == data
        assert len(buffers) == 0  # lift_own took the buffer out of the table
    assert buffers.reads == 0


_SURROGATE_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from tests.host.test_calls import Guest, GUEST_WAT
guest = Guest(GUEST_WAT)
try:
    guest({function!r}, {argument!r})
except TypeError:
    sys.exit(0)
sys.exit(3)
"""


@pytest.mark.parametrize("function, argument", [("shout", "a\ud800b"), ("next-char", "\udfff")])
def test_a_lone_surrogate_is_a_type_error_not_a_crash(function, argument):
    script = _SURROGATE_SCRIPT.format(root=str(Path(__file__).parents[2]), function=function, argument=argument)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"exit code {done.returncode}: {done.stderr[-400:]}"
