"""Every word a person reads about sections, police, dispatch, notices and `why` reasons, in one
place. The core (rank) produces kinds and fields; only renderers call these functions to put
them into words, so the wording lives here once and a message catalog can wrap each table
entry or f-string in `_()` without touching the core.

Each concern is one table or one plain function:
- section titles (terminal, plain, Markdown and printed sheets share them): SECTION_TITLES;
- police wording: POLICE_BADGE (short label), POLICE_GENERIC (when the entry has no note),
  POLICE_REASON (for --explain), police_line (printed sheets);
- dispatch wording: DISPATCH_WORDS and dispatch_text;
- notices: NOTICE_LABELS, notice_text, short_notice;
- hours at the evaluation time: hours_words (crisisnav.hours.hours_state gives the data);
- audiences: AUDIENCE_PEOPLE ("youth" -> "young people");
- `why` reasons: why_text.

Dataset strings inside fields are returned as given: each renderer makes them safe (inert,
clean_text, Markdown escaping) the way its format needs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crisisnav.models import Notice, RankedResource, Reason, Resource

# --------------------------------------------------------------------------- sections

SECTION_TITLES = {
    "respond": "Someone comes to you",
    "call": "Call, text or chat now",
    "talk": "Talk it through (warmlines and peers)",
    "go": "Places to go",
    "through-911": "Through 911 — ask for them by name; police may be sent",
    "communities": "For particular communities",
    "last-resort": "Last resort: police are involved",
    "directories": "Directories",
}
# Who an audience word means, in words ("youth" -> "young people", never "youth people").
AUDIENCE_PEOPLE = {
    "trans": "trans people",
    "lgbtq": "LGBTQ+ people",
    "youth": "young people",
    "veterans": "veterans",
    "native": "Native people",
    "deaf": "Deaf and hard-of-hearing people",
    "black": "Black people",
    "spanish-speaking": "Spanish speakers",
    "older-adults": "older adults",
    "disaster": "people after a disaster",
    "substance-use": "people who use drugs or alcohol",
}
# A section made for an audience asked for with --for.
AUDIENCE_SECTION = "For {people}"


def audience_people(audience: str) -> str:
    """ "youth" -> "young people"; a word the table does not know is shown as the word itself
    ("for example-group"), never with a "people" that may not fit."""
    return AUDIENCE_PEOPLE.get(audience, audience)
ENDED_SECTION = "Ended or suspended programs"

SECTION_REASONS = {
    "respond": "section respond: a team that comes to the person",
    "call": "section call: a crisis line, text line or chat",
    "talk": "section talk: a warmline or peer line for talking it through",
    "go": "section go: a place to go in person",
    "through-911": "section through-911: reached only through 911, where a dispatcher decides "
    "who comes (police may be sent), so after every direct option",
    "communities": "section communities: serves particular communities",
    "last-resort": "section last-resort: police are part of the response",
    "directories": "section directories: a list of other services, last",
}


def section_title(section: str) -> str:
    """The heading of a section; an audience section (--for) is "For young people" etc."""
    return SECTION_TITLES.get(section) or AUDIENCE_SECTION.format(people=audience_people(section))


# --------------------------------------------------------------------------- police

POLICE_BADGE = {
    "none": "police: none",
    "possible": "police: possible",
    "co-responder": "police: CO-RESPONDER (officer on the team)",
    "police": "police: POLICE RESPONSE",
}
POLICE_GENERIC = {
    "none": "the program says it does not involve police without consent",
    "possible": "police may be called or sent in some situations",
    "co-responder": "an officer is on the team or sent with it",
    "police": "a police response",
}
POLICE_REASON = {
    "none": "the program says it will not involve police without consent",
    "possible": "police may be called or sent in some situations",
    "co-responder": "an officer is on the team or sent with it",
    "police": "this is a police response",
}
# Police in words that carry information (issue 13 item 4; DESIGN "police"): what can happen,
# and when. Used by the compact answer and the printed sheets.
POLICE_PLAIN = {
    "none": "No police unless you ask",
    "possible": "Police possible in an emergency",
    "co-responder": "An officer comes with the team",
    "police": "A police response",
}
POLICE_PLAIN_VIA = {
    "via-911": "Via 911: police may be sent",
    "via-non-emergency": "Via police non-emergency line: police may come",
}
NON_EMERGENCY_TOO = " (reached through the police non-emergency line)"
ONLY_911 = "Only through 911"
UNCONFIRMED = "UNCONFIRMED — this entry could not be confirmed as current; call ahead"

_ASK_RE = re.compile(r"\b(ask (?:them |the dispatcher )?for [^.;]+?)(?:[.;]|$)", re.IGNORECASE)


def police_badge(level: str) -> str:
    return POLICE_BADGE.get(level, f"police: {level}")


def police_plain(resource: Resource) -> str:
    """Police in plain words, briefly saying when: "No police unless you ask", "Police possible
    in an emergency", "Via 911: police may be sent"."""
    if resource.police in ("co-responder", "police"):
        return POLICE_PLAIN[resource.police]
    if resource.dispatch == "via-non-emergency" and resource.police == "none":
        return POLICE_PLAIN["none"] + NON_EMERGENCY_TOO
    via = POLICE_PLAIN_VIA.get(resource.dispatch)
    if via:
        return via
    return POLICE_PLAIN.get(resource.police, f"police: {resource.police}")


