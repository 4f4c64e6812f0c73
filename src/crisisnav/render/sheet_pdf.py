"""One-page PDF sheet, drawn with fpdf2 in an embedded DejaVu Sans.

Text is real text (selectable, searchable); contacts are clickable tel:/sms:/https: links. The
layout is measured with the same font the PDF embeds (fpdf2's dry-run wrapping), so the page
plan of `sheet_layout.plan_page` is exact; a final check makes sure the document has one page.
fpdf2 is imported inside the functions: the CLI never pays for it unless a PDF is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crisisnav.i18n import _, current
from crisisnav.render.sheet_layout import (
    BOTTOM_GAP_MM,
    GUTTER_MM,
    MARGIN_MM,
    PT_MM,
    STYLES,
    Line,
    PagePlan,
    line_height_mm,
    plan_page,
)
from crisisnav.render.sheet_model import Sheet

FONT_DIR = Path(__file__).resolve().parent.parent / "data" / "fonts"
FONT_FAMILY = "DejaVu"
FONT_FILES = {"": "DejaVuSans-subset.ttf", "B": "DejaVuSans-Bold-subset.ttf"}


def _new_pdf(paper: str) -> Any:
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format=paper)
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.c_margin = 0  # text starts exactly at the column edge: the wrapping width is the cell width
    for style, name in FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, str(FONT_DIR / name))
    pdf.add_page()  # measuring (dry-run wrapping) needs a page
    return pdf


class _Writer:
    """Wraps text with the embedded font's own advance widths and draws it line by line, so
    measuring and drawing always agree (and are much faster than fpdf2's dry-run wrapping)."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf
        regular = pdf.fonts[FONT_FAMILY.lower()]
        bold = pdf.fonts[FONT_FAMILY.lower() + "B"]
        self._cmap: dict[int, Any] = regular.cmap
        self._cw: dict[bool, Any] = {False: regular.cw, True: bold.cw}
        self._wrap_cache: dict[tuple[str, float, bool, float], list[str]] = {}

    def printable(self, text: str) -> str:
        """Characters the font has no glyph for become "?" (never silently dropped)."""
        cmap = self._cmap
        if all(ord(ch) in cmap for ch in text):
            return text
        return "".join(ch if ord(ch) in cmap else "?" for ch in text)

    def _width(self, text: str, size: float, bold: bool) -> float:
        cw = self._cw[bold]
        return float(sum(cw[ord(c)] for c in text)) * size * 0.001 * PT_MM

    def _split_long(self, word: str, size: float, bold: bool, width: float) -> list[str]:
        """Break a word wider than the line (a URL), after a "/" or "-" where possible."""
        # One pass with running widths (linear in the word): re-measuring the rest of the word
        # for every cut made a 1,000,000-character word never finish.
        cw = self._cw[bold]
        factor = size * 0.001 * PT_MM
        pieces: list[str] = []
        start = 0
        used = 0.0
        i = 0
        n = len(word)
        while i < n:
            w = float(cw[ord(word[i])]) * factor
            if used + w > width and i > start:
                cut = i
                soft = max(word.rfind("/", start, cut), word.rfind("-", start, cut))
                if soft > start:
                    cut = soft + 1
                pieces.append(word[start:cut])
                start = cut
                used = self._width(word[start:i], size, bold)  # the carried-over tail, < a line
                continue
            used += w
            i += 1
        if start < n:
            pieces.append(word[start:])
        return pieces

    def wrap(self, text: str, size: float, bold: bool, width: float) -> list[str]:
        key = (text, size, bold, width)
        hit = self._wrap_cache.get(key)
        if hit is not None:
            return hit
        text = self.printable(text)
        space = self._width(" ", size, bold)
        lines: list[str] = []
        cur = ""
        cur_w = 0.0
        for word in text.split(" "):
            if not word:
                continue
            w = self._width(word, size, bold)
            if cur and cur_w + space + w <= width:
                cur += " " + word
                cur_w += space + w
                continue
            if cur:
                lines.append(cur)
            if w > width:
                *full, word = self._split_long(word, size, bold, width)
                lines.extend(full)
                w = self._width(word, size, bold)
            cur, cur_w = word, w
        if cur or not lines:
            lines.append(cur)
        self._wrap_cache[key] = lines
        return lines

    def measure(self, text: str, size: float, bold: bool, width: float) -> int:
        return len(self.wrap(text, size, bold, width))

    def draw(self, ln: Line, x: float, y: float, width: float) -> float:
        """Draw one line (it may wrap) with its top at y + its space above; return the new y."""
        st = STYLES[ln.role]
        size = st.size
        y += st.before * PT_MM
        self.pdf.set_font(FONT_FAMILY, "B" if st.bold else "", size)
        lh = line_height_mm(ln.role)
        for part in self.wrap(ln.text, size, st.bold, width):
            self.pdf.set_xy(x, y)
            self.pdf.cell(width, lh, part, align="L", link=ln.link or "")
            y += lh
        return y


def _draw(pdf: Any, writer: _Writer, plan: PagePlan) -> float:
    """Draw the page; return the lowest y anything reached (mm from the top)."""
    inner_w = plan.page_w - 2 * MARGIN_MM
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    y = MARGIN_MM
    for ln in plan.header:
        y = writer.draw(ln, MARGIN_MM, y, inner_w)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN_MM, y + 0.8, plan.page_w - MARGIN_MM, y + 0.8)
    top = MARGIN_MM + plan.header_h
    lowest = y
    for ci, col in enumerate(plan.columns):
        x = MARGIN_MM + ci * (plan.col_w + GUTTER_MM)
        y = top
        for block in col:
            for ln in block.lines:
                y = writer.draw(ln, x, y, plan.col_w)
                if ln.role == "section":
                    pdf.set_line_width(0.3)
                    pdf.line(x, y + 0.3, x + plan.col_w, y + 0.3)
                    y += 0.6
        lowest = max(lowest, y)
    y = plan.page_h - MARGIN_MM - plan.bottom_h + BOTTOM_GAP_MM * 0.5
    pdf.set_line_width(0.3)
    pdf.line(MARGIN_MM, y, plan.page_w - MARGIN_MM, y)
    y += BOTTOM_GAP_MM * 0.5
    for ln in plan.bottom:
        y = writer.draw(ln, MARGIN_MM, y, inner_w)
    return max(lowest, y)


def plan_pdf(sheet: Sheet, paper: str = "letter") -> PagePlan:
    """The page plan the PDF would use (for tests and for callers that report omissions)."""
    pdf = _new_pdf(paper)
    return plan_page(sheet, paper, _Writer(pdf).measure)


def render_pdf(sheet: Sheet, paper: str = "letter") -> bytes:
    """The sheet as a one-page PDF document."""
    pdf = _new_pdf(paper)
    writer = _Writer(pdf)
    plan = plan_page(sheet, paper, writer.measure)
    pdf.set_title(writer.printable(sheet.title))
    pdf.set_subject(_("Alternatives to calling the police in a mental-health crisis"))
    pdf.set_creator("crisisnav")
    pdf.set_lang(f"{current()}-US")
    lowest = _draw(pdf, writer, plan)
    # The plan is measured with the embedded font, so this only guards against a layout bug.
    if pdf.pages_count != 1 or lowest > plan.page_h - MARGIN_MM / 2:  # pragma: no cover
        raise RuntimeError(f"sheet layout overflowed the page ({lowest:.1f} mm)")
    return bytes(pdf.output())
