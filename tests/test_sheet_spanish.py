"""Spanish handouts (--lang es), tested like the English ones (test_sheet_render.py,
test_sheet_handout.py, test_sheet_chromium.py): PDFs read back with pypdf are one page with real
Spanish text (accents and ñ, not "?"), the numbers large, nothing cut; the words around the data are
Spanish; entries with no Spanish text say so; the HTML says lang="es" and prints on one page in
Chromium when it is installed."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisisnav import i18n
from crisisnav.cli import app
from crisisnav.models import LookupResult, Resolution
from crisisnav.render import sheet_layout as sl
from crisisnav.render import sheet_model as sm
from crisisnav.render import sheet_text as stx
from crisisnav.render.sheet_html import plan_html, render_html
from crisisnav.render.sheet_pdf import plan_pdf, render_pdf
from test_sheet_handout import _911_RE, BIG, pdf_runs

PRINTED = dt.date(2026, 11, 26)
NUMBER_WORDS = ("Llame al ", "Texto al ", "Envíe ", "TTY ", "Videoteléfono ")
_CLOCK24_RE = re.compile(r"\b\d{1,2}:\d\d\b(?!\s?[ap]\.\s?m\.)")
# Words of the English sheet furniture that must not be left in a Spanish sheet.
ENGLISH = re.compile(
    r"\b(Call|Text|Printed|Every day|noon|midnight|am|pm|Hours not listed|Good to know|"
    r"More help|Address|Languages|Limited service|continued|Crisis help without police)\b"
)


def _pdf_text(data: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "".join((p.extract_text() or "") for p in reader.pages)


def _place_sheet(query: str) -> tuple[sm.Sheet, LookupResult]:
    from crisisnav import dataset, rank
    from crisisnav.render.sheet_words import dataset_source
    from crisisnav.resolve import resolve

    ds = dataset.load(None)
    result = rank.lookup(ds, resolve(query))
    return sm.build_sheet(result, printed=PRINTED, source=dataset_source(ds.path)), result


def test_denver_pdf_is_one_page_of_spanish() -> None:
    with i18n.using("es"):
        sheet, _result = _place_sheet("Denver, CO")
        data = render_pdf(sheet)
        pages, text = _pdf_text(data)
        plan = plan_pdf(sheet, "letter")
    flat = "".join(text.split())
    assert pages == 1
    assert "Ayudaencrisissinpolicía—Denver,CO" in flat
    assert "Llameal988" in flat and "Textoal988" in flat
    assert "Impresoel2026-11-26." in flat
    assert "español" in text and "?" not in text.replace("¿", "")  # every letter has its glyph
    for e in plan.sheet.entries:
        assert "".join(e.name.split()) in flat
    assert not ENGLISH.search(_furniture(text, plan.sheet)), ENGLISH.search(
        _furniture(text, plan.sheet)
    )


def _furniture(text: str, sheet: sm.Sheet) -> str:
    """The PDF's text without the data: entry names, how-to-ask, notes and labels (the dataset's
    own words, English where an entry has no Spanish, marked as such) and web addresses."""
    out = text
    data_bits: list[str] = []
    for e in sheet.entries:
        data_bits += [e.name, e.how_to_ask or "", *e.notes, e.address or ""]
        data_bits += [r.note or "" for r in e.reach] + [r.text for r in e.reach if r.web]
    data_bits += [t for _, t in sheet.notices]
    flat = " ".join(out.split())
    for bit in sorted(filter(None, data_bits), key=len, reverse=True):
        flat = flat.replace(" ".join(bit.split()), " ")
    return flat


def test_untranslated_entries_are_marked_and_spanish_speaking_ones_say_so() -> None:
    with i18n.using("es"):
        sheet, result = _place_sheet("Eugene, OR")
        text = stx.render_plain(sheet)
    assert "(en inglés)" in text  # a local entry with no Spanish text
    by_id = {i.resource.id: i.resource for i in result.resources}
    for e in sheet.entries:
        r = by_id[e.rid]
        if r.translation("es") is not None and r.how_to_ask:
            assert e.how_to_ask and "(en inglés)" not in e.how_to_ask, e.name
        if "es" in r.languages:
            assert any(n.startswith("Atienden en español.") for n in e.notes), e.name
        else:
            assert not any("Atienden en español" in n for n in e.notes), e.name


def test_spanish_html_is_lang_es_and_self_contained() -> None:
    with i18n.using("es"):
        sheet, _ = _place_sheet("Denver, CO")
        html = render_html(sheet)
    assert '<html lang="es">' in html
    assert "Ayuda en crisis sin policía — Denver, CO" in html
    assert "<script" not in html and 'http-equiv="Content-Security-Policy"' in html
    with i18n.using("en"):
        assert '<html lang="en">' in render_html(_place_sheet("Denver, CO")[0])


@pytest.mark.parametrize(
    ("hhmm", "words"),
    [("14:00", "2 p. m."), ("06:30", "6:30 a. m."), ("12:00", "mediodía"), ("00:00", "medianoche")],
)
def test_twelve_hour_clock_in_spanish(hhmm: str, words: str) -> None:
    from crisisnav.render.sheet_words import clock12, long_date

    with i18n.using("es"):
        assert clock12(hhmm) == words
        assert long_date("2025-04-07") == "7 de abril de 2025"


def test_sheet_command_in_spanish(tmp_path: Path) -> None:
    out = tmp_path / "denver-es.pdf"
    res = CliRunner().invoke(
        app,
        ["sheet", "Denver, CO", "--lang", "es", "--format", "pdf", "-o", str(out)],
        prog_name="crisisnav",
    )
    assert res.exit_code == 0, res.stderr
    assert "se tomó como Denver" in res.stderr  # what the command says, in Spanish too
    pages, text = _pdf_text(out.read_bytes())
    assert pages == 1 and "Ayuda en crisis sin policía" in " ".join(text.split())
    res = CliRunner().invoke(app, ["sheet", "Springfield", "--lang", "es"], prog_name="crisisnav")
    assert res.exit_code == 3 and "puede ser varios lugares" in res.stderr
    res = CliRunner().invoke(
        app, ["sheet", "Denver, CO", "--lang", "es", "--paper", "legal"], prog_name="crisisnav"
    )
    assert res.exit_code == 2 and "elija letter o a4" in res.stderr


# --------------------------------------------------------------------------- the largest cities


def _city_sheets(n: int) -> Iterator[tuple[str, sm.Sheet, LookupResult]]:
    from crisisnav import dataset, gazetteer, rank
    from crisisnav.render.sheet_words import dataset_source

    ds = dataset.load(None)
    source = dataset_source(ds.path)
    for place in gazetteer.load().top_cities(n):
        resolution = Resolution(query=place.name, status="ok", place=place)
        result = rank.lookup(ds, resolution)
        yield (
            f"{place.name}, {place.state}",
            sm.build_sheet(result, printed=PRINTED, source=source),
            result,
        )


@pytest.mark.slow
def test_the_100_largest_cities_get_readable_one_page_spanish_handouts() -> None:
    from pypdf import PdfReader

    checked = 0
    with i18n.using("es"):
        for label, sheet, _result in _city_sheets(100):
            for e in sheet.entries:
                assert not _CLOCK24_RE.search(e.hours), (label, e.hours)
            for paper in ("letter", "a4"):
                data = render_pdf(sheet, paper)
                assert len(PdfReader(io.BytesIO(data)).pages) == 1, (label, paper)
                runs = pdf_runs(data)
                text = "\n".join(t for _, t in runs)
                assert "…" not in text and "..." not in text, (label, paper)
                assert "?" not in text.replace("¿", ""), label  # no letter without a glyph
                assert min(s for s, _ in runs) >= sl.BODY_MIN_PT, label
                big = [t for s, t in runs if s >= BIG and t.startswith(NUMBER_WORDS)]
                assert big, label
                assert big.count("Llame al 988") <= 1 and big.count("Texto al 988") <= 1, (
                    label,
                    big,
                )
                assert not any(_911_RE.search(t) for t in big), (label, big)
                flat = "".join(text.split())
                assert "comuníqueseconel988acualquierhora" in flat, label
                plan_sheet = plan_pdf(sheet, paper).sheet
                assert not ENGLISH.search(_furniture(text, plan_sheet)), (label, paper)
            html = render_html(sheet)
            assert "…" not in html and "crisisnav lookup" not in html, label
            checked += 1
    assert checked == 100


# --------------------------------------------------------------------------- Chromium

CHROMIUM = next(
    (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p),
    None,
)


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium not installed (apt-get install chromium); HTML browser check skipped",
)
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_chromium_prints_the_spanish_html_sheet_on_one_page(paper: str, tmp_path: Path) -> None:
    from test_sheet_chromium import _pages_and_text, _print_to_pdf

    with i18n.using("es"):
        sheet, _ = _place_sheet("Denver, CO")
        html = render_html(sheet, paper)
        shown = plan_html(sheet, paper).sheet
    pages, text = _pages_and_text(_print_to_pdf(html, tmp_path))
    assert pages == 1
    flat = "".join(text.split())
    assert "Ayudaencrisissinpolicía" in flat and "Impresoel2026-11-26." in flat
    for e in shown.entries:
        assert "".join(e.name.split()) in flat


def test_chromium_is_looked_for_the_same_way_as_the_english_tests() -> None:
    """The skip above uses the same lookup as test_sheet_chromium.py (so CI, which installs
    Chromium, runs both); here only the lookup itself is checked."""
    from test_sheet_chromium import CHROMIUM as ENGLISH_CHROMIUM

    assert ENGLISH_CHROMIUM == CHROMIUM
    if CHROMIUM is not None:
        assert (
            subprocess.run([CHROMIUM, "--version"], capture_output=True, timeout=60).returncode == 0
        )
