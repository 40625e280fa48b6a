"""``compile_operator``: real componentize-py builds, the build report, the cache, and parity
of every operator kind on both AIO API versions between the wasm host and native mode."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import line_of, operator_path
from workbench.compiler import CompiledOperator, compile_operator
from workbench.compiler.bundle import OperatorSource, make_bundle
from workbench.compiler.cache import BuildCache
from workbench.compiler.report import AIO_INTERFACES, unsupported_imports
from workbench.compiler.wit import KINDS, World
from workbench.errors import CompileError, HostError, OperatorError, OperatorTrap
from workbench.messages import Message, RawData, Timestamp
from workbench.native import parity
from workbench.tracebacks import SourceMap

PACKAGES = {"1.0.0": "tinykube-graph:processor", "1.1.0": "wasm-graph:processor"}
ALL_KINDS = {"1.0.0": "api_1_0/all_kinds.py", "1.1.0": "api_1_1/all_kinds.py"}
BUNDLED = "api_1_0/bundled/reading.py"
STAMP = Timestamp(5, 900_000_000, 3, "sensor-7")
READING = Message.of({"value": 12}, "plant/line-1", timestamp=STAMP, content_type="application/json",
                     properties={"site": "north"})


class BuildStopped(Exception):
    """Raised instead of running componentize-py in the fast tests."""


@pytest.fixture
def no_componentize(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Fail loudly if a test reaches componentize-py; returns the calls attempted."""
    calls: list[tuple] = []

    def refuse(*args: object, **kwargs: object) -> None:
        calls.append(args)
        raise AssertionError("componentize-py must not run for this source")

    monkeypatch.setattr("workbench.compiler.build.componentize", refuse)
    return calls


@pytest.fixture
def build_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., str]:
    """``key_of(path, api)``: the cache key ``compile_operator`` computes, without building."""
    keys: list[str] = []

    def stop(*args: object) -> None:  # replaces build._build(bundle, world, cache, key, src, source_map)
        key = str(args[3])
        keys.append(key)
        raise BuildStopped(key)

    monkeypatch.setattr("workbench.compiler.build._build", stop)

    def key_of(path: Path, api: str = "1.0.0") -> str:
        with pytest.raises(BuildStopped):
            compile_operator(path, api=api, cache=BuildCache(tmp_path / "empty-cache"))
        return keys[-1]

    return key_of


def copy_bundled(target: Path) -> Path:
    folder = shutil.copytree(operator_path(BUNDLED).parent, target / "bundled")
    return folder / "reading.py"


# -- fast: report helpers, checks, bundling and cache keys ------------------------------
@pytest.mark.parametrize("api", ["1.0.0", "1.1.0"])
def test_unsupported_imports_accepts_aio_and_wasi(api: str) -> None:
    aio = [f"{PACKAGES[api]}/{name}@{api}" for name in AIO_INTERFACES]
    wasi = ["wasi:cli/environment@0.2.0", "wasi:io/streams@0.2.3", "wasi:sockets/tcp@0.2.0"]
    assert unsupported_imports(aio + wasi, api) == []


def test_unsupported_imports_flags_foreign_and_mismatched_names() -> None:
    imports = [
        "wasm-graph:processor/logger@1.1.0",
        "tinykube-graph:processor/logger@1.0.0",  # the other API version's package
        "wasm-graph:processor/logger@1.0.0",  # right package, wrong version
        "wasm-graph:processor/map@1.1.0",  # an operator export is not an import AIO provides
        "acme:telemetry/exporter@1.0.0",
        "wasi:io/streams@0.3.0",  # WASI 0.3 is not WASI 0.2
        "wasi:cli/environment",
        "wasi:keyvalue/store@0.2.0-draft",
        "wasi:clocks/wall-clock@0.2.1",
    ]
    assert unsupported_imports(imports, "1.1.0") == imports[1:8]
    assert unsupported_imports([], "1.0.0") == []


def test_bundle_follows_sibling_imports_transitively() -> None:
    src = OperatorSource.load(operator_path(BUNDLED))
    bundle = make_bundle(src, World("1.0.0", ("map",)))
    assert bundle.app_module == "reading"
    assert sorted(bundle.files) == ["payload.py", "reading.py", "units/__init__.py"]
    assert bundle.files["reading.py"] == src.text


def test_bundle_of_multi_operator_module_has_binding_aliases() -> None:
    src = OperatorSource.load(operator_path(ALL_KINDS["1.1.0"]))
    bundle = make_bundle(src, World("1.1.0", KINDS))
    assert sorted(bundle.files) == sorted(["all_kinds.py"] + [f"{k}_impl/__init__.py" for k in KINDS])


