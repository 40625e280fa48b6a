"""The processor WIT types (``workbench/wit/*/``) transcribed as ``TypeNode`` trees.

Host functions and ``datamodel`` produce wire values for these types; lowering a wire
value with a plan of its type checks its shape (field counts, case indices) the way the
host does at a real call.
"""

from __future__ import annotations

from workbench.host.values import TypeNode


def _record(**fields: TypeNode) -> TypeNode:
    return TypeNode("record", tuple(fields.values()), tuple(n.replace("_", "-") for n in fields))


def _variant(**cases: TypeNode | None) -> TypeNode:
    return TypeNode("variant", tuple(cases.values()), tuple(n.replace("_", "-") for n in cases))


def _option(payload: TypeNode) -> TypeNode:
    return TypeNode("option", (payload,))


def _list(element: TypeNode) -> TypeNode:
    return TypeNode("list", (element,))


def _result(ok: TypeNode | None, err: TypeNode | None) -> TypeNode:
    return TypeNode("result", (ok, err))


U32, U64, S64, F64 = TypeNode("u32"), TypeNode("u64"), TypeNode("s64"), TypeNode("f64")
BOOL, STRING, BYTES, OWN = TypeNode("bool"), TypeNode("string"), _list(TypeNode("u8")), TypeNode("own")

# hybrid-logical-clock
TIMESPEC = _record(secs=U64, nanos=U32)
HLC = _record(timestamp=TIMESPEC, counter=U64, node_id=STRING)

# logger
LEVEL = TypeNode("enum", (), ("trace", "debug", "info", "warn", "error", "critical"))
LOG_PARAMS = (LEVEL, STRING, STRING)

# metrics
COUNTER_VALUE = _variant(u64=U64)
HISTOGRAM_VALUE = _variant(f64=F64, u64=U64)
METRICS_ERROR = _variant(incompatible_type=STRING, lock_error=STRING)
LABELS = _option(_list(_record(key=STRING, value=STRING)))
METRIC_RESULT = _result(None, METRICS_ERROR)

# state-store-types
DURATION = _record(seconds=U64, nanos=U32)
SET_CONDITIONS = TypeNode("enum", (), ("only-if-does-not-exist", "only-if-equal-or-does-not-exist", "unconditional"))
SET_OPTIONS = _record(conditions=SET_CONDITIONS, expires=_option(DURATION))
STATE_STORE_ERROR = _variant(request_error=STRING, timeout=None, protocol=None, internal=None)
GET_RESULT = _result(_record(response=_option(BYTES), version=_option(HLC)), STATE_STORE_ERROR)
SET_RESULT = _result(_record(response=BOOL, version=_option(HLC)), STATE_STORE_ERROR)
DEL_RESULT = _result(_record(response=S64, version=_option(HLC)), STATE_STORE_ERROR)
GET_PARAMS = (BYTES, _option(DURATION))
SET_PARAMS = (BYTES, BYTES, _option(DURATION), _option(HLC), SET_OPTIONS)
DEL_PARAMS = (BYTES, _option(HLC), _option(DURATION))
VDEL_PARAMS = (BYTES, BYTES, _option(HLC), _option(DURATION))

# types (the data model)
BUFFER_OR_BYTES = _variant(buffer=OWN, bytes=BYTES)
BUFFER_OR_STRING = _variant(buffer=OWN, string=STRING)
TIMESTAMP = _record(timestamp=TIMESPEC, counter=U64, node_id=BUFFER_OR_STRING)
MESSAGE_PROPERTIES = _record(user_properties=_list(TypeNode("tuple", (BUFFER_OR_STRING, BUFFER_OR_STRING))))
INLINE_SCHEMA = _record(name=BUFFER_OR_STRING, content=BUFFER_OR_STRING)
MESSAGE_SCHEMA = _variant(registry_reference=BUFFER_OR_STRING, inline=INLINE_SCHEMA)
MESSAGE = _record(timestamp=TIMESTAMP, topic=BUFFER_OR_BYTES, content_type=_option(BUFFER_OR_STRING),
                  payload=BUFFER_OR_BYTES, properties=MESSAGE_PROPERTIES, schema=_option(MESSAGE_SCHEMA))
SNAPSHOT = _record(timestamp=TIMESTAMP, format=BUFFER_OR_STRING, width=U32, height=U32, frame=BUFFER_OR_BYTES)
DATA_MODEL = _variant(buffer_or_bytes=BUFFER_OR_BYTES, message=MESSAGE, snapshot=SNAPSHOT)
MODULE_CONFIGURATION = _record(properties=_list(TypeNode("tuple", (STRING, STRING))),
                               module_schemas=_list(_record(name=STRING, content_type=STRING, content=STRING)))
