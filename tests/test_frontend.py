"""Kernel-side support for the JupyterLab extension: the graph MIME bundle, the side panel's comm,
and the prebuilt extension shipped in the package (tests/browser drives the extension itself)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import operator_path
from workbench.dataflow.drawing import graph_html, layout
from workbench.dataflow.elements import Parameter
from workbench.dataflow.graph import Graph
from workbench.frontend import COMM_TARGET, GRAPH_MIME, PanelChannel, graph_data, listing, register_comm_target
from workbench.messages import Message, Timestamp
from workbench.session import Session, reset_session, session

ROOT = Path(__file__).resolve().parents[1]
ALL_KINDS = operator_path("api_1_1/all_kinds.py")
REFERENCE = "all-kinds:1.0.0"


@pytest.fixture
def native_session() -> Session:
    s = Session()
    s.compile(ALL_KINDS, name="all-kinds", native=True, config={"factor": "3"})
    return s


def scaling_graph() -> Graph:
    graph = (Graph("scaling").source().map("scale", REFERENCE).branch("split", REFERENCE)
             .filter("positive", REFERENCE, after=("split", True)).concatenate("all", after=[("split", False), "positive"])
             .sink())
    return graph.with_configuration("scale", Parameter("factor", "factor", "how much to scale", "2"))


def readings(n: int) -> list[Message]:
    return [Message.of({"value": i - n / 2}, "sensors", timestamp=Timestamp.from_millis(1_000 + i)) for i in range(n)]


class FakeComm:
    """What ``PanelChannel`` needs of an ipykernel ``Comm``."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.on_message: Any = None
        self.on_closed: Any = None

    def send(self, data: dict[str, Any]) -> None:
        self.sent.append(json.loads(json.dumps(data)))  # what travels must be JSON

    def on_msg(self, handler: Any) -> None:
        self.on_message = handler

    def on_close(self, handler: Any) -> None:
        self.on_closed = handler

    def request(self, **data: Any) -> None:
        self.on_message({"content": {"data": data}})


def test_a_graph_shows_as_html_everywhere_and_as_json_for_the_extension(native_session: Session) -> None:
    graph = scaling_graph()
    bundle = graph._repr_mimebundle_()
    assert bundle["text/html"] == graph_html(graph)  # what frontends without the extension show
    data = bundle[GRAPH_MIME]
    assert json.loads(json.dumps(data)) == data
    placed = layout(graph)
    assert [(n["name"], n["kind"], n["x"], n["y"]) for n in data["nodes"]] == [
        (op.name, op.operation_type, placed[op.name].x, placed[op.name].y) for op in graph.operations]
    assert {"source": "split", "target": "positive", "arm": True} in data["edges"]
    assert data["width"] > 0 and data["height"] > 0 and data["run"] is None


def test_graph_data_carries_module_source_configuration_and_the_last_run(native_session: Session) -> None:
    native_session.add_graph(scaling_graph())
    data = graph_data(scaling_graph(), native_session)
    scale = next(n for n in data["nodes"] if n["name"] == "scale")
    assert scale["module"] == REFERENCE and scale["stats"] is None
    assert scale["parameters"] == [{"key": "factor", "name": "factor", "default": "2", "required": False,
                                    "description": "how much to scale"}]
    operator = data["operators"][REFERENCE]
    assert operator["reference"] == REFERENCE and operator["mode"] == "native" and operator["config"] == {"factor": "3"}
    assert "class Map" in operator["source"]

    native_session.run("scaling", readings(40))
    data = graph_data(scaling_graph(), native_session)
    stats = next(n for n in data["nodes"] if n["name"] == "scale")["stats"]
    assert stats["received"] == 40 and stats["calls"] == 40 and stats["mean_latency_us"] > 0
    assert data["run"]["inputs"] == 40


