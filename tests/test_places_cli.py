"""`crisisnav places`: through CliRunner and as a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisisnav.cli import app
from crisisnav.render.jsonfmt import PLACE_KEYS, RESULT_KEYS

runner = CliRunner()


@pytest.fixture(scope="module")
def cache_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gazetteer cache, built once (in a subprocess) for this module's subprocess tests."""
    where = tmp_path_factory.mktemp("gaz")
    env = dict(os.environ, CRISISNAV_CACHE_DIR=str(where))
    subprocess.run(
        [sys.executable, "-c", "from crisisnav.gazetteer import load; load()"], env=env, check=True
    )
    return where


def run(
    args: list[str],
    cache: Path,
    files: Path,
    stdin: bytes | None = None,
    extra: list[str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    for f in files.iterdir():
        if not (cache / f.name).exists():
            shutil.copy(f, cache / f.name)
    env = dict(os.environ, CRISISNAV_CACHE_DIR=str(cache))
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, *(extra or []), "-m", "crisisnav", "places", *args],
        input=stdin, env=env, capture_output=True, timeout=60, check=False,
    )  # fmt: skip


def test_ok_plain() -> None:
    r = runner.invoke(app, ["places", "eugen or"])
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "status: ok" in out and "place: Eugene, Lane County, OR (city)" in out
    assert "time zone: America/Los_Angeles" in out and "ZIP codes: 7" in out


def test_ambiguous_exits_3_with_candidates() -> None:
    r = runner.invoke(app, ["places", "Springfield"])
    assert r.exit_code == 3
    assert "status: ambiguous" in r.stdout
    assert (
        "Springfield, Sangamon County, IL" in r.stdout
        and "Springfield, Lane County, OR" in r.stdout
    )


def test_not_found_exits_1() -> None:
    r = runner.invoke(app, ["places", "Paris, France"])
    assert r.exit_code == 1
    assert "status: not_found" in r.stdout and "outside the US" in r.stdout


def test_json_shape() -> None:
    r = runner.invoke(app, ["places", "Lane Co", "--format", "json"])
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert set(RESULT_KEYS) <= set(doc) and doc["resources"] == [] and doc["notices"] == []
    assert (
        doc["status"] == "ok"
        and doc["place"]["name"] == "Lane County"
        and doc["place"]["kind"] == "county"
    )
    assert tuple(doc["place"]) == PLACE_KEYS
    assert [c["state"] for c in doc["candidates"]] == ["KS"]
    amb = json.loads(runner.invoke(app, ["places", "Portland", "--format", "jsonl"]).stdout)
    assert amb["status"] == "ambiguous" and amb["place"] is None and len(amb["candidates"]) >= 2


