"""The registry fixture fails (never skips) when Debian's docker-registry is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy import _registry


def test_a_missing_registry_binary_fails_with_the_install_command(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    monkeypatch.setattr(_registry, "BINARY", "docker-registry-not-installed")
    with pytest.raises(pytest.fail.Exception) as caught:
        _registry.start_registry(tmp_path)
    assert "apt-get install -y docker-registry" in str(caught.value)
