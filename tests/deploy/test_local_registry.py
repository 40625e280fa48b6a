"""``LocalRegistry``: a real registry on loopback that a notebook or a test starts and stops.

A missing binary is a ``DeployError`` with the install command (the fixtures turn it into a
failure, never a skip).
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from tests.deploy.conftest import start_registry
from workbench.deploy import local_registry
from workbench.deploy.local_registry import LocalRegistry
from workbench.errors import DeployError


def test_a_missing_registry_binary_fails_with_the_install_command(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    with pytest.raises(DeployError, match="apt-get install -y docker-registry"):
        LocalRegistry(tmp_path, binary="docker-registry-not-installed").start()
    monkeypatch.setattr(local_registry, "BINARY", "docker-registry-not-installed")
    with pytest.raises(pytest.fail.Exception) as caught:
        start_registry(tmp_path)
    assert "apt-get install -y docker-registry" in str(caught.value)


@pytest.mark.slow
def test_a_with_block_starts_on_loopback_and_cleans_up() -> None:
    with LocalRegistry() as registry:
        assert registry.running and registry.host.startswith("127.0.0.1:")
        folder = registry.folder
        assert folder is not None and (folder / "config.yml").is_file()
        with urllib.request.urlopen(f"{registry.url}/v2/", timeout=5) as answer:
            assert answer.status == 200
        assert "running at http://127.0.0.1:" in repr(registry)
    assert not registry.running and not folder.exists()
    assert repr(registry) == "<LocalRegistry stopped>"


@pytest.mark.slow
def test_a_given_folder_is_kept(tmp_path: Path) -> None:
    registry = LocalRegistry(tmp_path / "storage").start()
    registry.stop()
    registry.stop()  # twice is fine
    assert (tmp_path / "storage" / "config.yml").is_file()
