"""The places index shipped in the package: current, identical to a fresh build, and read in
place (no cache entry) whenever it fits what is installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from crisisnav import gazetteer_store as gazetteer


def test_shipped_index_matches_the_installed_sources() -> None:
    shipped = gazetteer.read_shipped_index()
    assert shipped is not None, (
        "src/crisisnav/data/gazetteer-index.bin is missing or was built from other sources: "
        "run python scripts/build_gazetteer_index.py"
    )


def test_shipped_index_equals_a_fresh_build() -> None:
    shipped = gazetteer.read_shipped_index()
    assert shipped is not None
    from crisisnav.gazetteer_build import build

    core, complete = build("")
    core.pop("source_key", None)
    shipped_core = {k: v for k, v in shipped[0].items() if k != "source_key"}
    assert shipped_core == core
    assert shipped[1] == complete


def test_a_stale_shipped_index_is_not_used(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(gazetteer, "shipped_key", lambda: "format=0|something else")
        assert gazetteer.read_shipped_index() is None
        mp.undo()
        whole = gazetteer.SHIPPED_INDEX.read_bytes()
        corrupt = tmp_path / "index.bin"
        mp.setattr(gazetteer, "SHIPPED_INDEX", corrupt)
        for blob in (
            b"\x78\x9cnot zlib at all",  # the old compressed format
            whole[:100],  # cut inside part 1
            whole[: len(whole) - 1000],  # cut inside part 2
            whole[:20] + b"\xff" * 200,  # not marshal
        ):
            corrupt.write_bytes(blob)
            assert gazetteer.read_shipped_index() is None
        corrupt.write_bytes(whole[: len(whole) - 1000])
        assert gazetteer.read_shipped_core() is not None  # part 1 whole: lookups still use it
    finally:
        mp.undo()


def test_cold_cache_uses_the_shipped_index_without_zipcodes(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from crisisnav import gazetteer, resolve\n"
        "r = resolve.resolve('eugene or')\n"
        "assert r.status == 'ok' and r.place.name == 'Eugene' and r.place.state == 'OR', r\n"
        "assert gazetteer.load().zip_place('97401').city == 'Eugene'\n"
        "print('zipcodes' in sys.modules)\n"
    )
    env = {"CRISISNAV_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
    # package data, read in place: nothing is copied into the cache directory
    assert not (tmp_path / "cache").exists()


def test_zipcodes_release_is_read_without_parsing_metadata() -> None:
    from importlib import metadata

    assert gazetteer._zipcodes_release() == metadata.version("zipcodes")


def test_one_key_check_serves_both_parts(monkeypatch: object) -> None:
    """Part 2 (ZIP table, completion list) is checked against the key part 1 matched, so a ZIP
    lookup does not hash places.tsv and the building code a second time."""
    import pytest

    from crisisnav import gazetteer as gaz_module

    mp = pytest.MonkeyPatch()
    calls = []
    real = gazetteer.shipped_key
    try:
        mp.setattr(gazetteer, "shipped_key", lambda: calls.append(1) or real())
        gaz_module.reset()
        g = gaz_module.load()
        assert g.zip_place("97401") is not None and g.complete("eugene")
        assert len(calls) == 1
    finally:
        mp.undo()
        gaz_module.reset()
