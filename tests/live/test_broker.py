"""The broker fixture itself: a missing Mosquitto fails the test with the install command, never skips."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from . import _broker


def test_a_missing_mosquitto_fails_naming_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_broker.shutil, "which", lambda name: None)
    monkeypatch.setattr(_broker, "CANDIDATES", ("/nonexistent/mosquitto",))
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install mosquitto"):
        _broker.mosquitto_binary()


def test_a_stopped_broker_comes_back_on_the_same_port(new_broker: Callable[..., _broker.Mosquitto]) -> None:
    broker = new_broker()
    port = broker.port
    broker.stop()
    assert not _broker.accepts(port)
    broker.start()
    assert broker.port == port and _broker.accepts(port)


def test_a_port_taken_before_the_first_start_is_replaced(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        broker = _broker.Mosquitto(tmp_path, port=taken).start()
        try:
            assert broker.port != taken and _broker.accepts(broker.port)
        finally:
            broker.stop()
