"""Printable one-page sheets: the layout decisions shared by the HTML, PDF, Markdown and plain renderers.

A `Sheet` is built from a `LookupResult` (`build_sheet`): every dataset string is cleaned of
control characters, ANSI escapes and bidi overrides here, once. Each entry becomes lines with a
*role* (name, reach, hours, police, caveat, ...) and `STYLES` gives each role its type size, so
the PDF (which measures text with its real font) and the HTML (which estimates) lay out the
same page. `plan_page` flows the blocks into two columns and, when they do not fit one page,
first shrinks the type a little, then keeps the highest-ranked entries and says how many were
left out and how to see them.

Printed sheets must not depend on the time they were printed, so hours are shown as the
weekly rules ("Mon–Fri 08:00–17:00 PT"), never as "open now". Nothing here depends on colour:
black-and-white printing loses no meaning.

Pure: no I/O, no heavy imports.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from crisisnav.models import LookupResult, Place, RankedResource, Resource
from crisisnav.render import words
from crisisnav.render.safe import printable
from crisisnav.render.words import STOPPED_KINDS, notice_text

# --------------------------------------------------------------------------- text hygiene

def clean_text(value: object) -> str:
    """Dataset text made safe to print (render.safe.printable: the package's one policy)."""
    return printable(value)


# --------------------------------------------------------------------------- plain words

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "asl": "ASL",
    "zh": "Chinese",
    "vi": "Vietnamese",
    "ko": "Korean",
    "tl": "Tagalog",
    "ru": "Russian",
    "ar": "Arabic",
    "fr": "French",
    "ht": "Haitian Creole",
    "pt": "Portuguese",
    "so": "Somali",
    "hmn": "Hmong",
}

def section_title(key: str) -> str:
    """Printed heading of a section: the same titles as the terminal (render.words)."""
    return clean_text(words.section_title(key))


def police_line(resource: Resource) -> str:
    """What can happen with police, in plain words (render.words.police_line)."""
    return words.police_line(resource, clean_text)


_DAY_NAMES = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}
_RULE_RE = re.compile(r"^(?P<days>[a-z,\-]+) (?P<start>\d\d:\d\d)-(?P<end>\d\d:\d\d)$")


def _pretty_rule(rule: str) -> str:
    m = _RULE_RE.match(rule.strip().lower())
    if not m:
        return rule
    days = m.group("days")
    if days == "daily":
        day_text = "Every day"
    else:
        day_text = ", ".join(
            "–".join(_DAY_NAMES.get(d, d) for d in span.split("-")) for span in days.split(",")
        )
    return f"{day_text} {m.group('start')}–{m.group('end')}"


def hours_line(resource: Resource) -> str:
    """Weekly hours as printed: "24 hours, every day" or "Mon–Fri 08:00–17:00 PT"."""
    rules = [clean_text(r) for r in resource.hours if clean_text(r)]
    if not rules:
        return "Hours not listed"
    if rules == ["24/7"]:
        return "24 hours, every day"
    text = "; ".join(_pretty_rule(r) for r in rules)
    if resource.timezone:
        from crisisnav.hours import zone_abbr

        try:
            abbr = zone_abbr(resource.timezone)
        except Exception:  # noqa: BLE001 - an unknown zone name is shown as written
            abbr = clean_text(resource.timezone)
        text += f" {abbr}"
    else:
        text += " (time zone not listed)"
    return text


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def tel_link(value: str) -> str | None:
    """tel: URI for a US number or short code, or None when the value is not only digits and
    separators (never a link built from anything else)."""
    if not re.fullmatch(r"[\d\s().+\-]+", value):
        return None
    digits = _digits(value)
    if len(digits) == 10:
        return f"tel:+1{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"tel:+{digits}"
    if 3 <= len(digits) <= 6:
        return f"tel:{digits}"
    return None


def web_link(value: str) -> str | None:
    """The value itself when it is a plain http(s) URL without spaces or quotes; else None."""
    if re.fullmatch(r"https?://[^\s\"'<>`\\]+", value):
        return value
    return None


def _bare_url(value: str) -> str:
    return re.sub(r"^https?://", "", value).rstrip("/")


