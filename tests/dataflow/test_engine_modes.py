"""Engine runs of real operator modules, natively and as wasm components: the same outputs.

Native runs need no build (a ``.py`` module runs through ``workbench.native``); wasm runs use
the session's ``compiled`` builds and are marked slow.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import operator_path
from workbench.dataflow.graph import Connection, Graph, Operation, Parameter
from workbench.dataflow.run import run
from workbench.errors import OperatorError
from workbench.messages import Message, Timestamp

ALL_KINDS = "api_1_1/all_kinds.py"
PROBE = "api_1_1/probe.py"
REF = "tests/all-kinds:1.0.0"


@pytest.fixture(params=["native", pytest.param("wasm", marks=pytest.mark.slow)])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def module(mode: str, compiled: Any, relative: str) -> Any:
    return operator_path(relative) if mode == "native" else compiled(relative)


def all_kinds_graph() -> Graph:
    """source → scale/map → positive/filter → hot/branch: true → later/delay → total/accumulate → sink;
    false → sink. Every operation is the one all_kinds module."""
    kinds = {"scale/map": "map", "positive/filter": "filter", "hot/branch": "branch", "later/delay": "delay",
             "total/accumulate": "accumulate"}
    operations = (Operation("source", "source"), *(Operation(n, k, REF) for n, k in kinds.items()),
                  Operation("sink", "sink"))
    links = (Connection("source", "scale/map"), Connection("scale/map", "positive/filter"),
             Connection("positive/filter", "hot/branch"), Connection("hot/branch", "later/delay", True),
             Connection("later/delay", "total/accumulate"), Connection("total/accumulate", "sink"),
             Connection("hot/branch", "sink", False))
    graph = Graph("all-kinds", operations=operations, connections=links)
    return graph.with_configuration("scale/map", Parameter("factor", "factor", default="3"))


def readings() -> list[Message]:
    rows = [(1000, 0, "a", 5), (1000, 0, "a", 2), (1000, 1, "b", -4), (1100, 0, "urgent", 1),
            (1200, 0, "a", 4), (1200, 0, "a", 9), (1300, 0, "a", 0)]
    return [Message.of({"value": v}, "sensors/x", timestamp=Timestamp.from_millis(ms, counter, node),
                       properties={"__ts": f"{ms}:{counter}:{node}"}) for ms, counter, node, v in rows]


def outcome(result: Any) -> list[tuple[str, Any, str, dict[str, str]]]:
    return [(str(t), json.loads(m.payload), m.topic, dict(m.properties))
            for m, t in zip(result.messages(), result.timestamps())]


def test_all_five_kinds_run_in_either_mode(mode: str, compiled: Any) -> None:
    result = run(all_kinds_graph(), readings(), modules={REF: module(mode, compiled, ALL_KINDS)}, mode=mode,
                 config={"hot/branch.threshold": "10", "later/delay.delay_ms": "500"})
    out = outcome(result)
    # ×3: 15, 6, -12 (filtered), 3 (node urgent: true arm), 12, 27, 0
    passed = [(ts_, p["value"]) for ts_, p, _, _ in out if "value" in p]
    assert passed == [("1000:0:a", 6.0), ("1300:0:a", 0.0)]
    totals = [(ts_, p) for ts_, p, _, _ in out if "count" in p]
    assert totals == [("1500:1:delayed", {"count": 1, "sum": 15.0}), ("1600:1:delayed", {"count": 1, "sum": 3.0}),
                      ("1700:1:delayed", {"count": 2, "sum": 39.0})]
    summary = result.summary.set_index("operator")
    assert summary.loc["positive/filter", "filtered"] == 1
    assert summary.loc["total/accumulate", ["received", "folded", "fired"]].tolist() == [4, 4, 3]
    assert out[0][3] == {"__ts": "1000:0:a", "scaled-by": "3.0"}
    assert result.logs.message.tolist().count("map init") == 1


@pytest.mark.slow
def test_native_and_wasm_give_the_same_outputs(compiled: Any) -> None:
    def once(mode: str) -> list[tuple[str, Any, str, dict[str, str]]]:
        result = run(all_kinds_graph(), readings(), modules={REF: module(mode, compiled, ALL_KINDS)}, mode=mode,
                     config={"hot/branch.threshold": "7"}, accumulate_batch=1)
        return outcome(result)

    assert once("native") == once("wasm")


def test_an_operator_error_names_the_operation_in_either_mode(mode: str, compiled: Any) -> None:
    bad = [Message.of(b"not json", "sensors/x", timestamp=Timestamp.from_millis(1))]
    with pytest.raises(OperatorError) as info:
        run(all_kinds_graph(), bad, modules={REF: module(mode, compiled, ALL_KINDS)}, mode=mode)
    assert str(info.value).startswith("operator 'scale/map' failed in process: returned an error: "
                                      "payload is not JSON")


def probe_graph() -> Graph:
    operations = (Operation("source", "source"), Operation("probe/map", "map", "tests/probe:1.0.0"),
                  Operation("sink", "sink"))
    links = (Connection("source", "probe/map"), Connection("probe/map", "sink"))
    return Graph("probe", operations=operations, connections=links)


def test_init_returning_false_fails_the_run_in_either_mode(mode: str, compiled: Any) -> None:
    with pytest.raises(OperatorError) as info:
        run(probe_graph(), [], modules={"tests/probe:1.0.0": module(mode, compiled, PROBE)}, mode=mode,
            config=["probe/map.reject=yes"])
    assert str(info.value).startswith("operator 'probe/map' failed in init: returned false: the map of module "
                                      "'tests/probe:1.0.0' rejected its configuration {'reject': 'yes'}")


def test_the_state_store_is_shared_and_recorded_in_either_mode(mode: str, compiled: Any) -> None:
    requests = [Message.of({"action": "state", "key": "hits"}, "in", timestamp=Timestamp.from_millis(i))
                for i in range(3)]
    result = run(probe_graph(), requests, modules={"tests/probe:1.0.0": module(mode, compiled, PROBE)},
                 mode=mode, state={"hits": "10"})
    assert [p["result"] for p in result.payloads()] == [11, 12, 13]
    assert result.state == {"hits": "13"}
