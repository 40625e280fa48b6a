"""pytest runs the tutorials with nbval (``--nbval-lax``, see pyproject.toml).

Their cells build and run real components (minutes on a cold build cache), so they carry the
``slow`` mark: ``python -m pytest -m "not slow"`` stays a quick unit-test run.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
