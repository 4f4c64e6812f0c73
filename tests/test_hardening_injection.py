"""Terminal and document injection: dataset strings that try to be live in some output.

Two sources of hostile text:
- tests/data/hostile/inert-strings.yaml and formula-cells.yaml: strings the dataset allows
  (Rich markup, HTML, Markdown, formulas, a 5,000-character word) loaded through the real CLI;
- Resource objects built directly with raw control sequences the loader refuses (ANSI, OSC 8
  hyperlinks, OSC 0 title-setting, C1 CSI, CR overwrite, bidi overrides, BEL, backspace,
  NUL): defence in depth, for a dataset that bypassed validate. validate itself must report
  each of them (test_validate_reports_every_control_char).
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from crisisnav import dataset, errors, validate
from crisisnav.models import Contact, Dataset, LookupResult, Resolution
from crisisnav.render.formats import EXPORT, VALIDATE
from test_hardening_support import (
    CONTROL,
    HOSTILE,
    INERT,
    invoke,
    make_resource,
)

pytestmark = pytest.mark.slow  # processes and big inputs: skip with -m "not slow"

FORMULA = HOSTILE / "formula-cells.yaml"

ANSI = "\x1b[31mRED\x1b[0m"
OSC8 = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
TITLE = "\x1b]0;pwned title\x07"
C1 = "\x9b31mC1"
CR = "Call 911 now\rCall the line"
BIDI = "\u202eenil eht llaC\u202c"
ISOLATE = "\u2066iso\u2069"
MISC = "bell\x07 back\x08\x08 del\x7f nul\x00 vt\x0b ff\x0c nel\x85 ls\u2028"
MARKUP = "[bold red]x[/] [link=https://evil.example]y[/link] [/] [reverse]"
LONG = "W" * 5000
NEWLINE = "first line\n2. forged entry"

RAW = [ANSI, OSC8, TITLE, C1, CR, BIDI, ISOLATE, MISC, MARKUP, LONG, NEWLINE]
RAW_IDS = [
    "ansi",
    "osc8",
    "title",
    "c1",
    "cr",
    "bidi",
    "isolate",
    "misc",
    "markup",
    "long",
    "newline",
]

# Code points that must never reach a terminal or a document raw.
DANGEROUS_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
SGR_RE = re.compile(r"\x1b\[[0-9;]*m")  # Rich's own colour codes (only with --color always)


def _place() -> Any:
    from crisisnav import gazetteer

    p = gazetteer.load().city_place("OR", "Eugene")
    assert p is not None
    return p


def _hostile_resource(s: str, i: int = 0) -> Any:
    return make_resource(
        id=f"hostile-{i}",
        name=f"Fixture {s} name",
        police_note=f"note {s}",
        how_to_ask=f"ask {s}",
        caveats=(f"caveat {s}", s),
        contacts=(
            Contact(type="phone", value="541-555-0100", label=f"label {s}"),
            Contact(type="text", value="741741", keyword=f"kw{s}"),
            Contact(type="web", value=f"https://example.org/{s}"),
        ),
        sources=(f"https://example.org/src{s}",),
        audiences=("trans",),
        hours=("24/7",),
    )


def _result(resources: list[Any], query: str = "Eugene, OR") -> LookupResult:
    from crisisnav import rank

    ds = Dataset(path="<hostile>", schema_version=1, resources=tuple(resources))
    res = Resolution(query=query, status="ok", place=_place())
    return rank.lookup(ds, res, at=datetime(2026, 12, 1, 3, 0))


def _not_found(query: str) -> LookupResult:
    return LookupResult(resolution=Resolution(query=query, status="not_found", message=query))


def _render_all(result: LookupResult) -> dict[str, str]:
    from crisisnav.render import csvfmt, jsonfmt, markdown, plain, terminal

    return {
        "plain": plain.render(result, explain=True),
        "terminal": terminal.render(result, color=False, width=80, explain=True),
        "terminal-color": terminal.render(result, color=True, width=80, explain=True),
        "json": jsonfmt.dumps(jsonfmt.result_to_json(result)),
        "csv": csvfmt.render(result),
        "markdown": markdown.render(result, explain=True),
    }


def _assert_inert_terminal(name: str, text: str) -> None:
    visible = SGR_RE.sub("", text) if name == "terminal-color" else text
    bad = sorted({f"U+{ord(c):04X}" for c in DANGEROUS_RE.findall(visible) if c != "\n"})
    assert not bad, f"{name}: raw control characters {bad} reached the output"
    assert "\x1b]" not in text, f"{name}: an OSC sequence (hyperlink or title) reached the output"


# ------------------------------------------------------------------ lookup renderers


@pytest.mark.parametrize("s", RAW, ids=RAW_IDS)
def test_control_sequences_are_inert_in_every_lookup_format(s: str) -> None:
    result = _result([_hostile_resource(s)])
    outs = _render_all(result)
    for name in ("plain", "terminal", "terminal-color", "markdown", "csv"):
        _assert_inert_terminal(name, outs[name])
    # JSON keeps the data exact yet shows nothing raw on a terminal
    _assert_inert_terminal("json", outs["json"].replace("\n", ""))
    data = json.loads(outs["json"])
    item = data["resources"][0]
    assert item["name"] == f"Fixture {s} name"
    assert item["caveats"] == [f"caveat {s}", s]
    assert item["contacts"][0]["label"] == f"label {s}"


@pytest.mark.parametrize(
    "s", [ANSI, OSC8, TITLE, C1, BIDI], ids=["ansi", "osc8", "title", "c1", "bidi"]
)
def test_plain_and_terminal_escape_the_same_way(s: str) -> None:
    """Consistency: the escape is visible (\\x1b, \\u202e), the same in plain and terminal."""
    from crisisnav.render.safe import inert

    outs = _render_all(_result([_hostile_resource(s)]))
    shown = inert(f"caveat {s}")
    assert "\\x1b" in shown or "\\x9b" in shown or "\\u202e" in shown
    assert shown in outs["plain"]
    assert shown in outs["terminal"].replace("\n", "") or shown in outs["terminal"]


def test_cr_and_newline_cannot_forge_a_line() -> None:
    outs = _render_all(_result([_hostile_resource(CR, 0), _hostile_resource(NEWLINE, 1)]))
    for name in ("plain", "terminal"):
        lines = outs[name].splitlines()
        assert not any(ln.lstrip().startswith("2. forged entry") for ln in lines), name
        assert "\r" not in outs[name]
        assert any("Call 911 now Call the line" in ln for ln in lines), name


def test_rich_markup_is_shown_literally() -> None:
    outs = _render_all(_result([_hostile_resource(MARKUP)]))
    for name in ("plain", "terminal"):
        flat = outs[name]
        assert "[bold red]x[/]" in flat, name
        assert "[link=https://evil.example]y[/link]" in flat, name
    assert "\x1b]8;" not in outs["terminal-color"]
    assert "[bold red]x[/]" in SGR_RE.sub("", outs["terminal-color"])


def test_very_long_word_never_breaks_terminal_width() -> None:
    outs = _render_all(_result([_hostile_resource(LONG)]))
    widths = [len(ln) for ln in outs["terminal"].splitlines()]
    assert max(widths) <= 80, max(widths)
    assert outs["terminal"].replace("\n", "").replace(" ", "").count("W") >= 5000 * 2


def test_hostile_query_is_inert_when_echoed() -> None:
    q = f"{ANSI}{OSC8}{TITLE}{BIDI}{MARKUP}\r\n"
    outs = _render_all(_not_found(q))
    for name in ("plain", "terminal", "terminal-color", "markdown", "csv"):
        _assert_inert_terminal(name, outs[name])
    assert json.loads(outs["json"])["query"] == q


# ------------------------------------------------------------------ CSV formulas

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cells(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows and all(len(r) == len(rows[0]) for r in rows), "ragged CSV"
    return rows


def _assert_no_formula(rows: list[list[str]], phones: set[str]) -> None:
    for row in rows:
        for cell in row:
            if cell in phones:
                continue
            assert not cell.startswith(_FORMULA_START), f"formula cell survived: {cell[:60]!r}"


@pytest.mark.parametrize(
    "s",
    ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("x")'],
    ids=["eq", "plus-dde", "minus", "at", "tab", "cr", "hyperlink"],
)
def test_lookup_csv_neutralises_formulas(s: str) -> None:
    r = make_resource(
        name=s,
        police_note=s,
        how_to_ask=s,
        caveats=(s,),
        contacts=(Contact(type="phone", value="+1 541 555 0100", label=s),),
    )
    from crisisnav.render import csvfmt

    rows = _csv_cells(csvfmt.render(_result([r])))
    _assert_no_formula(rows, set())
    header = rows[0]
    # written in the one phone shape of lookup CSV, never quoted: still usable as a number
    assert rows[1][header.index("phone")] == "1-541-555-0100", "phone numbers must stay usable"
    assert rows[1][header.index("name")] == "'" + s.lstrip("\t\r")


def test_lookup_csv_keeps_two_international_phones_intact() -> None:
    from crisisnav.render import csvfmt

    r = make_resource(
        contacts=(
            Contact(type="phone", value="+1 541 555 0100"),
            Contact(type="phone", value="+1-541-555-0101"),
        )
    )
    rows = _csv_cells(csvfmt.render(_result([r])))
    assert rows[1][rows[0].index("phone")] == "1-541-555-0100 | 1-541-555-0101"


def test_lookup_csv_phone_like_cells_hold_no_letters() -> None:
    """The phone exemption must not let a formula through: '+1+cmd', '+1 A1', '+1;=2'."""
    from crisisnav.render.csvfmt import safe_cell

    for s in ("+1+cmd|' /C calc'!A0", "+1 A1", "+1;=2", "+HYPERLINK(1)", "+1 541 555 0100\t=1"):
        assert safe_cell(s).startswith("'"), s
    assert safe_cell("+1 541 555 0100") == "+1 541 555 0100"
    assert safe_cell("+1 (541) 555-0100") == "+1 (541) 555-0100"


def test_export_csv_neutralises_formulas() -> None:
    code, out, err = invoke(["export", "--format", "csv", "--data", str(FORMULA)])
    assert code == 0, err
    rows = _csv_cells(out)
    header, row = rows[0], rows[1]
    phone = row[header.index("phone")]
    assert phone == "+1 541 555 0100 | +1-541-555-0101", "phone numbers must stay usable"
    _assert_no_formula(rows, {phone})
    assert row[header.index("name")].startswith("'=HYPERLINK(")


def test_export_hsds_csv_neutralises_formulas(tmp_path: Path) -> None:
    code, out, err = invoke(
        ["export", "--format", "hsds-csv", "-o", str(tmp_path / "h"), "--data", str(FORMULA)]
    )
    assert code == 0, err
    phones = {"+1 541 555 0100", "+1-541-555-0101"}
    files = sorted((tmp_path / "h").glob("*.csv"))
    assert len(files) >= 5
    for f in files:
        _assert_no_formula(_csv_cells(f.read_text(encoding="utf-8")), phones)
    numbers = [r[6] for r in _csv_cells((tmp_path / "h" / "phones.csv").read_text())[1:]]
    assert set(numbers) >= phones, numbers


# ------------------------------------------------------------------ Markdown


def _md_rows(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.startswith("|") and not ln.startswith("|---")]


@pytest.mark.parametrize(
    "s",
    [
        "a | b | c",
        "[click](javascript:alert(1))",
        "![img](https://evil.example/t.png)",
        "<script>alert(1)</script>",
        "<https://evil.example>",
        "**bold** _em_ `code` ~~s~~",
        "# heading",
        "&lt; &amp;",
        "\\| escaped pipe",
        NEWLINE,
    ],
    ids=[
        "pipes",
        "link",
        "image",
        "script",
        "autolink",
        "emphasis",
        "heading",
        "entity",
        "backslash-pipe",
        "newline",
    ],  # fmt: skip
)
def test_markdown_escapes_pipes_links_and_html(s: str) -> None:
    from crisisnav.render import markdown

    text = markdown.render(_result([_hostile_resource(s)]), explain=True)
    rows = _md_rows(text)
    header = rows[0]
    n_cols = len(re.findall(r"(?<!\\)\|", header))
    for row in rows[1:]:
        assert len(re.findall(r"(?<!\\)(?:\\\\)*\|", row)) == n_cols, row[:200]
    body = "\n".join(rows[1:])
    assert not re.search(r"(?<!\\)\]\(", body), "a live link or image survived"
    assert not re.search(r"(?<!\\)<(?!br>)", body), "raw HTML survived"
    assert "javascript:alert" not in body.replace("\\", "") or "\\(" in body
    assert not any(ln.startswith("2. forged") for ln in text.splitlines())


# ------------------------------------------------------------------ sheets: HTML, PDF, Markdown, plain


def _sheet(result: LookupResult) -> Any:
    from crisisnav.render.sheet_model import build_sheet

    return build_sheet(result, printed=date(2026, 12, 1), source="hostile fixture")


HTML_ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "' onmouseover='alert(1)",
    "</style><script>x</script>",
    "&lt;already&gt; &amp;",
    "{{7*7}} ${7*7}",
]


@pytest.mark.parametrize("s", HTML_ATTACKS + RAW, ids=lambda s: repr(s)[:24])
def test_html_sheet_escapes_everything(s: str) -> None:
    from crisisnav.render.sheet_html import render_html

    html = render_html(_sheet(_result([_hostile_resource(s)])))
    assert "content=\"default-src 'none'; style-src 'unsafe-inline'\"" in html  # CSP: no script
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<svg" not in lowered
    assert "onerror=" not in lowered.replace("onerror=alert", "x") or "&lt;img" in lowered
    assert not re.search(r"<[a-z]+[^>]*\son[a-z]+\s*=", lowered), "an event handler attribute"
    assert 'href="javascript:' not in lowered
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert all(h.startswith(("tel:", "https://", "http://", "sms:", "#")) for h in hrefs), hrefs
    bad = DANGEROUS_RE.findall(html.replace("\n", ""))
    assert not bad, [f"U+{ord(c):04X}" for c in bad]
    if s.startswith("<script"):
        assert "&lt;script&gt;" in html


@pytest.mark.parametrize("s", RAW + HTML_ATTACKS[:2], ids=lambda s: repr(s)[:24])
def test_sheet_markdown_and_plain_are_inert(s: str) -> None:
    from crisisnav.render.sheet_text import render_markdown, render_plain

    sheet = _sheet(_result([_hostile_resource(s)]))
    for name, text in (("sheet-plain", render_plain(sheet)), ("sheet-md", render_markdown(sheet))):
        _assert_inert_terminal(name, text)
    md = render_markdown(sheet)
    assert not re.search(r"(?<!\\)\]\(javascript", md)
    assert "<script" not in md


def test_pdf_sheet_renders_hostile_text(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    from crisisnav.render.sheet_pdf import render_pdf

    resources = [_hostile_resource(s, i) for i, s in enumerate(RAW + HTML_ATTACKS[:1])]
    pdf = render_pdf(_sheet(_result(resources)))
    assert pdf.startswith(b"%PDF")
    f = tmp_path / "s.pdf"
    f.write_bytes(pdf)
    reader = pypdf.PdfReader(str(f))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    bad = DANGEROUS_RE.findall(text.replace("\n", ""))
    assert not bad, [f"U+{ord(c):04X}" for c in bad]
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            uri = annot.get_object().get("/A", {}).get("/URI")
            if uri is not None:
                assert str(uri).startswith(("tel:", "sms:", "https://", "http://")), uri


# ------------------------------------------------------------------ through the real CLI


@pytest.mark.parametrize(
    "fmt", [f for f in EXPORT.names if not f.startswith("hsds")]
)  # hsds: below
def test_export_of_legal_hostile_strings_is_valid(fmt: str) -> None:
    code, out, err = invoke(["export", "--format", fmt, "--data", str(INERT)])
    assert code == 0, err
    if fmt == "json":
        data = json.loads(out)
        assert data[0]["name"].startswith("[bold red]Fixture[/]")
        assert "Supercalifragilistic" * 250 in data[0]["caveats"]
        assert data[0]["caveats"][-1] == "# not a heading\n## nor this"
    else:
        rows = _csv_cells(out)
        assert len(rows) == 2


def test_hsds_json_of_hostile_strings_is_valid() -> None:
    code, out, err = invoke(["export", "--format", "hsds-json", "--data", str(INERT)])
    assert code == 0, err
    data = json.loads(out)
    assert "[link=https://evil.example/]Hostile[/link]" in json.dumps(data, ensure_ascii=False)


def test_validate_reports_every_control_char() -> None:
    problems = validate.validate_file(CONTROL)
    found = [(p.line, p.col, p.code) for p in problems if p.severity == "error"]
    expected = [
        (6, 20, "control-char"), (6, 28, "control-char"),  # ANSI CSI colour
        (9, 27, "control-char"), (9, 53, "control-char"),  # OSC 8 hyperlink open + ST
        (9, 61, "control-char"), (9, 66, "control-char"),  # OSC 8 close + ST
        (14, 53, "control-char"), (14, 68, "control-char"),  # OSC 0 title + BEL
        (17, 30, "control-char"),  # CR overwrite
        (18, 24, "control-char"),  # U+202E right-to-left override
        (18, 50, "control-char"),  # U+009B C1 CSI
        (18, 73, "control-char"), (18, 81, "control-char"),  # U+2066/U+2069 isolates
    ]  # fmt: skip
    assert found == expected
    code, out, err = invoke(["validate", str(CONTROL)])
    assert code == 1
    assert out.count(" error control-char ") == 13
    _assert_inert_terminal("validate", out)  # validate's own report shows no raw escape either
    with pytest.raises(errors.DataError) as info:
        dataset.load(CONTROL, use_cache=False)
    assert (info.value.line, info.value.col) == (6, 20)
    code, out, err = invoke(["export", "--format", "json", "--data", str(CONTROL)])
    assert code == 4 and out == ""
    assert f"{CONTROL}:6:20: control-char:" in err


@pytest.mark.parametrize("fmt", VALIDATE.names)
def test_validate_output_is_inert_in_every_format(fmt: str, tmp_path: Path) -> None:
    """A hostile file name or key must not turn validate's own report into a live sequence."""
    p = tmp_path / "bad.yaml"
    p.write_text(
        "schema_version: 1\nresources: []\n\x1b]0;title\x07key\u202e: [link=x]y[/link]\n",
        encoding="utf-8",
    )
    code, out, err = invoke(["validate", str(p), "--format", fmt])
    assert code == 1, out
    _assert_inert_terminal(f"validate-{fmt}", out.replace("\n", ""))
    _assert_inert_terminal(f"validate-{fmt}-stderr", err.replace("\n", ""))
    if fmt == "json":
        json.loads(out)


