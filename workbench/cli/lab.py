"""``workbench lab [FOLDER] [--port N] [--no-browser]``: JupyterLab on the tutorials.

Starts JupyterLab (``python -m jupyterlab`` of this environment, so the kernel has the
workbench) with its file browser rooted at FOLDER: by default the repository's ``notebooks/``
folder (the tutorials), else ``notebooks/`` under the current directory. It runs until
JupyterLab stops (Ctrl-C); the exit status is JupyterLab's. As root (a container, a CI
machine) it passes ``--allow-root``, without which JupyterLab refuses to start.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from ..errors import WorkbenchError

REPOSITORY = Path(__file__).resolve().parents[2]


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("lab", help="start JupyterLab on the tutorials (notebooks/) or a given folder")
    p.add_argument("folder", nargs="?", help="the folder JupyterLab opens (default: the repository's notebooks/)")
    p.add_argument("--port", type=int, help="the port JupyterLab listens on (default: JupyterLab's, 8888 or the next free)")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    p.set_defaults(run=run)


def tutorials_folder(folder: str | None = None) -> Path:
    """FOLDER, or the tutorials: the repository's ``notebooks/``, else ``./notebooks``."""
    if folder is not None:
        chosen = Path(folder)
        if not chosen.is_dir():
            raise WorkbenchError(f"{folder}: no such folder to open in JupyterLab")
        return chosen.resolve()
    for candidate in (REPOSITORY / "notebooks", Path.cwd() / "notebooks"):
        if candidate.is_dir():
            return candidate.resolve()
    raise WorkbenchError("cannot find the tutorials (notebooks/): the workbench is not installed from a checkout; "
                         "give the folder to open: workbench lab FOLDER")


def command(folder: Path, port: int | None = None, no_browser: bool = False) -> list[str]:
    """The JupyterLab command line for ``folder``."""
    line = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}"]
    if port is not None:
        line.append(f"--ServerApp.port={port}")
    if no_browser:
        line.append("--no-browser")
    if _root():
        line.append("--allow-root")  # containers and CI machines often run as root; JupyterLab refuses without it
    return line


def _root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def run(args: argparse.Namespace) -> int:
    if args.port is not None and not 0 < args.port < 65536:
        raise WorkbenchError(f"--port {args.port} is not a TCP port (1 to 65535)")
    folder = tutorials_folder(args.folder)
    print(f"starting JupyterLab on {folder} (Ctrl-C to stop)", flush=True)
    line = command(folder, args.port, args.no_browser)
    try:
        return subprocess.call(line)
    except KeyboardInterrupt:  # JupyterLab got the Ctrl-C too and shuts down by itself
        return 130