def test_cache_key_tracks_bundled_siblings(build_keys: Callable[..., str], tmp_path: Path) -> None:
    reading = copy_bundled(tmp_path)
    folder = reading.parent
    original = build_keys(reading)
    assert build_keys(reading) == original  # deterministic
    assert build_keys(operator_path(BUNDLED)) == original  # where the files live does not matter

    (folder / "unused.py").write_text("NOTHING = 'changed'\n")
    assert build_keys(reading) == original  # not imported, so not bundled

    (folder / "payload.py").write_text((folder / "payload.py").read_text().replace("payload-1", "payload-2"))
    changed_sibling = build_keys(reading)
    assert changed_sibling != original

    units = folder / "units" / "__init__.py"
    units.write_text(units.read_text() + "\nSCALE = 1\n")
    changed_package = build_keys(reading)
    assert changed_package not in (original, changed_sibling)

    assert build_keys(reading, api="1.1.0") != changed_package


def test_cache_key_tracks_the_operator_source(build_keys: Callable[..., str], tmp_path: Path) -> None:
    reading = copy_bundled(tmp_path)
    original = build_keys(reading)
    reading.write_text(reading.read_text() + "\n# a comment is a change too\n")
    assert build_keys(reading) != original


def test_no_operator_class_fails_before_componentize(no_componentize, tmp_path: Path) -> None:
    source = "import json\n\nclass Mapper:\n    def process(self, message):\n        return message\n"
    started = time.perf_counter()
    with pytest.raises(CompileError) as info:
        compile_operator(source, filename="cell.py", cache=BuildCache(tmp_path))
    assert time.perf_counter() - started < 2
    assert "no operator class found" in info.value.message
    assert info.value.location.file == "cell.py"
    assert no_componentize == []


def test_wrong_process_arity_fails_before_componentize(no_componentize, tmp_path: Path) -> None:
    path = tmp_path / "branchy.py"
    path.write_text(textwrap.dedent("""\
        from branch_impl import exports

        class Branch(exports.Branch):
            def init(self, configuration):
                return True

            def process(self, message):
                return True
        """))
    with pytest.raises(CompileError) as info:
        compile_operator(path, cache=BuildCache(tmp_path / "cache"))
    error = info.value
    assert error.location.file == str(path) and error.location.line == 7
    assert "Branch.process takes (self, timestamp, message), found (self, message)" in error.message
    assert "def process(self, message):" in str(error)
    assert no_componentize == []


def test_syntax_error_fails_before_componentize(no_componentize, tmp_path: Path) -> None:
    with pytest.raises(CompileError) as info:
        compile_operator("from map_impl import exports\n\nclass Map(exports.Map)\n    pass\n",
                         cache=BuildCache(tmp_path))
    assert info.value.location.line == 3
    assert "syntax error" in info.value.message
    assert no_componentize == []


def test_unknown_api_version_fails_before_componentize(no_componentize, tmp_path: Path) -> None:
    with pytest.raises(CompileError, match="unknown AIO API version '2.0.0'"):
        compile_operator(operator_path(ALL_KINDS["1.1.0"]), api="2.0.0", cache=BuildCache(tmp_path))
    assert no_componentize == []


# -- slow: real builds -------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("api", ["1.0.0", "1.1.0"])
def test_multi_operator_module_exports_every_kind(compiled, api: str) -> None:
    op = compiled(ALL_KINDS[api], api=api)
    report = op.report
    assert op.kinds == report.kinds == KINDS
    assert report.world == "module-impl"
    assert report.api == op.api == api
    for kind in KINDS:
        assert f"{PACKAGES[api]}/{kind}@{api}" in report.exports
    assert report.deployable, report.warnings


@pytest.mark.slow
@pytest.mark.parametrize("api", ["1.0.0", "1.1.0"])
def test_build_report_fields(compiled, api: str) -> None:
    op = compiled(ALL_KINDS[api], api=api)
    report = op.report
    assert (report.name, report.version) == ("all_kinds", "1.0.0")
    assert report.size_bytes > 1_000_000
    assert report.size_bytes == op.wasm_path.stat().st_size == len(op.wasm())
    assert op.wasm()[:4] == b"\0asm"
    for interface in ("types", "logger", "metrics", "state-store"):
        assert f"{PACKAGES[api]}/{interface}@{api}" in report.imports
    assert any(name.startswith("wasi:") for name in report.imports)
    assert unsupported_imports(list(report.imports), api) == []
    assert report.deployable and report.warnings == ()
    assert len(report.key) == 64
    data = report.to_dict()
    assert data["deployable"] is True and data["kinds"] == KINDS
    assert json.loads(json.dumps(data))["size_bytes"] == report.size_bytes
    assert f"API {api}" in report.summary() and "imports OK" in report.summary()
    assert "all provided by AIO" in op._repr_html_()


