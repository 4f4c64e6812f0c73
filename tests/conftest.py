"""Shared test setup. Every test runs with its own cache directory, so no test sees another's cache
or the developer's real one, and nothing is written under the real HOME."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("CRISISNAV_CACHE_DIR", str(cache))
    monkeypatch.delenv("CRISISNAV_DATA", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield cache
