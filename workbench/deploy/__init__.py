"""Deploying to Azure IoT Operations: export bundles, OCI push and pull, the DataflowGraph resource.

``export(graph, modules, out_dir)`` checks a graph and its modules against what the AIO runtime
provides and writes a bundle (graph definition, one ``.wasm`` per module, the ``DataflowGraph``
manifest, NEXT.md). ``push(bundle, "HOST/REPO")`` and ``pull("HOST/REPO/GRAPH:TAG", out_dir)``
move bundles through an OCI registry with the media types AIO expects (``oras``, imported on
first use by ``workbench.deploy.oci`` only). ``LocalRegistry()`` runs a registry on loopback to try it.
"""

from __future__ import annotations

from .bundle import BundleModule, ExportBundle
from .credentials import Credentials
from .export import export
from .local_registry import LocalRegistry
from .manifest import Deployment, dataflow_graph
from .registry import ArtifactRecord, RegistryResult, pull, push, tags

__all__ = [
    "ArtifactRecord",
    "BundleModule",
    "Credentials",
    "Deployment",
    "ExportBundle",
    "LocalRegistry",
    "RegistryResult",
    "dataflow_graph",
    "export",
    "pull",
    "push",
    "tags",
]
