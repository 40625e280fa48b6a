"""The deployability report every build returns, and how it shows in a notebook."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from html import escape
from typing import Any

from ..host.module import API_PACKAGES

AIO_INTERFACES = ("types", "hybrid-logical-clock", "logger", "metrics", "state-store", "state-store-types")
_WASI = re.compile(r"^wasi:[\w-]+/[\w-]+@0\.2\.\d+$")


def unsupported_imports(imports: list[str], api: str) -> list[str]:
    """Imports an AIO runtime of this API version does not provide."""
    allowed = {f"{API_PACKAGES[api]}/{i}@{api}" for i in AIO_INTERFACES}
    return [name for name in imports if name not in allowed and not _WASI.match(name)]


@dataclass(frozen=True)
class BuildReport:
    name: str
    version: str
    kinds: tuple[str, ...]
    api: str
    world: str
    size_bytes: int
    build_seconds: float
    cache_hit: bool
    imports: tuple[str, ...]
    exports: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())
    key: str = ""

    @property
    def deployable(self) -> bool:
        return not self.warnings

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["deployable"] = self.deployable
        return data

    def summary(self) -> str:
        hit = "cache hit" if self.cache_hit else "built"
        return (f"{self.name}:{self.version} [{', '.join(self.kinds)}] API {self.api}, "
                f"{self.size_bytes / 1e6:.1f} MB, {self.build_seconds:.2f} s ({hit}), "
                f"imports {'OK' if self.deployable else 'NOT deployable'}")

    def _repr_html_(self) -> str:
        colour = "#27ae60" if self.deployable else "#c0392b"
        rows = [("operator", f"{self.name}:{self.version}"), ("kinds", ", ".join(self.kinds)),
                ("AIO API", self.api), ("size", f"{self.size_bytes / 1e6:.1f} MB"),
                ("build", f"{self.build_seconds:.2f} s" + (" (cache hit)" if self.cache_hit else "")),
                ("imports", "all provided by AIO" if self.deployable else "; ".join(self.warnings))]
        body = "".join(f"<tr><th style='text-align:left'>{escape(k)}</th><td>{escape(v)}</td></tr>"
                       for k, v in rows)
        return f"<table style='border-left:4px solid {colour}'>{body}</table>"
