"""Push and pull through a real OCI registry on loopback (Debian's docker-registry).

The bundle holds ``all_kinds.py`` built once per session; what comes back from the registry
must be byte for byte what went in, carry AIO's media types, and run to the same output.
"""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import workbench
from tests.deploy._token_proxy import token_proxy
from tests.deploy.conftest import PASSWORD, SCALE_GRAPH, SCALE_MODULE, USER
from workbench.deploy import ExportBundle, RegistryResult, export, pull, push, tags
from workbench.deploy.local_registry import LocalRegistry
from workbench.deploy.media_types import GRAPH_CONFIG, GRAPH_LAYER, MODULE_CONFIG, MODULE_LAYER
from workbench.errors import DeployError
from workbench.messages import Message, Timestamp
from workbench.processes import free_port

pytestmark = pytest.mark.slow
FACTOR = {"scale/map.factor": "3"}
GRAPH_ARTIFACT = "scale-and-keep-positives:1.2.0"


@pytest.fixture(scope="session")
def all_kinds(compiled: Any) -> Any:
    return compiled("api_1_1/all_kinds.py")


@pytest.fixture(scope="session")
def bundle(all_kinds: Any, tmp_path_factory: pytest.TempPathFactory) -> ExportBundle:
    return export(SCALE_GRAPH, {SCALE_MODULE: all_kinds}, tmp_path_factory.mktemp("bundle"), config=FACTOR)


@pytest.fixture(scope="session")
def pushed(bundle: ExportBundle, registry: LocalRegistry) -> RegistryResult:
    return push(bundle, f"{registry.host}/wb", plain_http=True)


def manifest(registry: LocalRegistry, path: str, tag: str) -> dict[str, Any]:
    request = urllib.request.Request(f"{registry.url}/v2/{path}/manifests/{tag}",
                                     headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.loads(response.read()))


def readings() -> list[Message]:
    values = [1, -2, 3.5, 0, -7, 10, 4]
    return [Message.of({"value": v}, "sensors/in", timestamp=Timestamp.from_millis(1000 * (n + 1)))
            for n, v in enumerate(values)]


def test_push_then_pull_gives_the_same_bytes_and_digests(pushed: RegistryResult, bundle: ExportBundle,
                                                         registry: LocalRegistry, tmp_path: Path) -> None:
    assert [(a.kind, a.reference) for a in pushed.artifacts] == [
        ("module", f"{registry.host}/wb/scale:1.0.0"), ("graph", f"{registry.host}/wb/{GRAPH_ARTIFACT}")]
    assert pushed.graph_artifact == GRAPH_ARTIFACT
    assert tags(f"{registry.host}/wb/scale", plain_http=True) == ["1.0.0"]
    assert tags(f"{registry.host}/wb/scale-and-keep-positives:ignored", plain_http=True) == ["1.2.0"]
    pulled = pull(f"{registry.host}/wb/{GRAPH_ARTIFACT}", tmp_path / "pulled", plain_http=True)
    assert {a.reference: a.digest for a in pulled.artifacts} == {a.reference: a.digest for a in pushed.artifacts}
    assert all(a.digest.startswith("sha256:") for a in pulled.artifacts)
    copy = ExportBundle.load(tmp_path / "pulled")
    assert copy.graph_path.read_bytes() == bundle.graph_path.read_bytes()
    assert copy.module_paths()[SCALE_MODULE].read_bytes() == bundle.module_paths()[SCALE_MODULE].read_bytes()
    assert (copy.graph_artifact, copy.api, copy.modules) == (bundle.graph_artifact, bundle.api, bundle.modules)


