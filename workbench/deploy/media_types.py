"""The OCI media types AIO expects of graph definitions and modules in a registry.

From AIO's "Registry artifact requirements" (learn.microsoft.com, azure/iot-operations,
howto-deploy-wasm-graph-definitions): the operations experience discovers artifacts by their
manifest's *config* media type, and the data flow runtime pulls the single layer.

| artifact          | config media type                                   | layer media type   |
| graph definition  | ``application/vnd.microsoft.aio.graph.v1+yaml``     | ``application/yaml`` |
| WASM module       | ``application/vnd.module.wasm.content.layer.v1+wasm`` | ``application/wasm`` |

The config blob is empty, as ``oras push --config /dev/null:TYPE`` makes it. We also set the
manifest's ``artifactType`` to the config media type, which is what ``oras push --artifact-type``
records on OCI 1.1 registries; older registries ignore the field.
"""

from __future__ import annotations

GRAPH_CONFIG = "application/vnd.microsoft.aio.graph.v1+yaml"
GRAPH_LAYER = "application/yaml"
MODULE_CONFIG = "application/vnd.module.wasm.content.layer.v1+wasm"
MODULE_LAYER = "application/wasm"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
TITLE_ANNOTATION = "org.opencontainers.image.title"

KINDS = {GRAPH_CONFIG: "graph", MODULE_CONFIG: "module"}
LAYERS = {"graph": GRAPH_LAYER, "module": MODULE_LAYER}
CONFIGS = {"graph": GRAPH_CONFIG, "module": MODULE_CONFIG}
