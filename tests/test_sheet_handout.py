"""Handouts a person can read (issue 13 item 5), checked on the printed PDF itself.

Type sizes are read back from the PDF: pypdf reports the font size (the content stream's `Tf`
operand) of every run of text it draws, and the raw content stream is scanned for every `Tf`
too. Body text is at least 10 pt, the numbers to call at least 16 pt, and a number the data
doubts (status uncertain, a label saying it is a former number) or 911 is never large.
The 100 largest cities' sheets are made from the real dataset and read back: one page on Letter
and on A4, no "…", 988 in large type once, no command line, hash or raw code, 12-hour times,
and a team reached only through 911 never the first or the biggest number.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest

from crisisnav.models import Contact, LookupResult, Resolution, Resource
from crisisnav.render import sheet_layout as sl
from crisisnav.render import sheet_model as sm
from crisisnav.render import sheet_text as stx
from crisisnav.render.sheet_html import render_html
from crisisnav.render.sheet_pdf import plan_pdf, render_pdf
from test_sheet_support import fake_result, fixture_resources

PRINTED = dt.date(2026, 11, 26)
BIG = sl.NUMBER_MIN_PT
_TF_RE = re.compile(rb"/F\d+\s+([\d.]+)\s+Tf")
_911_RE = re.compile(r"(?<![\d-])911(?![\d-])")
NUMBER_WORDS = ("Call ", "Text ", "TTY ", "Videophone ")
_CLOCK24_RE = re.compile(r"\b\d{1,2}:\d\d\b(?!\s?[ap]m)")


def _sheet(resources: list[Resource] | None = None) -> sm.Sheet:
    return sm.build_sheet(fake_result(resources), printed=PRINTED, source="fixture dataset (test)")


def pdf_runs(data: bytes) -> list[tuple[float, str]]:
    """(font size in pt, text) of every run of text the PDF draws, in drawing order."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    runs: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            runs.append((round(size * abs(tm[0]) * abs(cm[0]), 2), text.strip()))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return runs


