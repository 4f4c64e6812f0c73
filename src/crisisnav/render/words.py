"""Every word a person reads about sections, police, dispatch, notices and `why` reasons, in one
place. The core (rank) produces kinds and fields; only renderers call these functions to put
them into words, in the language chosen with --lang (crisisnav.i18n): tables hold English msgids
marked with N_(), and every function translates with _() when it is called.

Each concern is one table or one plain function:
- section titles (terminal, plain, Markdown and printed sheets share them): section_title;
- police wording: police_badge (short label), police_generic (when the entry has no note),
  POLICE_REASON (for --explain), police_line (printed sheets);
- dispatch wording: DISPATCH_WORDS and dispatch_text;
- notices: notice_label, notice_text, short_notice;
- hours at the evaluation time: hours_words (crisisnav.hours.hours_state gives the data);
- audiences: AUDIENCE_PEOPLE ("youth" -> "young people"), audience_people, audience_word;
- `why` reasons: why_text;
- the entry's own text in the chosen language: localized (English, marked as English, where the
  entry has no translation), kind_word, audience_word, language_name;
- what the resolver said about a query: resolution_message.

Dataset strings inside fields are returned as given: each renderer makes them safe (inert,
clean_text, Markdown escaping) the way its format needs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from crisisnav.i18n import N_, _, current, ngettext

if TYPE_CHECKING:
    from crisisnav.models import Notice, RankedResource, Reason, Resource

# --------------------------------------------------------------------------- sections

SECTION_TITLES = {
    "respond": N_("Someone comes to you"),
    "call": N_("Call, text or chat now"),
    "talk": N_("Talk it through (warmlines and peers)"),
    "go": N_("Places to go"),
    "through-911": N_("Through 911 — ask for them by name; police may be sent"),
    "communities": N_("For particular communities"),
    "last-resort": N_("Last resort: police are involved"),
    "directories": N_("Directories"),
}
# Who an audience word means, in words ("youth" -> "young people", never "youth people").
AUDIENCE_PEOPLE = {
    "trans": N_("trans people"),
    "lgbtq": N_("LGBTQ+ people"),
    "youth": N_("young people"),
    "veterans": N_("veterans"),
    "native": N_("Native people"),
    "deaf": N_("Deaf and hard-of-hearing people"),
    "black": N_("Black people"),
    "spanish-speaking": N_("Spanish speakers"),
    "older-adults": N_("older adults"),
    "disaster": N_("people after a disaster"),
    "substance-use": N_("people who use drugs or alcohol"),
}
# A section made for an audience asked for with --for.
AUDIENCE_SECTION = N_("For {people}")


def audience_people(audience: str) -> str:
    """ "youth" -> "young people"; a word the table does not know is shown as the word itself
    ("for example-group"), never with a "people" that may not fit."""
    people = AUDIENCE_PEOPLE.get(audience)
    return _(people) if people else audience


ENDED_SECTION = N_("Ended or suspended programs")

SECTION_REASONS = {
    "respond": N_("section respond: a team that comes to the person"),
    "call": N_("section call: a crisis line, text line or chat"),
    "talk": N_("section talk: a warmline or peer line for talking it through"),
    "go": N_("section go: a place to go in person"),
    "through-911": N_(
        "section through-911: reached only through 911, where a dispatcher decides "
        "who comes (police may be sent), so after every direct option"
    ),
    "communities": N_("section communities: serves particular communities"),
    "last-resort": N_("section last-resort: police are part of the response"),
    "directories": N_("section directories: a list of other services, last"),
}


def section_title(section: str) -> str:
    """The heading of a section; an audience section (--for) is "For young people" etc."""
    title = SECTION_TITLES.get(section)
    if title:
        return _(title)
    return _(AUDIENCE_SECTION).format(people=audience_people(section))


def ended_section() -> str:
    return _(ENDED_SECTION)


# --------------------------------------------------------------------------- police

POLICE_BADGE = {
    "none": N_("police: none"),
    "possible": N_("police: possible"),
    "co-responder": N_("police: CO-RESPONDER (officer on the team)"),
    "police": N_("police: POLICE RESPONSE"),
}
POLICE_GENERIC = {
    "none": N_("the program says it does not involve police without consent"),
    "possible": N_("police may be called or sent in some situations"),
    "co-responder": N_("an officer is on the team or sent with it"),
    "police": N_("a police response"),
}
POLICE_REASON = {
    "none": N_("the program says it will not involve police without consent"),
    "possible": N_("police may be called or sent in some situations"),
    "co-responder": N_("an officer is on the team or sent with it"),
    "police": N_("this is a police response"),
}
# Police in words that carry information (issue 13 item 4; DESIGN "police"): what can happen,
# and when. Used by the compact answer and the printed sheets.
POLICE_PLAIN = {
    "none": N_("No police unless you ask"),
    "possible": N_("Police possible in an emergency"),
    "co-responder": N_("An officer comes with the team"),
    "police": N_("A police response"),
}
POLICE_PLAIN_VIA = {
    "via-911": N_("Via 911: police may be sent"),
    "via-non-emergency": N_("Via police non-emergency line: police may come"),
}
NON_EMERGENCY_TOO = N_(" (reached through the police non-emergency line)")
ONLY_911 = N_("Only through 911")
UNCONFIRMED = N_("UNCONFIRMED — this entry could not be confirmed as current; call ahead")

# Whom to ask for, in how_to_ask, in the language it is written in ("ask for the STAR team",
# "pida el equipo móvil de crisis").
_ASK_RE = {
    "en": re.compile(r"\b(ask (?:them |the dispatcher )?for [^.;]+?)(?:[.;]|$)", re.IGNORECASE),
    "es": re.compile(r"\b(pida (?:al operador )?[^.;]+?)(?:[.;]|$)", re.IGNORECASE),
}


def police_badge(level: str) -> str:
    badge = POLICE_BADGE.get(level)
    return _(badge) if badge else _("police: {level}").format(level=level)


def police_generic(level: str) -> str:
    text = POLICE_GENERIC.get(level)
    return _(text) if text else ""


def unconfirmed() -> str:
    return _(UNCONFIRMED)


def police_plain(resource: Resource) -> str:
    """Police in plain words, briefly saying when: "No police unless you ask", "Police possible
    in an emergency", "Via 911: police may be sent"."""
    if resource.police in ("co-responder", "police"):
        return _(POLICE_PLAIN[resource.police])
    if resource.dispatch == "via-non-emergency" and resource.police == "none":
        return _(POLICE_PLAIN["none"]) + _(NON_EMERGENCY_TOO)
    via = POLICE_PLAIN_VIA.get(resource.dispatch)
    if via:
        return _(via)
    plain = POLICE_PLAIN.get(resource.police)
    return _(plain) if plain else _("police: {level}").format(level=resource.police)


