"""Content-addressed build cache: components, compiled code and reports, on disk.

A build's key hashes everything that can change its output: the source, the bundled
sibling modules, the WIT world, and the toolchain version. Compiled machine code is
stored beside the component, keyed again by the wasmtime version, so a warm rebuild
(even in a fresh kernel) is a file read and a ``Component.deserialize``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

RECIPE = "workbench-build-1"


def cache_root() -> Path:
    configured = os.environ.get("WORKBENCH_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "workbench"


def build_key(parts: dict[str, Any]) -> str:
    """A stable digest of a JSON-able description of a build."""
    text = json.dumps({"recipe": RECIPE, **parts}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


class BuildCache:
    """Files of one build key under ``<root>/builds/<key>``."""

    def __init__(self, root: Path | None = None):
        self.root = root or cache_root()

    def folder(self, key: str) -> Path:
        return self.root / "builds" / key[:2] / key

    def component_path(self, key: str) -> Path:
        return self.folder(key) / "component.wasm"

    def compiled_path(self, key: str, engine_tag: str) -> Path:
        return self.folder(key) / f"compiled-{digest(engine_tag)[:16]}.cwasm"

    def has_component(self, key: str) -> bool:
        return self.component_path(key).is_file()

    def write(self, path: Path, data: bytes) -> None:
        """Atomically write ``data`` (a crash never leaves a half-written cache entry)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def read_json(self, key: str, name: str) -> dict[str, Any] | None:
        path = self.folder(key) / name
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None

    def write_json(self, key: str, name: str, value: dict[str, Any]) -> None:
        self.write(self.folder(key) / name, json.dumps(value, indent=1, sort_keys=True).encode())

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.root.rglob("*") if p.is_file())

    def clear(self) -> None:
        shutil.rmtree(self.root / "builds", ignore_errors=True)
