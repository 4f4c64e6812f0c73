"""The HTML sheet printed by a real browser (headless Chromium) is one page.

Skips, saying why, when no Chromium is installed (Debian: `apt-get install chromium`;
.ci/run installs it). Chromium runs sandbox-less in a throw-away profile with networking
features off, and the HTML's CSP forbids any fetch anyway."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from crisisnav.render import sheet_model as sm
from crisisnav.render.sheet_html import plan_html, render_html
from test_sheet_support import fake_result, fixture_resources, many_resources

CHROMIUM = next(
    (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p),
    None,
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium not installed (apt-get install chromium); HTML print check skipped",
)


def _print_to_pdf(html: str, tmp_path: Path) -> bytes:
    assert CHROMIUM is not None
    src = tmp_path / "sheet.html"
    src.write_text(html, encoding="utf-8")
    out = tmp_path / "sheet.pdf"
    profile = tmp_path / "profile"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        "--print-to-pdf-no-header",
        f"--print-to-pdf={out}",
        src.as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert out.exists(), proc.stderr.decode("utf-8", "replace")[-2000:]
    return out.read_bytes()


def _pages_and_text(data: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "".join((p.extract_text() or "") for p in reader.pages)


@pytest.mark.parametrize(
    ("extra", "paper"),
    [(0, "letter"), (60, "letter"), (60, "a4")],
    ids=["fixture-letter", "overflow-letter", "overflow-a4"],
)
def test_chromium_prints_the_html_sheet_on_one_page(extra: int, paper: str, tmp_path: Path) -> None:
    sheet = sm.build_sheet(
        fake_result(fixture_resources() + many_resources(extra)),
        printed=dt.date(2026, 11, 26),
        source="fixture dataset (test)",
    )
    data = _print_to_pdf(render_html(sheet, paper), tmp_path)
    pages, text = _pages_and_text(data)
    assert pages == 1
    flat = "".join(text.split())
    for e in plan_html(sheet, paper).sheet.entries:
        assert "".join(e.name.split()) in flat
    assert "Printed2026-11-26." in flat
    if extra:
        assert "morenotshown" in flat