def test_graph_data_takes_any_module_object_a_graph_was_built_with() -> None:
    from workbench.dataflow.registry import PythonModule

    class Double:
        def init(self, properties: Any) -> bool:
            return True

    module = PythonModule(map=Double)
    module.reference = "double:1.0.0"  # type: ignore[attr-defined]
    data = graph_data(Graph("sketch").source().map("double", module).sink(), Session())
    assert data["operators"]["double:1.0.0"] == {
        "reference": "double:1.0.0", "kinds": ["map"], "api": None, "mode": "wasm", "size_bytes": None,
        "build_seconds": None, "cache_hit": None, "deployable": None, "config": {}, "source": None}


def test_graph_data_names_modules_the_session_has_not_compiled() -> None:
    data = graph_data(scaling_graph(), Session())
    assert data["operators"] == {}
    assert {n["module"] for n in data["nodes"]} == {None, REFERENCE}


def test_the_panel_gets_the_listing_on_open_and_after_every_change(native_session: Session) -> None:
    comm = FakeComm()
    channel = PanelChannel(comm, native_session)
    opened = comm.sent[-1]
    assert opened["event"] == "listing" and opened["reason"] == "open"
    assert [o["reference"] for o in opened["operators"]] == [REFERENCE]
    assert opened["graphs"] == [] and opened["runs"] == []

    native_session.add_graph(scaling_graph())
    assert comm.sent[-1]["reason"] == "graphs" and comm.sent[-1]["graphs"][0]["name"] == "scaling"
    native_session.run("scaling", readings(10))
    runs = comm.sent[-1]["runs"]
    assert comm.sent[-1]["reason"] == "runs" and runs[0]["graph"] == "scaling" and runs[0]["inputs"] == 10

    comm.request(request="graph", name="scaling")
    assert comm.sent[-1]["event"] == "graph" and comm.sent[-1]["data"]["name"] == "scaling"
    comm.request(request="graph", name="nope")
    assert comm.sent[-1] == {"event": "error", "message": "no graph 'nope' in this session"}
    comm.request(request="dance")
    assert comm.sent[-1]["event"] == "error"

    comm.on_closed({})
    count = len(comm.sent)
    native_session.add_graph(scaling_graph(), name="again")
    assert len(comm.sent) == count and channel.changed not in native_session.listeners


def test_a_refresh_follows_a_reset_session() -> None:
    comm = FakeComm()
    PanelChannel(comm, session())
    fresh = reset_session()
    fresh.compile(ALL_KINDS, name="all-kinds", native=True)
    comm.request(request="refresh")
    assert comm.sent[-1]["reason"] == "refresh" and comm.sent[-1]["operators"][0]["reference"] == REFERENCE
    fresh.add_graph(scaling_graph())
    assert comm.sent[-1]["reason"] == "graphs"


def test_listing_of_an_empty_session() -> None:
    assert listing(Session()) == {"operators": [], "graphs": [], "runs": []}


def test_the_comm_target_is_registered_only_under_a_kernel() -> None:
    import comm

    class Shell:
        kernel: Any = None

    assert register_comm_target(Shell()) is False
    Shell.kernel = object()
    assert register_comm_target(Shell()) is True
    assert COMM_TARGET in comm.get_comm_manager().targets


def test_the_prebuilt_extension_matches_its_source_and_is_installed() -> None:
    check = subprocess.run([sys.executable, str(ROOT / "extensions/workbench-jupyterlab/source_hash.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    built = ROOT / "workbench" / "labextension"
    package = json.loads((built / "package.json").read_text())
    assert (built / package["jupyterlab"]["_build"]["load"]).is_file()
    installed = Path(sys.prefix) / "share/jupyter/labextensions/workbench-jupyterlab/package.json"
    assert installed.is_file(), f"{installed} is missing: pip install -e . installs the prebuilt extension"
    assert json.loads(installed.read_text())["jupyterlab"]["_build"] == package["jupyterlab"]["_build"], (
        "the installed extension is not the one in workbench/labextension: run pip install -e . again")
