"""Every word a printed sheet says that is not dataset text, in one place.

Section titles and police words come from render.words (shared with the terminal); everything
else a handout prints around the data is here: the title, the one police sentence, hours in
12-hour time, status and audience notes, the notices about ended programs, the "where to find
more" line and the footer. Each is a constant or a format string with named fields, so a
message catalog can wrap every one of them without touching the data selection
(sheet_model) or the layout (sheet_layout).

Every constant is an English msgid marked with N_() (crisisnav.i18n); the code that prints one
translates it with _() then, so a sheet comes out in the language chosen with --lang.

A handout is for the public: nothing here prints a command line, a hash or a raw code.
Pure: no I/O, no heavy imports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from crisisnav.i18n import N_, _, current
from crisisnav.models import Resource
from crisisnav.render import words
from crisisnav.render.safe import printable as clean_text

# --------------------------------------------------------------------------- page furniture

TITLE = N_("Crisis help without police — {place}")
SUBTITLE = N_("For a mental-health crisis. Services with the least police involvement come first.")
# Said once per page instead of under every entry that may involve police (issue 13 item 4).
POLICE_ONCE = N_(
    "About police: services marked “No police unless you ask” say they will not involve "
    "police without your consent. The others may call police or emergency services in some "
    "situations, for example when someone is in immediate danger."
)
CONTINUED = N_("{title} (continued)")
# Where to find more, at the foot of every sheet. 988 is the national crisis line (call or
# text, any time); 211 is the FCC-designated number for local community information and
# referral, free, in most of the US (CPUC "211 Information Services",
# https://www.cpuc.ca.gov/General.aspx?id=7846; 211us.org FAQ).
MORE_HELP = N_("More help: ask 988 any time, or dial 211 for local community services.")
MORE_NOT_SHOWN = {
    1: N_("1 more service for this area is not shown here."),
    "n": N_("{n} more services for this area are not shown here."),
}
NOTICES_NOT_SHOWN = {
    1: N_("1 more notice is not shown here."),
    "n": N_("{n} more notices are not shown here."),
}
PRINTED = N_("Printed {printed}.")
DATA_CHECKED = N_("Data checked {oldest}.")  # the oldest check of any entry on the page
CALL_AHEAD = N_("Programs change: call ahead when you can.")
SOURCE_PACKAGED = N_("Each entry checked against its public sources.")
SOURCE_FILE = N_("From the dataset file {name}.")

NOTICE_HEADS = (
    ("ended", N_("No longer available — do not use old flyers or saved numbers for these:")),
    ("note", N_("Good to know:")),
)

# --------------------------------------------------------------------------- contacts

CALL = N_("Call {number}")
TEXT = N_("Text {number}")
TEXT_KEYWORD = N_("Text {keyword} to {number}")
CHAT = N_("Chat: {address}")
WEB = N_("Web: {address}")
TTY = N_("TTY {number}")
VIDEOPHONE = N_("Videophone {number}")
THROUGH_988 = N_("Reached through 988")
ADDRESS = N_("Address: {address}")

# --------------------------------------------------------------------------- police per entry


def police_words(resource: Resource) -> str | None:
    """The police line under one entry, in the compact answer's words (render.words), or None
    when POLICE_ONCE already says it: `possible` reached directly or through 988."""
    if resource.police == "possible" and resource.dispatch in ("direct", "via-988"):
        return None
    text = words.police_plain(resource)
    if resource.dispatch == "via-911" and resource.police in ("co-responder", "police"):
        text += ". " + _(words.ONLY_911)
    return text


# --------------------------------------------------------------------------- status and people

STATUS_NOTES = {
    "limited": N_("Limited service — call ahead."),
    "uncertain": N_("Not confirmed as current — call ahead before relying on it."),
}
STALE = N_("Last checked {verified}, over a year ago — it may have changed.")

FOR_AUDIENCES = N_("For {audiences}.")
LANGUAGES = N_("Languages: {languages}.")
LANGUAGE_NAMES = words.LANGUAGE_NAMES  # "es" -> N_("Spanish"), shared with the terminal
ANSWERS_IN = N_("Answers in {language}.")
AND = N_(" and ")


def audience_words(code: str) -> str:
    """ "youth" -> "young people" (render.words, shared with the terminal)."""
    return clean_text(words.audience_people(code.lower()))


def join_words(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + _(AND) + items[-1]


def for_audiences(codes: Sequence[str]) -> str:
    return _(FOR_AUDIENCES).format(audiences=join_words([audience_words(c) for c in codes]))


def language_names(codes: Sequence[str]) -> list[str]:
    return [clean_text(words.language_name(c)) for c in codes]


def languages_note(codes: Sequence[str]) -> str | None:
    """ "Languages: English and Spanish." — None when the entry lists English only (or nothing).
    In another language's sheet, an entry that answers in that language says so first
    ("Atienden en español."), and the note names the languages beyond English and that one."""
    lang = current()
    lower = [c.lower() for c in codes]
    if lang != "en" and lang in lower:
        rest = [c for c in codes if c.lower() not in ("en", lang)]
        note = _(ANSWERS_IN).format(language=words.language_name(lang))
        if rest:
            note += " " + _(LANGUAGES).format(languages=join_words(language_names(rest)))
        return note
    if not lower or lower == ["en"]:
        return None
    return _(LANGUAGES).format(languages=join_words(language_names(codes)))


def section_title(key: str) -> str:
    """Printed heading of a section: the same titles as the terminal (render.words)."""
    return clean_text(words.section_title(key))


def section_heading(key: str, continued: bool = False) -> str:
    title = section_title(key)
    return _(CONTINUED).format(title=title) if continued else title


def notice_heads() -> tuple[tuple[str, str], ...]:
    """(group, heading) of the notices at the foot of a sheet, in the chosen language."""
    return tuple((group, _(head)) for group, head in NOTICE_HEADS)


# --------------------------------------------------------------------------- hours, 12-hour

DAY_NAMES = words.DAY_NAMES  # "mon" -> N_("Mon"), shared with the terminal
EVERY_DAY = N_("Every day")
ALWAYS = N_("24 hours, every day")
TEAM_HOURS = N_("Team goes out: {hours}")
HOURS_NOT_LISTED = N_("Hours not listed")
NO_ZONE = N_("{hours} (time zone not listed)")
OTHER_ZONE = N_("{hours} ({zone}, not local time)")
NOON = N_("noon")
MIDNIGHT = N_("midnight")
AM = N_("{clock} am")
PM = N_("{clock} pm")
DAY_RANGE = "{first}–{last}"
TIME_RANGE = "{start}–{end}"


def clock12(hhmm: str) -> str:
    """ "14:00" -> "2 pm", "06:30" -> "6:30 am", "12:00" -> "noon", "00:00"/"24:00" -> "midnight"."""
    try:
        h, m = (int(x) for x in hhmm.split(":"))
    except ValueError:
        return hhmm
    if m == 0 and h in (0, 24):
        return _(MIDNIGHT)
    if m == 0 and h == 12:
        return _(NOON)
    h12 = h % 12 or 12
    clock = f"{h12}" if m == 0 else f"{h12}:{m:02d}"
    return _(PM if 12 <= h < 24 else AM).format(clock=clock)


def _pretty_rule(rule: str) -> str:
    from crisisnav.hours import split_rule

    parts = split_rule(rule.strip().lower())
    if parts is None:
        return rule
    days, start, end = parts
    if days == "daily":
        day_text = _(EVERY_DAY)
    else:
        spans = []
        for span in days.split(","):
            ends = [_(DAY_NAMES[d]) if d in DAY_NAMES else d for d in span.split("-")]
            spans.append(
                DAY_RANGE.format(first=ends[0], last=ends[-1]) if len(ends) > 1 else ends[0]
            )
        day_text = ", ".join(spans)
    times = TIME_RANGE.format(start=clock12(start), end=clock12(end))
    return f"{day_text} {times}"


def weekly_hours(
    rules: Sequence[str], timezone: str | None, *, team: bool = False, local_zone: str | None = None
) -> str:
    """Weekly hours as printed: "24 hours, every day", "Mon–Fri 10 am–10 pm ET", "Team goes
    out: Every day 2 pm–11 pm PT"; another zone than the place's says so."""
    rules = [clean_text(r) for r in rules if clean_text(r)]
    if not rules:
        return _(HOURS_NOT_LISTED)
    if rules == ["24/7"]:
        return _(ALWAYS)
    text = "; ".join(_pretty_rule(r) for r in rules)
    if not timezone:
        text = _(NO_ZONE).format(hours=text)
    else:
        from crisisnav.hours import zone_abbr

        try:
            abbr = zone_abbr(timezone)
            local = zone_abbr(local_zone) if local_zone else abbr
        except Exception:  # noqa: BLE001 - an unknown zone name is shown as written
            abbr, local = clean_text(timezone), clean_text(timezone)
        text = f"{text} {abbr}" if abbr == local else _(OTHER_ZONE).format(hours=text, zone=abbr)
    return _(TEAM_HOURS).format(hours=text) if team else text


