"""gazetteer.py: what the index holds, its interface, and its on-disk cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crisisnav import gazetteer, gazetteer_build, gazetteer_index, gazetteer_store
from crisisnav.gazetteer import Gazetteer, load


@pytest.fixture(scope="module")
def gaz(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    # module fixtures run before conftest's per-test cache dir is set: never touch the real HOME
    mp = pytest.MonkeyPatch()
    mp.setenv("CRISISNAV_CACHE_DIR", str(tmp_path_factory.mktemp("gazmod")))
    try:
        return load()
    finally:
        mp.undo()


def test_states(gaz: Gazetteer) -> None:
    codes = gaz.state_codes()
    assert len(codes) == 51 and "DC" in codes and "PR" not in codes
    assert set(gaz.state_codes(territories=True)) - set(codes) == {"PR", "VI", "GU", "AS", "MP"}
    assert gaz.state_name("or") == "Oregon" and gaz.state_name("ZZ") is None
    for code in codes:
        assert gaz.state_place(code) is not None


def test_county_spellings(gaz: Gazetteer) -> None:
    for state, county in [
        ("OR", "Lane County"), ("LA", "Orleans Parish"), ("MD", "Baltimore city"), ("MD", "Baltimore County"),
        ("MO", "St. Louis city"), ("MO", "St. Louis County"), ("AK", "Kenai Peninsula Borough"),
        ("AK", "Bethel Census Area"), ("AK", "Anchorage Municipality"), ("AK", "Juneau City and Borough"),
        ("VA", "Richmond city"), ("VA", "Fairfax city"), ("VA", "James City"), ("NV", "Carson City"),
        ("DC", "District of Columbia"), ("PR", "San Juan Municipio"),
    ]:  # fmt: skip
        assert gaz.has_county(state, county), (state, county)
    # the package's variant spellings are merged into one
    for state, variant in [("MD", "Baltimore City"), ("AK", "Municipality of Anchorage"), ("PR", "San Juan"),
                           ("AK", "City and Borough of Juneau")]:  # fmt: skip
        assert not gaz.has_county(state, variant)
    assert not gaz.has_county("OR", "Lane")  # exact spelling only
    assert gaz.canonical_county("OR", "lane co") == "Lane County"
    assert gaz.canonical_county("MD", "Baltimore City") == "Baltimore city"


def test_cities_keep_every_county_and_alternate_names(gaz: Gazetteer) -> None:
    assert set(gaz.city_counties("MO", "Kansas City")) >= {
        "Jackson County",
        "Clay County",
        "Platte County",
    }
    assert gaz.has_city("OR", "Milwaukie")  # an acceptable name of Portland ZIPs
    assert gaz.city_counties("OR", "Milwaukie")[0] == "Clackamas County"
    # its proper name (GeoNames) and its USPS spelling, as dataset areas may use either
    assert gaz.has_city("MO", "St. Louis") and gaz.has_city("MO", "Saint Louis")
    assert not gaz.has_city("MO", "St Louis Park")
    assert gaz.city_counties("ZZ", "Nowhere") == ()


def test_suggestions(gaz: Gazetteer) -> None:
    assert gaz.suggest_county("OR", "Lane Cnty") == "Lane County"
    assert gaz.suggest_county("OR", "Multnomah Couny") == "Multnomah County"
    assert gaz.suggest_county("MD", "baltimore city") == "Baltimore city"
    assert gaz.suggest_city("OR", "Eugen") == "Eugene"
    assert gaz.suggest_city("MO", "St. Louis") == "St. Louis"
    assert gaz.suggest_city("MO", "Saint Lois") == "St. Louis"
    assert gaz.suggest_city("OR", "Qqqqqqqqqq") is None


def test_top_cities_by_population(gaz: Gazetteer) -> None:
    top = gaz.top_cities(10)
    assert len(top) == 10 and all(p.kind == "city" for p in top)
    assert [p.name for p in top[:4]] == ["New York", "Los Angeles", "Chicago", "Houston"]
    assert all(a.population >= b.population for a, b in zip(top, top[1:], strict=False))
    assert gaz.top_cities(0) == []
    hundred = gaz.top_cities(150)
    labels = {f"{p.name}, {p.state}" for p in hundred}
    assert len(labels) == 150
    # boroughs and neighborhoods are counted in their city, not ranked beside it
    assert not labels & {"Brooklyn, NY", "Queens, NY", "Harlem, NY"}
    # USPS abbreviations, PO-box-only names and territories are not cities to rank
    assert not labels & {
        "Slc, UT",
        "Phila, PA",
        "Colo Spgs, CO",
        "Parcel Return Service, DC",
        "Prs, DC",
    }
    assert all(p.state != "PR" for p in hundred)
    assert {
        "Salt Lake City, UT",
        "Philadelphia, PA",
        "Colorado Springs, CO",
        "Washington, DC",
    } <= labels


def test_complete(gaz: Gazetteer) -> None:
    got = gaz.complete("eug")
    assert "Eugene, OR" in got and "Eugene, MO" in got
    assert "Lane County, OR" in gaz.complete("Lane C")
    assert gaz.complete("Ore")[0:1] and "Oregon" in gaz.complete("Ore", limit=50)
    assert len(gaz.complete("s", limit=7)) == 7
    assert gaz.complete("") == [] and gaz.complete("zzzzqqq") == []


def test_zip_places(gaz: Gazetteer) -> None:
    p = gaz.zip_place("21204")
    assert p is not None and (p.city, p.county, p.state) == ("Towson", "Baltimore County", "MD")
    assert gaz.zip_place("00000") is None and gaz.zip_place("99999") is None
    codes = gaz.zip_codes()
    assert len(codes) > 40_000 and codes == sorted(codes)


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CRISISNAV_CACHE_DIR"] = str(cache)
    return env


@pytest.fixture(scope="module")
def prebuilt(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, tuple[dict[str, Any], tuple[str, str]]]:
    """One real build for this module: the cache files and the built (core, completion)."""
    where = tmp_path_factory.mktemp("gazcache")
    old = os.environ.get("CRISISNAV_CACHE_DIR")
    os.environ["CRISISNAV_CACHE_DIR"] = str(where)
    try:
        built = gazetteer_store._build_and_store(gazetteer_store.source_key())
    finally:
        if old is None:
            del os.environ["CRISISNAV_CACHE_DIR"]
        else:
            os.environ["CRISISNAV_CACHE_DIR"] = old
    return where, built


_PROBE = (
    "import sys\n"
    "from crisisnav import gazetteer\n"
    "g = gazetteer.load()\n"
    "print(g.zip_place('97401').city, 'zipcodes' in sys.modules, 'yaml' in sys.modules, 'rapidfuzz' in sys.modules)\n"
)


_NO_SHIPPED = (
    "from crisisnav import gazetteer_store as _g\n_g._read_shipped_part = lambda second: None\n"
)


def test_first_run_builds_then_warm_runs_import_nothing_heavy(_isolated_cache: Path) -> None:
    """Without a usable shipped index the first run builds from zipcodes; later runs do not."""
    cmd = [sys.executable, "-c", _NO_SHIPPED + _PROBE]
    first = subprocess.run(
        cmd, env=_env(_isolated_cache), capture_output=True, text=True, check=True
    )
    assert first.stdout.split() == ["Eugene", "True", "True", "False"]  # built from the package
    files = sorted(p.name for p in _isolated_cache.iterdir())
    assert files == [
        "gazetteer-complete.pack",
        "gazetteer-core.pack",
        "gazetteer-zips.pack",
        "secret",
    ]
    warm = subprocess.run(
        cmd, env=_env(_isolated_cache), capture_output=True, text=True, check=True
    )
    assert warm.stdout.split() == ["Eugene", "False", "False", "False"]  # warm: no heavy import


@pytest.mark.parametrize(
    "victim", ["gazetteer-core.pack", "gazetteer-zips.pack", "gazetteer-complete.pack"]
)
def test_corrupt_or_truncated_cache_is_rebuilt(
    victim: str, prebuilt: tuple[Path, Any], _isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where, built = prebuilt
    for f in where.iterdir():
        shutil.copy(f, _isolated_cache / f.name)
    blob = (_isolated_cache / victim).read_bytes()
    (_isolated_cache / victim).write_bytes(blob[: len(blob) // 2])
    calls: list[str] = []

    def spy(key: str = "") -> Any:
        calls.append(key)
        return built

    monkeypatch.setattr(gazetteer_build, "build", spy)
    monkeypatch.setattr(
        gazetteer_store, "_read_shipped_part", lambda second: None
    )  # test the build fallback
    monkeypatch.setattr(gazetteer, "_LOADED", None)  # restored after the test
    g = gazetteer.load()
    assert g.zip_place("97401") is not None and g.complete("eugene")
    assert len(calls) == 1  # rebuilt once, whichever entry was damaged
    assert (_isolated_cache / victim).read_bytes() == blob  # and stored again


def test_stale_key_is_a_miss(
    prebuilt: tuple[Path, Any], _isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where, built = prebuilt
    for f in where.iterdir():
        shutil.copy(f, _isolated_cache / f.name)
    calls: list[str] = []
    monkeypatch.setattr(gazetteer_build, "build", lambda key="": calls.append(key) or built)
    monkeypatch.setattr(gazetteer, "_LOADED", None)
    monkeypatch.setattr(gazetteer_store, "FORMAT", gazetteer.FORMAT + 1000)  # as after an upgrade
    gazetteer.load()
    assert len(calls) == 1


def test_cache_key_follows_aliases_and_format(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key = gazetteer.source_key()
    assert f"format={gazetteer.FORMAT}" in key and "zipcodes" in key
    other = tmp_path / "aliases.yaml"
    other.write_text(
        "aliases:\n  eug: Eugene, OR\n  twin: [Eugene, OR, Springfield, OR]\n", encoding="utf-8"
    )
    monkeypatch.setattr(gazetteer_index, "ALIASES_PATH", other)
    assert gazetteer.source_key() != key
    assert gazetteer_build._load_aliases() == {
        "eug": ["Eugene, OR"],
        "twin": ["Eugene", "OR", "Springfield", "OR"],
    }


def test_unwritable_cache_still_works(
    prebuilt: tuple[Path, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, built = prebuilt
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("CRISISNAV_CACHE_DIR", str(blocker / "sub"))  # cannot be created
    monkeypatch.setattr(gazetteer_build, "build", lambda key="": built)
    monkeypatch.setattr(gazetteer, "_LOADED", None)
    from crisisnav.resolve import resolve

    assert resolve("eugene or").status == "ok"


def test_every_alias_resolves_to_a_real_place() -> None:
    import yaml

    from crisisnav.normalize import normalize

    doc = yaml.safe_load(gazetteer.ALIASES_PATH.read_text(encoding="utf-8"))
    g = load()
    assert len(doc["aliases"]) >= 10
    for alias in doc["aliases"]:
        assert g.aliases.get(normalize(str(alias))), alias


def test_table_lookup_by_scan_equals_lookup_by_bisect(gaz: Gazetteer) -> None:
    """A one-off lookup scans the joined keys; later ones bisect the split list: same answers,
    for the first, last and every 97th key, prefixes and extensions of keys, and non-keys."""
    from crisisnav.gazetteer_index import _Table

    for table in (gaz.city_keys, gaz.county_full, gaz.compact_keys, gaz.aliases, gaz.usps_names):
        keys = table.keys()
        probes = [keys[0], keys[-1], *keys[::97], "", "zzzz", "\x1f", "a\x1fb"]
        probes += [k[:-1] for k in keys[::389]] + [k + "x" for k in keys[::389]]
        fresh = _Table((table._joined, table._starts_b, table._ids_b))
        for key in probes:
            fresh._scans = 0  # always the scanning path
            assert fresh.get(key) == table.get(key), key
        assert fresh._keys is None  # the scans never split the keys
    single = _Table(_Table.encode({"only": [7]}))
    assert single.get("only") == (7,) and single.get("onl") == () and single.get("only ") == ()
