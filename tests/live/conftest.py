"""Brokers for the live tests: one Mosquitto per session, and fresh ones for tests that stop theirs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ._broker import Mosquitto


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mosquitto]:
    """A broker shared by the session's tests (each test uses topics of its own)."""
    mosquitto = Mosquitto(tmp_path_factory.mktemp("mosquitto")).start()
    yield mosquitto
    mosquitto.stop()


@pytest.fixture
def new_broker(tmp_path: Path) -> Iterator[Callable[..., Mosquitto]]:
    """``new_broker(anonymous=...)`` → a started broker of this test's own, stopped after it."""
    started: list[Mosquitto] = []

    def start(**options: bool) -> Mosquitto:
        folder = tmp_path / f"mosquitto-{len(started)}"
        folder.mkdir()
        started.append(Mosquitto(folder, **options).start())
        return started[-1]

    yield start
    for mosquitto in started:
        mosquitto.stop()


@pytest.fixture
def topic(request: pytest.FixtureRequest) -> str:
    """A topic prefix unique to the test, so tests sharing the session broker do not see each other."""
    return f"test/{request.node.name.replace('[', '-').replace(']', '').replace('/', '-')}"
