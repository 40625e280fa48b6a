"""Straight-line Python for the hot conversions: records, tuples, variants and options inlined.

A plan tree walked node by node costs a Python call per node. For the message type that
is ~60 calls per direction. ``specialise`` generates, once per plan, functions in which
records, tuples, scalars, strings, byte lists, variants (their case told by one byte of its
name, or its length) and options are inlined; only results, lists (whose length depends on
the value) and resources remain calls. Re-lowering rewrites in place only what changed (and
always the owned handles, which move into the guest on every call). The generated functions replace the plan's
generic ``lift``/``relower``; their source is kept as ``function.source``.
"""

from __future__ import annotations

import itertools
from typing import Any

from . import _capi as c
from .values import (
    OFF,
    VAL,
    BytesPlan,
    EnumPlan,
    ListPlan,
    OptionPlan,
    Plan,
    RecordPlan,
    ResultPlan,
    ScalarPlan,
    StringPlan,
    VariantPlan,
)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {"M": c.MEMORY, "W": c.WORD.unpack_from, "PAIR": c.PAIR.unpack_from,
                                      "BOOL": c.BOOL_AT.unpack_from}
        self._ids: dict[int, str] = {}
        self._temp = itertools.count()

    def ref(self, obj: Any) -> str:
        key = id(obj)
        if key not in self._ids:
            self._ids[key] = f"k{len(self._ids)}"
            self.names[self._ids[key]] = obj
        return self._ids[key]

    def temp(self, prefix: str) -> str:
        return f"{prefix}{next(self._temp)}"

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def function(self, name: str, params: str) -> Any:
        source = f"def {name}({params}):\n" + "\n".join(self.lines or ["    pass"]) + "\n"
        self.source = source
        exec(compile(source, f"<workbench codegen {name}>", "exec"), self.names)
        function = self.names[name]
        function.source = source
        return function


def _field_reads(plan: Plan) -> tuple[int, str] | None:
    """(offset in the value slot, struct format) of what a parent can read for this field."""
    if isinstance(plan, ScalarPlan):
        return OFF, plan.fmt
    if isinstance(plan, (StringPlan, BytesPlan, EnumPlan)):
        return OFF, "QQ"
    if isinstance(plan, RecordPlan):
        return OFF + 8, "Q"
    return None


def _leaf_expr(plan: Plan, values: list[str], addr: str, w: _Writer, indent: int) -> str:
    """The Python expression of a field, given what the parent's struct read for it."""
    if isinstance(plan, ScalarPlan):
        return f"{w.ref(plan.convert_out)}({values[0]})" if plan.convert_out else values[0]
    if isinstance(plan, StringPlan):
        size, data = values
        return f"M[{data}:{data}+{size}].tobytes().decode('utf-8', 'surrogatepass')"
    if isinstance(plan, EnumPlan):
        size, data = values
        return f"{w.ref(plan.index)}[M[{data}:{data}+{size}].tobytes()]"
    if isinstance(plan, BytesPlan):
        size, data = values
        return f"M[{data}+{OFF}:{data}+{OFF}+{size}*{VAL}:{VAL}].tobytes()"
    if isinstance(plan, RecordPlan):
        return _record_expr(plan, f"{values[0]}+{plan.value_at}", w, indent)
    return _inline_expr(plan, addr, w, indent)


def _inline_expr(plan: Plan, addr: str, w: _Writer, indent: int) -> str:
    """Variants and options lifted in place (an if-chain into a temporary); the rest by a call."""
    if isinstance(plan, VariantPlan) and _told_apart(plan) is not None:
        return _variant_inline(plan, addr, w, indent)
    if isinstance(plan, OptionPlan):
        out, box = w.temp("t"), w.temp("b")
        w.emit(indent, f"{box} = W(M, {addr}+{OFF})[0]")
        w.emit(indent, f"if {box} == 0:")
        w.emit(indent + 1, f"{out} = None")
        w.emit(indent, "else:")
        w.emit(indent + 1, f"{out} = {_lift_expr(plan.payload, box, w, indent + 1)}")
        return out
    return f"{w.ref(plan)}.lift({addr})"


