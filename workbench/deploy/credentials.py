"""Registry credentials: from the environment or the Docker config, never shown.

Order: ``WORKBENCH_REGISTRY_USERNAME`` and ``WORKBENCH_REGISTRY_PASSWORD`` (both or neither);
else the Docker config (``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``): an
``auths`` entry for the host (``auth`` or ``username``/``password``), a ``credHelpers`` entry or
the ``credsStore`` (``docker-credential-NAME get``). No credentials is not an error: public
registries need none, and the registry says when it wants some.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DeployError

USERNAME_VARIABLE = "WORKBENCH_REGISTRY_USERNAME"
PASSWORD_VARIABLE = "WORKBENCH_REGISTRY_PASSWORD"


@dataclass(frozen=True)
class Credentials:
    """A user name and password for one registry; the password never shows in ``repr``."""

    username: str
    password: str = field(repr=False)
    source: str = "given"

    def __str__(self) -> str:
        return f"user {self.username!r} (from {self.source})"


def docker_config_path(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    folder = environ.get("DOCKER_CONFIG")
    return Path(folder) / "config.json" if folder else Path.home() / ".docker" / "config.json"


def find_credentials(host: str, environ: Mapping[str, str] | None = None) -> Credentials | None:
    """The credentials for ``host`` (``HOST[:PORT]``), or ``None`` when none are configured."""
    environ = os.environ if environ is None else environ
    from_environment = _from_environment(environ)
    if from_environment is not None:
        return from_environment
    path = docker_config_path(environ)
    return _from_docker_config(path, host) if path.is_file() else None


def _from_environment(environ: Mapping[str, str]) -> Credentials | None:
    username, password = environ.get(USERNAME_VARIABLE), environ.get(PASSWORD_VARIABLE)
    if not username and not password:
        return None
    if not username or not password:
        missing = USERNAME_VARIABLE if not username else PASSWORD_VARIABLE
        raise DeployError(f"{missing} is not set, but {USERNAME_VARIABLE}/{PASSWORD_VARIABLE} need both to be")
    return Credentials(username, password, f"{USERNAME_VARIABLE}/{PASSWORD_VARIABLE}")


def _from_docker_config(path: Path, host: str) -> Credentials | None:
    config = _read_config(path)
    auths = config.get("auths") or {}
    for key in _host_keys(host):
        if key in auths:
            found = _from_auth_entry(auths[key], path, key)
            if found is not None:
                return found
    helper = next((config["credHelpers"][k] for k in _host_keys(host) if k in (config.get("credHelpers") or {})),
                  config.get("credsStore"))
    return _from_helper(str(helper), host) if helper else None


def _read_config(path: Path) -> dict[str, Any]:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DeployError(f"{path}: cannot read the Docker config: {exc}") from exc
    if not isinstance(config, dict):
        raise DeployError(f"{path}: the Docker config is not a JSON object")
    return config


def _host_keys(host: str) -> Iterator[str]:
    names = [host]
    if host.startswith("localhost"):
        names.append(host.replace("localhost", "127.0.0.1", 1))
    elif host.startswith("127.0.0.1"):
        names.append(host.replace("127.0.0.1", "localhost", 1))
    for name in names:
        yield from (name, f"https://{name}", f"http://{name}", f"https://{name}/v2/", f"https://{name}/v1/")


def _from_auth_entry(entry: Any, path: Path, key: str) -> Credentials | None:
    if not isinstance(entry, dict):
        return None
    source = f"{path} auths[{key!r}]"
    if entry.get("username") and entry.get("password"):
        return Credentials(str(entry["username"]), str(entry["password"]), source)
    if not entry.get("auth"):
        return None
    try:
        username, colon, password = base64.b64decode(str(entry["auth"]), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise DeployError(f"{path}: auths[{key!r}].auth is not base64 of USER:PASSWORD") from exc
    if not colon:
        raise DeployError(f"{path}: auths[{key!r}].auth is not base64 of USER:PASSWORD")
    return Credentials(username, password, source)


def _from_helper(helper: str, host: str) -> Credentials | None:
    binary = f"docker-credential-{helper}"
    try:
        done = subprocess.run([binary, "get"], input=host, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DeployError(f"the Docker credential helper {binary!r} cannot run: {exc}") from exc
    if done.returncode != 0:
        return None  # the helper knows no credentials for this host
    try:
        answer = json.loads(done.stdout)
        return Credentials(str(answer["Username"]), str(answer["Secret"]), binary)
    except (ValueError, KeyError, TypeError) as exc:
        raise DeployError(f"the Docker credential helper {binary!r} gave an answer that is not "
                          "{\"Username\": ..., \"Secret\": ...}") from exc
