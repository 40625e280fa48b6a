"""The tutorials are wired into ``python -m pytest`` with nbval, and are fit for it.

``python -m pytest`` runs ``notebooks/`` with ``--nbval-lax``: each cell must run, and cells
marked ``# NBVAL_CHECK_OUTPUT`` must print what they printed when the notebook was saved. These
tests check the wiring (pyproject, collection) and the notebooks themselves: saved as run top to
bottom in a fresh kernel, self-contained, no skipped cells, errors only where tagged.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TUTORIALS = ["01-first-map-operator", "02-filter-and-branch", "03-delay-windows-and-accumulate", "04-wiring-graphs",
             "05-profiling-latency-and-progress", "06-aio-sample-operators-and-tests", "07-from-notebook-to-aio"]
CHECK = "# NBVAL_CHECK_OUTPUT"


def pytest_collect(*args: str, codes: tuple[int, ...] = (0,)) -> str:
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode in codes, done.stdout + done.stderr
    return done.stdout


def test_pytest_runs_the_tutorials_with_nbval() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert options["testpaths"] == ["tests", "notebooks"]
    assert "--nbval-lax" in options["addopts"].split() and "--nbval-current-env" in options["addopts"].split()
    assert [path.stem for path in NOTEBOOKS] == TUTORIALS


def test_every_code_cell_of_every_tutorial_is_collected() -> None:
    collected = pytest_collect("notebooks")
    for path in NOTEBOOKS:
        cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        assert f"notebooks/{path.name}::Cell {len(cells) - 1}" in collected


def test_the_tutorials_are_slow_tests() -> None:
    collected = pytest_collect("notebooks", "-m", "not slow", codes=(0, 5))  # 5: every item deselected
    assert "notebooks/" not in collected and "deselected" in collected


def test_a_test_file_alone_runs_no_notebook() -> None:
    collected = pytest_collect("tests/cli/test_lab.py")
    assert "test_lab.py::test_the_command_line" in collected and ".ipynb" not in collected


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_saved_as_run_top_to_bottom_in_a_fresh_kernel(path: Path) -> None:
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1))
    assert sum(CHECK in c.source for c in cells) >= 2, "check at least two outputs"
    for cell in cells:
        tags = cell.metadata.get("tags", [])
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert bool(errors) == ("raises-exception" in tags), cell.source
        assert "NBVAL_SKIP" not in cell.source and "nbval-skip" not in tags
        if CHECK in cell.source:
            assert cell.outputs, f"a checked cell without saved output:\n{cell.source}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_tutorial_defines_what_it_uses(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    code = [c.source for c in notebook.cells if c.cell_type == "code"]
    magics = any(line.lstrip().startswith("%") for source in code for line in source.splitlines())
    assert not magics or code[0] == "%load_ext workbench"
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ")
    assert notebook.metadata.kernelspec.name == "python3"


def test_the_readme_lists_the_tutorials() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in TUTORIALS:
        assert f"notebooks/{name}.ipynb" in readme
