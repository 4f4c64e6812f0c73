"""`crisisnav lookup` through CliRunner and as a real subprocess: exit codes, the JSON
contract, filters, batch mode, colour and piping."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisisnav.cli import app
from crisisnav.render.jsonfmt import PLACE_KEYS, RESOURCE_KEYS, RESULT_KEYS
from test_lookup_support import AT, SMALL

BASE = ["--data", str(SMALL), "--at", AT]


def invoke(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), input=input, env=env, prog_name="crisisnav")


def lookup_json(query: str, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    r = invoke("lookup", query, *BASE, "--format", "json", *extra)
    return r.exit_code, json.loads(r.stdout)


# ---------------------------------------------------------------- exit codes and JSON shape


def test_ok_json_has_every_contract_key() -> None:
    code, data = lookup_json("Eugene, OR")
    assert code == 0
    assert set(RESULT_KEYS) <= set(data) and data["schema_version"] == 1
    assert data["status"] == "ok" and data["query"] == "Eugene, OR"
    assert set(PLACE_KEYS) <= set(data["place"])
    assert data["place"]["state"] == "OR" and data["place"]["kind"] == "city"
    assert data["resources"]
    for r in data["resources"]:
        assert set(RESOURCE_KEYS) <= set(r)
        assert r["open_now"] in (True, False, None)
        assert r["verified"] and r["sources"] and r["why"]
        assert r["status"] not in ("ended", "suspended")
    assert [r["rank"] for r in data["resources"]] == list(range(1, len(data["resources"]) + 1))
    ended = [n for n in data["notices"] if n["kind"] == "ended"]
    assert ended and ended[0]["resource_id"] == "fixture-eugene-community-responder"


def test_ambiguous_not_interactive_prints_candidates_and_exits_3() -> None:
    code, data = lookup_json("Springfield")
    assert code == 3
    assert data["status"] == "ambiguous" and data["place"] is None and data["resources"] == []
    assert len(data["candidates"]) >= 2
    r = invoke("lookup", "Springfield", *BASE)
    assert r.exit_code == 3
    assert "Springfield, Lane County, OR" in r.stdout and "1. " in r.stdout


def test_not_found_exits_1_and_says_so() -> None:
    code, data = lookup_json("qxzv blorptown")
    assert code == 1 and data["status"] == "not_found" and data["resources"] == []
    r = invoke("lookup", "qxzv blorptown", *BASE)
    assert r.exit_code == 1 and 'No US place found for "qxzv blorptown"' in r.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["lookup", "Eugene, OR", "--format", "yaml"],
        ["lookup", "Eugene, OR", "--at", "next tuesday"],
        ["lookup", "Eugene, OR", "--for", "trans people"],
        ["lookup", "Eugene, OR", "--contact", "pigeon"],
        ["lookup", "Eugene, OR", "--color", "sometimes"],
        ["lookup", "Eugene, OR", "--limit", "-1"],
        ["lookup", "Eugene, OR", "--batch", "-"],
        ["lookup"],
    ],
)
def test_usage_errors_exit_2_without_traceback(args: list[str]) -> None:
    r = invoke(*args, "--data", str(SMALL))
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output


def test_unloadable_dataset_exits_4(tmp_path: Path) -> None:
    r = invoke("lookup", "Eugene, OR", "--data", str(tmp_path / "missing.yaml"))
    assert r.exit_code == 4 and "Traceback" not in r.output


# ---------------------------------------------------------------- options


def test_filters_change_what_is_listed() -> None:
    _, full = lookup_json("Eugene, OR")
    kinds = {r["kind"] for r in full["resources"]}
    assert {"co-responder", "police-cit"} <= kinds
    _, no911 = lookup_json("Eugene, OR", "--no-911")
    assert all(r["dispatch"] != "via-911" for r in no911["resources"])
    assert len(no911["resources"]) < len(full["resources"])
    _, texting = lookup_json("Eugene, OR", "--contact", "text")
    assert [r["id"] for r in texting["resources"]] == ["fixture-text-line"]
    _, spanish = lookup_json("Eugene, OR", "--language", "es")
    assert {r["id"] for r in spanish["resources"]} == {
        "fixture-national-crisis-line",
        "fixture-eugene-walk-in",
    }
    _, opened = lookup_json("Eugene, OR", "--open-now")
    assert opened["resources"] and all(r["open_now"] is not False for r in opened["resources"])
    _, two = lookup_json("Eugene, OR", "--limit", "2")
    assert [r["id"] for r in two["resources"]] == [r["id"] for r in full["resources"][:2]]


def test_for_moves_audience_entries_into_their_own_first_section() -> None:
    _, data = lookup_json("Eugene, OR", "--for", "trans")
    assert data["resources"][0]["id"] == "fixture-trans-peer-line"
    assert data["resources"][0]["section"] == "trans"
    assert "fixture-trans-peer-line" not in [
        r["id"] for r in data["resources"] if r["section"] == "communities"
    ]


def test_at_changes_open_now() -> None:
    _, night = lookup_json("Eugene, OR")
    _, afternoon = lookup_json("Eugene, OR", "--at", "2026-12-01 15:00")
    team = "fixture-lane-mobile-team"
    assert next(r for r in night["resources"] if r["id"] == team)["open_now"] is False
    assert next(r for r in afternoon["resources"] if r["id"] == team)["open_now"] is True


def test_explain_prints_reasons() -> None:
    plain = invoke("lookup", "Eugene, OR", *BASE).stdout
    explained = invoke("lookup", "Eugene, OR", *BASE, "--explain").stdout
    assert "why:" not in plain
    assert "why: police possible" in explained and "why: scope county" in explained


def test_color_always_and_never() -> None:
    always = invoke("lookup", "Eugene, OR", *BASE, "--color", "always").stdout
    assert "\x1b[" in always
    never = invoke("lookup", "Eugene, OR", *BASE, "--color", "never").stdout
    assert "\x1b" not in never


# ---------------------------------------------------------------- batch


BATCH_LINES = (
    b"Eugene, OR\n\nSpringfield\n\xff\xfebad\n97401\r\nqxzv blorptown\n" + b"x" * 400 + b"\n"
)


def _statuses(out: str) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in out.splitlines()]
    for row in rows:
        assert set(RESULT_KEYS) <= set(row)
    return [(row["query"], row["status"]) for row in rows]


def test_batch_from_stdin_one_result_per_line_in_order() -> None:
    r = invoke("lookup", "--batch", "-", "--data", str(SMALL), "--at", AT, input=BATCH_LINES)
    assert r.exit_code == 0, r.output
    got = _statuses(r.stdout)
    # the blank line is not a query (fileio.batch_queries): no result for it
    assert [s for _, s in got] == ["ok", "ambiguous", "not_found", "ok", "not_found", "not_found"]
    assert got[0][0] == "Eugene, OR" and got[3][0] == "97401"
    assert "\ufffd" in got[2][0]


def test_batch_from_file_and_formats(tmp_path: Path) -> None:
    f = tmp_path / "places.txt"
    f.write_bytes(b"\xef\xbb\xbfEugene, OR\nDenver\n")
    r = invoke("lookup", "--batch", str(f), *BASE)
    assert r.exit_code == 0
    assert [q for q, _ in _statuses(r.stdout)] == ["Eugene, OR", "Denver"]
    as_json = invoke("lookup", "--batch", str(f), *BASE, "--format", "json")
    assert [x["query"] for x in json.loads(as_json.stdout)] == ["Eugene, OR", "Denver"]
    as_csv = invoke("lookup", "--batch", str(f), *BASE, "--format", "csv").stdout.splitlines()
    assert (
        as_csv[0].startswith("query,result,")
        and sum(1 for x in as_csv if x.startswith("query,")) == 1
    )


def test_batch_missing_file_exits_4(tmp_path: Path) -> None:
    r = invoke("lookup", "--batch", str(tmp_path / "nope.txt"), *BASE)
    assert r.exit_code == 4 and "Traceback" not in r.output


# ---------------------------------------------------------------- real subprocess


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One cache directory for this module's subprocesses, warmed once (gazetteer + dataset),
    so each real run measures the warm path instead of rebuilding the index."""
    cache = str(tmp_path_factory.mktemp("lookup-cli-cache"))
    env = dict(os.environ, CRISISNAV_CACHE_DIR=cache)
    subprocess.run([sys.executable, "-m", "crisisnav", "lookup", "Eugene, OR", *BASE],
                   env=env, capture_output=True, timeout=300, check=False)  # fmt: skip
    return cache


