"""Registry addresses and artifact references: parsed strictly, errors quote the bad text."""

from __future__ import annotations

import pytest

from workbench.deploy.references import ArtifactReference, RegistryAddress, slug, split_artifact
from workbench.errors import DeployError


@pytest.mark.parametrize(("text", "host", "repository"), [
    ("myregistry.azurecr.io/workbench", "myregistry.azurecr.io", "workbench"),
    ("127.0.0.1:5000/a/b", "127.0.0.1:5000", "a/b"),
    ("localhost:5000", "localhost:5000", ""),
    ("oci://ghcr.io/azure-samples/explore-iot-operations/", "ghcr.io", "azure-samples/explore-iot-operations"),
])
def test_registry_addresses(text: str, host: str, repository: str) -> None:
    address = RegistryAddress.parse(text)
    assert (address.host, address.repository) == (host, repository)
    assert str(address.artifact("temperature", "1.0.0")) == f"{address}/temperature:1.0.0"


@pytest.mark.parametrize(("text", "message"), [
    ("workbench/graphs", "does not start with a registry host"),
    ("ghcr.io/Upper/Case", "\"Upper/Case\" is not a valid repository"),
])
def test_bad_registry_addresses(text: str, message: str) -> None:
    with pytest.raises(DeployError, match="registry") as caught:
        RegistryAddress.parse(text)
    assert message in str(caught.value) and f"\"{text}\"" in str(caught.value)


def test_artifact_references() -> None:
    reference = ArtifactReference.parse("127.0.0.1:5000/wb/graphs/my-graph:1.0.0")
    assert (reference.host, reference.path, reference.tag, reference.name) == (
        "127.0.0.1:5000", "wb/graphs/my-graph", "1.0.0", "my-graph")
    assert str(reference.address) == "127.0.0.1:5000/wb/graphs"
    assert str(reference) == "127.0.0.1:5000/wb/graphs/my-graph:1.0.0"


@pytest.mark.parametrize("text", ["127.0.0.1:5000/wb/my-graph", "127.0.0.1:5000/wb/my-graph@sha256:" + "a" * 64,
                                  "wb/my-graph:1.0.0"])
def test_bad_artifact_references(text: str) -> None:
    with pytest.raises(DeployError, match="reference") as caught:
        ArtifactReference.parse(text)
    assert f"\"{text}\"" in str(caught.value)


def test_slug_and_artifacts() -> None:
    assert slug("Scale and keep positives!") == "scale-and-keep-positives"
    assert slug("°°°") == "graph"
    assert split_artifact("graph-simple:1.0.0") == ("graph-simple", "1.0.0")
    with pytest.raises(DeployError, match="\"Graph:1\" must be NAME:TAG"):
        split_artifact("Graph:1")
