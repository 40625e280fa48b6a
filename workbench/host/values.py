"""Planned conversion between Python values and component-model values.

The type of every function is read once into a ``TypeNode`` tree, and each node gets a
*plan*: an object that writes a Python value into ``wasmtime_component_val_t`` memory
(``lower``), updates memory that already holds an earlier value (``relower``), or reads
one back (``lift``). Nothing on the per-call path inspects types again.

Python representation of component values ("wire values"):

==================  ==========================================================
component type      Python value
==================  ==========================================================
bool, ints, floats  bool, int, float
char / string       str
list<u8>            bytes (lifted as bytes)
list<T>             list (any sequence when lowering)
record / tuple      tuple, fields in declaration order
variant             (case index, payload or None)
enum                case index (int)
option<T>           None or the value
result<T, E>        (True, ok payload) or (False, err payload)
flags               frozenset of flag names
own / borrow        whatever the ``ResourceCodec`` given to the plan maps
==================  ==========================================================

``relower`` is what makes repeated calls cheap: a call's arguments stay lowered between
calls, and only the parts that differ from the previous call's value are rewritten.
Values handed to a plan must therefore not be mutated afterwards. Resource values must
be fresh objects that compare by identity (see ``buffers.Lend``): an owned handle moves
into the guest on every call, and a new object makes every enclosing value compare
unequal, so the handle is always minted again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from wasmtime import component as wc

from . import _capi as c

MEM = c.MEMORY
VAL = c.VAL_SIZE
OFF = c.PAYLOAD_OFFSET
ENTRY = c.ENTRY_SIZE
ENTRY_VAL = c.ENTRY_VAL_OFFSET
_WORD = c.WORD
_KIND = c.KIND
_ZERO_VAL = bytes(VAL)
_ZERO_ADDR_HOLDER = (c.ctypes.c_char * VAL)()
ZERO_ADDR = c.ctypes.addressof(_ZERO_ADDR_HOLDER)


@dataclass(frozen=True)
class TypeNode:
    """A component value type, read once from wasmtime's type objects."""

    kind: str
    children: tuple[TypeNode | None, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def has_resource(self) -> bool:
        return self._has_kind(("own", "borrow"))

    @property
    def has_float(self) -> bool:
        return self._has_kind(("f32", "f64"))

    def _has_kind(self, kinds: tuple[str, ...]) -> bool:
        if self.kind in kinds:
            return True
        return any(child is not None and child._has_kind(kinds) for child in self.children)

    def __str__(self) -> str:
        if not self.children:
            return self.kind
        inner = ", ".join(str(ch) if ch else "_" for ch in self.children)
        return f"{self.kind}<{inner}>"


_SCALARS = {
    wc.Bool: "bool", wc.S8: "s8", wc.U8: "u8", wc.S16: "s16", wc.U16: "u16",
    wc.S32: "s32", wc.U32: "u32", wc.S64: "s64", wc.U64: "u64",
    wc.F32: "f32", wc.F64: "f64", wc.Char: "char", wc.String: "string",
}


def describe(ty: Any) -> TypeNode:
    """Read a wasmtime-py ``ValType`` into a ``TypeNode`` (done once per function type)."""
    scalar = _SCALARS.get(type(ty))
    if scalar is not None:
        return TypeNode(scalar)
    if isinstance(ty, wc.ListType):
        return TypeNode("list", (describe(ty.element),))
    if isinstance(ty, wc.RecordType):
        fields = ty.fields
        return TypeNode("record", tuple(describe(t) for _, t in fields), tuple(n for n, _ in fields))
    if isinstance(ty, wc.TupleType):
        return TypeNode("tuple", tuple(describe(t) for t in ty.elements))
    if isinstance(ty, wc.VariantType):
        cases = ty.cases
        return TypeNode("variant", tuple(describe(t) if t is not None else None for _, t in cases),
                        tuple(n for n, _ in cases))
    if isinstance(ty, wc.EnumType):
        return TypeNode("enum", (), tuple(ty.names))
    if isinstance(ty, wc.OptionType):
        return TypeNode("option", (describe(ty.payload),))
    if isinstance(ty, wc.ResultType):
        ok, err = ty.ok, ty.err
        return TypeNode("result", (describe(ok) if ok is not None else None,
                                   describe(err) if err is not None else None))
    if isinstance(ty, wc.FlagsType):
        return TypeNode("flags", (), tuple(ty.names))
    if isinstance(ty, wc.OwnType):
        return TypeNode("own")
    if isinstance(ty, wc.BorrowType):
        return TypeNode("borrow")
    raise TypeError(f"component type {type(ty).__name__} is not supported by the workbench host")


class ResourceCodec(Protocol):
    """Maps resource handles to Python values; supplied by whoever owns the resources."""

    def lower_own(self, value: Any) -> int:
        """Return a new ``wasmtime_component_resource_any_t*`` for ``value``."""

    def lift_own(self, resource_any: int) -> Any:
        """Take an owned handle returned by the guest."""

    def lift_borrow(self, resource_any: int) -> Any:
        """Read a handle borrowed for the duration of a host call."""


class Plan:
    """Converts one component type; subclasses specialise ``lower``/``relower``/``lift``."""


    def __init__(self, node: TypeNode):
        self.node = node
        # "static": equal Python values mean equal component values, so an unchanged
        # value can be left in place. Not so for handles (always fresh) or floats (-0.0 == 0.0).
        self.static = not (node.has_resource or node.has_float)

    def lower(self, value: Any, addr: int) -> None:
        raise NotImplementedError

    def lift(self, addr: int) -> Any:
        raise NotImplementedError

    def relower(self, value: Any, old: Any, addr: int) -> None:
        if self.static and value == old:
            return
        clear(addr)
        self.lower(value, addr)


def clear(addr: int) -> None:
    """Free what a value slot owns and leave it holding ``false`` (safe to free again)."""
    c.val_delete(addr)
    MEM[addr:addr + VAL] = _ZERO_VAL


class ScalarPlan(Plan):

    def __init__(self, node: TypeNode, kind: int, fmt: str,
                 convert_in: Any = None, convert_out: Any = None):
        super().__init__(node)
        self.kind = kind
        self.fmt = fmt
        self.pack = c.KIND_AND[fmt].pack_into
        self.unpack = c.struct.Struct("<" + fmt).unpack_from
        self.convert_in = convert_in
        self.convert_out = convert_out

    def lower(self, value: Any, addr: int) -> None:
        if self.convert_in is not None:
            value = self.convert_in(value)
        try:
            self.pack(MEM, addr, self.kind, value)
        except (c.struct.error, OverflowError) as exc:
            raise TypeError(f"{value!r} does not fit {self.node.kind}") from exc

    def relower(self, value: Any, old: Any, addr: int) -> None:
        if not self.static or value != old or type(value) is not type(old):
            self.lower(value, addr)

    def lift(self, addr: int) -> Any:
        value = self.unpack(MEM, addr + OFF)[0]
        return value if self.convert_out is None else self.convert_out(value)


def _check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected a bool, got {type(value).__name__} {value!r}")
    return value


def _check_char(value: Any) -> int:
    if not isinstance(value, str) or len(value) != 1:
        raise TypeError(f"expected a single character, got {value!r}")
    code = ord(value)
    if 0xD800 <= code <= 0xDFFF:
        raise TypeError(f"a lone surrogate {value!r} is not a Unicode scalar value")
    return code


def _utf8(value: str) -> bytes:
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise TypeError(f"string {value[:40]!r} holds a lone surrogate at {exc.start}; "
                        "component strings must be valid Unicode") from exc


class StringPlan(Plan):

    def lower(self, value: Any, addr: int) -> None:
        if not isinstance(value, str):
            raise TypeError(f"expected a str, got {type(value).__name__} {value!r}")
        _KIND.pack_into(MEM, addr, c.STRING)
        c.write_bytes(addr + OFF, _utf8(value))

    def lift(self, addr: int) -> Any:
        return c.read_bytes(addr + OFF).decode("utf-8", "surrogatepass")


class BytesPlan(Plan):
    """``list<u8>`` as ``bytes``: element slots are written and read with strided copies."""


    def lower(self, value: Any, addr: int) -> None:
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise TypeError(f"expected bytes, got {type(value).__name__}")
        n = len(value)
        _KIND.pack_into(MEM, addr, c.LIST)
        c.vallist_new_uninit(addr + OFF, n)
        if n:
            data = _WORD.unpack_from(MEM, addr + OFF + 8)[0]
            end = data + n * VAL
            MEM[data:end:VAL] = _u8_kinds(n)
            MEM[data + OFF:end + OFF:VAL] = value

    def lift(self, addr: int) -> Any:
        n, data = c.PAIR.unpack_from(MEM, addr + OFF)
        if not n:
            return b""
        return MEM[data + OFF:data + OFF + n * VAL:VAL].tobytes()


_U8_KINDS = bytes([c.U8]) * 4096


def _u8_kinds(n: int) -> bytes:
    return _U8_KINDS[:n] if n <= len(_U8_KINDS) else bytes([c.U8]) * n


class ListPlan(Plan):

    def __init__(self, node: TypeNode, element: Plan):
        super().__init__(node)
        self.element = element

    def lower(self, value: Any, addr: int) -> None:
        n = len(value)
        _KIND.pack_into(MEM, addr, c.LIST)
        c.vallist_new_uninit(addr + OFF, n)
        if not n:
            return
        data = _WORD.unpack_from(MEM, addr + OFF + 8)[0]
        c.zero(data, n * VAL)
        lower = self.element.lower
        for i, item in enumerate(value):
            lower(item, data + i * VAL)

    def relower(self, value: Any, old: Any, addr: int) -> None:
        if self.static and value == old:
            return
        if len(value) != len(old):
            clear(addr)
            self.lower(value, addr)
            return
        data = _WORD.unpack_from(MEM, addr + OFF + 8)[0]
        relower = self.element.relower
        for i, (item, before) in enumerate(zip(value, old)):
            relower(item, before, data + i * VAL)

    def lift(self, addr: int) -> Any:
        n, data = c.PAIR.unpack_from(MEM, addr + OFF)
        lift = self.element.lift
        return [lift(data + i * VAL) for i in range(n)]


class RecordPlan(Plan):
    """Records and tuples: a fixed sequence of fields, written as a Python tuple."""


    def __init__(self, node: TypeNode, fields: list[Plan]):
        super().__init__(node)
        self.fields = tuple(fields)
        is_record = node.kind == "record"
        self.names = tuple(n.encode() for n in node.names) if is_record else ()
        self.stride = ENTRY if is_record else VAL
        self.value_at = ENTRY_VAL if is_record else 0
        self.kind = c.RECORD if is_record else c.TUPLE
        self.new = c.valrecord_new_uninit if is_record else c.valtuple_new_uninit

    def lower(self, value: Any, addr: int) -> None:
        n = len(self.fields)
        if len(value) != n:
            raise TypeError(f"expected {n} fields for {self.node}, got {len(value)}")
        _KIND.pack_into(MEM, addr, self.kind)
        self.new(addr + OFF, n)
        data = _WORD.unpack_from(MEM, addr + OFF + 8)[0]
        c.zero(data, n * self.stride)
        for i, (plan, item) in enumerate(zip(self.fields, value)):
            slot = data + i * self.stride
            if self.names:
                c.write_bytes(slot, self.names[i])
            plan.lower(item, slot + self.value_at)

    def relower(self, value: Any, old: Any, addr: int) -> None:
        if len(value) != len(self.fields):
            raise TypeError(f"expected {len(self.fields)} fields for {self.node}, got {len(value)}")
        if self.static and value == old:
            return
        data = _WORD.unpack_from(MEM, addr + OFF + 8)[0] + self.value_at
        stride = self.stride
        for i, (plan, item, before) in enumerate(zip(self.fields, value, old)):
            if item is not before or not plan.static:
                plan.relower(item, before, data + i * stride)

    def lift(self, addr: int) -> Any:
        data = _WORD.unpack_from(MEM, addr + OFF + 8)[0] + self.value_at
        stride = self.stride
        return tuple(plan.lift(data + i * stride) for i, plan in enumerate(self.fields))


class VariantPlan(Plan):

    def __init__(self, node: TypeNode, cases: list[Plan | None]):
        super().__init__(node)
        self.cases = tuple(cases)
        self.names = tuple(n.encode() for n in node.names)
        self.index = {name: i for i, name in enumerate(self.names)}
        self.case_static = tuple(plan is None or plan.static for plan in self.cases)

    def lower(self, value: Any, addr: int) -> None:
        index, payload = value
        plan = self.cases[_case(index, self.names)]
        _KIND.pack_into(MEM, addr, c.VARIANT)
        c.write_bytes(addr + OFF, self.names[index])
        _lower_boxed(plan, payload, addr + OFF + 16)

    def relower(self, value: Any, old: Any, addr: int) -> None:
        index = _case(value[0], self.names)
        if self.case_static[index] and value == old:
            return
        plan = self.cases[index]
        if value[0] != old[0] or plan is None:
            clear(addr)
            self.lower(value, addr)
            return
        plan.relower(value[1], old[1], _WORD.unpack_from(MEM, addr + OFF + 16)[0])

    def lift(self, addr: int) -> Any:
        index = self.index[c.read_bytes(addr + OFF)]
        plan = self.cases[index]
        if plan is None:
            return (index, None)
        return (index, plan.lift(_WORD.unpack_from(MEM, addr + OFF + 16)[0]))


def _case(index: Any, names: tuple[bytes, ...]) -> int:
    if type(index) is not int or not 0 <= index < len(names):
        raise TypeError(f"case index {index!r} is not one of 0..{len(names) - 1} "
                        f"({', '.join(n.decode() for n in names)})")
    return index


def _lower_boxed(plan: Plan | None, payload: Any, pointer_at: int) -> None:
    """Allocate a boxed value slot for a variant/option/result payload and fill it."""
    if plan is None:
        _WORD.pack_into(MEM, pointer_at, 0)
        return
    box = c.val_new(ZERO_ADDR)
    _WORD.pack_into(MEM, pointer_at, box)
    plan.lower(payload, box)


class EnumPlan(Plan):

    def __init__(self, node: TypeNode):
        super().__init__(node)
        self.names = tuple(n.encode() for n in node.names)
        self.index = {name: i for i, name in enumerate(self.names)}

    def lower(self, value: Any, addr: int) -> None:
        _KIND.pack_into(MEM, addr, c.ENUM)
        c.write_bytes(addr + OFF, self.names[_case(value, self.names)])

    def lift(self, addr: int) -> Any:
        return self.index[c.read_bytes(addr + OFF)]


class OptionPlan(Plan):

    def __init__(self, node: TypeNode, payload: Plan):
        super().__init__(node)
        self.payload = payload

    def lower(self, value: Any, addr: int) -> None:
        _KIND.pack_into(MEM, addr, c.OPTION)
        _lower_boxed(None if value is None else self.payload, value, addr + OFF)

    def relower(self, value: Any, old: Any, addr: int) -> None:
        if value is None and old is None:
            return
        if value is None or old is None:
            clear(addr)
            self.lower(value, addr)
            return
        self.payload.relower(value, old, _WORD.unpack_from(MEM, addr + OFF)[0])

    def lift(self, addr: int) -> Any:
        box = _WORD.unpack_from(MEM, addr + OFF)[0]
        return None if box == 0 else self.payload.lift(box)


class ResultPlan(Plan):

    def __init__(self, node: TypeNode, ok: Plan | None, err: Plan | None):
        super().__init__(node)
        self.ok = ok
        self.err = err

    def lower(self, value: Any, addr: int) -> None:
        is_ok, payload = value
        _KIND.pack_into(MEM, addr, c.RESULT)
        c.BOOL_AT.pack_into(MEM, addr + OFF, bool(is_ok))
        _lower_boxed(self.ok if is_ok else self.err, payload, addr + OFF + 8)

    def lift(self, addr: int) -> Any:
        is_ok = c.BOOL_AT.unpack_from(MEM, addr + OFF)[0]
        plan = self.ok if is_ok else self.err
        box = _WORD.unpack_from(MEM, addr + OFF + 8)[0]
        return (is_ok, None if plan is None or box == 0 else plan.lift(box))


class FlagsPlan(Plan):

    def __init__(self, node: TypeNode):
        super().__init__(node)
        self.names = node.names

    def lower(self, value: Any, addr: int) -> None:
        if isinstance(value, (str, bytes)):
            raise TypeError(f"flags are a set of names, got {type(value).__name__} {value!r}")
        unknown = set(value) - set(self.names)
        if unknown:
            raise TypeError(f"unknown flags {sorted(unknown)}; known: {list(self.names)}")
        chosen = [n for n in self.names if n in value]
        _KIND.pack_into(MEM, addr, c.FLAGS)
        c.valflags_new_uninit(addr + OFF, len(chosen))
        data = _WORD.unpack_from(MEM, addr + OFF + 8)[0]
        for i, name in enumerate(chosen):
            c.write_bytes(data + i * 16, name.encode())

    def lift(self, addr: int) -> Any:
        n, data = c.PAIR.unpack_from(MEM, addr + OFF)
        return frozenset(c.read_bytes(data + i * 16).decode() for i in range(n))


class ResourcePlan(Plan):

    def __init__(self, node: TypeNode, codec: ResourceCodec):
        super().__init__(node)
        self.codec = codec
        self.owned = node.kind == "own"

    def lower(self, value: Any, addr: int) -> None:
        handle = self.codec.lower_own(value)
        _KIND.pack_into(MEM, addr, c.RESOURCE)
        _WORD.pack_into(MEM, addr + OFF, handle)

    def relower(self, value: Any, old: Any, addr: int) -> None:
        # An owned handle moves into the guest on every call: always mint a new one.
        clear(addr)
        self.lower(value, addr)

    def lift(self, addr: int) -> Any:
        handle = _WORD.unpack_from(MEM, addr + OFF)[0]
        return self.codec.lift_own(handle) if self.owned else self.codec.lift_borrow(handle)


_SCALAR_PLANS = {
    "bool": (c.BOOL, "?", _check_bool, None),
    "s8": (c.S8, "b", None, None), "u8": (c.U8, "B", None, None),
    "s16": (c.S16, "h", None, None), "u16": (c.U16, "H", None, None),
    "s32": (c.S32, "i", None, None), "u32": (c.U32, "I", None, None),
    "s64": (c.S64, "q", None, None), "u64": (c.U64, "Q", None, None),
    "f32": (c.F32, "f", None, None), "f64": (c.F64, "d", None, None),
    "char": (c.CHAR, "I", _check_char, chr),
}


def plan_for(node: TypeNode, codec: ResourceCodec | None = None) -> Plan:
    """Build the conversion plan of a type (recursively, once)."""
    if node.kind in _SCALAR_PLANS:
        return ScalarPlan(node, *_SCALAR_PLANS[node.kind])
    if node.kind == "string":
        return StringPlan(node)
    if node.kind == "list":
        element = node.children[0]
        assert element is not None
        if element.kind == "u8":
            return BytesPlan(node)
        return ListPlan(node, plan_for(element, codec))
    if node.kind in ("record", "tuple"):
        return RecordPlan(node, [plan_for(ch, codec) for ch in node.children if ch is not None])
    if node.kind == "variant":
        return VariantPlan(node, [plan_for(ch, codec) if ch else None for ch in node.children])
    if node.kind == "enum":
        return EnumPlan(node)
    if node.kind == "flags":
        return FlagsPlan(node)
    if node.kind == "option":
        assert node.children[0] is not None
        return OptionPlan(node, plan_for(node.children[0], codec))
    if node.kind == "result":
        ok, err = node.children
        return ResultPlan(node, plan_for(ok, codec) if ok else None, plan_for(err, codec) if err else None)
    if node.kind in ("own", "borrow"):
        if codec is None:
            raise TypeError(f"type {node} holds a resource but no resource codec was given")
        return ResourcePlan(node, codec)
    raise TypeError(f"no conversion plan for {node}")


def build_plan(node: TypeNode, codec: ResourceCodec | None = None) -> Plan:
    """``plan_for`` plus generated straight-line code for the hot paths (see ``codegen``)."""
    from .codegen import specialise

    return specialise(plan_for(node, codec))
