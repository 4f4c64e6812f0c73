"""Sheet renderers (PDF, HTML, Markdown, plain) on a LookupResult built from the fixture data.

PDFs are read back with pypdf: one page, every listed name and number present as text, the
footer dates present, contacts clickable."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crisisnav.models import Contact, Place, Resource
from crisisnav.render import sheet_layout as sl
from crisisnav.render import sheet_model as sm
from crisisnav.render import sheet_text as stx
from crisisnav.render import sheet_words as sw
from crisisnav.render.sheet_html import plan_html, render_html
from crisisnav.render.sheet_pdf import plan_pdf, render_pdf
from fixture_data import EUGENE
from test_sheet_support import fake_result, fixture_resources, many_resources

PRINTED = dt.date(2026, 11, 26)


def _sheet(resources: list[Resource] | None = None, place: Place = EUGENE) -> sm.Sheet:
    return sm.build_sheet(
        fake_result(resources, place), printed=PRINTED, source="fixture dataset (test)"
    )


def _pdf_text(data: bytes) -> tuple[int, str, list[str]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            obj = annot.get_object()
            action = obj.get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return len(reader.pages), text, uris


def _squash(text: str) -> str:
    """pypdf may split a wrapped line anywhere: compare without whitespace."""
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- PDF


def test_pdf_one_page_with_names_numbers_notices_and_footer() -> None:
    sheet = _sheet()
    shown = plan_pdf(sheet).sheet
    pages, text, uris = _pdf_text(render_pdf(sheet))
    assert pages == 1
    flat = _squash(text)
    options = {r.name: r for r in fixture_resources() if r.is_option}
    assert len(sheet.entries) == len(options) == 10
    assert 0 < len(shown.entries) <= 10
    for e in shown.entries:
        assert _squash(e.name) in flat, e.name
        for c in options[e.name].contacts:
            if c.type in ("phone", "text", "tty", "videophone") and c.value != "988":
                assert c.value in flat, (e.name, c.value)
    assert "Printed2026-11-26." in flat
    assert f"Datachecked{shown.oldest_verified}." in flat
    # ended and suspended programs appear only as notices, with their dates in words
    assert "FixtureEugeneCommunityRespondersendedonApril7,2025." in flat
    assert "FixtureOregonPeerRespiteissuspended(sinceJune1,2026)." in flat
    assert _squash("Crisis help without police — Eugene, OR") in flat
    assert _squash(sw.POLICE_ONCE) in flat  # police said once, not under every entry
    assert "Nopoliceunlessyouask" in flat
    assert flat.count("Policemaybeinvolved") == 0
    assert _squash(sw.MORE_HELP) in flat
    # clickable contacts
    assert "tel:+15415550102" in uris
    assert "tel:988" in uris
    assert "https://example.org/fixture-national/chat" in uris
    assert "sms:741741" in uris


def test_pdf_overflow_keeps_highest_ranked_and_says_how_many_left_out() -> None:
    resources = fixture_resources() + many_resources(60)
    sheet = _sheet(resources)
    plan = plan_pdf(sheet)
    shown = plan.sheet
    total = len(sheet.entries)
    assert 0 < len(shown.entries) < total
    assert shown.omitted == total - len(shown.entries)
    # the kept ones are exactly the top of the ranking
    assert [e.rank for e in shown.entries] == [e.rank for e in sheet.entries[: len(shown.entries)]]
    pages, text, _ = _pdf_text(render_pdf(sheet))
    assert pages == 1
    flat = _squash(text)
    assert _squash(f"{shown.omitted} more services for this area are not shown here.") in flat
    assert _squash(sw.MORE_HELP) in flat
    assert "crisisnav" not in flat.lower() and "…" not in flat
    for e in shown.entries:
        assert _squash(e.name) in flat
    first_left_out = sheet.entries[len(shown.entries)]
    assert _squash(first_left_out.name) not in flat
    # the oldest date on the page is over the entries shown, not the ones left out
    assert shown.oldest_verified is not None
    assert f"Datachecked{shown.oldest_verified.isoformat()}." in flat


def test_thousands_of_entries_are_planned_by_bisection_not_one_layout_per_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A place with 2,000 entries: the planner tries O(log n) candidate pages (it used to try
    one per entry dropped: about 24 s). Counted, not timed: every candidate page lays out its
    body blocks once."""
    sheet = _sheet(fixture_resources() + many_resources(2000))
    attempts = 0
    real = sl.body_blocks

    def counting(candidate: sm.Sheet) -> list[sl.Block]:
        nonlocal attempts
        attempts += 1
        return real(candidate)

    monkeypatch.setattr(sl, "body_blocks", counting)
    plan = sl.plan_page(sheet, "letter", sl.chars_measure())
    assert 0 < len(plan.sheet.entries) < 40
    assert attempts <= 2 + math.ceil(math.log2(len(sheet.entries)))  # 1 full try + bisection