def _told_apart(plan: VariantPlan) -> tuple[str, int] | None:
    """How to tell a variant's case from its name cheaply: by length, or by the byte at one position."""
    names = plan.names
    if len(names) > 8:
        return None  # a long if-chain is no faster than the dictionary lookup
    if len({len(n) for n in names}) == len(names):
        return "size", 0
    for position in range(min(len(n) for n in names)):
        if len({n[position] for n in names}) == len(names):
            return "byte", position
    return None


def _variant_inline(plan: VariantPlan, addr: str, w: _Writer, indent: int) -> str:
    """wasmtime names the case of a lifted variant with one of the type's own case names."""
    how = _told_apart(plan)
    assert how is not None
    out, size, data, box = w.temp("t"), w.temp("s"), w.temp("d"), w.temp("b")
    w.emit(indent, f"{size}, {data}, {box} = {w.ref(c.struct.Struct('<QQQ').unpack_from)}(M, {addr}+{OFF})")
    kind, position = how
    key = size if kind == "size" else f"M[{data}+{position}]"
    for index, (name, case) in enumerate(zip(plan.names, plan.cases)):
        value = len(name) if kind == "size" else name[position]
        w.emit(indent, f"{'if' if index == 0 else 'elif'} {key} == {value}:")
        payload = "None" if case is None else _lift_expr(case, box, w, indent + 1)
        w.emit(indent + 1, f"{out} = ({index}, {payload})")
    w.emit(indent, "else:")  # not a name of the type: never from wasmtime; the generic path says what it is
    w.emit(indent + 1, f"{out} = {w.ref(VariantPlan.lift)}({w.ref(plan)}, {addr})")
    return out


def _record_expr(plan: RecordPlan, base_expr: str, w: _Writer, indent: int) -> str:
    """Read every field a record can read in one struct call, then build its tuple."""
    base = w.temp("p")
    w.emit(indent, f"{base} = {base_expr}")
    fmt, position = "<", 0
    per_field: list[list[str]] = []
    for i, field in enumerate(plan.fields):
        read = _field_reads(field)
        if read is None:
            per_field.append([])
            continue
        offset, part = read
        offset += i * plan.stride
        fmt += f"{offset - position}x{part}" if offset > position else part
        position = offset + c.struct.calcsize("<" + part)
        per_field.append([w.temp("r") for _ in part])
    names = [n for group in per_field for n in group]
    if names:
        w.emit(indent, f"{', '.join(names)}, = {w.ref(c.struct.Struct(fmt).unpack_from)}(M, {base})")
    items = [_leaf_expr(f, per_field[i], f"{base}+{i * plan.stride}", w, indent)
             for i, f in enumerate(plan.fields)]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _lift_expr(plan: Plan, addr: str, w: _Writer, indent: int) -> str:
    if isinstance(plan, RecordPlan):
        return _record_expr(plan, f"W(M, {addr}+{OFF + 8})[0] + {plan.value_at}", w, indent)
    read = _field_reads(plan)
    if read is None:
        return _inline_expr(plan, addr, w, indent)
    offset, part = read
    names = [w.temp("r") for _ in part]
    w.emit(indent, f"{', '.join(names)}, = {w.ref(c.struct.Struct('<' + part).unpack_from)}(M, {addr}+{offset})")
    return _leaf_expr(plan, names, addr, w, indent)


def _record_lift(plan: RecordPlan) -> Any:
    w = _Writer()
    expr = _lift_expr(plan, "a", w, 1)
    w.emit(1, f"return {expr}")
    return w.function("lift", "a")