@dataclass(frozen=True)
class Reach:
    """One way to reach an entry, printed in large type; `note` (a label) in small type."""

    text: str
    link: str | None = None
    note: str | None = None
    web: bool = False  # a web address: printed a little smaller so it wraps less


_TRIVIAL_LABELS = {"call", "text", "chat", "web", "website", "phone", "tty", "videophone"}


def reach_lines(resource: Resource) -> tuple[Reach, ...]:
    out: list[Reach] = []
    for c in resource.contacts:
        value = clean_text(c.value)
        if not value:
            continue
        label = clean_text(c.label) if c.label else None
        note = label if label and label.lower() not in _TRIVIAL_LABELS else None
        if c.type == "phone":
            out.append(Reach(f"Call {value}", tel_link(value), note))
        elif c.type == "text":
            keyword = clean_text(c.keyword) if c.keyword else ""
            text = f"Text {keyword} to {value}" if keyword else f"Text {value}"
            digits = _digits(value)
            link = f"sms:{digits}" if digits and re.fullmatch(r"[\d\s().+\-]+", value) else None
            out.append(Reach(text, link, note))
        elif c.type in ("chat", "web"):
            word = "Chat" if c.type == "chat" else "Web"
            out.append(Reach(f"{word}: {_bare_url(value)}", web_link(value), note, web=True))
        elif c.type == "tty":
            out.append(Reach(f"TTY {value}", tel_link(value), note))
        elif c.type == "videophone":
            out.append(Reach(f"Videophone {value}", tel_link(value), note))
        else:
            out.append(Reach(value, None, note))
    return tuple(out)


def caveat_line(item: RankedResource) -> str | None:
    """One line: status warnings, audiences, languages other than English only, then caveats."""
    r = item.resource
    parts: list[str] = []
    if r.status == "limited":
        parts.append("Limited service — call ahead.")
    elif r.status == "uncertain":
        parts.append("Status uncertain — check before relying on it.")
    if r.audiences:
        parts.append("For: " + ", ".join(clean_text(a) for a in r.audiences) + ".")
    langs = [LANGUAGE_NAMES.get(x.lower(), clean_text(x)) for x in r.languages]
    if langs and langs != ["English"]:
        parts.append("Languages: " + ", ".join(langs) + ".")
    for c in r.caveats:
        text = clean_text(c)
        if text:
            parts.append(text if text[-1] in ".!?" else text + ".")
    return " ".join(parts) or None


def checked_text(item: RankedResource) -> str:
    when = item.resource.verified.isoformat()
    if item.stale:
        return f"checked {when} — over a year ago, may have changed"
    return f"checked {when}"


def lookup_query(place: Place) -> str:
    """The query that reaches this place again: "Eugene, OR", "Lane County, OR", "97401", "Oregon"."""
    if place.kind == "zip" and place.zip:
        return place.zip
    if place.kind == "state":
        return place.name
    return f"{place.name}, {place.state}"


def slug(place: Place) -> str:
    """Safe, predictable file stem: "eugene-or", "lane-county-or", "97401", "oregon"."""
    import unicodedata

    base = lookup_query(place)
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")
    return out[:80].strip("-") or "place"


# --------------------------------------------------------------------------- the sheet model


@dataclass(frozen=True)
class SheetEntry:
    rank: int
    name: str
    reach: tuple[Reach, ...]
    how_to_ask: str | None
    hours: str  # "Every day 14:00–23:00 PT · checked 2026-11-20"
    police: str
    caveat: str | None
    verified: date
    stale: bool
    section: str


