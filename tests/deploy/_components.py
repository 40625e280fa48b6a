"""Tiny WebAssembly components written inline, for export checks that need no build.

A component here exports an empty instance per operator kind under AIO's interface names
(``wasm-graph:processor/map@1.1.0``...) and imports whatever it is told to: enough for
``ComponentModule`` to report kinds, API version and imports, as the export checks read them.
"""

from __future__ import annotations

from collections.abc import Iterable

import wasmtime

PACKAGES = {"1.0.0": "tinykube-graph:processor", "1.1.0": "wasm-graph:processor"}
WASI_IMPORT = "wasi:cli/environment@0.2.0"
AIO_IMPORT = "wasm-graph:processor/logger@1.1.0"


def component(*kinds: str, api: str = "1.1.0", imports: Iterable[str] = ()) -> bytes:
    """The bytes of a component exporting ``kinds`` for ``api`` and importing ``imports``."""
    lines = ["(component"]
    lines += [f'  (import "{name}" (instance))' for name in imports]
    lines.append("  (component $empty)")
    for number, kind in enumerate(kinds):
        lines.append(f"  (instance $i{number} (instantiate $empty))")
        lines.append(f'  (export "{PACKAGES[api]}/{kind}@{api}" (instance $i{number}))')
    lines.append(")")
    return bytes(wasmtime.wat2wasm("\n".join(lines)))