def _variant_lift(plan: VariantPlan) -> Any:
    w = _Writer()
    if _told_apart(plan) is not None:
        w.emit(1, f"return {_variant_inline(plan, 'a', w, 1)}")
        return w.function("lift", "a")
    w.emit(1, f"s, d, b = {w.ref(c.struct.Struct('<QQQ').unpack_from)}(M, a+{OFF})")
    w.emit(1, f"i = {w.ref(plan.index)}[M[d:d+s].tobytes()]")
    for index, case in enumerate(plan.cases):
        if case is None:
            continue
        w.emit(1, f"if i == {index}:")
        w.emit(2, f"return ({index}, {_lift_expr(case, 'b', w, 2)})")
    w.emit(1, "return (i, None)")
    return w.function("lift", "a")


def _option_lift(plan: OptionPlan) -> Any:
    w = _Writer()
    w.emit(1, f"b = W(M, a+{OFF})[0]")
    w.emit(1, "if b == 0:")
    w.emit(2, "return None")
    w.emit(1, f"return {_lift_expr(plan.payload, 'b', w, 1)}")
    return w.function("lift", "a")


def _result_lift(plan: ResultPlan) -> Any:
    w = _Writer()
    w.emit(1, f"ok = BOOL(M, a+{OFF})[0]")
    w.emit(1, f"b = W(M, a+{OFF + 8})[0]")
    for flag, case in (("ok", plan.ok), ("not ok", plan.err)):
        w.emit(1, f"if {flag}:")
        w.emit(2, "if b == 0:")
        w.emit(3, "return (ok, None)")
        w.emit(2, f"return (ok, {_lift_expr(case, 'b', w, 2)})" if case else "return (ok, None)")
    return w.function("lift", "a")


def _list_lift(plan: ListPlan) -> Any:
    w = _Writer()
    w.emit(1, f"n, d = PAIR(M, a+{OFF})")
    w.emit(1, f"f = {w.ref(plan.element)}.lift")
    w.emit(1, f"return [f(d + i*{VAL}) for i in range(n)]")
    return w.function("lift", "a")


def _relower_stmts(plan: Plan, v: str, o: str, addr: str, w: _Writer, indent: int) -> None:
    if isinstance(plan, RecordPlan):
        w.emit(indent, f"if len({v}) != {len(plan.fields)}:")
        w.emit(indent + 1, f"raise TypeError('expected {len(plan.fields)} fields for a record, got %d' % len({v}))")
        if plan.static:
            w.emit(indent, f"if {v} is not {o} and {v} != {o}:")
            indent += 1
        base = w.temp("p")
        w.emit(indent, f"{base} = W(M, {addr}+{OFF + 8})[0] + {plan.value_at}")
        for i, field in enumerate(plan.fields):
            fv, fo = w.temp("v"), w.temp("o")
            w.emit(indent, f"{fv} = {v}[{i}]; {fo} = {o}[{i}]")
            _relower_stmts(field, fv, fo, f"{base}+{i * plan.stride}", w, indent)
        return
    if plan.static:
        w.emit(indent, f"if {v} is not {o} and ({v} != {o} or type({v}) is not type({o})):")
    else:
        # Equal values may still differ underneath (a handle to mint again, -0.0 vs 0.0):
        # skip only when this particular value holds neither.
        w.emit(indent, f"if not (({v} is {o} or {v} == {o}) and {_exact(plan, v, w)}):")
    if isinstance(plan, VariantPlan) and any(case is not None and not case.static for case in plan.cases):
        _variant_relower_stmts(plan, v, o, addr, w, indent + 1)
    else:
        w.emit(indent + 1, f"{w.ref(plan)}.relower({v}, {o}, {addr})")


