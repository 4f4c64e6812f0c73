"""The HTML sheet in a real browser (headless Chromium): printed, it is one page; on a 390 px
phone screen it is one column, no number breaks across lines, the numbers are tap-to-call links
in large type and nothing is wider than the screen.

Skips, saying why, when no Chromium is installed (Debian: `apt-get install chromium`; .ci/run
installs it, so CI runs these). Chromium runs sandbox-less in a throw-away profile with
networking features off, and the HTML's CSP forbids any fetch anyway."""

from __future__ import annotations

import datetime as dt
import html as html_mod
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

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
    reason="headless Chromium not installed (apt-get install chromium); HTML browser checks skipped",
)
PHONE_PX = 390


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    assert CHROMIUM is not None
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
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, timeout=120, check=False)


def _print_to_pdf(html: str, tmp_path: Path) -> bytes:
    src = tmp_path / "sheet.html"
    src.write_text(html, encoding="utf-8")
    out = tmp_path / "sheet.pdf"
    proc = _chromium(
        tmp_path,
        "--no-pdf-header-footer",
        "--print-to-pdf-no-header",
        f"--print-to-pdf={out}",
        src.as_uri(),
    )
    assert out.exists(), proc.stderr.decode("utf-8", "replace")[-2000:]
    return out.read_bytes()


def _pages_and_text(data: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "".join((p.extract_text() or "") for p in reader.pages)


def _sheet(extra: int = 0) -> sm.Sheet:
    return sm.build_sheet(
        fake_result(fixture_resources() + many_resources(extra)),
        printed=dt.date(2026, 11, 26),
        source="fixture dataset (test)",
    )


@pytest.mark.parametrize(
    ("extra", "paper"),
    [(0, "letter"), (60, "letter"), (60, "a4")],
    ids=["fixture-letter", "overflow-letter", "overflow-a4"],
)
def test_chromium_prints_the_html_sheet_on_one_page(extra: int, paper: str, tmp_path: Path) -> None:
    sheet = _sheet(extra)
    data = _print_to_pdf(render_html(sheet, paper), tmp_path)
    pages, text = _pages_and_text(data)
    assert pages == 1
    flat = "".join(text.split())
    shown = plan_html(sheet, paper).sheet
    for e in shown.entries:
        assert "".join(e.name.split()) in flat
    assert "Printed2026-11-26." in flat
    assert "…" not in text
    assert "541-555-0102" in text  # a number printed whole, on one line
    if extra:
        assert "servicesforthisareaarenotshownhere" in flat


# The sheet goes into an iframe exactly PHONE_PX wide (headless windows have a minimum width;
# an iframe is the screen the page's media queries see). The page itself stays untouched, CSP
# included: the measuring script runs in the wrapper, which may read a srcdoc frame's layout.
_PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="f" style="width:%dpx;height:6000px;border:0" srcdoc="%s"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {
  const d = this.contentDocument, w = this.contentWindow;
  const box = (e) => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  const px = (e) => parseFloat(w.getComputedStyle(e).fontSize);
  const r = {
    vw: w.innerWidth,
    scroll_w: d.documentElement.scrollWidth,
    cols: [...d.querySelectorAll('.col')].map(box),
    nums: [...d.querySelectorAll('.num')].map((n) => ({
      text: n.textContent, rects: n.getClientRects().length, box: box(n), px: px(n),
      role: n.closest('p').className, link: (n.closest('a') || {}).href || null })),
    body_px: [...d.querySelectorAll('p')].map((p) => [p.className, px(p)]),
    widest: Math.max(...[...d.querySelectorAll('body *')].map((e) => e.getBoundingClientRect().right)),
  };
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(r);
  document.body.appendChild(pre);
});
</script></body></html>"""


def _measure_on_phone(html: str, tmp_path: Path) -> dict[str, Any]:
    src = tmp_path / "probe.html"
    src.write_text(_PROBE % (PHONE_PX, html_mod.escape(html, quote=True)), encoding="utf-8")
    proc = _chromium(tmp_path, f"--window-size={PHONE_PX + 200},1400", "--dump-dom", src.as_uri())
    dom = proc.stdout.decode("utf-8", "replace")
    m = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert m, proc.stderr.decode("utf-8", "replace")[-2000:]
    result: dict[str, Any] = json.loads(html_mod.unescape(m.group(1)))
    return result


def test_chromium_narrow_screen_one_column_numbers_whole_and_tap_to_call(tmp_path: Path) -> None:
    import dataclasses

    from crisisnav.models import Contact

    # a line too long for a phone, ending in a number with spaces in it (one that is not a US
    # number keeps its own shape): without white-space:nowrap the browser breaks the number
    long_line = dataclasses.replace(
        fixture_resources()[1],
        id="fixture-long-text",
        name="Fixture Long Text Line",
        contacts=(Contact("text", "+52 55 5555 0123", keyword="FIXTUREKW"),),
    )
    sheet = sm.build_sheet(
        fake_result([long_line, *fixture_resources()]),
        printed=dt.date(2026, 11, 26),
        source="fixture dataset (test)",
    )
    r = _measure_on_phone(render_html(sheet), tmp_path)
    assert r["vw"] == PHONE_PX
    # nothing wider than the screen: no sideways scrolling
    assert r["scroll_w"] <= PHONE_PX and r["widest"] <= PHONE_PX + 0.5
    # one column: the planned columns are stacked, full width, in reading order
    cols = r["cols"]
    assert len(cols) == 2
    assert abs(cols[0][0] - cols[1][0]) < 1 and cols[1][1] >= cols[0][3] - 1
    assert cols[0][2] - cols[0][0] > PHONE_PX * 0.8
    # every number on one line, inside the screen, large where the data does not doubt it
    nums = r["nums"]
    assert len(nums) >= 5
    for n in nums:
        assert n["rects"] == 1, n
        assert n["box"][2] <= PHONE_PX, n
    big = [n for n in nums if n["role"] == "reach"]
    assert big and all(n["px"] >= 16 * 96 / 72 - 0.01 for n in big)  # >= 16 pt
    assert all(n["link"] and n["link"].startswith(("tel:", "sms:")) for n in big)
    assert {n["text"] for n in big} >= {"541-555-0102", "988", "741741", "+52 55 5555 0123"}
    # body text at least 10 pt on the phone too
    assert all(size >= 10 * 96 / 72 - 0.01 for _, size in r["body_px"])
