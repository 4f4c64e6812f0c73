"""What a printed sheet shows: the data selection, from a `LookupResult` to a `Sheet`.

`build_sheet` cleans every dataset string once (render.safe.printable: no escapes, no
invisible or direction-changing characters), turns each ranked entry into a `SheetEntry` (its
ways to reach it, hours, police line, one caveat line) and groups them by section; ended and
suspended programs become notices. The words around the data come from `sheet_words`; how the
page is laid out is `sheet_layout`'s job. Pure: no I/O, no heavy imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from crisisnav.models import LookupResult, Place, RankedResource, Resource
from crisisnav.render.safe import printable
from crisisnav.render.sheet_words import (
    LANGUAGE_NAMES,
    SUBTITLE,
    audiences_note,
    checked_text,
    filters_text,
    footer_lines,
    hours_line,
    languages_note,
    lookup_command,
    omitted_line,
    police_line,
    status_note,
    title,
)
from crisisnav.render.words import STOPPED_KINDS, notice_text


def clean_text(value: object) -> str:
    """Dataset text made safe to print (render.safe.printable: the package's one policy)."""
    return printable(value)


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
    status = status_note(r.status)
    if status:
        parts.append(status)
    if r.audiences:
        parts.append(audiences_note([clean_text(a) for a in r.audiences]))
    langs = [LANGUAGE_NAMES.get(x.lower(), clean_text(x)) for x in r.languages]
    if langs and langs != ["English"]:
        parts.append(languages_note(langs))
    for c in r.caveats:
        text = clean_text(c)
        if text:
            parts.append(text if text[-1] in ".!?" else text + ".")
    return " ".join(parts) or None


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
    notices: tuple[
        tuple[str, str], ...
    ]  # (group, text): "ended" (ended/suspended) first, then "note"
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
        return omitted_line(self.omitted, self.omitted_notices, self.lookup_command)

    def footer_lines(self) -> tuple[str, ...]:
        oldest = self.oldest_verified
        return footer_lines(
            self.printed.isoformat(),
            oldest.isoformat() if oldest else None,
            self.lookup_command,
            self.source,
        )

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
            hours=f"{hours_line(r)} · {checked_text(r.verified.isoformat(), item.stale)}",
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
    subtitle = SUBTITLE + filters_text(filters if filters is not None else result.filters)
    return Sheet(
        title=title(clean_text(place.label())),
        subtitle=subtitle,
        lookup_command=lookup_command(query),
        sections=tuple((k, tuple(by_section[k])) for k in order),
        notices=notices,
        printed=printed,
        source=source,
    )
