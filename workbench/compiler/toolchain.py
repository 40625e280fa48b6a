"""The only caller of componentize-py, run in a subprocess so the kernel stays responsive."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..errors import CompileError

REQUIRED = "0.14"
_LAUNCH = "import sys; from componentize_py import script; sys.argv[0] = 'componentize-py'; sys.exit(script())"


@lru_cache(maxsize=1)
def componentize_py_version() -> str:
    try:
        version = metadata.version("componentize-py")
    except metadata.PackageNotFoundError as exc:
        raise CompileError("componentize-py is not installed; install it with "
                           f"pip install 'componentize-py=={REQUIRED}.*'") from exc
    if not version.startswith(REQUIRED + "."):
        raise CompileError(f"componentize-py {version} is installed, but AIO documents {REQUIRED}.x; "
                           f"install it with pip install 'componentize-py=={REQUIRED}.*'")
    return version


@lru_cache(maxsize=1)
def wasmtime_version() -> str:
    return metadata.version("wasmtime")


@dataclass(frozen=True)
class ToolRun:
    ok: bool
    output: str


def _run(args: list[str], cwd: Path, timeout: float) -> ToolRun:
    componentize_py_version()
    try:
        done = subprocess.run([sys.executable, "-c", _LAUNCH, *args], cwd=cwd, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise CompileError(f"componentize-py did not finish within {timeout:g} s") from exc
    return ToolRun(done.returncode == 0, (done.stdout or "") + (done.stderr or ""))


def componentize(wit: Path, world: str, app: str, paths: list[Path], output: Path,
                 timeout: float = 600) -> ToolRun:
    """Build ``app`` (a module on ``paths``) into a component for ``world``."""
    args = ["-d", str(wit), "-w", world, "componentize", app]
    for path in paths:
        args += ["-p", str(path)]
    return _run(args + ["-o", str(output)], cwd=paths[0], timeout=timeout)


def bindings(wit: Path, world: str, output: Path, timeout: float = 120) -> ToolRun:
    """Generate the Python bindings package of ``world`` into ``output``."""
    return _run(["-d", str(wit), "-w", world, "bindings", str(output)], cwd=output.parent, timeout=timeout)
