"""Fixtures for the deploy tests: a graph, inline components, and real OCI registries on loopback.

Every test runs without the developer's registry credentials (an empty ``DOCKER_CONFIG`` and no
``WORKBENCH_REGISTRY_*`` variables). The registries are started once per session: ``registry``
open to all, ``auth_registry`` behind htpasswd (user ``alice``), both ``workbench.deploy.local_registry.
LocalRegistry``; a test that uses either is slow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.deploy._components import component
from workbench.deploy.credentials import PASSWORD_VARIABLE, USERNAME_VARIABLE
from workbench.deploy.local_registry import LocalRegistry
from workbench.errors import DeployError

GRAPHS = Path(__file__).parent / "graphs"
SCALE_GRAPH = GRAPHS / "scale.yaml"
SCALE_MODULE = "workbench-tests/scale:1.0.0"
USER, PASSWORD = "alice", "pw-Zebra-7731-never-printed"


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.delenv(USERNAME_VARIABLE, raising=False)
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path_factory.mktemp("docker-config")))


@pytest.fixture
def wasm_file(tmp_path: Path) -> Callable[..., Path]:
    """``wasm_file("map", "filter", api=..., imports=...)`` → the path of such a component."""
    count = 0

    def make(*kinds: str, api: str = "1.1.0", imports: tuple[str, ...] = ()) -> Path:
        nonlocal count
        count += 1
        path = tmp_path / f"component-{count}.wasm"
        path.write_bytes(component(*kinds, api=api, imports=imports))
        return path

    return make


def start_registry(folder: Path, users: dict[str, str] | None = None) -> LocalRegistry:
    """``workbench.deploy.local_registry.LocalRegistry``, started; a missing binary fails (never skips)."""
    try:
        return LocalRegistry(folder, users).start()
    except DeployError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRegistry]:
    running = start_registry(tmp_path_factory.mktemp("registry"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def auth_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRegistry]:
    running = start_registry(tmp_path_factory.mktemp("auth-registry"), users={USER: PASSWORD})
    yield running
    running.stop()
