"""The Kubernetes ``DataflowGraph`` resource that runs an exported graph in AIO.

Shape from AIO's "Use WebAssembly with data flow graphs" (learn.microsoft.com, Kubernetes tab):
``connectivity.iotoperations.azure.com/v1``, kind ``DataflowGraph``, a ``spec`` with
``profileRef``, ``mode``, ``requestDiskPersistence``, three ``nodes`` — a ``Source`` node
(``sourceSettings.endpointRef`` and ``dataSources``), a ``Graph`` node (``graphSettings.
registryEndpointRef`` and ``artifact`` NAME:TAG) and a ``Destination`` node
(``destinationSettings.endpointRef`` and ``dataDestination``) — and the ``nodeConnections``
source → graph → destination. The graph definition's ``source`` and ``sink`` operations are
bound to the source and destination nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import DeployError
from .references import split_artifact

API_VERSION = "connectivity.iotoperations.azure.com/v1"
KIND = "DataflowGraph"
_DNS_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")

DEFAULT_REGISTRY_ENDPOINT = "workbench-registry"
DEFAULT_ENDPOINT = "default"  # AIO's default data flow endpoint: its MQTT broker
DEFAULT_NAMESPACE = "azure-iot-operations"
DEFAULT_PROFILE = "default"


@dataclass(frozen=True)
class Deployment:
    """Where a graph artifact runs: endpoints, topics, registry endpoint, namespace and profile.

    ``source_topics`` and ``destination_topic`` default to ``workbench/NAME/input`` and
    ``workbench/NAME/output`` (``NAME`` the resource name).
    """

    name: str
    graph_artifact: str
    registry_endpoint: str = DEFAULT_REGISTRY_ENDPOINT
    source_endpoint: str = DEFAULT_ENDPOINT
    source_topics: tuple[str, ...] = field(default=())
    destination_endpoint: str = DEFAULT_ENDPOINT
    destination_topic: str = ""
    namespace: str = DEFAULT_NAMESPACE
    profile: str = DEFAULT_PROFILE

    def __post_init__(self) -> None:
        for what, value in (("resource name", self.name), ("--registry-endpoint", self.registry_endpoint),
                            ("--source-endpoint", self.source_endpoint),
                            ("--destination-endpoint", self.destination_endpoint),
                            ("--namespace", self.namespace), ("--profile", self.profile)):
            _check_name(what, value)
        split_artifact(self.graph_artifact, "--graph-artifact")
        if not self.source_topics:
            object.__setattr__(self, "source_topics", (f"workbench/{self.name}/input",))
        if not self.destination_topic:
            object.__setattr__(self, "destination_topic", f"workbench/{self.name}/output")
        for topic in (*self.source_topics, self.destination_topic):
            if not topic.strip() or any(c.isspace() for c in topic):
                raise DeployError(f"topic \"{topic}\" must be a non-empty MQTT topic without spaces")


def _check_name(what: str, value: str) -> None:
    if not _DNS_LABEL.fullmatch(value):
        raise DeployError(f"{what} \"{value}\" is not a Kubernetes name: lowercase letters, digits and '-', "
                          "starting and ending with a letter or digit, at most 63 characters")


def dataflow_graph(deployment: Deployment) -> dict[str, Any]:
    """The ``DataflowGraph`` resource as plain data."""
    d = deployment
    source, graph, destination = "source", "graph", "destination"
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"name": d.name, "namespace": d.namespace},
        "spec": {
            "profileRef": d.profile,
            "mode": "Enabled",
            "requestDiskPersistence": "Disabled",
            "nodes": [
                {"nodeType": "Source", "name": source,
                 "sourceSettings": {"endpointRef": d.source_endpoint, "dataSources": list(d.source_topics)}},
                {"nodeType": "Graph", "name": graph,
                 "graphSettings": {"registryEndpointRef": d.registry_endpoint, "artifact": d.graph_artifact}},
                {"nodeType": "Destination", "name": destination,
                 "destinationSettings": {"endpointRef": d.destination_endpoint,
                                         "dataDestination": d.destination_topic}},
            ],
            "nodeConnections": [
                {"from": {"name": source}, "to": {"name": graph}},
                {"from": {"name": graph}, "to": {"name": destination}},
            ],
        },
    }


def manifest_yaml(deployment: Deployment) -> str:
    return yaml.safe_dump(dataflow_graph(deployment), sort_keys=False, default_flow_style=False)