# --------------------------------------------------------------------------- dates and notices

MONTHS = (
    N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
)  # fmt: skip
LONG_DATE = N_("{month} {day}, {year}")
ENDED = N_("{name} ended on {date}.")
ENDED_NO_DATE = N_("{name} has ended.")
SUSPENDED = N_("{name} is suspended (since {date}).")
SUSPENDED_NO_DATE = N_("{name} is suspended.")
PROGRAM_WHERE = "{name} ({where})"
WHERE_WORDS = {"nationwide": N_("nationwide")}
NOTE_TEXTS = {
    "no-local-option": N_(
        "No local non-police crisis service is listed for {place}. The statewide and national "
        "services here still apply."
    ),
    "state-only": N_(
        "This sheet covers all of {place}: only statewide and national services are listed. "
        "A sheet for a city or county also lists local teams."
    ),
    "coverage-gap": N_(
        "No statewide service for {state} is listed yet. That is a gap in this list, not a "
        "sign that nothing exists."
    ),
    "stale": N_("{count} of the services here were last checked over a year ago: call ahead."),
    "city-only": N_("Only for people in {city}: {names}."),
    "audience-gap": N_(
        "No service just for {audience} is listed for {place}; the services here still apply."
    ),
    "filtered-out": N_("No service for {place} matches the choices made for this sheet."),
}