# ------------------------------------------------------------------ hostile names in diagnostics

EVIL_NAME = "x\x1b]0;pwned\x07\x1b[2J\u202e.yaml"


def _assert_diag_inert(text: str) -> None:
    bad = sorted({f"U+{ord(c):04X}" for c in DANGEROUS_RE.findall(text) if c != "\n"})
    assert not bad, f"raw control characters in a diagnostic: {bad}: {text[:300]!r}"


@pytest.mark.parametrize(
    "args",
    [
        ["lookup", "97401", "--data", "{missing}"],
        ["lookup", "97401", "--data", "{bad}"],
        ["export", "--format", "json", "--data", "{bad}"],
        ["sheet", "97401", "--format", "plain", "--data", "{missing}"],
        ["lookup", "--batch", "{missing}"],
        ["places", "--batch", "{missing}"],
        ["sheet", "97401", "--format", "html", "-o", "{missing}/out.html"],
        ["export", "--format", "json", "-o", "{missing}/out.json"],
        ["lookup", "97401", "--for", "x\x1b[31my"],
        ["lookup", "97401", "--format", "x\x1b]0;t\x07"],
        ["lookup", "97401", "--at", "\x1b[2J"],
    ],
    ids=[
        "lookup-data-missing",
        "lookup-data-bad",
        "export-data-bad",
        "sheet-data-missing",
        "lookup-batch-missing",
        "places-batch-missing",
        "sheet-output-dir",
        "export-output-dir",
        "for",
        "format",
        "at",
    ],  # fmt: skip
)
def test_hostile_file_names_and_arguments_in_diagnostics(args: list[str], tmp_path: Path) -> None:
    """A file name or argument holding escape sequences is echoed escaped, never raw (a
    contributor's file name must not retitle or clear a maintainer's terminal or CI log)."""
    bad = tmp_path / EVIL_NAME
    bad.write_bytes(CONTROL.read_bytes())
    argv = [a.format(missing=tmp_path / ("missing-" + EVIL_NAME), bad=bad) for a in args]
    code, out, err = invoke(argv)
    assert code in (1, 2, 4), (code, err)
    _assert_diag_inert(out)
    _assert_diag_inert(err)


