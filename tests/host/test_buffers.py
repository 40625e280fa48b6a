"""``BufferTable`` (the host side of the ``buffer`` resource) and ``Lend``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import wasmtime

from workbench.host import _capi as c
from workbench.host.buffers import BufferTable, Lend


@pytest.fixture
def table() -> BufferTable:
    return BufferTable()


def test_add_read_drop(table):
    first = table.add(b"one")
    second = table.add(bytearray(b"two"))
    assert first != second
    assert len(table) == 2
    assert table.read(first) == b"one"
    assert table.read(second) == b"two" and type(table.read(second)) is bytes
    assert table.reads == 3
    table.drop(first)
    assert len(table) == 1
    with pytest.raises(LookupError, match=str(first)):
        table.read(first)
    assert table.read(second) == b"two"


def test_add_copies_the_data(table):
    data = bytearray(b"abc")
    rep = table.add(data)
    data[0] = ord("z")
    assert table.read(rep) == b"abc"


def test_representations_are_nonzero_u32_and_never_reused(table):
    reps = [table.add(b"x") for _ in range(5)]
    table.drop(reps[-1])
    reps.append(table.add(b"y"))
    assert len(set(reps)) == 6
    assert all(0 < rep <= 0xFFFFFFFF for rep in reps)


def test_drop_of_an_unknown_handle_is_harmless(table):
    rep = table.add(b"x")
    table.drop(rep)
    table.drop(rep)
    table.drop(12345)
    assert len(table) == 0


def test_clear_empties_the_table(table):
    reps = [table.add(bytes([i])) for i in range(3)]
    table.clear()
    assert len(table) == 0
    for rep in reps:
        with pytest.raises(LookupError):
            table.read(rep)
    assert table.read(table.add(b"again")) == b"again"  # still usable


def test_empty_buffers_are_kept(table):
    rep = table.add(b"")
    assert len(table) == 1
    assert table.read(rep) == b""


def test_lend_compares_by_identity():
    a, b = Lend(b"same"), Lend(b"same")
    assert a != b
    assert a == a
    assert (0, a) != (0, b)  # so a value holding a fresh Lend never equals the previous one
    assert len({a, b}) == 2
    assert repr(a) == "<buffer of 4 bytes>"


def test_lend_has_no_instance_dict():
    with pytest.raises(AttributeError):
        Lend(b"").other = 1  # type: ignore[attr-defined]


@pytest.fixture
def store_table() -> Iterator[BufferTable]:
    store = wasmtime.Store()
    table = BufferTable()
    table.context = c.context_address(store)
    yield table
    del store


def test_lower_own_then_lift_own_gives_the_bytes_back(store_table):
    handle = store_table.lower_own(Lend(b"payload"))
    assert handle != 0
    assert len(store_table) == 1
    try:
        assert store_table.lift_own(handle) == b"payload"
    finally:
        c.resource_any_delete(handle)
    assert len(store_table) == 0  # taking the handle back releases the buffer


def test_lower_own_accepts_plain_bytes(store_table):
    handle = store_table.lower_own(b"raw")
    try:
        assert store_table.lift_own(handle) == b"raw"
    finally:
        c.resource_any_delete(handle)


def test_handles_map_to_distinct_buffers(store_table):
    handles = [store_table.lower_own(Lend(bytes([i]) * i)) for i in range(1, 4)]
    try:
        assert [store_table.lift_own(h) for h in reversed(handles)] == [b"\x03" * 3, b"\x02" * 2, b"\x01"]
    finally:
        for handle in handles:
            c.resource_any_delete(handle)
