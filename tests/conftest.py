"""Shared test setup. Every test runs with its own cache directory, so no test sees another's cache
or the developer's real one, and nothing is written under the real HOME.

Fixtures used by several test modules live here (pytest finds them without an import):
`warm_cache` (a cache directory with the gazetteer index built once per session, for
subprocess tests that are not about the cache).

Markers: `slow` marks the hardening tests that start many processes or build big inputs. The
default run (`python -m pytest`, what CI runs) runs everything; `python -m pytest -m "not slow"`
leaves them out while iterating."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("CRISISNAV_CACHE_DIR", str(cache))
    monkeypatch.delenv("CRISISNAV_DATA", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("CRISISNAV_LANG", raising=False)
    yield cache
    from crisisnav import i18n

    i18n.use("en")  # a command run with --lang es in this process leaves no Spanish behind


@pytest.fixture(scope="session")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache directory already holding the gazetteer index, shared by subprocess tests that are
    not about the cache (a cold build costs seconds per process)."""
    from test_hardening_support import child_env

    d = tmp_path_factory.mktemp("warm-cache")
    proc = subprocess.run(
        [sys.executable, "-m", "crisisnav", "lookup", "97401", "--format", "json"],
        capture_output=True,
        timeout=120,
        env=child_env({"CRISISNAV_CACHE_DIR": str(d)}),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return d