def long_date(iso: str | None) -> str | None:
    """ "2025-04-07" -> "April 7, 2025" (a value that is not an ISO date is shown as written)."""
    if not iso:
        return None
    try:
        d = date.fromisoformat(str(iso))
    except ValueError:
        return clean_text(iso)
    return _(LONG_DATE).format(month=_(MONTHS[d.month - 1]), day=d.day, year=d.year)


def stopped_sentence(kind: str, fields: Mapping[str, Any]) -> str:
    """ "CAHOOTS (White Bird Clinic) (Eugene) ended on April 7, 2025." """
    name = clean_text(
        words.program_name(
            {"name": fields.get("name"), **{k: v for k, v in fields.items() if k == "translations"}}
        )
    )
    where = clean_text(fields.get("where") or "")
    if where:
        where_words = WHERE_WORDS.get(where)
        name = PROGRAM_WHERE.format(name=name, where=_(where_words) if where_words else where)
    when = long_date(fields.get("since"))
    if kind == "ended":
        return _(ENDED).format(name=name, date=when) if when else _(ENDED_NO_DATE).format(name=name)
    if when:
        return _(SUSPENDED).format(name=name, date=when)
    return _(SUSPENDED_NO_DATE).format(name=name)


def note_sentence(kind: str, fields: Mapping[str, Any]) -> str | None:
    """A notice other than an ended program, in words for the public (no command-line advice);
    None for a kind the sheet has no words for."""
    msgid = NOTE_TEXTS.get(kind)
    if msgid is None:
        return None
    template = _(msgid)
    values = {k: clean_text(v) for k, v in fields.items() if not isinstance(v, (list, tuple))}
    if "state" in values:  # "OR" would read as a word: the state's name
        from crisisnav.normalize import STATES

        values["state"] = STATES.get(values["state"].upper(), values["state"])
    if kind == "city-only":
        values["names"] = "; ".join(clean_text(n) for n in words.notice_names(fields))
    if kind == "audience-gap" or (kind == "filtered-out" and "audience" in fields):
        values["audience"] = audience_words(str(fields.get("audience", "")))
        template = _(NOTE_TEXTS["audience-gap"]) if kind == "filtered-out" else template
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return None


# --------------------------------------------------------------------------- subtitle, footer


FILTER_WORDS = {
    "contact": N_("reached by {value}"),
    "language": N_("in {value}"),
    "no_911": N_("not reached only through 911"),
}
ONLY = N_(" Only services {parts}.")
LISTED_FIRST = N_(" Listed first: services for {audiences}.")
CONTACT_WORDS = {
    "phone": N_("phone"),
    "text": N_("text message"),
    "chat": N_("chat"),
    "web": N_("the web"),
    "tty": N_("TTY"),
    "videophone": N_("videophone"),
}


def filters_text(filters: Mapping[str, object]) -> str:
    """The subtitle's words for the choices made: what was left out, and what comes first."""
    only: list[str] = []
    if filters.get("contact"):
        value = clean_text(filters["contact"])
        contact = CONTACT_WORDS.get(value)
        only.append(_(FILTER_WORDS["contact"]).format(value=_(contact) if contact else value))
    if filters.get("language"):
        lang = clean_text(filters["language"])
        only.append(_(FILTER_WORDS["language"]).format(value=words.language_name(lang)))
    if filters.get("no_911"):
        only.append(_(FILTER_WORDS["no_911"]))
    out = _(ONLY).format(parts="; ".join(only)) if only else ""
    aud = filters.get("audiences") or filters.get("for")
    if aud:
        seq = [str(a) for a in aud] if isinstance(aud, (list, tuple)) else [str(aud)]
        out += _(LISTED_FIRST).format(audiences=join_words([audience_words(a) for a in seq]))
    return out


def count_words(table: Mapping[Any, str], n: int) -> str:
    return _(table[1]) if n == 1 else _(table["n"]).format(n=n)


def dataset_source(path: str) -> str:
    """Where the data came from, for the footer: no hash and no command, only what a reader can
    use (the file name when it is not the packaged dataset)."""
    import crisisnav

    name = Path(path).name or str(path)
    pkg_dir = Path(crisisnav.__file__).resolve().parent
    try:
        packaged = Path(path).resolve().is_relative_to(pkg_dir)
    except (OSError, ValueError):
        packaged = False
    return _(SOURCE_PACKAGED) if packaged else _(SOURCE_FILE).format(name=clean_text(name))
