"""A Mosquitto broker of the test session's own, on a free loopback port.

``Mosquitto(folder)`` writes a config (loopback listener, anonymous or not, no persistence, the
log to a file) and ``start()`` runs ``mosquitto -c`` until it accepts TCP connections. ``stop()`` ends
it; ``start()`` again brings it back on the same port (for reconnect tests). A missing binary
fails the test with the install command: the live tests never skip.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from workbench.processes import free_port, stop_process

CANDIDATES = ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto")
START_TIMEOUT = 10.0


def mosquitto_binary() -> str:
    """The mosquitto executable, or a failed test that says how to install it."""
    found = shutil.which("mosquitto") or next((c for c in CANDIDATES if Path(c).is_file()), None)
    if found is None:
        pytest.fail("the live tests need the Mosquitto MQTT broker: apt-get install mosquitto "
                    "(binder/apt.txt lists it; bash binder/setup.sh installs it)", pytrace=False)
    return found


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Mosquitto:
    """One broker process on ``127.0.0.1:port``, configured in ``folder``."""

    def __init__(self, folder: Path, *, anonymous: bool = True, port: int | None = None):
        self.folder, self.anonymous = folder, anonymous
        self.port = port or free_port()
        self.log = folder / "mosquitto.log"
        self.config = folder / "mosquitto.conf"
        self.process: subprocess.Popen[bytes] | None = None
        self.started = False

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> Mosquitto:
        """Run the broker until it listens. Before its first start, a port taken meanwhile is replaced."""
        for _ in range(3):
            if self._launch():
                self.started = True
                return self
            if self.started:
                break  # a restart must keep its port
            self.port = free_port()
        pytest.fail(f"mosquitto could not listen on {self.address}:\n{self.log_text()}", pytrace=False)

    def _launch(self) -> bool:
        binary = mosquitto_binary()
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\n"
            f"allow_anonymous {'true' if self.anonymous else 'false'}\n"
            "persistence false\n"
            "log_dest stderr\n"
            "log_type all\n"
            "connection_messages true\n")
        seen = len(self.log_text())
        with self.log.open("ab") as log:  # stderr, not a log file: root's mosquitto drops to its own user
            self.process = subprocess.Popen([binary, "-c", str(self.config)], stdout=subprocess.DEVNULL,
                                            stderr=log)
        deadline = time.monotonic() + START_TIMEOUT
        while not (" running" in self.log_text()[seen:] and accepts(self.port)):
            if self.process.poll() is not None:
                self.process = None
                return False  # e.g. the port was taken
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"mosquitto did not accept connections on {self.address} within {START_TIMEOUT} s",
                            pytrace=False)
            time.sleep(0.02)
        return True

    def stop(self) -> None:
        process, self.process = self.process, None
        stop_process(process, timeout=5)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for_log(self, text: str, timeout: float = 5.0) -> bool:
        """Whether ``text`` shows up in the broker's log within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while text not in self.log_text():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True
