"""Seeded sample streams and input files as messages.

- ``load_dataset(name, n, seed=...)``: a built-in dataset (``temperature``, ``humidity``, ``mixed``,
  ``opcua``), generated lazily; ``list_datasets()`` describes them, ``dataset_frame`` tabulates one.
- ``read_input(source)``: messages from a directory of payload files, .jsonl, .json, .csv, .parquet
  or a DataFrame.
- ``write_jsonl(messages, path)``: AIO's output format; ``write_payloads(messages, folder)``: AIO's
  input layout; ``write_parquet(messages, path)``: Parquet; ``messages_frame(messages)``: a DataFrame.

Nothing is imported until a name is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench._lazy import lazy_exports

if TYPE_CHECKING:
    from .catalogue import DatasetInfo, dataset_frame, list_datasets, load_dataset
    from .readers import read_input
    from .tables import messages_frame
    from .timestamps import START_MS
    from .writers import write_jsonl, write_parquet, write_payloads

_EXPORTS = {
    "load_dataset": ".catalogue",
    "list_datasets": ".catalogue",
    "dataset_frame": ".catalogue",
    "DatasetInfo": ".catalogue",
    "read_input": ".readers",
    "messages_frame": ".tables",
    "write_parquet": ".writers",
    "write_jsonl": ".writers",
    "write_payloads": ".writers",
    "START_MS": ".timestamps",
}

__all__ = [
    "DatasetInfo", "START_MS", "dataset_frame", "list_datasets", "load_dataset", "messages_frame",
    "read_input", "write_jsonl", "write_parquet", "write_payloads"
]
_, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