@dataclass(frozen=True)
class Sheet:
    title: str
    subtitle: str
    lookup_command: str
    sections: tuple[tuple[str, tuple[SheetEntry, ...]], ...]  # (section key, entries), in order
    notices: tuple[tuple[str, str], ...]  # (group, text): "ended" (ended/suspended) first, then "note"
    printed: date
    source: str
    omitted: int = 0  # entries left out to fit the page
    omitted_notices: int = 0

    @property
    def entries(self) -> tuple[SheetEntry, ...]:
        return tuple(e for _, es in self.sections for e in es)

    @property
    def oldest_verified(self) -> date | None:
        dates = [e.verified for e in self.entries]
        return min(dates) if dates else None

    def omitted_line(self) -> str | None:
        if not self.omitted and not self.omitted_notices:
            return None
        bits = []
        if self.omitted:
            bits.append(f"{self.omitted} more not shown")
        if self.omitted_notices:
            n = self.omitted_notices
            bits.append(f"{n} more notice{'s' if n != 1 else ''} not shown")
        return f"{', '.join(bits)} — run: {self.lookup_command}"

    def footer_lines(self) -> tuple[str, ...]:
        oldest = self.oldest_verified
        first = f"Printed {self.printed.isoformat()}."
        if oldest is not None:
            first += f" Oldest check of an entry on this page: {oldest.isoformat()}."
        first += f" Programs change: call ahead when you can. Full details and sources: {self.lookup_command}"
        return (first, f"Data: {self.source}")

    def keep(self, n_entries: int, n_notices: int | None = None) -> Sheet:
        """The same sheet with only the first (highest-ranked) n entries and n notices."""
        total = len(self.entries)
        kept: list[tuple[str, tuple[SheetEntry, ...]]] = []
        left = n_entries
        for key, es in self.sections:
            take = es[: max(left, 0)]
            left -= len(take)
            if take:
                kept.append((key, take))
        nn = len(self.notices) if n_notices is None else n_notices
        return replace(
            self,
            sections=tuple(kept),
            notices=self.notices[:nn],
            omitted=self.omitted + total - min(n_entries, total),
            omitted_notices=self.omitted_notices + len(self.notices) - min(nn, len(self.notices)),
        )


def _filters_text(filters: dict[str, object]) -> str:
    """The subtitle's words for the options used: what was left out, and what comes first."""
    only: list[str] = []
    if filters.get("contact"):
        only.append(f"reached by {clean_text(filters['contact'])}")
    if filters.get("language"):
        lang = clean_text(filters["language"])
        only.append("in " + LANGUAGE_NAMES.get(lang.lower(), lang))
    if filters.get("no_911"):
        only.append("not reached only through 911")
    out = f" Only entries {'; '.join(only)}." if only else ""
    aud = filters.get("audiences") or filters.get("for")
    if aud:
        seq = aud if isinstance(aud, (list, tuple)) else [aud]
        out += " Listed first: " + ", ".join(f"for {clean_text(a)} people" for a in seq) + "."
    return out


def dataset_source(path: str, sha256: str, version: str) -> str:
    """Where the data came from, for the footer."""
    import crisisnav

    name = Path(path).name or str(path)
    pkg_dir = Path(crisisnav.__file__).resolve().parent
    try:
        packaged = Path(path).resolve().is_relative_to(pkg_dir)
    except (OSError, ValueError):
        packaged = False
    where = f"crisisnav {version} packaged dataset" if packaged else f"dataset file {clean_text(name)}"
    sha = f" (sha256 {sha256[:12]})" if sha256 else ""
    return f"{where}{sha}; each entry checked against its public sources on the date shown."


def build_sheet(
    result: LookupResult,
    *,
    printed: date,
    source: str,
    filters: dict[str, object] | None = None,
) -> Sheet:
    place = result.resolution.place
    if place is None:
        raise ValueError("a sheet needs a resolved place")
    by_section: dict[str, list[SheetEntry]] = {}
    order: list[str] = []
    for item in sorted(result.resources, key=lambda i: i.rank):
        r = item.resource
        entry = SheetEntry(
            rank=item.rank,
            name=clean_text(r.name) or r.id,
            reach=reach_lines(r),
            how_to_ask=clean_text(r.how_to_ask) or None,
            hours=f"{hours_line(r)} · {checked_text(item)}",
            police=police_line(r),
            caveat=caveat_line(item),
            verified=r.verified,
            stale=item.stale,
            section=item.section,
        )
        if item.section not in by_section:
            by_section[item.section] = []
            order.append(item.section)
        by_section[item.section].append(entry)
    notices = tuple(
        sorted(
            (("ended" if n.kind in STOPPED_KINDS else "note"), clean_text(notice_text(n)))
            for n in result.notices
            if clean_text(notice_text(n))
        )
    )
    query = lookup_query(place)
    subtitle = "Alternatives to calling the police, least police involvement first."
    subtitle += _filters_text(filters if filters is not None else result.filters)
    return Sheet(
        title=f"Crisis help without police — {clean_text(place.label())}",
        subtitle=subtitle,
        lookup_command=f'crisisnav lookup "{query}"',
        sections=tuple((k, tuple(by_section[k])) for k in order),
        notices=notices,
        printed=printed,
        source=source,
    )