@pytest.mark.parametrize("which", ["missing", "bad"])
def test_validate_report_escapes_hostile_file_names(which: str, tmp_path: Path) -> None:
    bad = tmp_path / EVIL_NAME
    bad.write_bytes(CONTROL.read_bytes())
    target = bad if which == "bad" else tmp_path / ("missing-" + EVIL_NAME)
    code, out, err = invoke(["validate", str(target)])
    assert code in (1, 4)
    _assert_diag_inert(out)
    _assert_diag_inert(err)


def test_places_and_lookup_show_a_hostile_query_the_same_way() -> None:
    from crisisnav.render.safe import inert

    q = "Nowhere\x1b]0;pwned\x07ville\u202e"
    _, lookup_out, _ = invoke(["lookup", q, "--format", "plain"])
    _, places_out, _ = invoke(["places", q, "--format", "plain"])
    _assert_diag_inert(lookup_out)
    _assert_diag_inert(places_out)
    assert inert(q) in lookup_out
    assert inert(q) in places_out


# ------------------------------------------------------------------ very long words in a PDF


def test_pdf_long_word_is_split_in_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counts the characters measured (machine-independent) instead of timing."""
    from crisisnav.render import sheet_pdf

    measured = [0]
    real_width = sheet_pdf._Writer._width

    def counting_width(self: Any, text: str, size: float, bold: bool) -> float:
        measured[0] += len(text)
        return real_width(self, text, size, bold)

    monkeypatch.setattr(sheet_pdf._Writer, "_width", counting_width)
    n = 20_000
    pdf = sheet_pdf.render_pdf(_sheet(_result([make_resource(name="x" * n)])))
    assert pdf.startswith(b"%PDF")
    assert measured[0] < 100 * n, f"{measured[0]:,} characters measured for a {n:,}-character word"


def test_csv_batch_neutralises_formulas_in_the_query_column(tmp_path: Path) -> None:
    """The query column echoes what a spreadsheet user pasted: it is a cell like any other."""
    src = tmp_path / "q.txt"
    src.write_text(
        '=HYPERLINK("https://evil.example","x")\n+cmd|\' /C calc\'!A0\n-2+3\n@SUM(A1)\n97401\n'
    )
    code, out, err = invoke(["lookup", "--batch", str(src), "--format", "csv"])
    assert code == 0, err
    rows = _csv_cells(out)
    _assert_no_formula(rows, set())
    queries = [r[0] for r in rows[1:]]
    assert '\'=HYPERLINK("https://evil.example","x")' in queries and "97401" in queries
