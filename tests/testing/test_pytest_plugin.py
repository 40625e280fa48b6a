"""The pytest plugin: ``*.test.yaml`` files collected and run by pytest (through ``pytester``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas  # noqa: F401  (numpy must stay imported: in-process pytester runs cannot import it twice)
import pytest

from tests.testing._suite import FAILING, PASSING, REFERENCE, SUITE, aio_sample_test
from workbench.compiler.cache import cache_root

pytest_plugins = ["pytester"]

BUILD_CACHE = cache_root()  # pytester moves HOME; wasm runs should still find earlier builds


@pytest.fixture
def suite(pytester: pytest.Pytester) -> Path:
    """A copy of the sample suite in pytester's folder (without the conftest that hides it)."""
    pytester.makeini("[pytest]\n")  # pin the rootdir here, whatever config files lie above
    target = pytester.path / "suite"
    shutil.copytree(SUITE, target, ignore=shutil.ignore_patterns("conftest.py", "__init__.py", "__pycache__"))
    return target


def test_collects_every_test_file_as_one_test(pytester: pytest.Pytester, suite: Path) -> None:
    result = pytester.runpytest("--collect-only", "-q", "suite")
    names = [line for line in result.outlines if ".test.yaml::" in line]
    assert len(names) == len(PASSING) + len(FAILING)  # the files in broken/ fail to collect
    assert "suite/convert.test.yaml::Fahrenheit to Celsius, every output in order" in names


def test_passing_files_pass(pytester: pytest.Pytester, suite: Path) -> None:
    files = [f"suite/{name}" for name in PASSING]
    result = pytester.runpytest("--workbench-mode", "native", *files)
    result.assert_outcomes(passed=len(PASSING))


@pytest.mark.slow
def test_passing_files_pass_in_wasm_mode(pytester: pytest.Pytester, suite: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(BUILD_CACHE))
    result = pytester.runpytest("suite/convert.test.yaml", "suite/none.test.yaml")
    result.assert_outcomes(passed=2)


def test_a_failing_test_reports_the_diff(pytester: pytest.Pytester, suite: Path) -> None:
    result = pytester.runpytest("--workbench-mode", "native", "suite/failing/wrong_value.test.yaml")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*suite/failing/wrong_value.test.yaml: Deliberately wrong: the last reading is 20.0 °C, not 21.5",
        "failed: the last of 3 output messages differs:",
        "--- expected",
        "+++ actual",
        "*",
        "-    \"celsius\": 21.5,",
        "+    \"celsius\": 20.0,",
    ])
    assert "Traceback" not in result.stdout.str()
    assert "AioTestFailure" not in result.stdout.str()


def test_every_deliberate_failure_fails(pytester: pytest.Pytester, suite: Path) -> None:
    result = pytester.runpytest("--workbench-mode", "native", "suite/failing")
    result.assert_outcomes(failed=len(FAILING))
    result.stdout.fnmatch_lines(["*timed out: the run took longer than the test's timeout of 100 ms*"])
    result.stdout.fnmatch_lines(["*expected no output messages, got 3:*"])


def test_a_malformed_file_is_a_collection_error_naming_it(pytester: pytest.Pytester, suite: Path) -> None:
    result = pytester.runpytest("--workbench-mode", "native", "--continue-on-collection-errors",
                                "suite/broken", "suite/convert.test.yaml")
    result.assert_outcomes(passed=1, errors=2)
    text = result.stdout.str()
    assert "ERROR collecting suite/broken/missing_graph.test.yaml" in text
    assert "ERROR collecting suite/broken/typo.test.yaml" in text
    result.stdout.fnmatch_lines([
        "invalid AIO test file: */suite/broken/missing_graph.test.yaml, line 2: graph: "
        "'../no-such-graph.yaml' does not exist*",
        "invalid AIO test file: */suite/broken/typo.test.yaml, line 5: ignore: unknown field; did you mean 'ignores'?",
    ])
    assert "Traceback" not in text


def test_an_unparseable_file_is_a_collection_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".test.yaml", bad="graph: [unclosed\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["invalid AIO test file: */bad.test.yaml, line *: not valid YAML: expected ',' or ']'*"])


def test_run_errors_fail_the_test_with_the_reason(pytester: pytest.Pytester, suite: Path) -> None:
    (suite / "nomodule.test.yaml").write_text(
        "graph: graph.yaml\ninput: input\nexpected: expected/none.json\n")
    result = pytester.runpytest("--workbench-mode", "native", "suite/nomodule.test.yaml")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"error: the run failed: *module '{REFERENCE}' is not registered*"])


def test_workbench_module_option_supplies_the_module(pytester: pytest.Pytester, suite: Path) -> None:
    (suite / "nomodule.test.yaml").write_text(
        "graph: graph.yaml\ninput: cold\nexpected: expected/none.json\n")
    module = f"{REFERENCE}=suite/operators/fahrenheit.py"
    result = pytester.runpytest("--workbench-mode", "native", "--workbench-module", module, "suite/nomodule.test.yaml")
    result.assert_outcomes(passed=1)


def test_bad_workbench_module_option_is_a_usage_error(pytester: pytest.Pytester, suite: Path) -> None:
    result = pytester.runpytest("--workbench-module", "no-equals-sign", "suite/none.test.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--workbench-module 'no-equals-sign' must be REF=PATH*"])


def test_aio_sample_graph_through_pytest(pytester: pytest.Pytester) -> None:
    aio_sample_test(pytester.path)
    result = pytester.runpytest("--workbench-mode", "native", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*aio-sample.test.yaml::AIO sample payloads through AIO's simple graph PASSED*"])


def test_other_yaml_files_are_not_collected(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", graph="graph: nothing\n")
    pytester.makefile(".test.yml", other="graph: nothing\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