def police_line(resource: Resource, clean: Any = None) -> str:
    """What can happen with police, for printed sheets: the same words as the compact answer,
    and for an entry reached through a dispatcher how to ask for it (ask_line)."""
    text = police_plain(resource)
    if resource.dispatch == "via-911" and resource.police in ("co-responder", "police"):
        text += ". " + _(ONLY_911)
    if resource.dispatch in ("via-911", "via-non-emergency"):
        text += ". " + ask_line(resource, clean)
    return text


def _own_ask(resource: Resource, clean: Any = None) -> str | None:
    """Whom the entry's own how_to_ask says to ask for, in the chosen language; None when it
    does not say, or says it only in English while another language is shown (an English
    phrase inside a Spanish sentence helps no one: the generic words are used instead)."""
    clean = clean or (lambda s: " ".join(str(s).split()))
    how, english = localized(resource, "how_to_ask")
    if not how or (english and current() != "en"):
        return None
    m = _ASK_RE.get(current(), _ASK_RE["en"]).search(clean(how))
    return m.group(1) if m else None


def ask_line(resource: Resource, clean: Any = None) -> str:
    """How to ask for an entry reached through a dispatcher: the entry's own words when its
    how_to_ask says whom to ask for ("Ask for the STAR team"), else "Ask for X by name" from
    its name, so the generated words never contradict the entry's own."""
    found = _own_ask(resource, clean)
    if found:
        return found[0].upper() + found[1:]
    return _(ASK_BY_NAME_ALONE).format(name=short_name(display_name(resource)))


# --------------------------------------------------------------------------- dispatch

DISPATCH_WORDS = {
    "direct": N_("reached directly"),
    "via-988": N_("reached through 988"),
    "via-non-emergency": N_("reached through the police non-emergency line"),
    "via-911": N_("reached only through 911"),
}
ASK_BY_NAME = N_("{how} — ask for {name} by name")
ASK_BY_NAME_ALONE = N_("Ask for {name} by name")