@pytest.fixture(autouse=True)
def _use_warm_cache(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "subprocess" in request.node.name:
        monkeypatch.setenv("CRISISNAV_CACHE_DIR", request.getfixturevalue("warm_cache"))


def run_cli(
    *args: str, input: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "crisisnav", *args],
        input=input,
        capture_output=True,
        env=full_env,
        timeout=120,
    )


def test_subprocess_piped_output_is_plain() -> None:
    p = run_cli("lookup", "Eugene, OR", *BASE)
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode("utf-8")
    assert out.startswith("Eugene, Lane County, OR · hours as of ")
    assert "\x1b" not in out
    assert not any(0x2500 <= ord(ch) <= 0x257F for ch in out)  # no box drawing
    assert p.stderr == b"", p.stderr


def test_subprocess_exit_codes_and_json() -> None:
    assert run_cli("lookup", "Springfield", *BASE).returncode == 3
    assert run_cli("lookup", "qxzv blorptown", *BASE).returncode == 1
    p = run_cli("lookup", "97401", *BASE, "--format", "jsonl")
    assert p.returncode == 0
    (line,) = p.stdout.decode().splitlines()
    assert json.loads(line)["place"]["zip"] == "97401"


def test_subprocess_batch_stdin() -> None:
    p = run_cli("lookup", "--batch", "-", *BASE, input=BATCH_LINES)
    assert p.returncode == 0, p.stderr
    assert len(p.stdout.decode().splitlines()) == 6  # 7 lines, one blank