def police_line(resource: Resource, clean: Any = None) -> str:
    """What can happen with police, for printed sheets: the same words as the compact answer,
    and for an entry reached through a dispatcher how to ask for it (ask_line)."""
    text = police_plain(resource)
    if resource.dispatch == "via-911" and resource.police in ("co-responder", "police"):
        text += ". " + ONLY_911
    if resource.dispatch in ("via-911", "via-non-emergency"):
        text += ". " + ask_line(resource, clean)
    return text


def ask_line(resource: Resource, clean: Any = None) -> str:
    """How to ask for an entry reached through a dispatcher: the entry's own words when its
    how_to_ask says whom to ask for ("Ask for the STAR team"), else "Ask for X by name" from
    its name, so the generated words never contradict the entry's own."""
    clean = clean or (lambda s: " ".join(str(s).split()))
    if resource.how_to_ask:
        m = _ASK_RE.search(clean(resource.how_to_ask))
        if m:
            found = m.group(1)
            return found[0].upper() + found[1:]
    return ASK_BY_NAME_ALONE.format(name=short_name(resource.name))


# --------------------------------------------------------------------------- dispatch

DISPATCH_WORDS = {
    "direct": "reached directly",
    "via-988": "reached through 988",
    "via-non-emergency": "reached through the police non-emergency line",
    "via-911": "reached only through 911",
}
ASK_BY_NAME = "{how} — ask for {name} by name"
ASK_BY_NAME_ALONE = "Ask for {name} by name"


def short_name(name: str) -> str:
    """ "Denver STAR (Support Team Assisted Response)" -> "Denver STAR"."""
    return name.split(" (", 1)[0].strip() or name


def dispatch_words(dispatch: str, name: str, how_to_ask: str | None = None) -> str:
    base = DISPATCH_WORDS.get(dispatch, dispatch)
    if dispatch in ("via-911", "via-non-emergency"):
        if how_to_ask:
            m = _ASK_RE.search(" ".join(how_to_ask.split()))
            if m:  # the entry's own words about whom to ask for, never a contradiction of them
                return f"{base} — {m.group(1)[0].lower()}{m.group(1)[1:]}"
        return ASK_BY_NAME.format(how=base, name=short_name(name))
    return base


def dispatch_text(resource: Resource) -> str:
    """How the entry is reached, in words: "reached only through 911 — ask for X by name"."""
    return dispatch_words(resource.dispatch, resource.name, resource.how_to_ask)


# --------------------------------------------------------------------------- notices

NOTICE_LABELS = {
    "ended": "ENDED",
    "suspended": "SUSPENDED",
    "coverage-gap": "GAP",
    "no-local-option": "NO LOCAL OPTION",
    "stale": "STALE",
    "state-only": "STATE ONLY",
    "city-only": "CITY ONLY",
    "filtered-out": "FILTERED",
    "audience-gap": "NONE LISTED",
}
# Notices about a program that stopped: one short line at the top, the full text after the list.
STOPPED_KINDS = ("ended", "suspended")


def notice_label(kind: str) -> str:
    return NOTICE_LABELS.get(kind, kind.upper())


def program_name(f: Mapping[str, Any]) -> str:
    """An ended or suspended program's name, with where it served when the name does not say."""
    where = f.get("where")
    return f"{f['name']} ({where})" if where else str(f["name"])