@pytest.mark.slow
def test_single_operator_world(compiled) -> None:
    op = compiled("api_1_1/probe.py")
    assert op.kinds == ("map",)
    assert op.report.world == "map-impl"
    assert [name for name in op.report.exports if "processor" in name] == ["wasm-graph:processor/map@1.1.0"]
    with pytest.raises(HostError, match="no 'filter' operator"):
        op.instantiate("filter")


def _inputs(kind: str, message: Message) -> tuple:
    staged = Message.of(b"", "totals", timestamp=STAMP)
    return {"map": (message,), "filter": (message,), "branch": (STAMP, message),
            "accumulate": (staged, [message, message.with_payload(b'{"value": -2}')]),
            "delay": (message, STAMP)}[kind]


EXPECTED = {
    "map": Message(b'{"value": 36.0, "mapped": true}', "plant/line-1", STAMP, "application/json",
                   (("site", "north"), ("scaled-by", "3.0"))),
    "filter": True,
    "branch": True,
    "accumulate": Message(b'{"count": 2, "sum": 10}', "totals", STAMP),
    "delay": Timestamp(6, 150_000_000, 4, "delayed"),
}


@pytest.mark.slow
@pytest.mark.parametrize("api", ["1.0.0", "1.1.0"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_wasm_and_native_agree(compiled, api: str, kind: str) -> None:
    op = compiled(ALL_KINDS[api], api=api)
    report = parity(op, *_inputs(kind, READING), kind=kind, config={"factor": "3"})
    assert report.same, str(report)
    assert report.wasm == report.native == EXPECTED[kind]


@pytest.mark.slow
@pytest.mark.parametrize("api", ["1.0.0", "1.1.0"])
@pytest.mark.parametrize("kind", ["filter", "branch"])
def test_every_kind_false_outcomes_agree(compiled, api: str, kind: str) -> None:
    op = compiled(ALL_KINDS[api], api=api)
    low = Message.of({"value": -1}, "plant/line-1", timestamp=Timestamp(1, 0, 0, "calm"))
    report = parity(op, *_inputs(kind, low), kind=kind)
    assert report.same, str(report)
    assert report.wasm is False and report.native is False


@pytest.mark.slow
@pytest.mark.parametrize("api", ["1.0.0", "1.1.0"])
@pytest.mark.parametrize("kind", ["map", "filter", "branch", "accumulate"])
def test_bad_input_fails_in_both_modes(compiled, api: str, kind: str) -> None:
    op = compiled(ALL_KINDS[api], api=api)
    report = parity(op, *_inputs(kind, READING.with_payload(b"not json")), kind=kind)
    assert report.same, str(report)
    assert isinstance(report.wasm, OperatorError) and isinstance(report.native, OperatorError)
    if api == "1.1.0":  # an Err value: the instance is fine, no trap
        assert not isinstance(report.wasm, OperatorTrap)
        assert "returned an error: payload is not JSON" in str(report.wasm)
        assert "returned an error: payload is not JSON" in str(report.native)
    else:  # 1.0.0 has no error type: the exception traps the instance
        assert isinstance(report.wasm, OperatorTrap)
        assert "JSONDecodeError" in report.wasm.failure.reason
        assert "JSONDecodeError" in report.native.failure.reason


@pytest.mark.slow
@pytest.mark.parametrize("api", ["1.0.0", "1.1.0"])
def test_logs_and_metrics_agree_between_modes(compiled, api: str) -> None:
    from workbench.host.services import HostServices

    op = compiled(ALL_KINDS[api], api=api)
    recorded = []
    for run in (op.instantiate, op.native):
        services = HostServices()
        operator = run("map", services=services)
        assert operator.init({"factor": "0.5"}) is True
        assert operator.map(READING).json() == {"value": 6.0, "mapped": True}
        operator.close()
        recorded.append(([(r.operator, r.level, r.context, r.message, r.source) for r in services.logs],
                         [(m.operator, m.name, m.kind, m.value) for m in services.metrics]))
    wasm, native = recorded
    assert wasm == native
    assert wasm == ([("all_kinds/map", "info", "all_kinds", "map init", "logger")],
                    [("all_kinds/map", "mapped", "counter", 1)])


@pytest.mark.slow
def test_raw_data_through_wasm(compiled) -> None:
    op = compiled(ALL_KINDS["1.1.0"])
    with op.instantiate("filter") as operator:
        operator.init({})
        assert operator.filter(RawData(b'{"value": 4}')) is True
        assert operator.filter(RawData(b'{"value": -4}')) is False


@pytest.mark.slow
def test_bundled_sibling_modules_and_host_buffers(compiled) -> None:
    op = compiled(BUNDLED, api="1.0.0")
    assert op.api == "1.0.0" and op.report.world == "map-impl"
    message = Message.of({"value": 212, "unit": "F"}, "boiler", timestamp=STAMP)
    with op.instantiate() as operator:
        assert operator.init({}) is True
        result = operator.map(message)
    # to_celsius (payload.py) → fahrenheit_to_celsius (units/__init__.py), read from a host buffer
    assert result.json() == {"codec": "payload-1", "unit": "C", "value": 100.0}
    assert (result.topic, result.timestamp) == ("boiler", STAMP)
    assert parity(op, message).same


@pytest.mark.slow
def test_unchanged_rebuild_is_a_cache_hit(compiled) -> None:
    first = compiled(BUNDLED, api="1.0.0")
    started = time.perf_counter()
    again = compile_operator(operator_path(BUNDLED), api="1.0.0")
    assert time.perf_counter() - started < 1.0
    assert again.report.cache_hit is True
    assert again.report.build_seconds < 1.0
    assert again.report.key == first.report.key
    assert again.wasm_path == first.wasm_path
    assert "cache hit" in again.report.summary()


@pytest.mark.slow
def test_cache_hit_in_a_fresh_process(compiled) -> None:
    """A kernel restart loses in-process state; the on-disk cache still makes it a hit."""
    first = compiled(BUNDLED, api="1.0.0")
    code = ("import json, sys\nfrom workbench import compile_operator\n"
            "op = compile_operator(sys.argv[1], api='1.0.0')\n"
            "print(json.dumps({'build_seconds': op.report.build_seconds, 'cache_hit': op.report.cache_hit,"
            " 'key': op.report.key}))\n")
    done = subprocess.run([sys.executable, "-c", code, str(operator_path(BUNDLED))],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["cache_hit"] is True
    assert result["build_seconds"] < 1.0
    assert result["key"] == first.report.key


@pytest.mark.slow
def test_copied_folder_is_a_cache_hit_and_name_does_not_matter(compiled, tmp_path: Path) -> None:
    first = compiled(BUNDLED, api="1.0.0")
    again = compile_operator(copy_bundled(tmp_path), api="1.0.0", name="boiler", version="2.1.0")
    assert again.report.cache_hit and again.report.key == first.report.key
    assert (again.report.name, again.report.version, again.reference) == ("boiler", "2.1.0", "boiler:2.1.0")


@pytest.mark.slow
def test_top_level_raise_is_a_located_compile_error() -> None:
    relative = "api_1_1/broken_toplevel.py"
    path = operator_path(relative)
    with pytest.raises(CompileError) as info:
        compile_operator(path)
    error = info.value
    raising_line = line_of(relative, "return LIMITS[name]")
    calling_line = line_of(relative, 'HIGH = threshold("high")')
    assert error.location is not None
    assert (error.location.file, error.location.line) == (str(path), raising_line)
    assert error.location.text.strip() == "return LIMITS[name]"
    assert "KeyError: 'high'" in error.message
    assert error.guest_traceback.startswith("Traceback (most recent call last):")
    assert f'File "{path}", line {calling_line}, in <module>' in error.guest_traceback
    assert f'File "{path}", line {raising_line}, in threshold' in error.guest_traceback
    assert "panicked" not in error.guest_traceback
    assert "init()" in error.hint


@pytest.mark.slow
def test_compile_one_kind_of_a_multi_operator_module() -> None:
    op = compile_operator(operator_path(ALL_KINDS["1.1.0"]), kind="filter")
    assert "filter" in op.kinds
    with op.instantiate("filter") as operator:
        operator.init({})
        assert operator.filter(READING) is True


CELL = """\
import payload
from map_impl import exports
from map_impl.imports import types


class Map(exports.Map):
    def init(self, configuration):
        return True

    def process(self, message):
        reading = payload.decode(message.value.payload.value.read())
        if reading.get("fail"):
            raise RuntimeError("asked to fail")
        message.value.payload = types.BufferOrBytes_Bytes(payload.encode(payload.to_celsius(reading)))
        return message
"""


@pytest.fixture(scope="module")
def cell_operator() -> CompiledOperator:
    """Source text (as from a notebook cell) with a search path for its sibling modules."""
    return compile_operator(CELL, filename="cell [7]", search_path=operator_path(BUNDLED).parent)


@pytest.mark.slow
def test_text_source_bundles_siblings_from_its_search_path(cell_operator: CompiledOperator) -> None:
    assert cell_operator.report.name == "operator" and cell_operator.kinds == ("map",)
    with cell_operator.instantiate() as operator:
        operator.init({})
        out = operator.map(Message.of({"value": 50, "unit": "F"}))
    assert out.json() == {"codec": "payload-1", "unit": "C", "value": 10.0}
    assert parity(cell_operator, Message.of({"value": 50, "unit": "F"})).same  # native finds the siblings too


@pytest.mark.slow
def test_runtime_traceback_names_the_cell_and_sibling_lines(cell_operator: CompiledOperator) -> None:
    payload_path = operator_path(BUNDLED).parent / "payload.py"
    with cell_operator.instantiate() as operator:
        operator.init({})
        with pytest.raises(OperatorTrap) as info:
            operator.map(Message.of({"fail": True}))
        assert info.value.failure.reason == "RuntimeError: asked to fail"
        assert 'File "cell [7]", line 13, in process' in info.value.guest_traceback
        with pytest.raises(OperatorTrap) as info:
            operator.map(Message.of({"unit": "F"}))
    assert info.value.failure.reason == "KeyError: 'value'"
    traceback = info.value.guest_traceback
    assert 'File "cell [7]", line 14, in process' in traceback
    line = next(n for n, text in enumerate(payload_path.read_text().splitlines(), 1) if "fahrenheit_to_celsius(" in text
                and "update" in text)
    assert f'File "{payload_path}", line {line}, in to_celsius' in traceback


@pytest.mark.slow
def test_sibling_module_frames_are_mapped_in_file_builds(compiled) -> None:
    op = compiled(BUNDLED, api="1.0.0")
    with op.instantiate() as operator:
        operator.init({})
        with pytest.raises(OperatorTrap) as info:
            operator.map(Message.of(b"not json"))
    traceback = info.value.guest_traceback
    assert f'File "{operator_path(BUNDLED)}", line {line_of(BUNDLED, "converted = payload")}, in process' in traceback
    payload_path = operator_path(BUNDLED).parent / "payload.py"
    assert f'File "{payload_path}", line' in traceback and "in decode" in traceback
    assert info.value.failure.reason.endswith("JSONDecodeError: Expecting value: line 1 column 1 (char 0)")


GUEST_TRACEBACK = """\
Traceback (most recent call last):
  File "/0/station.py", line 11, in process
  File "/0/decoder.py", line 4, in decode
  File "/python/json/__init__.py", line 346, in loads
  File "/python/json/decoder.py", line 337, in decode
json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)
"""


@pytest.fixture
def station(tmp_path: Path) -> Path:
    """An operator with a sibling module that shares its name with a stdlib file (json/decoder.py)."""
    (tmp_path / "station.py").write_text("import decoder\nfrom map_impl import exports\n\n\nclass Map(exports.Map):\n"
                                         "    def init(self, configuration):\n        return True\n\n"
                                         "    def process(self, message):\n        return message\n")
    (tmp_path / "decoder.py").write_text("import json\n\n\ndef decode(raw):\n    return json.loads(raw)\n")
    return tmp_path / "station.py"


def _station_source_map(station: Path) -> SourceMap:
    from workbench.compiler.build import _source_map

    src = OperatorSource.load(station)
    return _source_map(src, make_bundle(src, World("1.1.0", ("map",))))


def test_guest_frames_of_user_modules_are_mapped(station: Path) -> None:
    from workbench.tracebacks import map_traceback

    mapped = map_traceback(GUEST_TRACEBACK, _station_source_map(station))
    assert f'File "{station}", line 11, in process' in mapped
    assert f'File "{station.parent / "decoder.py"}", line 4, in decode' in mapped
    assert 'File "/python/json/__init__.py", line 346, in loads' in mapped


def test_stdlib_frames_are_not_mapped_to_same_named_user_modules(station: Path) -> None:
    from workbench.tracebacks import map_traceback, user_frames

    source_map = _station_source_map(station)
    mapped = map_traceback(GUEST_TRACEBACK, source_map)
    assert 'File "/python/json/decoder.py", line 337, in decode' in mapped
    assert user_frames(mapped, source_map)[-1] == (str(station.parent / "decoder.py"), 4)