def short_name(name: str) -> str:
    """ "Denver STAR (Support Team Assisted Response)" -> "Denver STAR"."""
    return name.split(" (", 1)[0].strip() or name


def dispatch_words(dispatch: str, name: str, own_ask: str | None = None) -> str:
    """ "reached only through 911 — ask for X by name"; own_ask: whom the entry's own how_to_ask
    says to ask for (used instead of the name, so the words never contradict the entry's)."""
    words = DISPATCH_WORDS.get(dispatch)
    base = _(words) if words else dispatch
    if dispatch in ("via-911", "via-non-emergency"):
        if own_ask:
            return f"{base} — {own_ask[0].lower()}{own_ask[1:]}"
        return _(ASK_BY_NAME).format(how=base, name=short_name(name))
    return base


def dispatch_text(resource: Resource) -> str:
    """How the entry is reached, in words: "reached only through 911 — ask for X by name"."""
    return dispatch_words(resource.dispatch, display_name(resource), _own_ask(resource))


# --------------------------------------------------------------------------- notices

NOTICE_LABELS = {
    "ended": N_("ENDED"),
    "suspended": N_("SUSPENDED"),
    "coverage-gap": N_("GAP"),
    "no-local-option": N_("NO LOCAL OPTION"),
    "stale": N_("STALE"),
    "state-only": N_("STATE ONLY"),
    "city-only": N_("CITY ONLY"),
    "filtered-out": N_("FILTERED"),
    "audience-gap": N_("NONE LISTED"),
}
# Notices about a program that stopped: one short line at the top, the full text after the list.
STOPPED_KINDS = ("ended", "suspended")


def notice_label(kind: str) -> str:
    label = NOTICE_LABELS.get(kind)
    return _(label) if label else kind.upper()


def notice_tag(kind: str) -> str:
    """A notice's kind as a tag (Markdown): English output keeps the kind itself ("ended")."""
    return kind if current() == "en" else notice_label(kind)


NATIONWIDE = N_("nationwide")


def program_name(f: Mapping[str, Any]) -> str:
    """An ended or suspended program's name, with where it served when the name does not say."""
    name = _translated_field(f, "name") or str(f["name"])
    where = f.get("where")
    if where == "nationwide":  # rank's word for a national entry
        where = _(NATIONWIDE)
    return f"{name} ({where})" if where else name


def _translated_field(f: Mapping[str, Any], name: str) -> Any:
    """A notice's copy of the entry's own translation of a field (None when it has none)."""
    lang = current()
    for code, t in f.get("translations") or ():
        if code == lang:
            return getattr(t, name, None) or None
    return None


def notice_names(f: Mapping[str, Any]) -> list[str]:
    """The entry names of a city-only notice, each in the chosen language where it has one."""
    names = list(f["names"])
    if current() == "en":
        return names
    out = []
    for i, name in enumerate(names):
        translations = (f.get("translations") or ())[i : i + 1]
        local = (
            _translated_field({"translations": translations[0]}, "name") if translations else None
        )
        out.append(local or name)
    return out


