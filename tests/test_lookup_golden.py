"""Golden files lock every output format of `crisisnav lookup` over the fixture dataset.

To regenerate after an intended change, run

    CRISISNAV_UPDATE_GOLDEN=1 pytest tests/test_lookup_golden.py

and review the diff of tests/golden/ before committing it.

The queries: a city with a state, a bare city that dominates (Denver), an ambiguous name
(Springfield), a ZIP code, a county, a state and gibberish. The hours are evaluated at a
fixed local time (--at) so the files do not depend on the clock.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisisnav.cli import app
from crisisnav.render.formats import LOOKUP
from test_lookup_support import AT, GOLDEN, SMALL

UPDATE = os.environ.get("CRISISNAV_UPDATE_GOLDEN") == "1"

QUERIES = {
    "eugene": "Eugene, OR",
    "denver": "Denver",
    "springfield": "Springfield",
    "zip97401": "97401",
    "lane": "Lane County, OR",
    "oregon": "Oregon",
    "gibberish": "qxzv blorptown",
}
EXIT = {"springfield": 3, "gibberish": 1}
FORMATS = {fmt: LOOKUP.extension(fmt) for fmt in LOOKUP.concrete()}  # from the registry


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        return
    assert path.exists(), f"missing golden file {path}: run with CRISISNAV_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def run(query: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["lookup", query, "--data", str(SMALL), "--at", AT, *extra], prog_name="crisisnav"
    )
    return result.exit_code, result.stdout


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("key", sorted(QUERIES))
def test_format_matches_golden(key: str, fmt: str) -> None:
    code, out = run(QUERIES[key], "--format", fmt)
    assert code == EXIT.get(key, 0), out
    check_golden(f"lookup_{key}.{FORMATS[fmt]}", out)


# Spanish (--lang es): every format for a place with translated, untranslated and Spanish-speaking
# entries, and the not-found and ambiguous answers in plain text.
SPANISH = {"eugene": sorted(FORMATS), "springfield": ["plain"], "gibberish": ["plain"]}


@pytest.mark.parametrize(
    ("key", "fmt"), [(k, f) for k, fmts in sorted(SPANISH.items()) for f in fmts]
)
def test_spanish_matches_golden(key: str, fmt: str) -> None:
    code, out = run(QUERIES[key], "--format", fmt, "--lang", "es")
    assert code == EXIT.get(key, 0), out
    check_golden(f"lookup_{key}.es.{FORMATS[fmt]}", out)


@pytest.mark.parametrize("view", ["explain", "details"])
def test_spanish_explain_and_details_match_golden(view: str) -> None:
    code, out = run(QUERIES["eugene"], "--format", "plain", f"--{view}", "--lang", "es")
    assert code == 0
    check_golden(f"lookup_eugene.es.{view}.txt", out)


@pytest.mark.parametrize("key", sorted(QUERIES))
def test_details_matches_golden(key: str) -> None:
    """--details: everything about each entry (the compact answer is the .txt file)."""
    code, out = run(QUERIES[key], "--format", "plain", "--details")
    assert code == EXIT.get(key, 0)
    check_golden(f"lookup_{key}.details.txt", out)


@pytest.mark.parametrize("key", sorted(QUERIES))
def test_explain_matches_golden(key: str) -> None:
    code, out = run(QUERIES[key], "--format", "plain", "--explain")
    assert code == EXIT.get(key, 0)
    check_golden(f"lookup_{key}.explain.txt", out)


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("key", ["eugene", "springfield", "gibberish", "zip97401", "denver"])
def test_terminal_matches_golden(key: str, color: bool) -> None:
    from crisisnav import dataset, rank
    from crisisnav.flow import parse_at
    from crisisnav.render import terminal
    from crisisnav.resolve import resolve

    result = rank.lookup(dataset.load(SMALL), resolve(QUERIES[key]), at=parse_at(AT))
    out = terminal.render(result, color=color, width=80)
    plain_width = max(len(line) for line in re.sub(r"\x1b\[[0-9;]*m", "", out).splitlines())
    assert plain_width <= 80
    check_golden(f"lookup_{key}.terminal{'.color' if color else ''}.txt", out)


@pytest.mark.parametrize("key", sorted(QUERIES))
def test_plain_json_and_terminal_agree(key: str) -> None:
    """The three views list the same entries in the same order with the same notices."""
    from crisisnav import dataset, rank
    from crisisnav.flow import parse_at
    from crisisnav.render import terminal
    from crisisnav.resolve import resolve

    code_j, out_j = run(QUERIES[key], "--format", "json")
    code_p, out_p = run(QUERIES[key], "--format", "plain", "--details")
    code_c, out_c = run(QUERIES[key], "--format", "plain")
    assert code_j == code_p == code_c
    data = json.loads(out_j)
    term = terminal.render(
        rank.lookup(dataset.load(SMALL), resolve(QUERIES[key]), at=parse_at(AT)),
        color=False,
        width=200,
        details=True,
    )
    pos = -1
    for r in data["resources"]:  # the compact answer lists the same entries in the same order
        nxt = out_c.find(f"{r['rank']}. {r['name']}", pos + 1)
        assert nxt > pos, (key, r["name"])
        pos = nxt
    for view in (out_p, term):
        pos = -1
        for r in data["resources"]:
            head = f"{r['rank']}. {r['name']}"
            nxt = view.find(head, pos + 1)
            assert nxt > pos, (key, head)
            pos = nxt
        for n in data["notices"]:
            assert n["text"] in view
        for c in data["candidates"][:6]:
            assert c["name"] in view
    if data["status"] == "ok":
        assert data["place"]["name"] in out_p.splitlines()[0]


def test_golden_directory_has_no_strays() -> None:
    expected = {f"lookup_{k}.{ext}" for k in QUERIES for ext in FORMATS.values()}
    expected |= {f"lookup_{k}.explain.txt" for k in QUERIES}
    expected |= {f"lookup_{k}.details.txt" for k in QUERIES}
    expected |= {
        f"lookup_{k}.terminal{c}.txt"
        for k in ("eugene", "springfield", "gibberish", "zip97401", "denver")
        for c in ("", ".color")
    }
    expected |= {f"lookup_{k}.es.{FORMATS[f]}" for k, fmts in SPANISH.items() for f in fmts}
    expected |= {"lookup_eugene.es.explain.txt", "lookup_eugene.es.details.txt"}
    if UPDATE:
        for stray in {p.name for p in GOLDEN.glob("lookup_*")} - expected:
            (GOLDEN / stray).unlink()
    present = {p.name for p in Path(GOLDEN).glob("lookup_*")}
    assert present == expected