def test_pdf_a4_is_one_page_and_a4_sized() -> None:
    from pypdf import PdfReader

    data = render_pdf(_sheet(fixture_resources() + many_resources(30)), paper="a4")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 595 and round(float(box.height)) == 842
    letter = PdfReader(io.BytesIO(render_pdf(_sheet())))
    assert round(float(letter.pages[0].mediabox.width)) == 612


def _named(name: str, **changes: object) -> Resource:
    base = fixture_resources()[0]
    return dataclasses.replace(base, name=name, **changes)  # type: ignore[arg-type]


def test_script_name_is_escaped_in_html_and_literal_in_pdf() -> None:
    evil = "<script>alert(1)</script>"
    resources = [_named(evil)] + fixture_resources()[1:]
    sheet = _sheet(resources)
    html = render_html(sheet)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    _, text, _ = _pdf_text(render_pdf(sheet))
    assert evil in text
    md = stx.render_markdown(sheet)
    assert "<script>" not in md
    assert stx.render_plain(sheet).count(evil) == 1


def test_accented_spanish_and_latin_extended_a_are_real_text_in_pdf() -> None:
    name = "Línea de Crisis Señora Ñandú — Łódź Œuvre ŠŽ"
    resources = [_named(name)] + fixture_resources()[1:]
    _, text, _ = _pdf_text(render_pdf(_sheet(resources)))
    assert _squash(name) in _squash(text)


def test_control_ansi_and_bidi_characters_never_reach_the_pdf_or_html() -> None:
    name = "Fixture \x1b[31mRed\x1b[0m \u202eevil\u202c Line\x07"
    resources = [_named(name, caveats=("Bad\x00 caveat\u2066.",))] + fixture_resources()[1:]
    sheet = _sheet(resources)
    assert "Fixture Red evil Line" in [e.name for e in sheet.entries]
    _, text, _ = _pdf_text(render_pdf(sheet))
    html = render_html(sheet)
    for bad in ("\x1b", "\u202e", "\u202c", "\x07", "\x00", "\u2066"):
        assert bad not in text
        assert bad not in html
    assert "FixtureRedevilLine" in _squash(text)


def test_glyphs_missing_from_the_font_become_question_marks_not_nothing() -> None:
    name = "Fixture 中文 Line"
    resources = [_named(name)] + fixture_resources()[1:]
    _, text, _ = _pdf_text(render_pdf(_sheet(resources)))
    assert "Fixture??Line" in _squash(text)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(st.text(min_size=1, max_size=120), min_size=1, max_size=12),
    phone=st.from_regex(r"\A[0-9]{3}-555-01[0-9]{2}\Z"),
)
def test_any_names_give_one_pdf_page_and_escaped_html(names: list[str], phone: str) -> None:
    base = fixture_resources()[0]
    resources = [
        dataclasses.replace(base, id=f"fixture-h-{i}", name=n, contacts=(Contact("phone", phone),))
        for i, n in enumerate(names)
    ]
    sheet = _sheet(resources)
    pages, _, _ = _pdf_text(render_pdf(sheet))
    assert pages == 1
    html = render_html(sheet)
    body = html.split("<body>", 1)[1]
    assert "<script" not in body.lower()
    for e in plan_html(sheet).sheet.entries:
        assert f">{__import__('html').escape(e.name, quote=True)}<" in body or e.name == ""


