"""The page plan of a printed sheet: type sizes per role, lines in blocks, two columns, one page.

Each entry becomes lines with a *role* (name, reach, hours, police, caveat, ...) and `STYLES`
gives each role its type size, so the PDF (which measures text with its real font) and the
HTML (which estimates, `chars_measure`) lay out the same page. `plan_page` flows the blocks into
two columns and, when they do not fit one page, first shrinks the type a little, then keeps
the highest-ranked entries and says how many were left out.

Printed sheets must not depend on the time they were printed, so hours are shown as the
weekly rules, never as "open now". Nothing here depends on colour: black-and-white printing
loses no meaning. Pure: no I/O, no heavy imports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from crisisnav.render.sheet_model import Sheet, SheetEntry
from crisisnav.render.sheet_words import NOTICE_HEADS, section_heading

PAPER_MM = {"letter": (215.9, 279.4), "a4": (210.0, 297.0)}
MARGIN_MM = 12.0
GUTTER_MM = 6.0
COLUMNS = 2
PT_MM = 25.4 / 72


@dataclass(frozen=True)
class Style:
    size: float  # points
    bold: bool = False
    before: float = 0.0  # points of space above
    leading: float = 1.22  # line height / size
    max_lines: int = 0  # longer text is cut at a word and ends in "…" (0: never cut)


STYLES: dict[str, Style] = {
    "title": Style(17, True),
    "subtitle": Style(9.5, before=2),
    "section": Style(11, True, before=7),
    "name": Style(11, True, before=5, max_lines=3),
    "reach": Style(14, True, before=1),
    "reach_web": Style(11.5, True, before=1),
    "reach_note": Style(8.5, max_lines=1),
    "how": Style(9, before=1, max_lines=2),
    "hours": Style(9, before=1),
    "police": Style(9.5, True),
    "caveat": Style(9, max_lines=1),  # one caveat line; the rest is in `crisisnav lookup`
    "notice_head": Style(10, True),
    "notice": Style(9, before=1, max_lines=2),
    "omitted": Style(10, True, before=3),
    "footer": Style(8, before=1),
}
ELLIPSIS = "…"


@dataclass(frozen=True)
class Line:
    role: str
    text: str
    link: str | None = None


@dataclass(frozen=True)
class Block:
    kind: str  # "section" | "entry"
    lines: tuple[Line, ...]
    section: str = ""


def entry_lines(e: SheetEntry) -> tuple[Line, ...]:
    lines = [Line("name", e.name)]
    for r in e.reach:
        lines.append(Line("reach_web" if r.web else "reach", r.text, r.link))
        if r.note:
            lines.append(Line("reach_note", r.note))
    if e.how_to_ask:
        lines.append(Line("how", e.how_to_ask))
    lines.append(Line("hours", e.hours))
    lines.append(Line("police", e.police))
    if e.caveat:
        lines.append(Line("caveat", e.caveat))
    return tuple(lines)


def section_block(key: str, continued: bool = False) -> Block:
    return Block("section", (Line("section", section_heading(key, continued)),), key)


def body_blocks(sheet: Sheet) -> list[Block]:
    blocks: list[Block] = []
    for key, entries in sheet.sections:
        blocks.append(section_block(key))
        for e in entries:
            blocks.append(Block("entry", entry_lines(e), key))
    return blocks


def header_lines(sheet: Sheet) -> tuple[Line, ...]:
    return (Line("title", sheet.title), Line("subtitle", sheet.subtitle))


def bottom_lines(sheet: Sheet) -> tuple[Line, ...]:
    """Notices, the omitted line and the footer: printed full width at the foot of the page."""
    lines: list[Line] = []
    for group, head in NOTICE_HEADS:
        texts = [t for g, t in sheet.notices if g == group]
        if texts:
            lines.append(Line("notice_head", head + ":"))
            lines.extend(Line("notice", t) for t in texts)
    omitted = sheet.omitted_line()
    if omitted:
        lines.append(Line("omitted", omitted))
    lines.extend(Line("footer", f) for f in sheet.footer_lines())
    return tuple(lines)


# measure(text, size_pt, bold, width_mm) -> number of wrapped lines
Measure = Callable[[str, float, bool, float], int]


def line_height_mm(role: str, scale: float) -> float:
    st = STYLES[role]
    return st.size * scale * st.leading * PT_MM


def shorten(text: str, max_lines: int, fits: Callable[[str], int]) -> str:
    """The longest start of text, cut at a word and ended with "…", that wraps to at most
    max_lines lines (fits(text) gives the wrapped line count)."""
    if max_lines <= 0 or fits(text) <= max_lines:
        return text
    words = text.split(" ")
    lo, hi = 0, len(words) - 1  # words[:lo] + "…" fits; words[:hi+1] + "…" does not
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(" ".join(words[:mid]).rstrip(" ,;:—-") + ELLIPSIS) <= max_lines:
            lo = mid
        else:
            hi = mid - 1
    if lo > 0:
        return " ".join(words[:lo]).rstrip(" ,;:—-") + ELLIPSIS
    n = len(words[0])  # a single word longer than the lines: cut inside it
    while n > 1 and fits(words[0][:n] + ELLIPSIS) > max_lines:
        n = max(1, n * 3 // 4)
    return words[0][:n] + ELLIPSIS


def fit_line(ln: Line, width: float, scale: float, measure: Measure) -> Line:
    st = STYLES[ln.role]
    if not st.max_lines:
        return ln
    size = st.size * scale
    text = shorten(ln.text, st.max_lines, lambda t: measure(t, size, st.bold, width))
    return ln if text == ln.text else Line(ln.role, text, ln.link)


def lines_height(lines: Sequence[Line], width: float, scale: float, measure: Measure) -> float:
    total = 0.0
    for ln in lines:
        st = STYLES[ln.role]
        n = max(1, measure(ln.text, st.size * scale, st.bold, width))
        total += st.before * scale * PT_MM + n * line_height_mm(ln.role, scale)
    return total


BOTTOM_GAP_MM = 4.0  # between the columns and the notices/footer
HEADER_GAP_MM = 2.0  # below the rule under the title


@dataclass(frozen=True)
class PagePlan:
    """Everything a renderer draws, already fitted: lines cut to their maximum, blocks in columns."""

    sheet: Sheet  # possibly with entries left out
    scale: float
    page_w: float
    page_h: float
    col_w: float
    header_h: float
    bottom_h: float
    columns: tuple[tuple[Block, ...], ...]
    header: tuple[Line, ...] = ()
    bottom: tuple[Line, ...] = ()


SCALES = (1.0, 0.93, 0.87)  # type sizes tried before entries are left out


def _flow(
    blocks: list[Block],
    heights: list[float],
    capacity: float,
    continued: Callable[[str], tuple[Block, float]],
) -> list[list[Block]] | None:
    """Fill column 1, then column 2, in rank order; None when the blocks do not fit. A column
    that starts inside a section repeats its heading, marked "(continued)"."""
    cols: list[list[Block]] = [[]]
    used = 0.0
    real = 0  # blocks of the sheet (not repeated headings) in the current column
    i = 0
    while i < len(blocks):
        b, h = blocks[i], heights[i]
        if not cols[-1] and b.kind == "entry":
            head, head_h = continued(b.section)
            cols[-1].append(head)
            used += head_h
        # keep a section heading with its first entry
        need = h + heights[i + 1] if b.kind == "section" and i + 1 < len(blocks) else h
        if used + need > capacity + 1e-6:
            if real == 0 or len(cols) == COLUMNS:
                return None
            cols.append([])
            used, real = 0.0, 0
            continue
        cols[-1].append(b)
        used += h
        real += 1
        i += 1
    return cols


def plan_page(sheet: Sheet, paper: str, measure: Measure) -> PagePlan:
    """Fit the sheet on one page: try each type scale, then keep fewer (the highest-ranked)
    entries at the smallest scale, and as a last resort fewer notices."""
    page_w, page_h = PAPER_MM[paper]
    inner_w = page_w - 2 * MARGIN_MM
    col_w = (inner_w - GUTTER_MM * (COLUMNS - 1)) / COLUMNS
    fitted: dict[tuple[Block, float], tuple[Block, float]] = {}

    def fit_block(b: Block, scale: float) -> tuple[Block, float]:
        key = (b, scale)
        hit = fitted.get(key)
        if hit is None:
            lines = tuple(fit_line(ln, col_w, scale, measure) for ln in b.lines)
            hit = (Block(b.kind, lines, b.section), lines_height(lines, col_w, scale, measure))
            fitted[key] = hit
        return hit

    def attempt(candidate: Sheet, scale: float) -> PagePlan | None:
        header = tuple(fit_line(ln, inner_w, scale, measure) for ln in header_lines(candidate))
        bottom = tuple(fit_line(ln, inner_w, scale, measure) for ln in bottom_lines(candidate))
        header_h = lines_height(header, inner_w, scale, measure) + HEADER_GAP_MM
        bottom_h = lines_height(bottom, inner_w, scale, measure) + BOTTOM_GAP_MM
        capacity = page_h - 2 * MARGIN_MM - header_h - bottom_h
        if capacity <= 0:
            return None
        pairs = [fit_block(b, scale) for b in body_blocks(candidate)]
        cols = _flow(
            [p[0] for p in pairs],
            [p[1] for p in pairs],
            capacity,
            lambda key: fit_block(section_block(key, continued=True), scale),
        )
        if cols is None:
            return None
        return PagePlan(
            sheet=candidate,
            scale=scale,
            page_w=page_w,
            page_h=page_h,
            col_w=col_w,
            header_h=header_h,
            bottom_h=bottom_h,
            columns=tuple(tuple(c) for c in cols),
            header=header,
            bottom=bottom,
        )

    n_total = len(sheet.entries)
    for scale in SCALES:
        plan = attempt(sheet, scale)
        if plan is not None:
            return plan
    scale = SCALES[-1]
    for n in range(n_total - 1, -1, -1):
        plan = attempt(sheet.keep(n), scale)
        if plan is not None:
            return plan
    for nn in range(len(sheet.notices) - 1, -1, -1):
        plan = attempt(sheet.keep(0, nn), scale)
        if plan is not None:
            return plan
    # Only an absurdly long title gets here: print the title alone.
    empty = sheet.keep(0, 0)
    header = tuple(fit_line(ln, inner_w, scale, measure) for ln in header_lines(empty))
    return PagePlan(empty, scale, page_w, page_h, col_w, 0.0, 0.0, (), header, ())


def chars_measure(avg_em: float = 0.62, bold_em: float = 0.68) -> Measure:
    """An estimate of wrapped line counts from character counts (used where no font metrics
    are at hand, e.g. for HTML printed by a browser). Errs towards more lines."""

    def measure(text: str, size: float, bold: bool, width: float) -> int:
        char_w = size * PT_MM * (bold_em if bold else avg_em)
        per_line = max(1, int(width / char_w))
        lines = 1
        used = 0
        for word in text.split(" "):
            w = len(word)
            if used == 0:
                used = w
            elif used + 1 + w <= per_line:
                used += 1 + w
            else:
                lines += 1
                used = w
            while used > per_line:  # a word longer than a line
                lines += 1
                used -= per_line
        return lines

    return measure
