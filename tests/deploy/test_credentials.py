"""Credentials from the environment or the Docker config; the password never shows."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from workbench.deploy.credentials import Credentials, docker_config_path, find_credentials
from workbench.errors import DeployError

HOST = "127.0.0.1:5000"


def docker_config(folder: Path, config: dict[str, object]) -> dict[str, str]:
    folder.mkdir(exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config))
    return {"DOCKER_CONFIG": str(folder)}


def test_none_configured(tmp_path: Path) -> None:
    assert find_credentials(HOST, {"DOCKER_CONFIG": str(tmp_path)}) is None


def test_environment_first(tmp_path: Path) -> None:
    env = docker_config(tmp_path, {"auths": {HOST: {"username": "bob", "password": "docker-pw"}}})
    env |= {"WORKBENCH_REGISTRY_USERNAME": "alice", "WORKBENCH_REGISTRY_PASSWORD": "env-pw"}
    found = find_credentials(HOST, env)
    assert found == Credentials("alice", "env-pw", "WORKBENCH_REGISTRY_USERNAME/WORKBENCH_REGISTRY_PASSWORD")


def test_half_the_environment_is_an_error() -> None:
    with pytest.raises(DeployError, match="WORKBENCH_REGISTRY_PASSWORD is not set"):
        find_credentials(HOST, {"WORKBENCH_REGISTRY_USERNAME": "alice"})


def test_docker_config_auth_and_localhost_alias(tmp_path: Path) -> None:
    auth = base64.b64encode(b"carol:b64-pw").decode()
    env = docker_config(tmp_path, {"auths": {"https://localhost:5000": {"auth": auth}}})
    found = find_credentials(HOST, env)
    assert found is not None and (found.username, found.password) == ("carol", "b64-pw")
    assert docker_config_path(env) == tmp_path / "config.json"
    assert docker_config_path({}) == Path.home() / ".docker" / "config.json"


def test_malformed_docker_config(tmp_path: Path) -> None:
    env = docker_config(tmp_path, {"auths": {HOST: {"auth": "bm90LWEtcGFpcg=="}}})  # "not-a-pair"
    with pytest.raises(DeployError, match="auth is not base64 of USER:PASSWORD"):
        find_credentials(HOST, env)


def test_credential_helper_that_is_missing(tmp_path: Path) -> None:
    env = docker_config(tmp_path, {"credsStore": "workbench-test-nonexistent"})
    with pytest.raises(DeployError, match="docker-credential-workbench-test-nonexistent"):
        find_credentials(HOST, env)


def test_the_password_is_never_shown() -> None:
    credentials = Credentials("alice", "hunter2-secret", "test")
    assert "hunter2-secret" not in repr(credentials) + str(credentials)
    assert "alice" in str(credentials)
