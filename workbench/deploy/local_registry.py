"""A real OCI registry on loopback, for tutorials and tests: Debian's ``docker-registry``.

    from workbench.deploy.local_registry import LocalRegistry
    with LocalRegistry() as registry:                 # http://127.0.0.1:PORT, storage in a temp folder
        workbench.push(bundle, f"{registry.host}/workbench", plain_http=True)

``LocalRegistry(folder=None, users=None)`` writes a configuration (filesystem storage under
``folder``, ``http.addr`` on a free loopback port, htpasswd authentication when ``users`` are
given), starts the registry binary (``docker-registry``, distribution 2.x, from Debian's
``docker-registry`` package; ``binary=`` names another), waits until ``GET /v2/`` answers and
stops it on ``stop()``, at the end of a ``with`` block or when Python exits. Without a ``folder`` the storage is a
temporary folder removed on stop. It listens on 127.0.0.1 only and speaks plain HTTP, so push
and pull with ``plain_http=True``. A missing binary or a registry that does not come up raises
a ``DeployError`` with the install command and the registry's log.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

import yaml

from ..errors import DeployError
from ..processes import free_port, stop_process

BINARY = "docker-registry"
INSTALL = "apt-get install -y docker-registry apache2-utils"


class LocalRegistry:
    """A registry process on ``127.0.0.1``: ``start()`` / ``stop()``, or a ``with`` block."""

    def __init__(self, folder: str | Path | None = None, users: dict[str, str] | None = None, *,
                 binary: str | None = None, timeout: float = 30.0) -> None:
        self.users = dict(users or {})
        self.binary = binary
        self.timeout = timeout
        self._own_folder = folder is None
        self.folder = Path(folder) if folder is not None else None
        self.host = ""
        self.process: subprocess.Popen[bytes] | None = None

    # -- public -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> LocalRegistry:
        """Start the registry and wait until it answers; ``DeployError`` if it cannot."""
        if self.running:
            return self
        binary = find_binary(self.binary or BINARY)
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="workbench-registry-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.host = f"127.0.0.1:{free_port()}"
        config = self.folder / "config.yml"
        config.write_text(yaml.safe_dump(self._config()))
        with (self.folder / "registry.log").open("wb") as log:
            self.process = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)
        atexit.register(self.stop)  # a notebook kernel that shuts down takes its registry with it
        self._wait_until_up()
        return self

    def stop(self) -> None:
        """End the registry process (and remove its temporary storage, if it made one)."""
        process, self.process = self.process, None
        atexit.unregister(self.stop)
        stop_process(process)
        if self._own_folder and self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def log(self) -> str:
        """What the registry wrote to its log so far."""
        path = self.folder / "registry.log" if self.folder is not None else None
        return path.read_text(errors="replace") if path is not None and path.is_file() else ""

    def __enter__(self) -> LocalRegistry:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"running at {self.url}" if self.running else "stopped"
        return f"<LocalRegistry {state}>"

    def _repr_html_(self) -> str:
        if not self.running:
            return "<div><b>Local OCI registry</b>: stopped</div>"
        return (f"<div><b>Local OCI registry</b> running at <code>{self.url}</code> "
                f"(plain HTTP, loopback only); push to <code>{self.host}/REPOSITORY</code></div>")

    # -- starting ----------------------------------------------------------------------------
    def _config(self) -> dict[str, Any]:
        assert self.folder is not None
        config: dict[str, Any] = {
            "version": 0.1,
            "log": {"level": "warn", "accesslog": {"disabled": True}},
            "storage": {"filesystem": {"rootdirectory": str(self.folder / "data")}, "delete": {"enabled": True}},
            "http": {"addr": self.host, "secret": "workbench-local-registry"},
        }
        if self.users:
            passwords = self.folder / "htpasswd"
            passwords.write_text("".join(htpasswd_line(u, p) + "\n" for u, p in self.users.items()))
            config["auth"] = {"htpasswd": {"realm": "workbench", "path": str(passwords)}}
        return config

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                code, log = self.process.returncode, self.log()
                self.stop()
                raise DeployError(f"{BINARY} exited with {code}:\n{log}")
            if self._answers():
                return
            time.sleep(0.1)
        log = self.log()
        self.stop()
        raise DeployError(f"{BINARY} did not answer at {self.url}/v2/ within {self.timeout:g} s:\n{log}")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/v2/", timeout=2):
                return True
        except urllib.error.HTTPError as exc:
            return exc.code == 401  # up, and asking for credentials
        except OSError:
            return False


def find_binary(name: str = BINARY) -> str:
    """The registry binary's path; ``DeployError`` with the install command when it is missing."""
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").is_file() else None)
    if found is None:
        raise DeployError(f"the OCI registry binary {name!r} is not installed; run `{INSTALL}` "
                          "(Debian's docker-registry package), or `bash binder/setup.sh`")
    return found


def htpasswd_line(user: str, password: str) -> str:
    """``user:bcrypt-hash``, with Python's bcrypt when installed, else apache2-utils' ``htpasswd``."""
    try:
        import bcrypt
    except ImportError:
        tool = shutil.which("htpasswd")
        if tool is None:
            raise DeployError(f"need Python's bcrypt or htpasswd for the registry's password file; run `{INSTALL}`"
                              ) from None
        done = subprocess.run([tool, "-Bbn", user, password], capture_output=True, text=True, check=True)
        return done.stdout.strip()
    return f"{user}:{bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=5)).decode()}"
