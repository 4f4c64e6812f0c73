"""Hostile dataset text prints literally and inertly in every format.

Two layers: (1) the CLI over a dataset the loader accepts (Rich markup, a link tag,
<script>, spreadsheet formulas, Markdown link syntax); (2) the renderers over a Dataset
built directly with what the loader rightly refuses (raw ESC/ANSI, an OSC 8 hyperlink,
a bidi override, C1 controls, newlines) — renderers must stay safe even so.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisisnav import rank
from crisisnav.cli import app
from crisisnav.models import Area, Contact, Dataset, Place, Resolution, Resource
from crisisnav.render import csvfmt, formats, terminal
from crisisnav.render.safe import inert

MARKUP = "[bold red]x[/]"
LINK = "[link=file:///etc/passwd]click[/link]"
SCRIPT = "<script>alert(1)</script>"

HOSTILE_YAML = f"""schema_version: 1
resources:
  - id: hostile-markup
    name: "{MARKUP} {LINK} {SCRIPT}"
    kind: crisis-line
    police: none
    dispatch: direct
    serves:
      - {{state: OR, city: Eugene}}
    contacts:
      - {{type: phone, value: "541-555-0199", label: "=HYPERLINK(\\"http://x\\") [b]lbl[/b] | pipe"}}
      - {{type: phone, value: "+1 541 555 0100"}}
    hours: ["24/7"]
    languages: [en]
    how_to_ask: "Ask for [red]help[/red] ![img](http://x/y.png) [a](javascript:alert(1))"
    caveats: ["@SUM(1+1)", "-2+3"]
    status: active
    verified: 2026-11-01
    sources: ["https://example.org/hostile"]
"""

ESC_NAME = "Evil \x1b[31mRED\x1b[0m \x1b]8;;file:///etc/passwd\x07osc\x1b]8;;\x07 \u202eabc \x9b2J line\nbreak"


@pytest.fixture()
def hostile_file(tmp_path: Path) -> Path:
    p = tmp_path / "hostile.yaml"
    p.write_text(HOSTILE_YAML, encoding="utf-8")
    return p


def run(path: Path, *args: str) -> str:
    r = CliRunner().invoke(
        app,
        ["lookup", "Eugene, OR", "--data", str(path), "--at", "2026-12-01 03:00", *args],
        prog_name="crisisnav",
    )
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.mark.parametrize("fmt", formats.LOOKUP.concrete())
def test_cli_prints_markup_literally(hostile_file: Path, fmt: str) -> None:
    out = run(hostile_file, "--format", fmt)
    if fmt in ("json", "jsonl"):
        data = json.loads(out)
        (r,) = [x for x in data["resources"] if x["id"] == "hostile-markup"]
        assert r["name"] == f"{MARKUP} {LINK} {SCRIPT}"
        return
    if fmt == "markdown":
        assert r"\[bold red\]x\[/\]" in out
        assert r"\[link=file:///etc/passwd\]" in out
        assert r"\<script\>" in out and "<script>" not in out
        assert "](javascript:" not in out and "![img](" not in out
        assert r"\| pipe" in out and not re.search(r"(?<!\\)\| pipe", out)
        row = next(line for line in out.splitlines() if "hostile" in line and line.startswith("|"))
        assert len(re.findall(r"(?<!\\)\|", row)) == 9  # 8 columns: the data added no cell
        return
    assert MARKUP in out and LINK in out and SCRIPT in out
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        row = next(x for x in rows if x["id"] == "hostile-markup")
        assert row["caveats"].startswith("'@SUM(1+1)")
        assert row["phone"] == "541-555-0199 | 1-541-555-0100"  # one shape for every number


def test_cli_terminal_with_colour_prints_markup_literally(hostile_file: Path) -> None:
    out = run(hostile_file, "--color", "always")  # auto + always -> Rich with colour
    bare = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert MARKUP in bare and LINK in bare and SCRIPT in bare
    assert "\x1b]" not in out  # no OSC (hyperlink) sequence was produced from the data


def _hostile_dataset() -> tuple[Dataset, Resolution]:
    r = Resource(
        id="esc",
        name=ESC_NAME,
        kind="crisis-line",
        police="none",
        dispatch="direct",
        serves=(Area(state="OR", city="Eugene"),),
        contacts=(
            Contact("phone", "541-555-0100", label="\x1b[5mblink"),
            Contact("text", "741741", keyword="[b]HI[/b]"),
        ),  # fmt: skip
        hours=("24/7",),
        status="active",
        verified=date(2026, 11, 1),
        sources=("https://example.org/\x1b[0m",),
        how_to_ask="=cmd|' /C calc'!A0",
        caveats=("\tstarts with tab", "\u2067isolate\u2069"),
        police_note="note\r\nforged: line",
    )
    place = Place(kind="city", name="Eugene", state="OR", city="Eugene", county="Lane County",
                  counties=("Lane County",), timezone="America/Los_Angeles")  # fmt: skip
    return Dataset("<t>", 1, (r,)), Resolution(query="Eugene \x1b[2J", status="ok", place=place)


def _all_formats() -> dict[str, str]:
    """Every lookup format of the registry (so a new one is tested here without an edit), plus
    the terminal renderer with and without colour."""
    from crisisnav.flow import Options

    data, resolution = _hostile_dataset()
    result = rank.lookup(data, resolution, at=datetime(2026, 12, 1, 3, 0))
    out = {
        fmt: formats.render_lookup(result, Options(explain=True), fmt)
        for fmt in formats.LOOKUP.concrete()
    }
    out["terminal"] = terminal.render(result, color=False, explain=True)
    out["terminal-color"] = terminal.render(result, color=True, explain=True)
    return out


ALL_FORMATS = (*formats.LOOKUP.concrete(), "terminal", "terminal-color")


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_raw_escape_sequences_are_inert_in_every_format(fmt: str) -> None:
    out = _all_formats()[fmt]
    visible = re.sub(r"\x1b\[[0-9;]*m", "", out) if fmt == "terminal-color" else out
    assert "\x1b" not in visible  # the only ESC left is Rich's own colour codes
    assert "\x07" not in out and "\x9b" not in out
    assert "\u202e" not in out and "\u2067" not in out
    assert "forged: line" in out  # kept, but not on a line of its own
    assert not any(line.startswith("forged") for line in out.splitlines())
    if fmt.startswith("json"):
        data = json.loads(out)
        assert data["resources"][0]["name"] == ESC_NAME  # exact data, escaped on output
        assert data["query"] == "Eugene \x1b[2J"
    elif fmt == "markdown":
        assert "\\\\x1b\\[31mRED" in out  # shown (Markdown-escaped), inert
        assert "\\\\u202e" in out
    else:
        assert "\\x1b[31mRED" in out  # shown, escaped, inert
        assert "\\u202e" in out


def test_csv_formula_rule() -> None:
    assert csvfmt.safe_cell("=1+1") == "'=1+1"
    assert csvfmt.safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csvfmt.safe_cell("-2+3") == "'-2+3"
    assert csvfmt.safe_cell("+cmd|x") == "'+cmd|x"
    assert csvfmt.safe_cell("\tx") == "'x"
    assert csvfmt.safe_cell("\r=1") == "'=1"
    assert csvfmt.safe_cell("+1 541 555 0100") == "+1 541 555 0100"
    assert csvfmt.safe_cell("+1-541-555-0100; 988") == "+1-541-555-0100; 988"
    assert csvfmt.safe_cell("+1 (541) 555.0100") == "+1 (541) 555.0100"
    assert csvfmt.safe_cell("+1 541 HYPERLINK") == "'+1 541 HYPERLINK"
    assert (
        csvfmt.safe_cell("+1 541 555 0100; +1-541-555-0101") == "+1 541 555 0100; +1-541-555-0101"
    )
    for bad in ("+1;=2", "+1; +cmd", "+1;;2", "+1 541\t=1", "+1; @x", "+1+cmd", "+1 A1"):
        assert csvfmt.safe_cell(bad).startswith("'"), bad
    assert csvfmt.safe_cell("541-555-0100") == "541-555-0100"
    assert csvfmt.safe_cell("988") == "988"
    assert csvfmt.safe_cell(None) == "" and csvfmt.safe_cell(True) == "true"


def test_one_sanitiser_rule() -> None:
    assert inert("a\nb\r\n\tc") == "a b c"
    assert inert("\x1b[1m") == "\\x1b[1m"
    assert inert("\u202e") == "\\u202e"
    assert inert("\x85x\u2028y") == " x y"  # NEL and LS are line breaks -> space
    assert inert("café 😀 [b]") == "café 😀 [b]"
    assert inert("\ud800") == "\\ud800"
    assert inert(None) == ""
