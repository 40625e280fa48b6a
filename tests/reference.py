"""Where AIO's published reference data lives (schema, sample graphs, payloads, state-store seed).

The data sits beside the repository, in ``../shared/reference/aio``; ``WORKBENCH_AIO_REFERENCE``
points elsewhere. Tests use it as fixtures and the package never ships it.
"""

from __future__ import annotations

import os
from pathlib import Path

_REPOSITORY = Path(__file__).resolve().parent.parent


def aio_reference() -> Path:
    """The folder of AIO's reference data; a clear error when it cannot be found."""
    candidates = [Path(p) for p in (os.environ.get("WORKBENCH_AIO_REFERENCE"),) if p]
    candidates += [_REPOSITORY.parent / "shared" / "reference" / "aio", Path("/work/shared/reference/aio")]
    for candidate in candidates:
        if (candidate / "aio-wasm-graph-config-1.0.0.json").is_file():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"AIO reference data not found (tried {tried}); set WORKBENCH_AIO_REFERENCE")


AIO_REFERENCE = aio_reference()
