"""``workbench warm``: the %%operator cells of notebooks built into the cache as the magic builds them.

The cells are split as IPython splits them (checked against a real shell), parsed by the
magic's own parser, and built from the notebook's folder: a notebook run afterwards finds
every build in the cache (checked by building into an empty cache, then running the cell).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests.cli._cli import ROOT, call
from workbench.cli.warm import OperatorCell, magic_options, operator_cells, split_cell
from workbench.errors import WorkbenchError

MAP = '''\
import json
from map_impl import exports
from map_impl.imports import types
from helpers import mark


class Map(exports.Map):
    def init(self, configuration) -> bool:
        return True

    def process(self, message):
        data = json.loads(message.value.payload.value.read())
        message.value.payload = types.BufferOrBytes_Bytes(json.dumps(mark(data)).encode())
        return message
'''
BROKEN = "from map_impl import exports\n\nclass Map(exports.Map):\n    def process(self):\n        return None\n"
TUTORIALS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def write_notebook(path: Path, *cells: Any) -> Path:
    notebook = new_notebook(cells=list(cells))
    nbformat.write(notebook, path)
    return path


def tagged(cell: Any, *tags: str) -> Any:
    cell.metadata["tags"] = list(tags)
    return cell


@pytest.mark.parametrize("source", [
    "%%operator --name a\nx = 1\n",
    "%%operator --name a\nx = 1",                       # no final newline
    "\n\n%%operator --name 'two words'  \n\n  x = 1\n\n",  # leading blank lines, trailing spaces
    "%%operator\n\n",                                  # a body of one empty line
])
def test_cells_split_as_ipython_splits_them(source: str) -> None:
    shell = InteractiveShell.instance()
    seen: list[tuple[str, str]] = []
    shell.register_magic_function(lambda line, cell: seen.append((line, cell)), "cell", "recorded")
    assert shell.run_cell(source.replace("%%operator", "%%recorded")).success
    assert split_cell(source) == ("operator", *seen[0])


def test_cells_that_are_not_cell_magics() -> None:
    assert split_cell("x = 1\n%%operator\n") is None
    assert split_cell("%load_ext workbench") is None
    assert split_cell("%%graph\nmetadata: {}\n")[0] == "graph"  # type: ignore[index]
    assert split_cell("%%operator --name a") == ("operator", "--name a", "")  # IPython would refuse to run it


def test_the_options_are_the_magics(tmp_path: Path) -> None:
    cell = OperatorCell(tmp_path / "n.ipynb", 2, "--name probe --version 2.0.0 --api 1.0.0 --kind map "
                                                 "--config a=1 b=two", MAP)
    assert magic_options(cell) == {"kind": "map", "name": "probe", "version": "2.0.0", "api": "1.0.0",
                                   "config": {"a": "1", "b": "two"}, "native": False, "filename": "<n.ipynb cell 3>"}
    unnamed = OperatorCell(tmp_path / "n.ipynb", 0, "", MAP)
    assert magic_options(unnamed)["name"] == "map"  # type: ignore[index]  # named after its kinds, as the magic does
    assert magic_options(OperatorCell(tmp_path / "n.ipynb", 0, "--native", MAP)) is None
    with pytest.raises(WorkbenchError, match="n.ipynb cell 1: bad %%operator line '--colour red'"):
        magic_options(OperatorCell(tmp_path / "n.ipynb", 0, "--colour red", MAP))


def test_only_operator_code_cells_are_found(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "n.ipynb", new_markdown_cell("%%operator\nnot code"), new_code_cell("x = 1"),
                          new_code_cell("%%graph\nmetadata: {}"), new_code_cell("%%operator --name a\n" + MAP),
                          new_code_cell("%%operator --name empty"),
                          tagged(new_code_cell("%%operator --name b\n" + BROKEN), "raises-exception"))
    cells = list(operator_cells(path))
    assert [(c.index, c.line, c.expected_to_fail) for c in cells] == [(3, "--name a", False), (5, "--name b", True)]
    assert cells[0].body == MAP and cells[0].where == "n.ipynb cell 4"
    (tmp_path / "bad.ipynb").write_text("{not json")
    with pytest.raises(WorkbenchError, match="bad.ipynb: not a readable notebook"):
        list(operator_cells(tmp_path / "bad.ipynb"))


def test_every_tutorial_operator_cell_is_understood() -> None:
    found = {path.name: [magic_options(cell) for cell in operator_cells(path) if not cell.expected_to_fail]
             for path in TUTORIALS}
    assert len(found) >= 7
    assert all(options is not None for cells in found.values() for options in cells)
    assert sum(len(cells) for cells in found.values()) >= 6


def test_a_failing_cell_fails_the_warm_unless_the_notebook_expects_it(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    expected = write_notebook(tmp_path / "expected.ipynb",
                              tagged(new_code_cell("%%operator --name b\n" + BROKEN), "raises-exception"))
    done = call(capsys, "warm", str(expected))
    assert done.code == 0 and "expected.ipynb cell 1: fails, as the notebook expects (CompileError)" in done.out
    unexpected = write_notebook(tmp_path / "unexpected.ipynb", new_code_cell("%%operator --name b\n" + BROKEN))
    done = call(capsys, "warm", str(unexpected))
    assert done.code == 1
    assert "unexpected.ipynb cell 1: FAILED: " in done.out and "class 'Map' has no 'init' method" in done.out
    assert "warm: 1 operators from 1 files, 1 failed" in done.out


@pytest.mark.slow
def test_after_warm_the_magic_finds_the_build_in_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    # An empty cache, so the warm really builds (one cold build); the cell imports a module from
    # the notebook's folder, which both the warm and the kernel must bundle.
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "tutorials"
    folder.mkdir()
    (folder / "helpers.py").write_text("def mark(data):\n    data['seen'] = True\n    return data\n")
    source = "\n%%operator --name marker --version 1.2.0\n" + MAP
    notebook = write_notebook(folder / "n.ipynb", new_code_cell(source))

    done = call(capsys, "warm", str(notebook))
    assert done.code == 0, done.out + done.err
    assert "n.ipynb cell 1: marker:1.2.0 [map] API 1.1.0" in done.out and "(built)" in done.out

    shell = InteractiveShell.instance()
    assert shell.run_cell("%load_ext workbench").success
    with contextlib.chdir(folder):  # a kernel runs in its notebook's folder
        result = shell.run_cell(source)
    assert result.success
    from workbench.session import session

    report = session().operator("marker:1.2.0").report
    assert report.cache_hit, json.dumps(report.to_dict(), default=str)


def test_the_binder_post_build_warms_every_tutorial() -> None:
    text = (ROOT / "binder" / "postBuild").read_text()
    assert "workbench warm notebooks/*.ipynb workbench/samples/aio/*.py" in text
