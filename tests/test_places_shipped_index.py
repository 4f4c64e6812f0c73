"""The places index shipped in the package: current, identical to a fresh build, and used cold."""

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
        corrupt = tmp_path / "index.bin"
        corrupt.write_bytes(b"\x78\x9cnot zlib at all")
        mp.setattr(gazetteer, "SHIPPED_INDEX", corrupt)
        assert gazetteer.read_shipped_index() is None
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
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [
        "gazetteer-complete.pack",
        "gazetteer-core.pack",
        "gazetteer-zips.pack",
        "secret",
    ]