def test_subprocess_closed_pipe_is_quiet() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "crisisnav", "lookup", "--batch", "-", *BASE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(b"Eugene, OR\n" * 300)
    proc.stdin.close()
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=120)
    assert b"Traceback" not in err
    assert proc.returncode in (0, 1, 120, -13)


def test_not_found_suggests_closest_names() -> None:
    code, data = lookup_json("Eugxxx, OR")
    assert code == 1 and data["status"] == "not_found"
    assert [(c["name"], c["state"]) for c in data["candidates"]] == [("Eugene", "OR")]
    assert data["candidates"][0]["score"] < 100
    r = invoke("lookup", "Eugxxx, OR", *BASE)
    assert "Closest names: Eugene, Lane County, OR" in r.stdout
    code, abroad = lookup_json("Paris, France")
    assert code == 1 and abroad["candidates"] == []
    code, nothing = lookup_json("qxzv blorptown")
    assert nothing["candidates"] == []


def test_batch_results_equal_single_lookups() -> None:
    """Batch shares one ranking per place; each line must still equal its own single lookup."""
    queries = ["Eugene, OR", "eugene oregon", "Eugene, OR", "97401", "Denver"]
    r = invoke("lookup", "--batch", "-", *BASE, input="\n".join(queries) + "\n")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["query"] for row in rows] == queries
    for q, row, line in zip(queries, rows, r.stdout.splitlines(), strict=True):
        _, single = lookup_json(q)
        assert row == single
        text = invoke("lookup", q, *BASE, "--format", "jsonl").stdout
        assert line + "\n" == text  # byte for byte, though batch reuses serialised parts


def test_batch_over_long_line_is_skipped_in_chunks() -> None:
    from crisisnav.fileio import LINE_LIMIT, bounded_lines

    data = b"x" * (3 * LINE_LIMIT + 17) + b"\nEugene, OR\n" + b"y" * LINE_LIMIT + b"\n97401"
    lines = list(bounded_lines(io.BytesIO(data)))
    assert [len(x) for x in lines] == [LINE_LIMIT, len(b"Eugene, OR\n"), LINE_LIMIT, 5]
    r = invoke("lookup", "--batch", "-", *BASE, input=data)
    assert r.exit_code == 0
    got = _statuses(r.stdout)
    assert [s for _, s in got] == ["not_found", "ok", "not_found", "ok"]
    assert got[0][0] == "x" * 300