def _either(items: Sequence[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _entries(n: int) -> str:
    return "entry" if n == 1 else "entries"


def notice_text(n: Notice) -> str:
    """The full sentence of a notice."""
    f = n.fields
    k = n.kind
    if k == "ended":
        when = f" on {f['since']}" if f.get("since") else ""
        text = f"{program_name(f)} ended service{when} — do not use old flyers or saved numbers for it."
    elif k == "suspended":
        since = f" since {f['since']}" if f.get("since") else ""
        text = f"{program_name(f)} is suspended{since} — do not rely on it until it is back."
    elif k == "no-local-option":
        return (
            f"No local non-police crisis service is listed for {f['place']}. "
            "The statewide and national options below still apply."
        )
    elif k == "state-only":
        return (
            f"{f['place']} is a whole state: only statewide and national options are "
            "listed. Give a city, county or ZIP code for local teams."
        )
    elif k == "coverage-gap":
        return (
            f"No statewide entry for {f['state']} is in the dataset yet. That is a gap "
            "in this dataset, not a sign that nothing exists; national options are listed."
        )
    elif k == "filtered-out" and f.get("audience"):
        return (
            f"The filters you gave hide the {f['count']} {_entries(f['count'])} for "
            f"{audience_people(f['audience'])} listed for {f['place']}, so that section is empty. Run again "
            f"without {_either(f.get('filters') or ('those filters',))} to see them."
        )
    elif k == "filtered-out":
        return (
            f"The filters you gave hide all {f['count']} options for {f['place']}. "
            "Run again without them to see every option."
        )
    elif k == "audience-gap":
        return (
            f"No entry for {audience_people(f['audience'])} is listed for {f['place']} in this "
            "dataset; the general options below still apply."
        )
    elif k == "stale":
        count = f["count"]
        return (
            f"{count} listed "
            + ("entry was" if count == 1 else "entries were")
            + " last verified over 12 months ago (marked STALE): confirm before relying on them."
        )
    elif k == "city-only":
        return (
            f"Serving only {f['city']}, {f['state']} (inside {f['county']}): "
            f"{'; '.join(f['names'])}. "
            f'Look up "{f["city"]}, {f["state"]}" for them.'
        )
    else:
        return str(f.get("text", k))
    caveats: Sequence[str] = f.get("caveats") or ()
    if caveats:
        text += " " + " ".join(caveats)
    return text


def short_notice(n: Notice, *, details: bool = True) -> tuple[str, str]:
    """(label, text): one line for an ended or suspended program, shown above the list
    (details=True: the full notice follows the list)."""
    f = n.fields
    below = "; details below" if details else "."
    if n.kind == "ended":
        when = f" {f['since']}" if f.get("since") else ""
        return f"! ENDED{when}: ", f"{program_name(f)} — do not use old numbers{below}"
    when = f" since {f['since']}" if f.get("since") else ""
    return f"! SUSPENDED{when}: ", f"{program_name(f)} — do not rely on it{below}"


_REPLACED_RE = re.compile(r"[^.]*\b(?:instead|replaced by|still serves)\b[^.]*\.", re.IGNORECASE)


def replacement_hint(caveats: Sequence[str]) -> str:
    """The first sentence of an ended entry's own caveats that says what to use instead ("In
    Eugene use Mobile Crisis Services of Lane County instead (...)."), or ""."""
    for cav in caveats:
        m = _REPLACED_RE.search(" ".join(str(cav).split()))
        if m:
            return m.group(0).strip()
    return ""


MORE_WITH_DETAILS = "How to ask, notes and sources for each: add --details."


# --------------------------------------------------------------------------- hours

DAY_NAMES = {
    "mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun",
    "tomorrow": "tomorrow",
}  # fmt: skip
NOT_LOCAL = ", not local"  # after a zone abbreviation: the entry keeps another zone's hours


def hours_words(kind: str, f: Mapping[str, Any]) -> str:
    """An entry's hours at the evaluation time (crisisnav.hours.hours_state) in words: "Open
    24/7", "Open now until 23:00 PT", "Closed — opens tomorrow 10:00 ET, not local", "Team not
    out now — goes out 14:00 PT"."""
    if kind == "always":
        return "Open 24/7"
    if kind == "unknown-zone":
        return f"Hours: {'; '.join(f['rules'])} (time zone unknown)"
    if kind == "unparsed":
        return "Hours: " + "; ".join(f["rules"])
    abbr = str(f.get("abbr", "")) + (NOT_LOCAL if f.get("other_zone") else "")
    day = f"{DAY_NAMES.get(f['day'], f['day'])} " if f.get("day") else ""
    when = f"{day}{f['clock']} {abbr}"
    if kind == "open-until":
        return f"Team out now until {when}" if f.get("team") else f"Open now until {when}"
    if kind == "closed-opens":
        return f"Team not out now — goes out {when}" if f.get("team") else f"Closed — opens {when}"
    return kind


def hours_text(item: RankedResource) -> str:
    """A listed entry's hours at the evaluation time, in words."""
    return hours_words(*item.hours_state)


# --------------------------------------------------------------------------- why

OPEN_REASONS = {
    True: "open now",
    False: "closed at {at} (after entries open now)",
    None: "open-now unknown (after entries open now)",
}


def why_text(reason: Reason) -> str:
    """One reason behind an entry's position (--explain, JSON `why`)."""
    f = reason.fields
    k = reason.kind
    if k == "section":
        if f.get("moved_for"):
            return (
                f"section {f['section']}: serves {audience_people(f['moved_for'])}, "
                "asked for with --for"
            )
        section = str(f["section"])
        return SECTION_REASONS.get(section, f"section {section}")
    if k == "audiences":
        return "serves: " + ", ".join(f["audiences"])
    if k == "police":
        level = str(f["police"])
        return f"police {level}: " + POLICE_REASON.get(level, level)
    if k == "dispatch":
        return f"dispatch {f['dispatch']}: " + dispatch_words(
            f["dispatch"], f["name"], f.get("how_to_ask")
        )
    if k == "scope":
        return f"scope {f['scope']}: serves {', '.join(f['areas']) or f['scope']}"
    if k == "open":
        return OPEN_REASONS[f["open"]].format(at=f.get("at", ""))
    if k == "stale":
        return f"stale: last verified {f['verified']}, over 12 months ago"
    return k


def why_texts(reasons: Sequence[Reason]) -> list[str]:
    return [why_text(r) for r in reasons]
