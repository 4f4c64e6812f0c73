"""The page plan of a printed sheet: type sizes per role, lines in blocks, two columns, one page.

Each entry becomes lines with a *role* (name, reach, hours, police, note, ...) and `STYLES`
gives each role its type size, so the PDF (which measures text with its real font) and the HTML
(which estimates, `chars_measure`) lay out the same page. The sizes are fixed so that a handout
is readable: body text at least 10 pt, the numbers to call at least 16 pt (`BODY_MIN_PT`,
`NUMBER_MIN_PT`). Nothing is ever shortened: when the page is full, `plan_page` keeps the
highest-ranked entries whole (found by bisection, so a place with thousands of entries costs a
few dozen trial layouts, not one per entry), and the sheet says how many more exist and where
to find them (988, 211).

Printed sheets must not depend on the time they were printed, so hours are shown as the weekly
rules, never as "open now". Nothing here depends on colour: black-and-white printing loses no
meaning. Pure: no I/O, no heavy imports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from crisisnav.render.sheet_model import Sheet, SheetEntry
from crisisnav.render.sheet_words import notice_heads, section_heading

PAPER_MM = {"letter": (215.9, 279.4), "a4": (210.0, 297.0)}
MARGIN_MM = 12.0
GUTTER_MM = 6.0
COLUMNS = 2
PT_MM = 25.4 / 72
BODY_MIN_PT = 10.0
NUMBER_MIN_PT = 16.0


@dataclass(frozen=True)
class Style:
    size: float  # points
    bold: bool = False
    before: float = 0.0  # points of space above
    leading: float = 1.2  # line height / size


STYLES: dict[str, Style] = {
    "title": Style(18, True),
    "subtitle": Style(10.5, before=2),
    "police_once": Style(10, before=2),
    "section": Style(12.5, True, before=8),
    "name": Style(11.5, True, before=6),
    "reach": Style(17, True, before=1),  # a number to call or text: NUMBER_MIN_PT or more
    "reach_small": Style(11, True, before=1),  # a number the data doubts, or 911
    "reach_web": Style(11, True, before=1),
    "reach_long": Style(10, before=1),  # a long web address, the only way in: breaks anywhere
    "note": Style(10),
    "address": Style(10, True, before=1),
    "how": Style(10, before=1),
    "hours": Style(10, before=1),
    "police": Style(10, True),
    "entry_note": Style(10),
    "notice_head": Style(11, True, before=3),
    "notice": Style(10, before=1),
    "more": Style(10.5, True, before=4),
    "footer": Style(10, before=2),
}


@dataclass(frozen=True)
class Line:
    role: str
    text: str
    link: str | None = None
    number: str | None = None  # the part of text that must never break across lines


@dataclass(frozen=True)
class Block:
    kind: str  # "section" | "entry"
    lines: tuple[Line, ...]
    section: str = ""
    continued: bool = False  # the rest of an entry that began at the foot of the column before


def entry_lines(e: SheetEntry) -> tuple[Line, ...]:
    lines = [Line("name", e.name)]
    for r in e.reach:
        if r.web:
            role = "reach_long" if r.long else "reach_web"
        else:
            role = "reach" if r.big else "reach_small"
        lines.append(Line(role, r.text, r.link, r.number))
        if r.note:
            lines.append(Line("note", r.note))
    if e.address:
        lines.append(Line("address", e.address))
    if e.how_to_ask:
        lines.append(Line("how", e.how_to_ask))
    lines.append(Line("hours", e.hours))
    if e.police:
        lines.append(Line("police", e.police))
    lines.extend(Line("entry_note", n) for n in e.notes)
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
    lines = [Line("title", sheet.title), Line("subtitle", sheet.subtitle)]
    if sheet.police_once:
        lines.append(Line("police_once", sheet.police_once))
    return tuple(lines)


def bottom_lines(sheet: Sheet) -> tuple[Line, ...]:
    """Notices, where to find more and the footer: printed full width at the foot of the page."""
    lines: list[Line] = []
    for group, head in notice_heads():
        texts = [t for g, t in sheet.notices if g == group]
        if texts:
            lines.append(Line("notice_head", head))
            lines.extend(Line("notice", t) for t in texts)
    lines.append(Line("more", sheet.more_line()))
    lines.append(Line("footer", sheet.footer_line()))
    return tuple(lines)


# measure(text, size_pt, bold, width_mm) -> number of wrapped lines
Measure = Callable[[str, float, bool, float], int]


def line_height_mm(role: str) -> float:
    st = STYLES[role]
    return st.size * st.leading * PT_MM


def line_heights(lines: Sequence[Line], width: float, measure: Measure) -> tuple[float, ...]:
    """The height of each line (its space above included), wrapped at width."""
    out = []
    for ln in lines:
        st = STYLES[ln.role]
        n = max(1, measure(ln.text, st.size, st.bold, width))
        out.append(st.before * PT_MM + n * line_height_mm(ln.role))
    return tuple(out)


def lines_height(lines: Sequence[Line], width: float, measure: Measure) -> float:
    return sum(line_heights(lines, width, measure))


def _head_len(lines: Sequence[Line]) -> int:
    """How many lines of an entry stay together at a column break: its name and its first way
    to reach it (with that contact's note)."""
    for i, ln in enumerate(lines):
        if ln.role.startswith("reach"):
            j = i + 1
            while j < len(lines) and lines[j].role == "note":
                j += 1
            return j
    return min(2, len(lines))


BOTTOM_GAP_MM = 4.0  # between the columns and the notices/footer
HEADER_GAP_MM = 2.0  # below the rule under the title


@dataclass(frozen=True)
class PagePlan:
    """Everything a renderer draws: the (possibly shortened) sheet, its blocks in columns."""

    sheet: Sheet  # possibly with entries left out
    page_w: float
    page_h: float
    col_w: float
    header_h: float
    bottom_h: float
    columns: tuple[tuple[Block, ...], ...]
    header: tuple[Line, ...] = ()
    bottom: tuple[Line, ...] = ()


def _flow(
    blocks: list[Block],
    heights: list[tuple[float, ...]],
    capacity: float,
    continued: Callable[[str], tuple[Block, tuple[float, ...]]],
) -> list[list[Block]] | None:
    """Fill column 1, then column 2, in rank order; None when the blocks do not fit. An entry
    that does not fit at the foot of column 1 is split there between two of its lines (its name
    and first number always together) and goes on at the top of column 2; a column that starts
    with a new entry inside a section repeats the section heading, marked "(continued)"."""
    queue = list(zip(blocks, heights, strict=True))
    cols: list[list[Block]] = [[]]
    used = 0.0
    real = 0  # blocks of the sheet (not repeated headings) in the current column
    i = 0
    while i < len(queue):
        b, hs = queue[i]
        h = sum(hs)
        if not cols[-1] and b.kind == "entry" and not b.continued:
            head, head_hs = continued(b.section)
            cols[-1].append(head)
            used += sum(head_hs)
        need = h
        if b.kind == "section" and i + 1 < len(queue):  # keep a heading with its entry's head
            nb, nhs = queue[i + 1]
            need += sum(nhs[: _head_len(nb.lines)])
        if used + need > capacity + 1e-6:
            if b.kind == "entry" and len(cols) < COLUMNS:
                k = len(b.lines) - 1
                while k >= _head_len(b.lines) and used + sum(hs[:k]) > capacity + 1e-6:
                    k -= 1
                if k >= _head_len(b.lines):
                    cols[-1].append(Block(b.kind, b.lines[:k], b.section, b.continued))
                    queue[i] = (Block(b.kind, b.lines[k:], b.section, True), hs[k:])
                    cols.append([])
                    used, real = 0.0, 0
                    continue
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
    """Fit the sheet on one page at its fixed type sizes: all of it when it fits, else the most
    highest-ranked entries that fit whole (bisection), and as a last resort fewer notices."""
    page_w, page_h = PAPER_MM[paper]
    inner_w = page_w - 2 * MARGIN_MM
    col_w = (inner_w - GUTTER_MM * (COLUMNS - 1)) / COLUMNS
    fitted: dict[Block, tuple[Block, tuple[float, ...]]] = {}

    def fit_block(b: Block) -> tuple[Block, tuple[float, ...]]:
        hit = fitted.get(b)
        if hit is None:
            hit = fitted[b] = (b, line_heights(b.lines, col_w, measure))
        return hit

    def attempt(candidate: Sheet) -> PagePlan | None:
        header = header_lines(candidate)
        bottom = bottom_lines(candidate)
        header_h = lines_height(header, inner_w, measure) + HEADER_GAP_MM
        bottom_h = lines_height(bottom, inner_w, measure) + BOTTOM_GAP_MM
        capacity = page_h - 2 * MARGIN_MM - header_h - bottom_h
        if capacity <= 0:
            return None
        pairs = [fit_block(b) for b in body_blocks(candidate)]
        cols = _flow(
            [p[0] for p in pairs],
            [p[1] for p in pairs],
            capacity,
            lambda key: fit_block(section_block(key, continued=True)),
        )
        if cols is None:
            return None
        return PagePlan(
            sheet=candidate,
            page_w=page_w,
            page_h=page_h,
            col_w=col_w,
            header_h=header_h,
            bottom_h=bottom_h,
            columns=tuple(tuple(c) for c in cols),
            header=header,
            bottom=bottom,
        )

    plan = attempt(sheet)
    if plan is not None:
        return plan
    best = _most_that_fit(len(sheet.entries) - 1, lambda n: attempt(sheet.keep(n)))
    if best is not None:
        return best
    best = _most_that_fit(len(sheet.notices) - 1, lambda n: attempt(sheet.keep(0, n)))
    if best is not None:
        return best
    # Only an absurdly long title gets here: print the title alone.
    empty = sheet.keep(0, 0)
    return PagePlan(empty, page_w, page_h, col_w, 0.0, 0.0, (), header_lines(empty)[:1], ())


def _most_that_fit(high: int, attempt: Callable[[int], PagePlan | None]) -> PagePlan | None:
    """The plan for the largest n in 0..high that fits, by bisection (a shorter list never
    needs more room than a longer one), or None when even 0 does not fit."""
    lo, best = 0, None
    while lo <= high:
        mid = (lo + high) // 2
        plan = attempt(mid)
        if plan is not None:
            best, lo = plan, mid + 1
        else:
            high = mid - 1
    return best


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