# --------------------------------------------------------------------------- page layout

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
    title = section_title(key) + (" (continued)" if continued else "")
    return Block("section", (Line("section", title),), key)


def body_blocks(sheet: Sheet) -> list[Block]:
    blocks: list[Block] = []
    for key, entries in sheet.sections:
        blocks.append(section_block(key))
        for e in entries:
            blocks.append(Block("entry", entry_lines(e), key))
    return blocks


def header_lines(sheet: Sheet) -> tuple[Line, ...]:
    return (Line("title", sheet.title), Line("subtitle", sheet.subtitle))


NOTICE_HEADS = (
    ("ended", "No longer available — do not use old flyers for these"),
    ("note", "Good to know"),
)


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


# --------------------------------------------------------------------------- text formats


def render_plain(sheet: Sheet) -> str:
    """The whole sheet as plain text (not cut to a page; nothing left out)."""
    out = [sheet.title, sheet.subtitle, ""]
    for key, entries in sheet.sections:
        heading = section_title(key).upper()
        out.append(heading)
        out.append("-" * len(heading))
        for e in entries:
            out.append(e.name)
            for r in e.reach:
                out.append(f"  {r.text}" + (f"  ({r.note})" if r.note else ""))
            if e.how_to_ask:
                out.append(f"  {e.how_to_ask}")
            out.append(f"  Hours: {e.hours}")
            out.append(f"  {e.police}")
            if e.caveat:
                out.append(f"  Note: {e.caveat}")
            out.append("")
    for group, head in NOTICE_HEADS:
        texts = [t for g, t in sheet.notices if g == group]
        if texts:
            out.append(head.upper() + ":")
            out.extend(f"  * {t}" for t in texts)
            out.append("")
    omitted = sheet.omitted_line()
    if omitted:
        out.append(omitted)
    out.extend(sheet.footer_lines())
    return "\n".join(out) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~])")  # [ ] escaped, so no ( ) can make a link


def md_escape(text: str) -> str:
    """Markdown with no live markup from data: specials backslash-escaped, & < > as entities."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"^(\s*)([-=+])", r"\1\\\2", text)
    return re.sub(r"^(\s*)(\d+)([.)])", r"\1\2\\\3", text)


def render_markdown(sheet: Sheet) -> str:
    """The whole sheet as Markdown (not cut to a page; nothing left out)."""
    out = [f"# {md_escape(sheet.title)}", "", md_escape(sheet.subtitle), ""]
    for key, entries in sheet.sections:
        out.append(f"## {md_escape(section_title(key))}")
        out.append("")
        for e in entries:
            out.append(f"### {md_escape(e.name)}")
            out.append("")
            for r in e.reach:
                text = f"**{md_escape(r.text)}**"
                if r.link:
                    text = f"**[{md_escape(r.text)}](<{r.link}>)**"
                if r.note:
                    text += f" ({md_escape(r.note)})"
                out.append(f"- {text}")
            if e.how_to_ask:
                out.append(f"- {md_escape(e.how_to_ask)}")
            out.append(f"- Hours: {md_escape(e.hours)}")
            out.append(f"- **{md_escape(e.police)}**")
            if e.caveat:
                out.append(f"- Note: {md_escape(e.caveat)}")
            out.append("")
    for group, head in NOTICE_HEADS:
        texts = [t for g, t in sheet.notices if g == group]
        if texts:
            out.append(f"## {head}")
            out.append("")
            out.extend(f"- {md_escape(t)}" for t in texts)
            out.append("")
    omitted = sheet.omitted_line()
    if omitted:
        out.append(f"**{md_escape(omitted)}**")
        out.append("")
    out.extend(f"{md_escape(f)}  " for f in sheet.footer_lines())
    return "\n".join(out) + "\n"
