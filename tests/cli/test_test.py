"""``workbench test``: AIO test files from the command line, in native mode (fast) and wasm mode (slow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli._cli import call, workbench
from tests.testing._suite import FAILING, OPERATOR, PASSING, REFERENCE, SUITE, aio_sample_test, write_test

Capture = pytest.CaptureFixture[str]


def test_passing_files_exit_0(capsys: Capture) -> None:
    done = call(capsys, "test", "--mode", "native", *(str(SUITE / name) for name in PASSING))
    assert done.code == 0, done.out
    lines = done.out.splitlines()
    assert lines[-1] == f"Results: {len(PASSING)} passed, 0 failed, 0 errored ({len(PASSING)} total)"
    assert lines[0].startswith(f"PASSED Fahrenheit to Celsius, every output in order ({SUITE / 'convert.test.yaml'}, ")
    assert done.err == ""


def test_a_folder_is_searched_recursively(capsys: Capture) -> None:
    done = call(capsys, "test", "--mode", "native", str(SUITE))
    assert done.code == 1
    total = len(PASSING) + len(FAILING) + 2
    assert done.out.splitlines()[-1] == (f"Results: {len(PASSING)} passed, {len(FAILING)} failed, 2 errored "
                                         f"({total} total)")


def test_a_failure_prints_the_diff_and_exits_1(capsys: Capture) -> None:
    done = call(capsys, "test", "--mode", "native", str(SUITE / "failing" / "wrong_value.test.yaml"))
    assert done.code == 1
    lines = done.out.splitlines()
    assert lines[0].startswith("FAILED Deliberately wrong: the last reading is 20.0 °C, not 21.5 (")
    assert lines[1:4] == ["    the last of 3 output messages differs:", "    --- expected", "    +++ actual"]
    assert '    -    "celsius": 21.5,' in lines and '    +    "celsius": 20.0,' in lines
    assert lines[-1] == "Results: 0 passed, 1 failed, 0 errored (1 total)"


def test_expected_empty_array_reports_unexpected_output(capsys: Capture) -> None:
    done = call(capsys, "test", "--mode", "native", str(SUITE / "failing" / "expects_none.test.yaml"))
    assert done.code == 1
    assert "    expected no output messages, got 3:" in done.out.splitlines()


def test_a_malformed_file_is_an_error_and_the_others_still_run(capsys: Capture) -> None:
    done = call(capsys, "test", "--mode", "native", str(SUITE / "broken" / "typo.test.yaml"),
                str(SUITE / "none.test.yaml"))
    assert done.code == 1
    lines = done.out.splitlines()
    assert lines[0].startswith(f"ERROR typo.test.yaml ({SUITE / 'broken' / 'typo.test.yaml'}, ")
    assert lines[1] == (f"    invalid test file: {SUITE / 'broken' / 'typo.test.yaml'}, line 5: ignore: unknown field; "
                        "did you mean 'ignores'?")
    assert lines[2].startswith("PASSED Readings below freezing give no output")
    assert lines[-1] == "Results: 1 passed, 0 failed, 1 errored (2 total)"


def test_a_missing_graph_names_the_test_file_and_field(capsys: Capture) -> None:
    done = call(capsys, "test", str(SUITE / "broken" / "missing_graph.test.yaml"))
    assert done.code == 1
    assert (f"    invalid test file: {SUITE / 'broken' / 'missing_graph.test.yaml'}, line 2: graph: "
            "'../no-such-graph.yaml' does not exist") in done.out


def test_filter_selects_tests_by_name(capsys: Capture) -> None:
    done = call(capsys, "test", "--mode", "native", "--filter", "FREEZING", str(SUITE))
    assert done.code == 0, done.out
    assert done.out.splitlines() == [done.out.splitlines()[0], "Results: 1 passed, 0 failed, 0 errored (1 total)"]
    assert done.out.startswith("PASSED Readings below freezing give no output")


def test_filter_applies_to_malformed_files_by_path(capsys: Capture) -> None:
    done = call(capsys, "test", "--filter", "typo", str(SUITE))
    assert done.code == 1
    assert done.out.startswith("ERROR typo.test.yaml (")
    assert done.out.splitlines()[-1] == "Results: 0 passed, 0 failed, 1 errored (1 total)"


def test_filter_matching_nothing_exits_1(capsys: Capture) -> None:
    done = call(capsys, "test", "--filter", "no such test", str(SUITE))
    assert done.code == 1
    assert done.out.splitlines()[-1] == "Results: 0 passed, 0 failed, 0 errored (0 total)"


def test_module_option_overrides_the_files_modules(tmp_path: Path, capsys: Capture) -> None:
    write_test(tmp_path, expected=[], input=str(SUITE / "cold"), modules={REFERENCE: str(tmp_path / "x.py")})
    (tmp_path / "x.py").write_text("this is not the operator\n")
    done = call(capsys, "test", "--mode", "native", "--module", f"{REFERENCE}={OPERATOR}", str(tmp_path))
    assert done.code == 0, done.out


def test_run_errors_are_counted_as_errored(tmp_path: Path, capsys: Capture) -> None:
    write_test(tmp_path, expected=[], modules={})
    done = call(capsys, "test", "--mode", "native", str(tmp_path / "case.test.yaml"))
    assert done.code == 1
    assert "    the run failed: " in done.out and f"module '{REFERENCE}' is not registered" in done.out
    assert done.out.splitlines()[-1] == "Results: 0 passed, 0 failed, 1 errored (1 total)"


@pytest.mark.parametrize(("args", "message"), [
    (["nowhere.test.yaml"], "error: nowhere.test.yaml: no such test file or folder"),
    (["--module", "no-equals", "x.test.yaml"], "error: --module 'no-equals' must be REF=PATH"),
])
def test_bad_arguments_exit_1_with_one_line(capsys: Capture, args: list[str], message: str) -> None:
    done = call(capsys, "test", *args)
    assert done.code == 1
    assert done.err.startswith(message) and len(done.err.splitlines()) == 1
    assert done.out == ""


def test_an_empty_folder_is_an_error(tmp_path: Path, capsys: Capture) -> None:
    done = call(capsys, "test", str(tmp_path))
    assert done.code == 1
    assert done.err == f"error: {tmp_path}: no .test.yaml files in this folder\n"


def test_no_paths_is_a_usage_error(capsys: Capture) -> None:
    done = call(capsys, "test")
    assert done.code == 2
    assert "usage: workbench test" in done.err


def test_aio_sample_graph(tmp_path: Path, capsys: Capture) -> None:
    aio_sample_test(tmp_path)
    done = call(capsys, "test", "--mode", "native", str(tmp_path))
    assert done.code == 0, done.out
    assert done.out.startswith("PASSED AIO sample payloads through AIO's simple graph")


def test_subprocess_exit_codes() -> None:
    passed = workbench("test", "--mode", "native", str(SUITE / "none.test.yaml"), timeout=300)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    failed = workbench("test", "--mode", "native", str(SUITE / "failing" / "needs_output.test.yaml"), timeout=300)
    assert failed.returncode == 1
    assert "    expected an output message (compared with the last one), but the graph produced none" in failed.stdout


@pytest.mark.slow
def test_wasm_mode(capsys: Capture) -> None:
    done = call(capsys, "test", str(SUITE / "convert.test.yaml"), str(SUITE / "failing" / "wrong_count.test.yaml"))
    assert done.code == 1
    assert done.out.splitlines()[-1] == "Results: 1 passed, 1 failed, 0 errored (2 total)"
    assert "    expected 2 output messages, got 3:" in done.out


@pytest.mark.slow
def test_wasm_mode_aio_sample_graph(tmp_path: Path) -> None:
    aio_sample_test(tmp_path)
    done = workbench("test", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "Results: 1 passed, 0 failed, 0 errored (1 total)"
