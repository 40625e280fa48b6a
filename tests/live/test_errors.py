"""Clear errors when the broker cannot be reached, is not a broker, or refuses us."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import pytest

from workbench.live import LiveError, mqtt_messages, mqtt_publisher, tap

from ._broker import Mosquitto, free_port


@pytest.mark.parametrize("make", [mqtt_messages, mqtt_publisher, tap])
def test_an_unreachable_broker_fails_at_once_naming_host_and_port(make: Callable[..., object]) -> None:
    port = free_port()  # nothing listens there
    started = time.monotonic()
    with pytest.raises(LiveError, match=rf"cannot reach the MQTT broker at 127\.0\.0\.1:{port}: .*refused"):
        make(f"127.0.0.1:{port}")
    assert time.monotonic() - started < 5


def test_a_server_that_does_not_speak_mqtt_times_out_naming_it() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(LiveError, match=rf"the MQTT broker at 127\.0\.0\.1:{port} did not accept the "
                                            r"connection within 0\.5 s"):
            mqtt_messages(f"127.0.0.1:{port}", connect_timeout=0.5)
        assert time.monotonic() - started < 5


@pytest.mark.parametrize("make", [mqtt_messages, mqtt_publisher])
def test_a_refused_login_is_an_error_naming_the_user(new_broker: Callable[..., Mosquitto],
                                                     make: Callable[..., object]) -> None:
    broker = new_broker(anonymous=False)
    with pytest.raises(LiveError, match=rf"the MQTT broker at {broker.address} refused the connection: "
                                        r"Not authorized \(username 'alice': check the username and password\)"):
        make(broker.address, username="alice", password="wrong")


def test_anonymous_login_refused_too(new_broker: Callable[..., Mosquitto]) -> None:
    broker = new_broker(anonymous=False)
    with pytest.raises(LiveError, match=rf"{broker.address} refused the connection: Not authorized"):
        mqtt_messages(broker.address)