def _variant_relower_stmts(plan: VariantPlan, v: str, o: str, addr: str, w: _Writer, indent: int) -> None:
    """The same case as last time, holding a handle: rewrite the payload in place; else the generic path."""
    case = w.temp("i")
    w.emit(indent, f"{case} = {v}[0]")
    first = True
    for index, payload in enumerate(plan.cases):
        if payload is None or payload.static:
            continue
        w.emit(indent, f"{'if' if first else 'elif'} {case} == {index} and type({case}) is int and {o}[0] == {index}:")
        box, pv, po = w.temp("b"), w.temp("v"), w.temp("o")
        w.emit(indent + 1, f"{box} = W(M, {addr}+{OFF + 16})[0]; {pv} = {v}[1]; {po} = {o}[1]")
        _relower_stmts(payload, pv, po, box, w, indent + 1)
        first = False
    w.emit(indent, "else:")
    w.emit(indent + 1, f"{w.ref(plan)}.relower({v}, {o}, {addr})")


def _exact(plan: Plan, v: str, w: _Writer) -> str:
    """An expression: does value ``v`` hold no handle and no float (so equality is exact)?"""
    if plan.static:
        return "True"
    if isinstance(plan, VariantPlan):
        return f"{w.ref(plan.case_static)}[{v}[0]]"
    if isinstance(plan, OptionPlan):
        return f"({v} is None or {_exact(plan.payload, v, w)})"
    if isinstance(plan, ResultPlan):
        ok = "True" if plan.ok is None else _exact(plan.ok, f"{v}[1]", w)
        err = "True" if plan.err is None else _exact(plan.err, f"{v}[1]", w)
        return f"(({ok}) if {v}[0] else ({err}))"
    if isinstance(plan, RecordPlan):
        parts = [_exact(f, f"{v}[{i}]", w) for i, f in enumerate(plan.fields) if not f.static]
        return "(" + " and ".join(parts) + ")"
    if isinstance(plan, ListPlan):
        item = w.temp("e")
        return f"all({_exact(plan.element, item, w)} for {item} in {v})"
    return "False"


def _record_relower(plan: RecordPlan) -> Any:
    w = _Writer()
    _relower_stmts(plan, "v", "o", "a", w, 1)
    return w.function("relower", "v, o, a")


_LIFTS = {RecordPlan: _record_lift, VariantPlan: _variant_lift, OptionPlan: _option_lift,
          ResultPlan: _result_lift, ListPlan: _list_lift}


def specialise(plan: Plan) -> Plan:
    """Replace the generic conversions of ``plan`` and its children by generated ones."""
    for child in _children(plan):
        specialise(child)
    make_lift: Any = _LIFTS.get(type(plan))
    if make_lift is not None:
        plan.lift = make_lift(plan)  # type: ignore[method-assign]
    if isinstance(plan, RecordPlan):
        plan.relower = _record_relower(plan)  # type: ignore[method-assign]
    return plan


def _children(plan: Plan) -> list[Plan]:
    if isinstance(plan, RecordPlan):
        return list(plan.fields)
    if isinstance(plan, VariantPlan):
        return [p for p in plan.cases if p is not None]
    if isinstance(plan, OptionPlan):
        return [plan.payload]
    if isinstance(plan, ResultPlan):
        return [p for p in (plan.ok, plan.err) if p is not None]
    if isinstance(plan, ListPlan):
        return [plan.element]
    return []


def host_invoker(params: list[Plan], result: Plan | None, function: Any) -> Any:
    """``invoke(args_addr, results_addr)`` for a host function: lift inline, call, lower."""
    for plan in params:
        specialise(plan)
    w = _Writer()
    values = [_lift_expr(plan, f"a+{i * VAL}", w, 1) for i, plan in enumerate(params)]
    call = f"{w.ref(function)}({', '.join(values)})"
    if result is None:
        w.emit(1, call)
    else:
        w.emit(1, f"value = {call}")
        w.emit(1, f"M[r:r+{VAL}] = {w.ref(bytes(VAL))}")
        w.emit(1, f"{w.ref(result)}.lower(value, r)")
    return w.function("invoke", "a, r")
