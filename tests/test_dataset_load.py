"""dataset.load: finding the file, safe loading, errors with positions, and the content-keyed cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from crisisnav import cache, dataset, errors
from crisisnav.models import CONTACT_TYPES, DISPATCH_PATHS, KINDS, POLICE_LEVELS, SCOPES, Dataset

DATA = Path(__file__).parent / "data"
SMALL = DATA / "valid" / "small.yaml"


def test_packaged_files_exist() -> None:
    assert dataset.packaged_path().is_file()
    assert dataset.packaged_path().name == "resources.yaml"
    assert dataset.packaged_schema_path().is_file()


def test_shipped_dataset_loads() -> None:
    d = dataset.load()
    assert isinstance(d, Dataset) and d.schema_version == 1
    assert d.path == str(dataset.packaged_path())
    assert len({r.id for r in d.resources}) == len(d.resources) > 0


def test_fixture_loads_with_every_vocabulary_covered() -> None:
    d = dataset.load(SMALL)
    assert len(d.resources) == 12
    assert {r.kind for r in d.resources} == set(KINDS)
    assert {r.police for r in d.resources} == set(POLICE_LEVELS)
    assert {r.dispatch for r in d.resources} == set(DISPATCH_PATHS)
    assert {a.scope for r in d.resources for a in r.serves} == set(SCOPES)
    assert {c.type for r in d.resources for c in r.contacts} == set(CONTACT_TYPES)
    ended = next(r for r in d.resources if r.status == "ended")
    assert ended.status_since == date(2025, 4, 7)
    assert ended.serves[0].city == "Eugene" and not ended.is_option
    text = next(r for r in d.resources if r.id == "fixture-text-line")
    assert text.contacts[0].value == "741741" and text.contacts[0].keyword == "HOME"
    assert text.verified == date(2026, 10, 15)
    trans = next(r for r in d.resources if r.id == "fixture-trans-peer-line")
    assert trans.audiences == ("trans",) and trans.timezone == "America/Los_Angeles"
    assert trans.hours == ("mon-fri 10:00-18:00", "sat,sun 12:00-16:00")


def test_resource_line_is_the_line_of_its_entry() -> None:
    lines = SMALL.read_text(encoding="utf-8").splitlines()
    for r in dataset.load(SMALL).resources:
        assert lines[r.line - 1].strip() == f"- id: {r.id}"


def test_env_variable_then_packaged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRISISNAV_DATA", str(SMALL))
    assert dataset.load().path == str(SMALL)
    assert dataset.load(None).resources[0].id == "fixture-national-crisis-line"
    monkeypatch.delenv("CRISISNAV_DATA")
    assert dataset.load().path == str(dataset.packaged_path())


def _error(path: Path | str) -> errors.DataError:
    with pytest.raises(errors.DataError) as info:
        dataset.load(path)
    assert info.value.exit_code == errors.EXIT_DATA
    return info.value


def test_unreadable_files(tmp_path: Path) -> None:
    assert "no such file" in _error(tmp_path / "nope.yaml").message
    assert "directory" in _error(tmp_path).message
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    assert (
        _error(fifo).code == "not-a-file"
    )  # returns at once: never opens the FIFO for a blocking read
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:
        fh.truncate(20 * 1024 * 1024 + 1)
    err = _error(big)
    assert err.code == "too-large" and "20 MB" in err.message


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read any file")
def test_permission_denied(tmp_path: Path) -> None:
    p = tmp_path / "secret.yaml"
    p.write_text("schema_version: 1\n", encoding="utf-8")
    p.chmod(0)
    assert _error(p).code == "unreadable"


@pytest.mark.parametrize(
    ("name", "line", "col"),
    [
        ("not-utf8.yaml", 4, 14),
        ("nul-byte.yaml", 4, 11),
        ("yaml-syntax.yaml", 4, 15),
        ("not-mapping.yaml", 1, 1),
        ("enum.yaml", 5, 11),
        ("unknown-field.yaml", 13, 5),
        ("alias-bomb.yaml", 1, 1),
    ],
)
def test_bad_content_points_at_line_and_column(name: str, line: int, col: int) -> None:
    path = DATA / "invalid" / name
    err = _error(path)
    assert (err.path, err.line, err.col) == (str(path), line, col)
    assert err.hint == f"run: crisisnav validate {path}"
    assert err.location() == f"{path}:{line}:{col}"


def test_warnings_do_not_block_loading() -> None:
    d = dataset.load(DATA / "invalid" / "stale.yaml")
    assert d.resources[0].verified == date(2020, 1, 1)
    d = dataset.load(DATA / "invalid" / "crlf.yaml")
    assert d.resources[0].name == "Test Entry"


def test_python_tag_never_runs_through_the_loader(tmp_path: Path) -> None:
    marker = tmp_path / "pwned-loader"
    evil = tmp_path / "evil.yaml"
    evil.write_text(f'!!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    err = _error(evil)
    assert err.line == 1 and "tag" in err.message
    assert not marker.exists()


def test_cache_round_trip_equals_a_fresh_parse() -> None:
    first = dataset.load(SMALL)
    assert cache.read(
        dataset.CACHE_NAME, f"dataset:{dataset.CACHE_FORMAT}:{_version()}:{first.sha256}"
    )
    second = dataset.load(SMALL)
    fresh = dataset.load(SMALL, use_cache=False)
    assert first == second == fresh


def _version() -> str:
    from crisisnav import __version__

    return __version__


def test_changed_content_is_not_served_from_cache(tmp_path: Path) -> None:
    p = tmp_path / "data.yaml"
    text = SMALL.read_text(encoding="utf-8")
    p.write_text(text, encoding="utf-8")
    assert dataset.load(p).resources[0].name == "Fixture National Crisis Line"
    p.write_text(
        text.replace("name: Fixture National Crisis Line", "name: Renamed Line"), encoding="utf-8"
    )
    assert dataset.load(p).resources[0].name == "Renamed Line"


def test_corrupt_cache_is_a_miss(tmp_path: Path, _isolated_cache: Path) -> None:
    first = dataset.load(SMALL)
    key = f"dataset:{dataset.CACHE_FORMAT}:{_version()}:{first.sha256}"
    # well-formed cache entry with a payload that is not a dataset
    assert cache.write(dataset.CACHE_NAME, key, json.dumps({"resources": [{"id": 1}]}).encode())
    assert dataset.load(SMALL) == first
    # garbage bytes in the cache file
    (_isolated_cache / dataset.CACHE_NAME).write_bytes(b"\x00garbage")
    assert dataset.load(SMALL) == first


def test_unwritable_cache_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("CRISISNAV_CACHE_DIR", str(blocker / "sub"))
    assert len(dataset.load(SMALL).resources) == 12


def test_warm_load_does_not_import_yaml(tmp_path: Path) -> None:
    code = (
        "import sys; from crisisnav import dataset; d = dataset.load(sys.argv[1]); "
        "print(len(d.resources), 'yaml' in sys.modules, 'crisisnav.validate' in sys.modules)"
    )
    env = dict(os.environ, CRISISNAV_CACHE_DIR=str(tmp_path / "cache"))
    cold = subprocess.run([sys.executable, "-c", code, str(SMALL)], capture_output=True, text=True,
                          env=env, timeout=60)  # fmt: skip
    assert cold.stdout.split() == ["12", "True", "True"], cold.stderr
    warm = subprocess.run([sys.executable, "-c", code, str(SMALL)], capture_output=True, text=True,
                          env=env, timeout=60)  # fmt: skip
    assert warm.stdout.split() == ["12", "False", "False"], warm.stderr


def test_a_clock_behind_the_verified_dates_still_loads(tmp_path: Path) -> None:
    """validate calls a future `verified` date an error, but a PC whose clock is behind must still
    get answers: load() tolerates errors that depend on the machine, not on the data."""
    import datetime as dt

    from crisisnav import validate

    text = dataset.packaged_path().read_text(encoding="utf-8")
    future = tmp_path / "future.yaml"
    future.write_text(text.replace("verified: 2026-", "verified: 2999-", 1), encoding="utf-8")
    assert any(
        p.code == "date-future" for p in validate.validate_file(future, today=dt.date(2026, 11, 26))
    )
    loaded = dataset.load(future, use_cache=False)
    assert any(r.verified.year == 2999 for r in loaded.resources)


def test_structural_errors_still_refuse_a_load(tmp_path: Path) -> None:
    text = dataset.packaged_path().read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("police: possible", "police: sometimes", 1), encoding="utf-8")
    with pytest.raises(errors.DataError) as info:
        dataset.load(bad, use_cache=False)
    assert "enum" in info.value.message


def test_a_lookup_loads_only_what_can_serve_its_state() -> None:
    """load(states=...) on a cache hit keeps the entries that serve those states or the nation,
    in file order; a lookup ranks exactly the same options and notices from it."""
    from crisisnav import rank
    from crisisnav.resolve import resolve_many

    full = dataset.load()
    assert dataset.load() == full  # warm: the cache entry exists
    queries = ["Eugene, OR", "97401", "Harlem, NY", "Kansas City, MO", "Cook County, IL",
               "Anchorage", "Washington, DC", "San Juan, PR", "Cheyenne, WY", "Tampa"]  # fmt: skip
    for res in resolve_many(queries):
        assert res.status == "ok" and res.place is not None, res.query
        part = dataset.load(states=frozenset({res.place.state}))
        assert 0 < len(part.resources) < len(full.resources), res.query
        keep = [r for r in full.resources if any(a.national or a.state == res.place.state for a in r.serves)]  # fmt: skip
        assert list(part.resources) == keep, res.query
        at = date(2026, 11, 29).isoformat() + "T15:00:00+00:00"
        from datetime import datetime

        when = datetime.fromisoformat(at)
        assert rank.lookup(part, res, at=when) == rank.lookup(full, res, at=when), res.query


def test_the_state_subset_still_refuses_a_bad_entry_it_keeps(_isolated_cache: Path) -> None:
    first = dataset.load(SMALL)
    key = f"dataset:{dataset.CACHE_FORMAT}:{_version()}:{first.sha256}"
    payload = cache.read_json(dataset.CACHE_NAME, key)
    assert isinstance(payload, dict)
    doc = payload["document"]
    doc["resources"][0]["police"] = "zzz"  # a national entry: kept for every state
    doc["resources"][1]["serves"] = "not a list"  # no plain state: kept, then refused
    assert cache.write(dataset.CACHE_NAME, key, json.dumps(payload).encode())
    part = dataset.load(SMALL, states=frozenset({"OR"}))  # a miss: rebuilt from the file
    assert part == first and part.resources[0].police != "zzz"
    assert dataset._elsewhere({"serves": [{"state": "WA"}]}, frozenset({"OR"}))
    assert not dataset._elsewhere({"serves": [{"state": "WA"}, {"national": True}]}, frozenset({"OR"}))  # fmt: skip
    assert not dataset._elsewhere({"serves": [{"state": 5}]}, frozenset({"OR"}))