def test_artifacts_carry_aio_media_types(pushed: RegistryResult, registry: LocalRegistry) -> None:
    module = manifest(registry, "wb/scale", "1.0.0")
    assert (module["config"]["mediaType"], module["config"]["size"]) == (MODULE_CONFIG, 0)
    assert module["artifactType"] == MODULE_CONFIG
    (layer,) = module["layers"]
    assert layer["mediaType"] == MODULE_LAYER
    assert layer["annotations"] == {"org.opencontainers.image.title": "scale-1.0.0.wasm"}
    graph = manifest(registry, "wb/scale-and-keep-positives", "1.2.0")
    assert graph["config"]["mediaType"] == GRAPH_CONFIG
    assert [(lay["mediaType"], lay["annotations"]["org.opencontainers.image.title"]) for lay in graph["layers"]] == [
        (GRAPH_LAYER, "graph.yaml")]


def test_the_pulled_graph_runs_like_the_original(pushed: RegistryResult, all_kinds: Any, registry: LocalRegistry,
                                                tmp_path: Path) -> None:
    original = workbench.run(SCALE_GRAPH, readings(), modules={SCALE_MODULE: all_kinds}, config=FACTOR, mode="wasm")
    copy = pull(f"{registry.host}/wb/{GRAPH_ARTIFACT}", tmp_path / "pulled", plain_http=True).bundle
    assert copy is not None
    again = workbench.run(copy.graph_path, readings(), modules=copy.module_paths(), mode="wasm")
    assert again.payloads() == original.payloads()
    assert [p["value"] for p in original.payloads()] == [3, 10.5, 0, 30, 12]


def test_pulling_one_module(pushed: RegistryResult, registry: LocalRegistry, bundle: ExportBundle,
                            tmp_path: Path) -> None:
    result = pull(f"{registry.host}/wb/scale:1.0.0", tmp_path / "module", plain_http=True)
    assert [(a.kind, a.file) for a in result.artifacts] == [("module", "scale-1.0.0.wasm")]
    assert result.bundle is None and result.directory == tmp_path / "module"
    assert result.summary().endswith(f"wrote {tmp_path / 'module'}")
    assert (tmp_path / "module" / "scale-1.0.0.wasm").read_bytes() == bundle.module_paths()[SCALE_MODULE].read_bytes()


def test_tag_override(bundle: ExportBundle, registry: LocalRegistry) -> None:
    result = push(bundle, f"{registry.host}/tagged", tag="candidate", plain_http=True)
    assert result.graph_artifact == "scale-and-keep-positives:candidate"
    assert tags(f"{registry.host}/tagged/scale-and-keep-positives", plain_http=True) == ["candidate"]
    with pytest.raises(DeployError, match="--tag \"no tags\" is not a valid tag"):
        push(bundle, f"{registry.host}/tagged", tag="no tags", plain_http=True)


def test_missing_tag(pushed: RegistryResult, registry: LocalRegistry, tmp_path: Path) -> None:
    with pytest.raises(DeployError) as caught:
        pull(f"{registry.host}/wb/scale-and-keep-positives:9.9.9", tmp_path / "out", plain_http=True)
    assert str(caught.value) == (f"registry {registry.host} has no wb/scale-and-keep-positives:9.9.9; "
                                 "its tags are 1.2.0")
    with pytest.raises(DeployError, match="the repository has no tags \\(or does not exist\\)"):
        pull(f"{registry.host}/wb/nothing-here:1.0.0", tmp_path / "out", plain_http=True)
    assert not (tmp_path / "out").exists()


def test_registry_down(bundle: ExportBundle, tmp_path: Path) -> None:
    host = f"127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(DeployError) as caught:
        push(bundle, f"{host}/wb", plain_http=True)
    assert str(caught.value) == f"cannot reach registry {host} at http://{host}/v2/: Connection refused"
    assert caught.value.hint == "is the registry running, and are the host and port right?"
    with pytest.raises(DeployError, match=f"cannot reach registry {host}"):
        pull(f"{host}/wb/{GRAPH_ARTIFACT}", tmp_path / "out", plain_http=True)
    assert time.monotonic() - started < 10


