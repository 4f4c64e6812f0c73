"""Every word a printed sheet says that is not dataset text, in one place.

Section titles come from render.words (shared with the terminal); everything else a sheet
prints around the data (hours, police lines, status notes, the subtitle, the notice headings,
the "not shown" line, the footer) is built here, so a message catalog can wrap each string
without touching the layout or the data selection. Pure: no I/O, no heavy imports.
"""

from __future__ import annotations

import re
from pathlib import Path

from crisisnav.models import Resource
from crisisnav.render import words
from crisisnav.render.safe import printable as clean_text

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


_DAY_NAMES = {
    "mon": "Mon",
    "tue": "Tue",
    "wed": "Wed",
    "thu": "Thu",
    "fri": "Fri",
    "sat": "Sat",
    "sun": "Sun",
}
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


def checked_text(verified_iso: str, stale: bool) -> str:
    if stale:
        return f"checked {verified_iso} — over a year ago, may have changed"
    return f"checked {verified_iso}"


def status_note(status: str) -> str | None:
    if status == "limited":
        return "Limited service — call ahead."
    if status == "uncertain":
        return "Status uncertain — check before relying on it."
    return None


def audiences_note(audiences: list[str]) -> str:
    return "For: " + ", ".join(audiences) + "."


def languages_note(names: list[str]) -> str:
    return "Languages: " + ", ".join(names) + "."


def title(place_label: str) -> str:
    return f"Crisis help without police — {place_label}"


SUBTITLE = "Alternatives to calling the police, least police involvement first."


def lookup_command(query: str) -> str:
    return f'crisisnav lookup "{query}"'


def section_heading(key: str, continued: bool = False) -> str:
    return section_title(key) + (" (continued)" if continued else "")


NOTICE_HEADS = (
    ("ended", "No longer available — do not use old flyers for these"),
    ("note", "Good to know"),
)


def omitted_line(omitted: int, omitted_notices: int, command: str) -> str | None:
    if not omitted and not omitted_notices:
        return None
    bits = []
    if omitted:
        bits.append(f"{omitted} more not shown")
    if omitted_notices:
        n = omitted_notices
        bits.append(f"{n} more notice{'s' if n != 1 else ''} not shown")
    return f"{', '.join(bits)} — run: {command}"


def footer_lines(
    printed_iso: str, oldest_iso: str | None, command: str, source: str
) -> tuple[str, ...]:
    first = f"Printed {printed_iso}."
    if oldest_iso is not None:
        first += f" Oldest check of an entry on this page: {oldest_iso}."
    first += f" Programs change: call ahead when you can. Full details and sources: {command}"
    return (first, f"Data: {source}")


def filters_text(filters: dict[str, object]) -> str:
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
        people = (clean_text(words.audience_people(str(a))) for a in seq)
        out += " Listed first: " + ", ".join(f"for {p}" for p in people) + "."
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
    where = (
        f"crisisnav {version} packaged dataset" if packaged else f"dataset file {clean_text(name)}"
    )
    sha = f" (sha256 {sha256[:12]})" if sha256 else ""
    return f"{where}{sha}; each entry checked against its public sources on the date shown."
