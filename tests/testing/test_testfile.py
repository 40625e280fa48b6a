"""Reading AIO test files: fields, defaults, relative paths and errors naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import GraphError
from workbench.testing import AioTest, load_test

AIO_STYLE = """\
name: "Temperature F to C conversion"
graph: "../graph.yaml"
input: "./input"
expected: "./expected/expected.json"
timeout: 90000
select: ["payload"]
"""


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    """A test folder laid out like AIO's samples: graph one level up, input and expected inside."""
    (tmp_path / "graph.yaml").write_text("metadata: {}\n")
    (tmp_path / "temperature.py").write_text("# operator\n")
    case = tmp_path / "t01"
    (case / "input").mkdir(parents=True)
    (case / "input" / "reading.json").write_text('{"temperature": {"value": 212, "unit": "F"}}')
    (case / "expected").mkdir()
    (case / "expected" / "expected.json").write_text('[{"payload": "{\\"temperature\\": 100}"}]')
    return case


def write(folder: Path, text: str, name: str = "case.test.yaml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_aio_test_file_fields(suite: Path) -> None:
    test = load_test(write(suite, AIO_STYLE))
    assert isinstance(test, AioTest)
    assert test.name == "Temperature F to C conversion"
    assert test.graph == suite / "../graph.yaml" and test.graph.is_file()
    assert test.input == suite / "input"
    assert test.expected == [{"payload": '{"temperature": 100}'}]
    assert test.timeout_ms == 90000 and test.timeout == 90.0
    assert test.select == ("payload",) and test.ignores == ()
    assert (test.mode, test.modules, test.config, test.topic) == ("wasm", {}, {}, None)


def test_defaults(suite: Path) -> None:
    test = load_test(write(suite, "graph: ../graph.yaml\ninput: input\nexpected: []\n", "t01-simple.test.yaml"))
    assert test.name == "t01-simple"
    assert test.timeout_ms == 60000  # AIO's default: 60 s, in milliseconds
    assert test.expected == [] and test.select == () and test.ignores == ()


def test_workbench_fields(suite: Path) -> None:
    text = AIO_STYLE + (
        "ignores: payload.received\n"
        "modules: {azure-samples/explore-iot-operations/temperature:1.0.0: ../temperature.py}\n"
        "config: {module-temperature/map.precision: 2, other/map: {unit: C}}\n"
        "mode: native\ntopic: probe/1\n")
    test = load_test(write(suite, text))
    assert test.ignores == ("payload.received",)
    assert test.modules == {"azure-samples/explore-iot-operations/temperature:1.0.0":
                            str((suite.parent / "temperature.py").resolve())}
    assert test.config == {"module-temperature/map.precision": "2", "other/map": {"unit": "C"}}
    assert (test.mode, test.topic) == ("native", "probe/1")


def test_overrides_win_over_the_file(suite: Path) -> None:
    text = AIO_STYLE + "modules: {ref:1.0.0: ../temperature.py}\nmode: wasm\n"
    test = load_test(write(suite, text), {"ref:1.0.0": "/elsewhere/op.wasm"}, "native")
    assert test.modules == {"ref:1.0.0": "/elsewhere/op.wasm"}
    assert test.mode == "native"


def test_inline_expected_and_jsonl(suite: Path) -> None:
    inline = load_test(write(suite, "graph: ../graph.yaml\ninput: input\nexpected: {payload: '{}'}\n"))
    assert inline.expected == {"payload": "{}"}
    (suite / "expected" / "out.jsonl").write_text('{"payload": "1"}\n\n{"payload": "2"}\n')
    lines = load_test(write(suite, "graph: ../graph.yaml\ninput: input\nexpected: expected/out.jsonl\n"))
    assert lines.expected == [{"payload": "1"}, {"payload": "2"}]


def test_dataset_input_is_kept_as_text(suite: Path) -> None:
    test = load_test(write(suite, "graph: ../graph.yaml\ninput: dataset:temperature:5\nexpected: []\n"))
    assert test.input == "dataset:temperature:5"


@pytest.mark.parametrize(("text", "message"), [
    ("graph: ../missing.yaml\ninput: input\nexpected: []\n",
     "case.test.yaml, line 1: graph: '../missing.yaml' does not exist"),
    ("graph: ../graph.yaml\ninput: nope\nexpected: []\n",
     "case.test.yaml, line 2: input: 'nope' does not exist"),
    ("graph: ../graph.yaml\ninput: input\n\nexpected: expected/absent.json\n",
     "case.test.yaml, line 4: expected: 'expected/absent.json' does not exist"),
    ("graph: 42\ninput: input\nexpected: []\n",
     "case.test.yaml, line 1: graph: expected a path relative to the test file, got 42"),
    ("graph: ../graph.yaml\ninput: input\nexpected: 3\n",
     "case.test.yaml, line 3: expected: expected a path relative to the test file, got 3"),
    ("graph: ../graph.yaml\ninput: input\nexpected: []\ntimeout: soon\n",
     "case.test.yaml, line 4: timeout: expected a positive number of milliseconds, got 'soon'"),
    ("graph: ../graph.yaml\ninput: input\nexpected: []\ntimeout: -1\n",
     "timeout: expected a positive number of milliseconds, got -1"),
    ("graph: ../graph.yaml\ninput: input\nexpected: []\nselect: [payload, 3]\n",
     "case.test.yaml, line 4: select: expected a list of dot paths"),
    ("graph: ../graph.yaml\ninput: input\nexpected: []\nignores: {a: b}\n",
     "ignores: expected a list of dot paths"),
    ("graph: ../graph.yaml\ninput: input\nexpected: []\nmode: turbo\n",
     "case.test.yaml, line 4: mode: expected one of wasm, native, got 'turbo'"),
    ("graph: ../graph.yaml\ninput: input\nexpected: []\nmodules: [a]\n",
     "modules: expected a mapping of module reference to file, got ['a']"),
    ("graph: ../graph.yaml\ninput: input\nexpected: []\nmodules: {ref: ../nothing.py}\n",
     "case.test.yaml, line 4: modules: '../nothing.py' does not exist"),
    ("graph: ../graph.yaml\ninput: input\nexpected: []\nconfig: [a=b]\n",
     "config: expected a mapping of OPERATION.KEY to value"),
    ("graph: ../graph.yaml\ninput: input\nexpected: []\ntopic: [a]\n",
     "topic: expected a topic name, got ['a']"),
    ("graph: ../graph.yaml\ninput: input\nexpected: []\nignore: [payload.ts]\n",
     "case.test.yaml, line 4: ignore: unknown field; did you mean 'ignores'?"),
    ("graph: ../graph.yaml\ninput: input\nexpected: []\nzzz: 1\n",
     "zzz: unknown field; known fields: graph, input, expected, name"),
    ("graph: ../graph.yaml\ninput: input\n",
     "case.test.yaml: missing expected (a test file needs graph, input, expected)"),
    ("name: only a name\n", "case.test.yaml: missing graph, input, expected"),
    ("- graph: ../graph.yaml\n", "case.test.yaml: a test file is a mapping with graph, input, expected; got list"),
    ("", "a test file is a mapping with graph, input, expected; got NoneType"),
    ("graph: ../graph.yaml\ninput: [unclosed\n", "case.test.yaml, line 3: not valid YAML"),
])
def test_errors_name_the_file_the_line_and_the_field(suite: Path, text: str, message: str) -> None:
    path = write(suite, text)
    with pytest.raises(GraphError) as info:
        load_test(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_bad_expected_json_names_the_json_file_and_line(suite: Path) -> None:
    (suite / "expected" / "expected.json").write_text('[\n  {"payload": "1"},\n  {"payload": }\n]\n')
    path = write(suite, AIO_STYLE)
    with pytest.raises(GraphError) as info:
        load_test(path)
    assert str(info.value).startswith(f"{path}, line 4: expected: ")
    assert f"{suite / 'expected' / 'expected.json'}, line 3: not valid JSON" in str(info.value)
    assert isinstance(info.value.__cause__, ValueError)


def test_unreadable_test_file(tmp_path: Path) -> None:
    with pytest.raises(GraphError, match=r"absent\.test\.yaml: cannot read test file"):
        load_test(tmp_path / "absent.test.yaml")