# --------------------------------------------------------------------------- HTML


def test_html_is_self_contained_print_ready_and_black_and_white() -> None:
    html = render_html(_sheet())
    assert html.startswith("<!DOCTYPE html>")
    assert "@page{size:letter;margin:12.0mm}" in html
    assert "@media print" in html
    assert "default-src 'none'" in html
    low = html.lower()
    for banned in ("<script", "<img", "<link", "<iframe", "@import", "url(", " src="):
        assert banned not in low
    # every external-looking address is an anchor target, never something the page loads
    for m in re.finditer(r"https?://[^\s\"'<>]+", html):
        assert html[max(0, m.start() - 6) : m.start()] == 'href="', m.group(0)
    # no colour carries meaning: only black and white appear
    assert set(re.findall(r"#[0-9a-fA-F]{3,6}\b", html)) <= {"#000", "#fff"}
    assert "Crisis help without police — Eugene, OR" in html


def test_html_numbers_are_tap_to_call_and_never_break() -> None:
    html = render_html(_sheet())
    assert '<a href="tel:+15415550102">Call <span class="num">541-555-0102</span></a>' in html
    assert '<a href="sms:741741">Text HOME to <span class="num">741741</span></a>' in html
    assert ".nw,.num{white-space:nowrap}" in html
    # one column below 600 px (phones), two on paper and wide screens
    assert "@media screen and (max-width:599.98px){" in html
    narrow = html.split("@media screen and (max-width:599.98px){", 1)[1]
    assert narrow.index(".cols{display:block}") < narrow.index("@media print")


def test_html_overflow_says_how_many_were_left_out() -> None:
    sheet = _sheet(fixture_resources() + many_resources(60))
    plan = plan_html(sheet)
    assert plan.sheet.omitted > 0
    html = render_html(sheet)
    assert f"{plan.sheet.omitted} more services for this area are not shown here." in html
    assert "crisisnav lookup" not in html and "…" not in html


# --------------------------------------------------------------------------- shared decisions


@pytest.mark.parametrize(
    ("rid", "expected"),
    [
        ("fixture-oregon-warmline", "No police unless you ask"),
        ("fixture-national-crisis-line", None),  # the page's one police sentence covers it
        ("fixture-lane-mobile-team", None),  # possible, reached through 988: the same
        ("fixture-lane-co-responder", "An officer comes with the team. Only through 911"),
        ("fixture-eugene-police-cit", "A police response. Only through 911"),
        (
            "fixture-eugene-community-responder",
            "No police unless you ask (reached through the police non-emergency line)",
        ),
    ],
)
def test_police_line_in_plain_words(rid: str, expected: str | None) -> None:
    r = {x.id: x for x in fixture_resources()}[rid]
    assert sw.police_words(r) == expected


def test_police_is_said_once_per_page_only_when_an_entry_relies_on_it() -> None:
    sheet = _sheet()
    assert sheet.police_once == sw.POLICE_ONCE
    plain = stx.render_plain(sheet)
    assert plain.count("About police") == 1
    none_only = [r for r in fixture_resources() if r.police == "none" and r.is_option]
    assert _sheet(none_only).police_once is None


@pytest.mark.parametrize(
    ("hhmm", "words"),
    [
        ("00:00", "midnight"),
        ("24:00", "midnight"),
        ("12:00", "noon"),
        ("06:30", "6:30 am"),
        ("09:00", "9 am"),
        ("13:05", "1:05 pm"),
        ("23:59", "11:59 pm"),
        ("12:30", "12:30 pm"),
        ("00:15", "12:15 am"),
    ],
)
def test_twelve_hour_clock(hhmm: str, words: str) -> None:
    assert sw.clock12(hhmm) == words