def tf_sizes(data: bytes) -> set[float]:
    """Every font size the raw content stream sets (independent of pypdf's text extraction)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    sizes: set[float] = set()
    for page in reader.pages:
        content = page.get_contents()
        assert content is not None
        sizes |= {float(x) for x in _TF_RE.findall(content.get_data())}
    return sizes


def _by_id() -> dict[str, Resource]:
    return {r.id: r for r in fixture_resources()}


# --------------------------------------------------------------------------- type sizes


def test_type_sizes_measured_from_the_pdf() -> None:
    by_id = _by_id()
    doubted = dataclasses.replace(
        by_id["fixture-oregon-warmline"],
        contacts=(
            Contact("phone", "541-555-0111"),
            Contact("phone", "541-555-0112", label="Former fixture number - may no longer work"),
        ),
    )
    uncertain = dataclasses.replace(by_id["fixture-text-line"], status="uncertain")
    resources = [doubted, uncertain] + [
        r for r in fixture_resources() if r.id not in (doubted.id, uncertain.id)
    ]
    data = render_pdf(_sheet(resources))
    runs = pdf_runs(data)
    sizes = {size for size, _ in runs}
    assert min(sizes) >= sl.BODY_MIN_PT and min(tf_sizes(data)) >= sl.BODY_MIN_PT
    big = {text: size for size, text in runs if size >= BIG}
    assert big.get("Call 541-555-0102", 0) >= BIG  # the county line of the mobile team
    assert big.get("Call 541-555-0111", 0) >= BIG  # a number the data does not doubt
    assert big.get("Call 988", 0) >= BIG
    size_of = {text: size for size, text in runs}
    assert size_of["Call 541-555-0112"] < BIG  # labelled "may no longer work"
    assert size_of["Text HOME to 741741"] < BIG  # its entry's status is uncertain
    assert "Former fixture number - may no longer work" in size_of  # still shown, in its words
    assert not any(_911_RE.search(text) for text in big)  # 911 is never large
    assert max(sizes) <= 18  # the title is the largest text; nothing shouts louder


def test_a_911_only_team_is_never_the_first_or_the_biggest_number() -> None:
    by_id = _by_id()
    star = dataclasses.replace(
        by_id["fixture-lane-mobile-team"],
        id="fixture-star",
        name="Fixture STAR",
        dispatch="via-911",
        contacts=(
            Contact("phone", "911"),
            Contact("phone", "541-555-0120", label="answered by 911"),
        ),
        how_to_ask="Call 911 and ask for Fixture STAR.",
    )
    sheet = _sheet([star, *fixture_resources()])
    (star_entry,) = [e for e in sheet.entries if e.rid == "fixture-star"]
    assert star_entry.reach and not any(r.big for r in star_entry.reach)
    runs = pdf_runs(render_pdf(sheet))
    assert all(size < BIG for size, text in runs if "541-555-0120" in text or "911" in text)
    first_big = next(text for size, text in runs if size >= BIG)
    assert "911" not in first_big and "0120" not in first_big


# --------------------------------------------------------------------------- 988 once


def _lifeline(rid: str, scope: dict[str, object], **kw: object) -> Resource:
    from crisisnav.models import Area

    base = _by_id()["fixture-national-crisis-line"]
    return dataclasses.replace(base, id=rid, serves=(Area(**scope),), **kw)  # type: ignore[arg-type]


def test_988_is_one_entry_and_in_large_type_once() -> None:
    state = _lifeline(
        "fixture-or-988",
        {"state": "OR"},
        name="Fixture 988 in Oregon",
        contacts=(Contact("phone", "988"), Contact("text", "988")),
        how_to_ask="Call or text 988 and ask for a mobile crisis team.",
    )
    national = _lifeline(
        "fixture-us-988",
        {"national": True},
        name="Fixture 988 Lifeline",
        contacts=(
            Contact("phone", "988", label="Call (press 1 Veterans, press 2 Spanish)"),
            Contact("text", "988"),
            Contact("text", "988", label="Spanish text", keyword="AYUDA"),
            Contact("chat", "https://example.org/988/chat"),
            Contact("phone", "1-800-555-0199", label="Former 10-digit number, still answered"),
        ),
        how_to_ask="You can tell the counselor you do not want police involved.",
    )
    only_988 = dataclasses.replace(
        _by_id()["fixture-lane-mobile-team"],
        id="fixture-through-988",
        name="Fixture Team Through 988",
        contacts=(Contact("phone", "988", label="Call 988 and ask for the team"),),
    )
    resources = [state, national, only_988, *fixture_resources()[1:]]  # ranked: state first
    sheet = _sheet(resources)
    lifelines = [e for e in sheet.entries if e.rid in (state.id, national.id)]
    assert [e.name for e in lifelines] == ["Fixture 988 in Oregon"]  # the state's, merged
    (merged,) = lifelines
    texts = [r.text for r in merged.reach]
    assert texts[:2] == ["Call 988", "Text 988"] and merged.reach[0].big and merged.reach[1].big
    assert "Text AYUDA to 988" in texts and not merged.reach[texts.index("Text AYUDA to 988")].big
    assert merged.reach[0].note == "press 1 Veterans, press 2 Spanish"
    assert "Call 1-800-555-0199" not in texts  # a former number: 988 reaches it
    assert merged.how_to_ask is not None and "do not want police" in merged.how_to_ask
    (through,) = [e for e in sheet.entries if e.rid == "fixture-through-988"]
    assert [(r.text, r.big, r.note) for r in through.reach] == [
        ("Reached through 988", False, "Call 988 and ask for the team")
    ]
    mobile = next(e for e in sheet.entries if e.rid == "fixture-lane-mobile-team")
    assert [r.text for r in mobile.reach] == ["Call 541-555-0102"]  # its own 988 dropped
    every = [r.text for e in sheet.entries for r in e.reach]
    assert every.count("Call 988") == 1 and every.count("Text 988") == 1
    plain_lines = [ln.strip() for ln in stx.render_plain(sheet).splitlines()]
    assert sum(ln.startswith("Call 988 ") or ln == "Call 988" for ln in plain_lines) == 1
    runs = pdf_runs(render_pdf(sheet))
    assert [t for s, t in runs if t == "Call 988"] == ["Call 988"]
    assert [t for s, t in runs if t == "Text 988"] == ["Text 988"]


def test_without_a_988_entry_the_first_one_listing_988_prints_it_once() -> None:
    first = dataclasses.replace(
        _by_id()["fixture-lane-mobile-team"], contacts=(Contact("phone", "988"),)
    )
    second = dataclasses.replace(
        _by_id()["fixture-oregon-warmline"],
        contacts=(Contact("phone", "988"), Contact("text", "988")),
    )
    sheet = _sheet([first, second])
    reach = [(r.text, r.big) for e in sheet.entries for r in e.reach]
    assert reach == [("Call 988", True), ("Reached through 988", False)]


# --------------------------------------------------------------------------- words


def test_no_command_line_hash_or_raw_code_on_a_handout() -> None:
    from crisisnav.dataset import packaged_path
    from crisisnav.render.sheet_words import dataset_source

    packaged = dataset_source(str(packaged_path()))
    trans = dataclasses.replace(
        _by_id()["fixture-trans-peer-line"],
        contacts=(Contact("phone", "541-555-0100", label="US"),),
    )
    resources = [trans, *[r for r in fixture_resources() if r.id != trans.id]]
    sheet = sm.build_sheet(fake_result(resources), printed=PRINTED, source=packaged)
    data = render_pdf(sheet)
    text = " ".join(t for _, t in pdf_runs(data))
    for bad in ("crisisnav", "sha256", "run:", "For: ", "--"):
        assert bad not in text, bad
    assert not re.search(r"(?m)^US$", "\n".join(t for _, t in pdf_runs(data)))
    assert "For trans people." in text
    assert "Data checked " in text
    for e in sheet.entries:
        assert not _CLOCK24_RE.search(e.hours), e.hours


def test_nothing_is_ever_cut_fewer_entries_instead() -> None:
    long_caveat = "A fixture caveat that goes on and on. " * 12
    long_ask = "Ask for the fixture team and explain what is happening, in your own words. " * 6
    resources = [
        dataclasses.replace(r, caveats=(long_caveat, "Short fixture caveat."), how_to_ask=long_ask)
        for r in fixture_resources()
    ]
    sheet = _sheet(resources)
    shown = plan_pdf(sheet).sheet
    assert 0 < len(shown.entries) < len(sheet.entries)
    text = " ".join(t for _, t in pdf_runs(render_pdf(sheet)))
    assert "…" not in text and "..." not in text
    flat = "".join(text.split())
    assert flat.count("".join(long_ask.split())) == len([e for e in shown.entries if e.how_to_ask])
    assert "Shortfixturecaveat." in flat  # the first caveat short enough, whole
    assert "Afixturecaveatthatgoesonandon." not in flat  # a long one is left out, never cut
    assert "moreservicesforthisareaarenotshownhere.Morehelp:ask988anytime,ordial211" in flat


# --------------------------------------------------------------------------- the 100 largest cities


def _city_sheets() -> Iterator[tuple[str, sm.Sheet, LookupResult]]:
    from crisisnav import dataset, gazetteer, rank
    from crisisnav.render.sheet_words import dataset_source

    ds = dataset.load(None)
    source = dataset_source(ds.path)
    for place in gazetteer.load().top_cities(100):
        resolution = Resolution(query=place.name, status="ok", place=place)
        result = rank.lookup(ds, resolution)
        yield (
            f"{place.name}, {place.state}",
            sm.build_sheet(result, printed=PRINTED, source=source),
            result,
        )


@pytest.mark.slow
def test_the_100_largest_cities_get_readable_one_page_handouts() -> None:
    from pypdf import PdfReader

    checked = 0
    for label, sheet, result in _city_sheets():
        by_id = {i.resource.id: i.resource for i in result.resources}
        for e in sheet.entries:
            r = by_id[e.rid]
            if r.status == "uncertain" or r.dispatch == "via-911":
                assert not any(x.big for x in e.reach), (label, e.name)
            assert not _CLOCK24_RE.search(e.hours), (label, e.hours)
        for paper in ("letter", "a4"):
            data = render_pdf(sheet, paper)
            assert len(PdfReader(io.BytesIO(data)).pages) == 1, (label, paper)
            runs = pdf_runs(data)
            text = "\n".join(t for _, t in runs)
            assert "…" not in text and "..." not in text, (label, paper)
            for bad in ("crisisnav", "sha256", "run:", "For: "):
                assert bad not in text, (label, bad)
            assert min(s for s, _ in runs) >= sl.BODY_MIN_PT, label
            big = [t for s, t in runs if s >= BIG and t.startswith(NUMBER_WORDS)]
            assert big, label
            assert big.count("Call 988") <= 1 and big.count("Text 988") <= 1, (label, big)
            lines = text.splitlines()
            assert lines.count("Call 988") <= 1 and lines.count("Text 988") <= 1, label
            assert not any(_911_RE.search(t) for t in big), (label, big)
            first_number = next(t for t in lines if t.startswith(("Call ", "Text ")))
            assert first_number != "Call 911", label
            assert "ask988anytime,ordial211" in "".join(text.split()), label
        html = render_html(sheet)
        assert "…" not in html and "crisisnav lookup" not in html, label
        checked += 1
    assert checked == 100
