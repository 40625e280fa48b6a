"""NEXT.md: the commands that take an export bundle to a running data flow graph in AIO.

The ``oras push`` lines are AIO's documented ones (config media type by ``--config`` for a graph,
``--artifact-type`` for a module); ``az iot ops registry create`` makes the registry endpoint
the ``DataflowGraph`` resource names; ``kubectl apply`` creates the resource.
"""

from __future__ import annotations

from collections.abc import Sequence

from .manifest import Deployment
from .media_types import GRAPH_CONFIG, GRAPH_LAYER, MODULE_CONFIG, MODULE_LAYER
from .modules import ModuleArtifact

REGISTRY = "<REGISTRY>"


def next_steps(title: str, api: str, graph_file: str, manifest_file: str, deployment: Deployment,
               modules: Sequence[ModuleArtifact]) -> str:
    """The text of NEXT.md for a bundle."""
    return "\n".join([*_contents(title, api, graph_file, manifest_file, deployment, modules),
                      *_push(graph_file, deployment, modules), *_endpoint(deployment),
                      *_apply(manifest_file, deployment)]) + "\n"


def _contents(title: str, api: str, graph_file: str, manifest_file: str, deployment: Deployment,
              modules: Sequence[ModuleArtifact]) -> list[str]:
    rows = [f"| `{graph_file}` | the graph definition (AIO API {api}), pushed as `{deployment.graph_artifact}` |"]
    rows += [f"| `{m.filename}` | module `{m.reference}`, pushed as `{m.artifact}` |" for m in modules]
    rows.append(f"| `{manifest_file}` | the `DataflowGraph` resource `{deployment.name}` "
                f"(namespace `{deployment.namespace}`, profile `{deployment.profile}`) |")
    return [f"# Deploy \"{title}\" to Azure IoT Operations", "",
            "This folder was written by `workbench export`:", "", "| file | what it is |", "| --- | --- |", *rows,
            "", f"Below, `{REGISTRY}` is your registry and repository, e.g. `myregistry.azurecr.io/workbench`.",
            "Run the commands from this folder.", ""]


def _push(graph_file: str, deployment: Deployment, modules: Sequence[ModuleArtifact]) -> list[str]:
    oras = [f"    oras push {REGISTRY}/{m.artifact} --artifact-type {MODULE_CONFIG} {m.filename}:{MODULE_LAYER}"
            for m in modules]
    oras.append(f"    oras push {REGISTRY}/{deployment.graph_artifact} --config /dev/null:{GRAPH_CONFIG} "
                f"{graph_file}:{GRAPH_LAYER} --disable-path-validation")
    return ["## 1. Push the graph and its modules", "",
            "    az acr login --name <ACR_NAME>        # Azure Container Registry; elsewhere: docker login <HOST>",
            f"    workbench push . --registry {REGISTRY}", "",
            "or, with the ORAS CLI:", "", *oras, ""]


def _endpoint(deployment: Deployment) -> list[str]:
    return ["## 2. Let AIO pull from the registry (once per registry)", "",
            f"    az iot ops registry create -n {deployment.registry_endpoint} --host {REGISTRY} "
            "-i <AIO_INSTANCE> -g <RESOURCE_GROUP>", "",
            "By default the endpoint authenticates with the AIO extension's system-assigned managed identity,",
            "which needs the `AcrPull` role on an Azure Container Registry; add `--no-auth` for a public registry.",
            ""]


def _apply(manifest_file: str, deployment: Deployment) -> list[str]:
    topics = ", ".join(f"`{t}`" for t in deployment.source_topics)
    return ["## 3. Run the graph", "",
            f"    kubectl apply -f {manifest_file}",
            f"    kubectl get dataflowgraph {deployment.name} -n {deployment.namespace}", "",
            f"Messages on {topics} (endpoint `{deployment.source_endpoint}`) go through the graph to "
            f"`{deployment.destination_topic}` (endpoint `{deployment.destination_endpoint}`).",
            "Configuration given to the export is written into the graph definition as parameter defaults."]