@pytest.mark.parametrize(
    "args",
    [
        ["places", "x", "--format", "xml"],
        ["places"],
        ["places", "x", "--batch", "-"],
        ["places", "x", "--color", "pink"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    r = runner.invoke(app, args)
    assert r.exit_code == 2
    assert "crisisnav:" in r.stderr and "Traceback" not in r.output


def test_batch_jsonl_in_order_with_a_bad_line() -> None:
    data = (
        b"eugene or\n\xff\xfe not utf-8\nSpringfield\n\n97401\r\nParis, France\n"
        + b"x" * 5000
        + b"\n"
    )
    r = runner.invoke(app, ["places", "--batch", "-", "--format", "jsonl"], input=data)
    assert r.exit_code == 0, r.output
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    # the blank line is not a query (fileio.batch_queries): no result for it
    assert [d["status"] for d in lines] == [
        "ok",
        "not_found",
        "ambiguous",
        "ok",
        "not_found",
        "not_found",
    ]
    assert lines[0]["place"]["name"] == "Eugene" and lines[3]["place"]["zip"] == "97401"
    assert lines[1]["message"] == "line is not valid UTF-8"
    assert all(set(RESULT_KEYS) <= set(d) for d in lines)


def test_batch_file_plain_and_json(tmp_path: Path) -> None:
    f = tmp_path / "q.txt"
    f.write_text("eugene or\nLane Co\nasdfghjkl\n", encoding="utf-8")
    plain = runner.invoke(app, ["places", "--batch", str(f), "--format", "plain"])
    assert plain.exit_code == 0
    rows = [line.split("\t") for line in plain.stdout.splitlines()]
    assert [row[1] for row in rows] == ["ok", "ok", "not_found"]
    arr = runner.invoke(app, ["places", "--batch", str(f), "--format", "json"])
    assert [d["status"] for d in json.loads(arr.stdout)] == ["ok", "ok", "not_found"]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert (
        json.loads(runner.invoke(app, ["places", "--batch", str(empty), "--format", "json"]).stdout)
        == []
    )


def test_batch_missing_file_exits_4(tmp_path: Path) -> None:
    r = runner.invoke(app, ["places", "--batch", str(tmp_path / "nope.txt")])
    assert r.exit_code == 4 and "cannot read the batch file" in r.stderr


def test_rich_output_never_renders_query_markup() -> None:
    r = runner.invoke(app, ["places", "[red]Eugene[/red] [OR]", "--color", "always"])
    assert r.exit_code == 1  # "red eugene red or" is no place; the echo is what matters here
    assert "\x1b[" in r.stdout  # coloured
    assert "[red]Eugene[/red] [OR]" in r.stdout  # the query shown literally, markup not rendered
    ok = runner.invoke(app, ["places", "Eugene [OR]", "--color", "always"])
    assert ok.exit_code == 0 and "Eugene [OR]" in ok.stdout


def test_subprocess_json_and_exit_codes(_isolated_cache: Path, cache_files: Path) -> None:
    ok = run(["Española NM", "--format", "json"], _isolated_cache, cache_files)
    assert ok.returncode == 0, ok.stderr
    assert (
        json.loads(ok.stdout)["place"]["name"] == "Española"
    )  # its proper name (GeoNames), USPS writes Espanola
    assert run(["Kansas City"], _isolated_cache, cache_files).returncode == 3
    assert run(["00000"], _isolated_cache, cache_files).returncode == 1
    bad = run(["x", "--format", "nope"], _isolated_cache, cache_files)
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr


def test_subprocess_batch_stdin(_isolated_cache: Path, cache_files: Path) -> None:
    lines = b"".join(
        q + b"\n" for q in [b"NYC", b"pheonix", b"\xc3\x28", b"DULUTH MINNESOTA", b"London, UK"]
    )
    r = run(["--batch", "-"], _isolated_cache, cache_files, stdin=lines)
    assert r.returncode == 0, r.stderr
    docs = [json.loads(x) for x in r.stdout.decode("utf-8").splitlines()]
    assert [d["status"] for d in docs] == ["ok", "ok", "not_found", "ok", "not_found"]
    assert [d["place"]["state"] for d in docs if d["place"]] == ["NY", "AZ", "MN"]


def test_warm_piped_run_imports_nothing_heavy(_isolated_cache: Path, cache_files: Path) -> None:
    r = run(["eugene or"], _isolated_cache, cache_files, extra=["-X", "importtime"])
    assert r.returncode == 0
    imported = {
        line.split("|")[-1].strip() for line in r.stderr.decode().splitlines() if "|" in line
    }
    assert "crisisnav.resolve" in imported
    for heavy in ("zipcodes", "yaml", "rapidfuzz", "rich"):
        assert heavy not in imported, heavy
    assert b"status: ok" in r.stdout


def test_terminal_asks_which_one(_isolated_cache: Path, cache_files: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    for f in cache_files.iterdir():
        shutil.copy(f, _isolated_cache / f.name)
    env = dict(os.environ, CRISISNAV_CACHE_DIR=str(_isolated_cache), NO_COLOR="1", COLUMNS="120")
    child = pexpect.spawn(
        sys.executable, ["-m", "crisisnav", "places", "Kansas City"], env=env, timeout=60
    )
    child.expect(r"Pick 1-2, a state")
    child.sendline("2")
    child.expect("status: ok")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert b"Wyandotte County" in (child.before or b"")


def test_ambiguous_hint_names_the_query_and_a_real_candidate() -> None:
    r = runner.invoke(app, ["places", "Portland"])
    assert r.exit_code == 3
    assert 'Add a state to choose, e.g. "Portland, OR".' in r.stdout
    assert "Springfield" not in r.stdout


def test_ambiguous_says_how_many_candidates_are_not_shown() -> None:
    r = runner.invoke(app, ["places", "Springfield"])
    assert r.exit_code == 3
    assert "15 more not shown — type a state code" in r.stdout  # 27 Springfields, 12 shown


def test_a_very_long_query_is_echoed_shortened() -> None:
    r = runner.invoke(app, ["places", "x" * 5000])
    assert r.exit_code == 1
    assert "x" * 61 not in r.stdout and "…" in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) < 120
