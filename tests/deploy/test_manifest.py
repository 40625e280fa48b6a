"""The DataflowGraph resource: AIO's shape, defaults from the resource name, names checked."""

from __future__ import annotations

import pytest
import yaml

from workbench.deploy.manifest import Deployment, dataflow_graph, manifest_yaml
from workbench.errors import DeployError


def test_shape_of_the_resource() -> None:
    resource = dataflow_graph(Deployment("temps", "graph-simple:1.0.0", registry_endpoint="my-acr",
                                         source_topics=("sensor/+/raw", "sensor/x"),
                                         destination_endpoint="kafka", destination_topic="out/temps"))
    assert (resource["apiVersion"], resource["kind"]) == ("connectivity.iotoperations.azure.com/v1", "DataflowGraph")
    assert resource["metadata"] == {"name": "temps", "namespace": "azure-iot-operations"}
    spec = resource["spec"]
    assert (spec["profileRef"], spec["mode"], spec["requestDiskPersistence"]) == ("default", "Enabled", "Disabled")
    source, graph, destination = spec["nodes"]
    assert source == {"nodeType": "Source", "name": "source",
                      "sourceSettings": {"endpointRef": "default", "dataSources": ["sensor/+/raw", "sensor/x"]}}
    assert graph == {"nodeType": "Graph", "name": "graph",
                     "graphSettings": {"registryEndpointRef": "my-acr", "artifact": "graph-simple:1.0.0"}}
    assert destination == {"nodeType": "Destination", "name": "destination",
                           "destinationSettings": {"endpointRef": "kafka", "dataDestination": "out/temps"}}
    assert spec["nodeConnections"] == [{"from": {"name": "source"}, "to": {"name": "graph"}},
                                       {"from": {"name": "graph"}, "to": {"name": "destination"}}]


def test_default_topics_and_yaml() -> None:
    deployment = Deployment("temps", "temps:1.0.0", namespace="aio", profile="fast")
    assert deployment.source_topics == ("workbench/temps/input",)
    assert deployment.destination_topic == "workbench/temps/output"
    resource = yaml.safe_load(manifest_yaml(deployment))
    assert resource == dataflow_graph(deployment)
    assert (resource["metadata"]["namespace"], resource["spec"]["profileRef"]) == ("aio", "fast")


@pytest.mark.parametrize(("options", "message"), [
    ({"name": "Temps"}, "resource name \"Temps\" is not a Kubernetes name"),
    ({"registry_endpoint": "my_acr"}, "--registry-endpoint \"my_acr\" is not a Kubernetes name"),
    ({"graph_artifact": "temps"}, "--graph-artifact \"temps\" must be NAME:TAG"),
    ({"destination_topic": "out topic"}, "topic \"out topic\" must be a non-empty MQTT topic"),
])
def test_bad_settings_are_quoted(options: dict[str, str], message: str) -> None:
    settings = {"name": "temps", "graph_artifact": "temps:1.0.0", **options}
    with pytest.raises(DeployError) as caught:
        Deployment(**settings)  # type: ignore[arg-type]
    assert message in str(caught.value)
