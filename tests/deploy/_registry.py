"""A real OCI registry on loopback for the deploy tests: Debian's ``docker-registry`` (distribution 2.x).

``start_registry(folder)`` writes a config (filesystem storage in ``folder``, ``http.addr`` on
a free loopback port, optionally htpasswd authentication with a bcrypt file), starts the
binary, waits until ``GET /v2/`` answers and returns a handle whose ``stop()`` ends it. A
missing binary fails the test with the install command: these tests never skip.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

BINARY = "docker-registry"
INSTALL = "apt-get install -y docker-registry apache2-utils"


@dataclass
class LocalRegistry:
    """A running registry: ``host`` is ``127.0.0.1:PORT``; ``users`` the htpasswd accounts, if any."""

    host: str
    folder: Path
    process: subprocess.Popen[bytes]
    users: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def log(self) -> str:
        path = self.folder / "registry.log"
        return path.read_text(errors="replace") if path.is_file() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def registry_binary() -> str:
    found = shutil.which(BINARY) or (f"/usr/bin/{BINARY}" if Path(f"/usr/bin/{BINARY}").is_file() else None)
    if found is None:
        pytest.fail(f"the OCI registry binary {BINARY!r} is not installed; run `{INSTALL}` "
                    "(Debian's docker-registry package) before the deploy tests", pytrace=False)
    return found


def htpasswd_line(user: str, password: str) -> str:
    """``user:bcrypt-hash``, with Python's bcrypt when installed, else apache2-utils' htpasswd."""
    try:
        import bcrypt
    except ImportError:
        tool = shutil.which("htpasswd")
        if tool is None:
            pytest.fail(f"need Python's bcrypt or htpasswd for the registry's password file; run `{INSTALL}`",
                        pytrace=False)
        done = subprocess.run([tool, "-Bbn", user, password], capture_output=True, text=True, check=True)
        return done.stdout.strip()
    return f"{user}:{bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=5)).decode()}"


def start_registry(folder: Path, users: dict[str, str] | None = None, timeout: float = 30) -> LocalRegistry:
    binary = registry_binary()
    host = f"127.0.0.1:{free_port()}"
    config: dict[str, object] = {
        "version": 0.1,
        "log": {"level": "warn", "accesslog": {"disabled": True}},
        "storage": {"filesystem": {"rootdirectory": str(folder / "data")}, "delete": {"enabled": True}},
        "http": {"addr": host, "secret": "workbench-tests"},
    }
    if users:
        (folder / "htpasswd").write_text("".join(htpasswd_line(u, p) + "\n" for u, p in users.items()))
        config["auth"] = {"htpasswd": {"realm": "workbench-tests", "path": str(folder / "htpasswd")}}
    (folder / "config.yml").write_text(yaml.safe_dump(config))
    with (folder / "registry.log").open("wb") as log:
        process = subprocess.Popen([binary, "serve", str(folder / "config.yml")], stdout=log, stderr=subprocess.STDOUT)
    registry = LocalRegistry(host, folder, process, dict(users or {}))
    _wait_until_up(registry, timeout)
    return registry


def _wait_until_up(registry: LocalRegistry, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if registry.process.poll() is not None:
            pytest.fail(f"{BINARY} exited with {registry.process.returncode}:\n{registry.log()}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{registry.url}/v2/", timeout=2):
                return
        except urllib.error.HTTPError as exc:
            if exc.code == 401:  # up, and asking for credentials
                return
        except OSError:
            pass
        time.sleep(0.1)
    registry.stop()
    pytest.fail(f"{BINARY} did not answer at {registry.url}/v2/ within {timeout:g} s:\n{registry.log()}",
                pytrace=False)