def _either(items: Sequence[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    items = list(items)
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + _(" or ") + items[-1]


def _notice_caveats(f: Mapping[str, Any]) -> list[str]:
    """An ended program's caveats in the chosen language, English ones marked as English."""
    caveats: Sequence[str] = f.get("caveats") or ()
    if current() == "en" or not caveats:
        return list(caveats)
    translated = _translated_field(f, "caveats")
    if translated and len(translated) == len(caveats):
        return list(translated)
    return [mark_english(c) for c in caveats]


def notice_text(n: Notice) -> str:
    """The full sentence of a notice."""
    f = n.fields
    k = n.kind
    if k == "ended":
        if f.get("since"):
            text = _(
                "{program} ended service on {since} — do not use old flyers or saved numbers for it."
            ).format(program=program_name(f), since=f["since"])
        else:
            text = _(
                "{program} ended service — do not use old flyers or saved numbers for it."
            ).format(program=program_name(f))
    elif k == "suspended":
        if f.get("since"):
            text = _(
                "{program} is suspended since {since} — do not rely on it until it is back."
            ).format(program=program_name(f), since=f["since"])
        else:
            text = _("{program} is suspended — do not rely on it until it is back.").format(
                program=program_name(f)
            )
    elif k == "no-local-option":
        return _(
            "No local non-police crisis service is listed for {place}. "
            "The statewide and national options below still apply."
        ).format(place=f["place"])
    elif k == "state-only":
        return _(
            "{place} is a whole state: only statewide and national options are listed. "
            "Give a city, county or ZIP code for local teams."
        ).format(place=f["place"])
    elif k == "coverage-gap":
        return _(
            "No statewide entry for {state} is in the dataset yet. That is a gap in this "
            "dataset, not a sign that nothing exists; national options are listed."
        ).format(state=f["state"])
    elif k == "filtered-out" and f.get("audience"):
        return ngettext(
            "The filters you gave hide the {count} entry for {people} listed for {place}, so "
            "that section is empty. Run again without {filters} to see them.",
            "The filters you gave hide the {count} entries for {people} listed for {place}, so "
            "that section is empty. Run again without {filters} to see them.",
            f["count"],
        ).format(
            count=f["count"],
            people=audience_people(f["audience"]),
            place=f["place"],
            filters=_either(f.get("filters") or (_("those filters"),)),
        )
    elif k == "filtered-out":
        return _(
            "The filters you gave hide all {count} options for {place}. "
            "Run again without them to see every option."
        ).format(count=f["count"], place=f["place"])
    elif k == "audience-gap":
        return _(
            "No entry for {people} is listed for {place} in this dataset; "
            "the general options below still apply."
        ).format(people=audience_people(f["audience"]), place=f["place"])
    elif k == "stale":
        return ngettext(
            "{count} listed entry was last verified over 12 months ago (marked STALE): "
            "confirm before relying on them.",
            "{count} listed entries were last verified over 12 months ago (marked STALE): "
            "confirm before relying on them.",
            f["count"],
        ).format(count=f["count"])
    elif k == "city-only":
        return _(
            'Serving only {city}, {state} (inside {county}): {names}. Look up "{city}, {state}" '
            "for them."
        ).format(
            city=f["city"], state=f["state"], county=f["county"], names="; ".join(notice_names(f))
        )
    else:
        return str(f.get("text", k))
    caveats = _notice_caveats(f)
    if caveats:
        text += " " + " ".join(caveats)
    return text


def short_notice(n: Notice, *, details: bool = True) -> tuple[str, str]:
    """(label, text): one line for an ended or suspended program, shown above the list
    (details=True: the full notice follows the list)."""
    f = n.fields
    if n.kind == "ended":
        label = _("! ENDED {since}: ") if f.get("since") else _("! ENDED: ")
        text = (
            _("{program} — do not use old numbers; details below")
            if details
            else _("{program} — do not use old numbers.")
        )
    else:
        label = _("! SUSPENDED since {since}: ") if f.get("since") else _("! SUSPENDED: ")
        text = (
            _("{program} — do not rely on it; details below")
            if details
            else _("{program} — do not rely on it.")
        )
    return label.format(since=f.get("since")), text.format(program=program_name(f))


# A sentence of an ended entry's own caveats that says what to use instead, per language.
_REPLACED_RE = {
    "en": re.compile(r"[^.]*\b(?:instead|replaced by|still serves)\b[^.]*\.", re.IGNORECASE),
    "es": re.compile(
        r"[^.]*\b(?:en su lugar|mejor|reemplaz\w*|sigue atendiendo)\b[^.]*\.", re.IGNORECASE
    ),
}


def replacement_hint(caveats: Sequence[str], fields: Mapping[str, Any] | None = None) -> str:
    """The first sentence of an ended entry's own caveats that says what to use instead ("In
    Eugene use Mobile Crisis Services of Lane County instead (...)."), or "". With the notice's
    fields, in the chosen language: the entry's Spanish caveats, or its English ones marked."""
    lang = current()
    translated = (
        _translated_field(fields, "caveats") if fields is not None and lang != "en" else None
    )
    if translated:
        caveats, pattern, english = translated, _REPLACED_RE.get(lang, _REPLACED_RE["en"]), False
    else:
        pattern, english = _REPLACED_RE["en"], lang != "en"
    for cav in caveats:
        m = pattern.search(" ".join(str(cav).split()))
        if m:
            hint = m.group(0).strip()
            return mark_english(hint) if english else hint
    return ""


MORE_WITH_DETAILS = N_("How to ask, notes and sources for each: add --details.")


def more_with_details() -> str:
    return _(MORE_WITH_DETAILS)


# --------------------------------------------------------------------------- hours

DAY_NAMES = {
    "mon": N_("Mon"), "tue": N_("Tue"), "wed": N_("Wed"), "thu": N_("Thu"), "fri": N_("Fri"),
    "sat": N_("Sat"), "sun": N_("Sun"), "tomorrow": N_("tomorrow"),
}  # fmt: skip
NOT_LOCAL = N_(", not local")  # after a zone abbreviation: the entry keeps another zone's hours


def hours_words(kind: str, f: Mapping[str, Any]) -> str:
    """An entry's hours at the evaluation time (crisisnav.hours.hours_state) in words: "Open
    24/7", "Open now until 23:00 PT", "Closed — opens tomorrow 10:00 ET, not local", "Team not
    out now — goes out 14:00 PT"."""
    if kind == "always":
        return _("Open 24/7")
    if kind == "unknown-zone":
        return _("Hours: {rules} (time zone unknown)").format(rules="; ".join(f["rules"]))
    if kind == "unparsed":
        return _("Hours: {rules}").format(rules="; ".join(f["rules"]))
    abbr = str(f.get("abbr", "")) + (_(NOT_LOCAL) if f.get("other_zone") else "")
    name = DAY_NAMES.get(f["day"]) if f.get("day") else None
    day = f"{_(name) if name else f['day']} " if f.get("day") else ""
    fields = {"day": day, "time": f["clock"], "zone": abbr}
    if kind == "open-until":
        if f.get("team"):
            return _("Team out now until {day}{time} {zone}").format(**fields)
        return _("Open now until {day}{time} {zone}").format(**fields)
    if kind == "closed-opens":
        if f.get("team"):
            return _("Team not out now — goes out {day}{time} {zone}").format(**fields)
        return _("Closed — opens {day}{time} {zone}").format(**fields)
    return kind


def hours_text(item: RankedResource) -> str:
    """A listed entry's hours at the evaluation time, in words."""
    return hours_words(*item.hours_state)


# --------------------------------------------------------------------------- why

OPEN_REASONS = {
    True: N_("open now"),
    False: N_("closed at {at} (after entries open now)"),
    None: N_("open-now unknown (after entries open now)"),
}


def why_text(reason: Reason) -> str:
    """One reason behind an entry's position (--explain, JSON `why`). The enum values the JSON
    carries (section, police, dispatch, scope) stay as they are; the words around them follow
    the language."""
    f = reason.fields
    k = reason.kind
    if k == "section":
        if f.get("moved_for"):
            return _("section {section}: serves {people}, asked for with --for").format(
                section=f["section"], people=audience_people(f["moved_for"])
            )
        section = str(f["section"])
        text = SECTION_REASONS.get(section)
        return _(text) if text else _("section {section}").format(section=section)
    if k == "audiences":
        return _("serves: {audiences}").format(
            audiences=", ".join(audience_word(a) for a in f["audiences"])
        )
    if k == "police":
        level = str(f["police"])
        reason_words = POLICE_REASON.get(level)
        return _("police {level}: {why}").format(
            level=level, why=_(reason_words) if reason_words else level
        )
    if k == "dispatch":
        name = _translated_field(f, "name") or f["name"]
        own_ask = None
        how = _translated_field(f, "how_to_ask") if current() != "en" else f.get("how_to_ask")
        if how:
            m = _ASK_RE.get(current(), _ASK_RE["en"]).search(" ".join(str(how).split()))
            own_ask = m.group(1) if m else None
        return _("dispatch {dispatch}: {how}").format(
            dispatch=f["dispatch"], how=dispatch_words(f["dispatch"], name, own_ask)
        )
    if k == "scope":
        return _("scope {scope}: serves {areas}").format(
            scope=f["scope"], areas=", ".join(f["areas"]) or f["scope"]
        )
    if k == "open":
        return _(OPEN_REASONS[f["open"]]).format(at=f.get("at", ""))
    if k == "stale":
        return _("stale: last verified {verified}, over 12 months ago").format(
            verified=f["verified"]
        )
    return k


def why_texts(reasons: Sequence[Reason]) -> list[str]:
    return [why_text(r) for r in reasons]


# --------------------------------------------------------------------------- the entry's own text

ENGLISH_MARK = N_("(in English)")


def mark_english(text: str) -> str:
    """Dataset text shown in English in another language's output, marked as English."""
    return f"{text} {_(ENGLISH_MARK)}"


def localized(resource: Resource, field: str) -> tuple[str | None, bool]:
    """(text, shown_in_english) of one text field (how_to_ask, police_note) in the chosen
    language: the entry's translation when it has one, else its English (True: mark it)."""
    english = getattr(resource, field)
    if current() == "en" or not english:
        return english, False
    t = resource.translation(current())
    got = getattr(t, field, None) if t is not None else None
    return (got, False) if got else (english, True)


def localized_caveats(resource: Resource) -> list[tuple[str, bool]]:
    """[(caveat, shown_in_english)] in the chosen language."""
    if current() == "en" or not resource.caveats:
        return [(c, False) for c in resource.caveats]
    t = resource.translation(current())
    if t is not None and len(t.caveats) == len(resource.caveats):
        return [(c, False) for c in t.caveats]
    return [(c, True) for c in resource.caveats]


def localized_text(resource: Resource, field: str) -> str | None:
    """localized(), with English text marked as English: what a person reads."""
    text, english = localized(resource, field)
    return mark_english(text) if text and english else text


def localized_caveat_texts(resource: Resource) -> list[str]:
    return [mark_english(c) if en else c for c, en in localized_caveats(resource)]


def display_name(resource: Resource) -> str:
    """The program's name: its own name in the chosen language where it has one (names are
    names: an English one is never marked)."""
    if current() != "en":
        t = resource.translation(current())
        if t is not None and t.name:
            return t.name
    return resource.name


def contact_label(resource: Resource, index: int) -> str | None:
    """The label of the entry's index-th contact in the chosen language (English where the
    entry has no translation of it)."""
    label = resource.contacts[index].label if index < len(resource.contacts) else None
    if current() == "en" or not label:
        return label
    t = resource.translation(current())
    if t is not None and index < len(t.labels) and t.labels[index]:
        return t.labels[index]
    return label


def answers_in_language(resource: Resource) -> bool:
    """Shown in any output but English: the entry says it answers in the language shown (its
    languages list that code, e.g. es)."""
    lang = current()
    return lang != "en" and any(x.lower() == lang for x in resource.languages)


ANSWERS_IN = N_("answers in {language}")


def answers_in() -> str:
    """ "atienden en español": the mark of an entry that answers in the language shown."""
    return _(ANSWERS_IN).format(language=language_name(current()))


KIND_WORDS = {
    "mobile-team": N_("mobile team"),
    "community-responder": N_("community responder"),
    "crisis-line": N_("crisis line"),
    "text-line": N_("text line"),
    "chat": N_("chat"),
    "warmline": N_("warmline"),
    "peer-line": N_("peer line"),
    "walk-in": N_("walk-in center"),
    "peer-respite": N_("peer respite"),
    "directory": N_("directory"),
    "co-responder": N_("co-responder team"),
    "police-cit": N_("police crisis team"),
}


def kind_word(kind: str) -> str:
    """A kind in words for people; English output keeps the dataset's own word (mobile-team)."""
    if current() == "en":
        return kind
    words = KIND_WORDS.get(kind)
    return _(words) if words else kind


def audience_word(audience: str) -> str:
    """An audience in a list ("for: trans, youth"): English output keeps the dataset's own word,
    other languages say who it means (audience_people)."""
    if current() == "en":
        return audience
    return audience_people(audience)


LANGUAGE_NAMES = {
    "en": N_("English"),
    "es": N_("Spanish"),
    "asl": N_("ASL"),
    "zh": N_("Chinese"),
    "vi": N_("Vietnamese"),
    "ko": N_("Korean"),
    "tl": N_("Tagalog"),
    "ru": N_("Russian"),
    "ar": N_("Arabic"),
    "fr": N_("French"),
    "ht": N_("Haitian Creole"),
    "pt": N_("Portuguese"),
    "so": N_("Somali"),
    "hmn": N_("Hmong"),
}


def language_name(code: str) -> str:
    name = LANGUAGE_NAMES.get(code.lower())
    return _(name) if name else code


def languages_text(codes: Sequence[str]) -> str:
    """The languages an entry answers in: the codes in English output (as the dataset writes
    them), names in any other language ("inglés, español")."""
    if current() == "en":
        return ", ".join(codes)
    return ", ".join(language_name(c) for c in codes)


# --------------------------------------------------------------------------- resolver messages

# What resolve (and the batch reader) says about a query, as (pattern, msgid). The resolver
# writes English; a renderer shows resolution_message(), which matches the text here and fills
# the msgid's placeholders from the pattern's groups. tests/test_i18n_catalog.py checks that
# every message the resolver can write matches one of these.
RESOLUTION_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"no US place matches this name", N_("no US place matches this name")),
    (r"nearest spelling", N_("nearest spelling")),
    (r"did you mean this place\? add a state to be sure",
     N_("did you mean this place? add a state to be sure")),
    (r"did you mean this place\? it is two letters from what you typed",
     N_("did you mean this place? it is two letters from what you typed")),
    (r"a real place, but one letter from a much bigger one",
     N_("a real place, but one letter from a much bigger one")),
    (r"empty query: type a US city, county, ZIP code or state",
     N_("empty query: type a US city, county, ZIP code or state")),
    (r"no letters or digits in the query", N_("no letters or digits in the query")),
    (r"not a US ZIP code \(a ZIP has 5 digits\)", N_("not a US ZIP code (a ZIP has 5 digits)")),
    (r"(?P<zip>\S+) is not a US ZIP code", N_("{zip} is not a US ZIP code")),
    (r"query too long \(over (?P<n>\d+) characters\)", N_("query too long (over {n} characters)")),
    (r"looks like a place outside the US \((?P<where>.*)\); this tool covers US places only",
     N_("looks like a place outside the US ({where}); this tool covers US places only")),
    (r"no places for (?P<state>.*) in the gazetteer", N_("no places for {state} in the gazetteer")),
    (r"ZIP (?P<zip>\S+) is in (?P<state>\S+), not (?P<other>\S+)",
     N_("ZIP {zip} is in {state}, not {other}")),
    (r"read as ZIP 0(?P<key>\d+) \(leading zero added\)",
     N_("read as ZIP 0{key} (leading zero added)")),
    (r"the city or the state of (?P<state>.*)\?", N_("the city or the state of {state}?")),
    (r"no place of this name in (?P<where>.*?); it exists elsewhere(?P<rest>.*)",
     N_("no place of this name in {where}; it exists elsewhere{rest}")),
    (r"no place of this name in (?P<where>[^;]*); it exists in: (?P<places>.*)",
     N_("no place of this name in {where}; it exists in: {places}")),
    (r"no place of this name in (?P<where>[^;]*)", N_("no place of this name in {where}")),
    (r"no place named (?P<head>.*) is known in (?P<place>.*); showing (?P<again>.*)",
     N_("no place named {head} is known in {place}; showing {again}")),
    (r"(?P<n>\d+) places fit; add a state", N_("{n} places fit; add a state")),
    (r"(?P<n>\d+) places fit in (?P<state>\S+); add the county",
     N_("{n} places fit in {state}; add the county")),
    (r"(?P<n>\d+) places fit \((?P<more>\d+) not shown\); add a state",
     N_("{n} places fit ({more} not shown); add a state")),
    (r"this line is not valid UTF-8 text", N_("this line is not valid UTF-8 text")),
    (r"line is not valid UTF-8", N_("line is not valid UTF-8")),
    (r"empty line", N_("empty line")),
    (r"this line is not a place name \(over (?P<n>\d+) characters\)",
     N_("this line is not a place name (over {n} characters)")),
    (r"this line is not a place name \(over (?P<n>\d+) characters or binary\)",
     N_("this line is not a place name (over {n} characters or binary)")),
    (r"this line is not a place name \(too long or binary\)",
     N_("this line is not a place name (too long or binary)")),
)  # fmt: skip
_COMPILED: list[tuple[re.Pattern[str], str]] = []


def resolution_message(message: str) -> str:
    """The resolver's message in the chosen language (as written when it is not in the table)."""
    if current() == "en" or not message:
        return message
    if not _COMPILED:
        _COMPILED.extend((re.compile(p + r"\Z", re.S), m) for p, m in RESOLUTION_MESSAGES)
    for pattern, msgid in _COMPILED:
        m = pattern.match(message)
        if m:
            fields = m.groupdict()
            if "rest" in fields:
                fields["rest"] = _translate_rest(fields["rest"])
            return _(msgid).format(**fields)
    return message


def _translate_rest(rest: str) -> str:
    """ ": A; B and 3 more" after "it exists elsewhere": only the "and N more" has words."""
    return re.sub(r" and (\d+) more\Z", lambda m: _(" and {n} more").format(n=m.group(1)), rest)