def test_hours_are_weekly_rules_in_12_hour_time_not_open_now() -> None:
    by_id = {x.id: x for x in fixture_resources()}

    def hours(rid: str, **kw: object) -> str:
        r = by_id[rid]
        return sw.weekly_hours(r.hours, r.timezone, **kw)  # type: ignore[arg-type]

    assert hours("fixture-lane-mobile-team", team=True) == "Team goes out: Every day 2 pm–11 pm PT"
    assert hours("fixture-trans-peer-line") == "Mon–Fri 10 am–6 pm; Sat, Sun noon–4 pm PT"
    assert hours("fixture-text-line") == "24 hours, every day"
    assert hours("fixture-lane-co-responder") == "Fri 10 pm–2 am; Sat 10 pm–2 am PT"
    assert sw.weekly_hours(
        ["mon-fri 10:00-22:00"], "America/New_York", local_zone="America/Los_Angeles"
    ) == ("Mon–Fri 10 am–10 pm (ET, not local time)")
    assert sw.weekly_hours(["daily 14:00-23:00"], None).endswith("(time zone not listed)")
    for e in _sheet().entries:
        assert not re.search(r"\b\d\d:\d\d\b", e.hours), e.hours  # never a 24-hour clock


def test_stale_entries_say_so_in_words() -> None:
    old = dataclasses.replace(fixture_resources()[0], verified=dt.date(2025, 1, 2))
    sheet = _sheet([old])
    assert (
        "Last checked 2025-01-02, over a year ago — it may have changed." in sheet.entries[0].notes
    )


def test_links_are_only_built_from_safe_values() -> None:
    assert sm.tel_link("541-555-0102") == "tel:+15415550102"
    assert sm.tel_link("1 (800) 555-0100") == "tel:+18005550100"
    assert sm.tel_link("988") == "tel:988"
    assert sm.tel_link("javascript:alert(1)") is None
    assert sm.tel_link("12") is None
    assert sm.web_link("https://example.org/x") == "https://example.org/x"
    assert sm.web_link("javascript:alert(1)") is None
    assert sm.web_link('https://example.org/"><script>') is None


@pytest.mark.parametrize(
    ("place", "slug", "query"),
    [
        (EUGENE, "eugene-or", "Eugene, OR"),
        (Place(kind="county", name="Lane County", state="OR"), "lane-county-or", "Lane County, OR"),
        (Place(kind="zip", name="97401", state="OR", zip="97401", city="Eugene"), "97401", "97401"),
        (Place(kind="state", name="Oregon", state="OR"), "oregon", "Oregon"),
        (Place(kind="city", name="Cañon City", state="CO"), "canon-city-co", "Cañon City, CO"),
        (Place(kind="city", name="../../etc", state="XX"), "etc-xx", "../../etc, XX"),
    ],
)
def test_slug_and_lookup_query(place: Place, slug: str, query: str) -> None:
    assert sm.slug(place) == slug
    assert sm.lookup_query(place) == query


def test_markdown_and_plain_list_everything() -> None:
    sheet = _sheet(fixture_resources() + many_resources(40))
    md = stx.render_markdown(sheet)
    plain = stx.render_plain(sheet)
    for e in sheet.entries:
        assert stx.md_escape(e.name) in md
        assert e.name in plain
    assert "not shown here" not in plain
    assert md.startswith("# Crisis help without police — Eugene, OR\n")


def test_filters_are_named_in_the_subtitle() -> None:
    result = dataclasses.replace(
        fake_result(),
        filters={"for": ["trans"], "contact": "phone", "language": "es", "no_911": True},
    )
    sheet = sm.build_sheet(result, printed=PRINTED, source="x")
    assert sheet.subtitle.endswith(
        " Only services reached by phone; in Spanish; not reached only through 911."
        " Listed first: services for trans people."
    )


def test_embedded_font_covers_latin_1_and_latin_extended_a() -> None:
    from fontTools.ttLib import TTFont

    from crisisnav.render.sheet_pdf import FONT_DIR, FONT_FILES

    for name in FONT_FILES.values():
        cmap = TTFont(str(FONT_DIR / name)).getBestCmap()
        missing = [
            hex(cp)
            for cp in [
                *range(0x20, 0x7F),
                *range(0xA0, 0x180),
                0x2BB,
                0x2014,
                0x2013,
                0x2019,
                0x201C,
                0x201D,
                0xB7,
            ]
            if cp not in cmap
        ]
        assert missing == [], (name, missing)
    assert (FONT_DIR / "LICENSE-DejaVu.txt").read_text(encoding="utf-8").count("Bitstream") >= 3