def test_https_to_a_plain_http_registry(bundle: ExportBundle, registry: LocalRegistry) -> None:
    with pytest.raises(DeployError, match=f"TLS handshake with registry {registry.host} failed") as caught:
        push(bundle, f"{registry.host}/wb")
    assert caught.value.hint is not None and "--plain-http" in caught.value.hint


def error_texts(error: BaseException) -> str:
    """The message, hint and every chained cause of an error, as text."""
    texts = []
    current: BaseException | None = error
    while current is not None:
        texts += [str(current), repr(current), str(getattr(current, "hint", ""))]
        current = current.__cause__ or current.__context__
    return "\n".join(texts)


def test_wrong_password_is_refused_and_never_shown(bundle: ExportBundle, auth_registry: LocalRegistry,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = "Wr0ng-Passw0rd-4471"
    monkeypatch.setenv("WORKBENCH_REGISTRY_USERNAME", USER)
    monkeypatch.setenv("WORKBENCH_REGISTRY_PASSWORD", wrong)
    with pytest.raises(DeployError) as caught:
        push(bundle, f"{auth_registry.host}/wb", plain_http=True)
    assert str(caught.value) == (
        f"registry {auth_registry.host} refused to let user 'alice' (from WORKBENCH_REGISTRY_USERNAME/"
        f"WORKBENCH_REGISTRY_PASSWORD) log in to {auth_registry.host}: authentication failed (HTTP 401)")
    assert wrong not in error_texts(caught.value)


def test_no_credentials_for_a_registry_that_wants_them(bundle: ExportBundle, auth_registry: LocalRegistry) -> None:
    with pytest.raises(DeployError, match="asks for a user name and password, and none are configured") as caught:
        push(bundle, f"{auth_registry.host}/wb", plain_http=True)
    assert caught.value.hint is not None and "WORKBENCH_REGISTRY_USERNAME" in caught.value.hint


def test_credentials_from_the_docker_config(bundle: ExportBundle, auth_registry: LocalRegistry,
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import base64

    auth = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "config.json").write_text(json.dumps({"auths": {auth_registry.host: {"auth": auth}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    result = push(bundle, f"{auth_registry.host}/private", plain_http=True)
    pulled = pull(f"{auth_registry.host}/private/{GRAPH_ARTIFACT}", tmp_path / "pulled", plain_http=True)
    assert {a.digest for a in pulled.artifacts} == {a.digest for a in result.artifacts}
    assert PASSWORD not in result.summary() + result.to_json() + pulled.summary() + pulled.to_json()


def test_bearer_token_registries(bundle: ExportBundle, registry: LocalRegistry, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Token authentication as ACR and GHCR do it: one token per repository, from basic credentials."""
    with token_proxy(registry.host, {USER: PASSWORD}) as proxy:
        with pytest.raises(DeployError, match=f"refused to let anonymous access push {proxy.host}/tok/scale:1.0.0"):
            push(bundle, f"{proxy.host}/tok", plain_http=True)
        monkeypatch.setenv("WORKBENCH_REGISTRY_USERNAME", USER)
        monkeypatch.setenv("WORKBENCH_REGISTRY_PASSWORD", PASSWORD)
        result = push(bundle, f"{proxy.host}/tok", plain_http=True)
        pulled = pull(f"{proxy.host}/tok/{GRAPH_ARTIFACT}", tmp_path / "pulled", plain_http=True)
        assert [a.digest for a in pulled.artifacts] == [a.digest for a in reversed(result.artifacts)]
        assert proxy.token_requests >= 2  # the module's and the graph's repositories
        monkeypatch.setenv("WORKBENCH_REGISTRY_PASSWORD", "Wrong-Token-Pass-5")
        with pytest.raises(DeployError, match="authentication failed") as caught:
            pull(f"{proxy.host}/tok/{GRAPH_ARTIFACT}", tmp_path / "again", plain_http=True)
        assert "Wrong-Token-Pass-5" not in error_texts(caught.value)