def test_decomposed_accents_are_composed_for_the_pdf() -> None:
    name = "Fixture Línea Sen\u0303or Hawai\u02bbi"
    resources = [_named(name)] + fixture_resources()[1:]
    _, text, _ = _pdf_text(render_pdf(_sheet(resources)))
    assert "FixtureLíneaSeñorHawaiʻi" in _squash(text)


def test_pdf_draws_in_black_only() -> None:
    """Black-and-white printing loses nothing: no colour other than black is ever set (the
    PDF default is black)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(render_pdf(_sheet())))
    content = reader.pages[0].get_contents()
    assert content is not None
    ops = content.get_data().decode("latin-1")
    rgb = re.findall(r"(?m)(?:^|\s)([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)\b", ops)
    gray = re.findall(r"(?m)(?:^|\s)([\d.]+) (?:g|G)\b", ops)
    assert all(float(v) == 0 for triple in rgb for v in triple)
    assert all(float(v) == 0 for v in gray)


def test_notices_are_grouped_ended_first_then_good_to_know() -> None:
    from crisisnav.models import Notice

    result = fake_result()
    result = dataclasses.replace(
        result,
        notices=(
            Notice("coverage-gap", {"state": "OR"}),
            Notice("filtered-out", {"count": 3, "place": "Eugene, OR", "filters": ["--no-911"]}),
            *result.notices,
        ),
    )
    sheet = sm.build_sheet(result, printed=PRINTED, source="x")
    bottom = [(ln.role, ln.text) for ln in sl.bottom_lines(sheet)]
    heads = [t for r, t in bottom if r == "notice_head"]
    assert heads == [
        "No longer available — do not use old flyers or saved numbers for these:",
        "Good to know:",
    ]
    texts = [t for r, t in bottom if r == "notice"]
    assert texts[-2] == (  # the state's name, never "OR" read as a word
        "No statewide service for Oregon is listed yet. That is a gap in this list, not a sign "
        "that nothing exists."
    )
    # words for the public: no command-line advice ("Run again without --no-911")
    assert texts[-1] == "No service for Eugene, OR matches the choices made for this sheet."
    assert all(" ended on " in t or " is suspended " in t for t in texts[:-2])
    roles = [r for r, _ in bottom]
    assert roles[-2:] == ["more", "footer"]  # always ends with where to find more, then the date


def test_an_ended_program_says_what_replaced_it_in_its_own_words() -> None:
    from crisisnav.models import Notice

    caveats = (
        "ENDED in Fixtureville on 2025-04-07 (joint announcement); the old route no longer works. "
        "In Fixtureville use the Fixture Mobile Team instead (Fixture Crisis Line 541-555-0102, "
        "or call/text 988). A long history of the program follows here.",
    )
    n = Notice("ended", {"name": "Fixture Responders", "where": "Fixtureville", "since": "2025-04-07",
                         "caveats": caveats})  # fmt: skip
    result = dataclasses.replace(fake_result(), notices=(n,))
    ((group, text),) = sm.build_sheet(result, printed=PRINTED, source="x").notices
    assert group == "ended"
    assert text == (
        "Fixture Responders (Fixtureville) ended on April 7, 2025. In Fixtureville use the Fixture "
        "Mobile Team instead (Fixture Crisis Line 541-555-0102, or call/text 988)."
    )


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("[click](https://evil.example)", "\\[click\\](https://evil.example)"),
        ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
        ("*not* _emphasis_", "\\*not\\* \\_emphasis\\_"),
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("Plain (with parentheses)", "Plain (with parentheses)"),
    ],
)
def test_markdown_escaping(raw: str, escaped: str) -> None:
    assert stx.md_escape(raw) == escaped
