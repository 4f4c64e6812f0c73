"""What a printed sheet shows: the data selection, from a `LookupResult` to a `Sheet`.

`build_sheet` cleans every dataset string once (render.safe.printable: no escapes, no invisible
or direction-changing characters) and decides, for a handout a person can read:

- **Which numbers are large.** A number is printed large only when the data gives no reason to
  doubt it: never for an entry whose status is `uncertain`, never a contact whose own label says
  it is a former number or may no longer work, never 911 and never any number of a team reached
  only through 911 (it must never be the biggest thing on the page). Doubted numbers are still
  shown, in body type, with the data's own words beside them. Ended and suspended programs are
  never entries, only notices.
- **988 once.** The entry the ranking folded the broader 988 entries into (its `includes`: the
  local 988 center, with the national press 1 / press 2 / Spanish text / chat) is the one entry
  printing "Call 988" / "Text 988" large (without such a fold, the state and national Lifeline
  entries are merged here the same way); other entries that list 988 beside their own number
  drop it, and one reached only through 988 says "Reached through 988".
- **What each entry says.** Name, ways to reach it, a street address for places to go, how to
  ask (the data's own words, whole), hours in 12-hour time, police only where it differs from
  the page's one police sentence, and short notes: status, who it is for, languages, and the
  first caveat short enough to print whole (a longer one is left to the full lookup, never cut).
- **Notices.** An ended or suspended program gets one sentence with its date and, from its own
  caveats, the sentence that says what to use instead; other notices are said in words for the
  public (no command-line advice).

The words come from `sheet_words`; the page plan (which entries fit) is `sheet_layout`'s job.
Pure: no I/O, no heavy imports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from crisisnav import phone
from crisisnav.i18n import N_, _
from crisisnav.models import Contact, LookupResult, Notice, Place, RankedResource, Resource
from crisisnav.render import sheet_words as w
from crisisnav.render.safe import printable
from crisisnav.render.words import (
    STOPPED_KINDS,
    contact_label,
    display_name,
    localized_caveat_texts,
    localized_text,
    replacement_hint,
)


def clean_text(value: object) -> str:
    """Dataset text made safe to print (render.safe.printable: the package's one policy)."""
    return printable(value)


# --------------------------------------------------------------------------- links


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


_PHONE_CHARS_RE = re.compile(r"[\d\s().+\-]+")


def tel_link(value: str) -> str | None:
    """tel: URI for a US number or short code, or None when the value is not only digits and
    separators (never a link built from anything else)."""
    if not _PHONE_CHARS_RE.fullmatch(value):
        return None
    digits = _digits(value)
    if len(digits) == 10:
        return f"tel:+1{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"tel:+{digits}"
    if 3 <= len(digits) <= 6:
        return f"tel:{digits}"
    return None


def sms_link(value: str) -> str | None:
    if not _PHONE_CHARS_RE.fullmatch(value):
        return None
    digits = _digits(value)
    return f"sms:{digits}" if digits else None


def web_link(value: str) -> str | None:
    """The value itself when it is a plain http(s) URL without spaces or quotes; else None."""
    if re.fullmatch(r"https?://[^\s\"'<>`\\]+", value):
        return value
    return None


def _bare_url(value: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", value).rstrip("/")


# --------------------------------------------------------------------------- the sheet


@dataclass(frozen=True)
class Reach:
    """One way to reach an entry. `big` ones are printed in large type; `number` is the part of
    `text` that must never break across lines; `note` (the contact's label) is small type."""

    text: str
    link: str | None = None
    note: str | None = None
    big: bool = True
    web: bool = False
    number: str | None = None
    long: bool = False  # a long web address: body type, may break anywhere


@dataclass(frozen=True)
class SheetEntry:
    rank: int
    name: str
    reach: tuple[Reach, ...]
    how_to_ask: str | None
    hours: str
    police: str | None  # None: the page's one police sentence covers it
    notes: tuple[str, ...]  # status, stale, who it is for, languages, one short caveat
    verified: date
    stale: bool
    section: str
    address: str | None = None
    rid: str = ""  # the dataset id (for tests and callers; never printed)


@dataclass(frozen=True)
class Sheet:
    title: str
    subtitle: str
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

    @property
    def police_once(self) -> str | None:
        """The one police sentence, when any entry on the page relies on it."""
        return _(w.POLICE_ONCE) if any(e.police is None for e in self.entries) else None

    def more_line(self) -> str:
        """How many were left out, and where to find more (always printed)."""
        bits = []
        if self.omitted:
            bits.append(w.count_words(w.MORE_NOT_SHOWN, self.omitted))
        if self.omitted_notices:
            bits.append(w.count_words(w.NOTICES_NOT_SHOWN, self.omitted_notices))
        return " ".join([*bits, _(w.MORE_HELP)])

    def footer_line(self) -> str:
        oldest = self.oldest_verified
        bits = []
        if oldest is not None:
            bits.append(_(w.DATA_CHECKED).format(oldest=oldest.isoformat()))
        bits += [
            _(w.PRINTED).format(printed=self.printed.isoformat()),
            _(w.CALL_AHEAD),
            self.source,
        ]
        return " ".join(b for b in bits if b)

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


# --------------------------------------------------------------------------- contacts

# A contact whose own label says the data doubts it: printed, but never in large type.
_DOUBT_RE = re.compile(
    r"\b(?:may no longer|no longer (?:works?|answered|in service)|former|formerly|old number|"
    r"discontinued|redirect(?:s|ed)?|out of service|ended|not in service)\b",
    re.IGNORECASE,
)
# Labels that say nothing a reader needs ("Call", a bare country code like "US").
_TRIVIAL_LABELS = {"call", "text", "chat", "web", "website", "phone", "tty", "videophone"}
_CODE_LABEL_RE = re.compile(r"^[A-Z]{2}$")
WEB_MAX = 48  # a longer web address is left out where the entry has another way to reach it
CAVEAT_MAX = 200  # the first caveat at most this long is printed whole; longer ones are not
BIG_KINDS = ("phone", "text", "tty", "videophone")
TEAM_KINDS = ("mobile-team", "community-responder")


def _is_988(c: Contact) -> bool:
    return (
        c.type in ("phone", "text") and _digits(c.value) == "988" and not (c.keyword or "").strip()
    )


# The verb a label may start with, in English or the chosen language ("Call (press 1 ...)",
# "Llamar (oprima 1 ...)"): under "Call 988" only the inside of the brackets is printed.
_VERBS = {"Call": N_("Call"), "Text": N_("Text"), "TTY": N_("TTY"), "Videophone": N_("Videophone")}


def _note(label: str | None, verb: str, shown: str | None = None) -> str | None:
    """The label under a contact, or None when it says nothing a reader needs. label: the
    contact's own (English) label, which decides; shown: the same label in the chosen language."""
    if not label:
        return None
    own = clean_text(label)
    if not own or own.lower() in _TRIVIAL_LABELS or _CODE_LABEL_RE.match(own):
        return None
    text = clean_text(shown) if shown else own
    # "Call (press 1 Veterans Crisis Line, press 2 Spanish)" under "Call 988": the inside only
    msgid = _VERBS.get(verb)
    for word in (verb, _(msgid)) if msgid else (verb,):
        if word and text.lower().startswith(word.lower() + " (") and text.endswith(")"):
            return text[len(word) + 2 : -1] or None
    return text or None


def _contact_key(c: Contact) -> tuple[str, str, str]:
    value = clean_text(c.value)
    digits = _digits(value)
    ident = digits if c.type in BIG_KINDS and digits else _bare_url(value).lower()
    return (c.type if c.type != "chat" else "web", ident, clean_text(c.keyword or "").lower())


def contact_reach(
    c: Contact, *, big: bool, keep_long_web: bool = True, label: str | None = None
) -> Reach | None:
    """One contact as printed; None when it has nothing printable (or is a long web address
    and keep_long_web is False). label: its label in the chosen language (else its own)."""
    raw = clean_text(c.value)
    if not raw:
        return None
    value = phone.display(raw) if c.type in BIG_KINDS else raw
    doubt = bool(c.label and _DOUBT_RE.search(clean_text(c.label)))
    big = big and not doubt and c.type in BIG_KINDS and _digits(value) != "911"
    if c.type == "phone":
        note = _note(c.label, "Call", label)
        return Reach(_(w.CALL).format(number=value), tel_link(value), note, big, number=value)
    if c.type == "text":
        keyword = clean_text(c.keyword) if c.keyword else ""
        if keyword:
            text = _(w.TEXT_KEYWORD).format(keyword=keyword, number=value)
        else:
            text = _(w.TEXT).format(number=value)
        return Reach(text, sms_link(value), _note(c.label, "Text", label), big, number=value)
    if c.type in ("chat", "web"):
        shown = _bare_url(raw)
        if len(shown) > WEB_MAX and not keep_long_web:
            return None
        template = _(w.CHAT) if c.type == "chat" else _(w.WEB)
        long = len(shown) > WEB_MAX
        text = template.format(address=shown)
        return Reach(text, web_link(raw), _note(c.label, "", label), False, web=True, long=long)
    if c.type == "tty":
        text = _(w.TTY).format(number=value)
        return Reach(text, tel_link(value), _note(c.label, "TTY", label), big, number=value)
    if c.type == "videophone":
        text = _(w.VIDEOPHONE).format(number=value)
        return Reach(text, tel_link(value), _note(c.label, "Videophone", label), big, number=value)
    return Reach(raw, None, _note(c.label, "", label), False)


def _may_be_big(item: RankedResource) -> bool:
    r = item.resource
    return r.status not in ("uncertain", "ended", "suspended") and r.dispatch != "via-911"


def reach_lines(
    item: RankedResource, *, skip_988: bool, big988_free: bool
) -> tuple[tuple[Reach, ...], bool]:
    """The entry's contacts as printed, and whether it printed "Call 988"/"Text 988" large.

    skip_988: another entry prints 988 (drop it here, or say "Reached through 988" when it is
    the only way in). big988_free: no entry has printed 988 large yet."""
    r = item.resource
    may_be_big = _may_be_big(item)
    others = [c for c in r.contacts if not _is_988(c) and clean_text(c.value)]
    out: list[Reach] = []
    printed_988 = False
    dropped_988: list[Contact] = []
    seen: set[tuple[str, str, str]] = set()
    for index, c in enumerate(r.contacts):
        key = _contact_key(c)
        if key in seen:
            continue
        seen.add(key)
        if _is_988(c) and (skip_988 or not big988_free):
            dropped_988.append(c)
            continue
        reach = contact_reach(c, big=may_be_big, keep_long_web=False, label=contact_label(r, index))
        if reach is None:
            continue
        if _digits(clean_text(c.value)) == "988" and c.keyword and c.type == "text":
            reach = replace(reach, big=False)  # "Text AYUDA to 988": a variant of the one 988
        out.append(reach)
        printed_988 = printed_988 or (_is_988(c) and reach.big)
    if not out and r.contacts:  # everything dropped: say how it is reached, never nothing
        if dropped_988:
            note = next(
                (_note(c.label, "Call", contact_label(r, r.contacts.index(c)))
                 for c in dropped_988 if c.label),
                None,
            )  # fmt: skip
            out.append(Reach(_(w.THROUGH_988), "tel:988", note, big=False))
        else:
            for c in others:
                reach = contact_reach(
                    c, big=may_be_big, label=contact_label(r, r.contacts.index(c))
                )
                if reach is not None:
                    out.append(reach)
    return tuple(out), printed_988


# --------------------------------------------------------------------------- 988, merged


def _first_is_988(r: Resource) -> bool:
    return bool(r.contacts) and r.contacts[0].type == "phone" and _is_988(r.contacts[0])


def lifeline_items(items: Sequence[RankedResource]) -> list[RankedResource]:
    """The state and national 988 Lifeline entries: crisis lines in the `call` section whose
    main number is 988, active or limited, serving a state or the nation."""
    return [
        i
        for i in items
        if i.section == "call"
        and i.resource.kind == "crisis-line"
        and i.resource.status in ("active", "limited")
        and i.scope in ("state", "national")
        and _first_is_988(i.resource)
    ]


def _merged_988(
    first: RankedResource, group: Sequence[Resource], local_zone: str | None
) -> SheetEntry:
    """One entry for the 988 Lifeline: the most local one's name and words (`first`), every
    distinct contact of it and of the broader 988 entries in `group` (former numbers left out:
    988 reaches them; one chat or web address), each how-to-ask once."""
    contacts: dict[tuple[str, str, str], Contact] = {}
    labels: dict[tuple[str, str, str], str | None] = {}  # each label in the chosen language
    for r in group:
        for index, c in enumerate(r.contacts):
            if not clean_text(c.value) or (c.label and _DOUBT_RE.search(clean_text(c.label))):
                continue
            key = _contact_key(c)
            if key[0] == "web" and any(k[0] == "web" for k in contacts):
                continue  # one chat or web address is enough
            if key not in contacts:
                contacts[key] = c
                labels[key] = contact_label(r, index)
            elif c.label and not contacts[key].label:
                contacts[key] = replace(contacts[key], label=c.label)
                labels[key] = contact_label(r, index)
    may_be_big = _may_be_big(first)
    reach: list[Reach] = []
    for key, c in contacts.items():
        one = contact_reach(c, big=may_be_big, label=labels.get(key))
        if one is None:
            continue
        if c.type == "text" and (c.keyword or "").strip():
            one = replace(one, big=False)  # "Text AYUDA to 988": a variant of the one 988
        reach.append(one)
    reach.sort(key=lambda x: (not x.big, x.web))  # the large numbers first, then the rest
    asks: list[str] = []
    for r in group:
        text = clean_text(localized_text(r, "how_to_ask"))
        if text and text not in asks:
            asks.append(text)
    entry = _entry(first, tuple(reach), local_zone)
    always = all([clean_text(h) for h in r.hours] == ["24/7"] for r in group)
    return replace(
        entry,
        how_to_ask=" ".join(asks) or None,
        hours=_(w.ALWAYS) if always else entry.hours,
        verified=min(r.verified for r in group),
    )


# --------------------------------------------------------------------------- entries


def short_caveat(caveats: Sequence[str]) -> str | None:
    """The first caveat short enough to print whole, or None (a caveat is never cut)."""
    for c in caveats:
        text = clean_text(c)
        if text and len(text) <= CAVEAT_MAX:
            return text if text[-1] in ".!?)" else text + "."
    return None


def entry_notes(item: RankedResource) -> tuple[str, ...]:
    r = item.resource
    notes: list[str] = []
    status = w.STATUS_NOTES.get(r.status)
    if status:
        notes.append(_(status))
    if item.stale:
        notes.append(_(w.STALE).format(verified=r.verified.isoformat()))
    if r.audiences:
        notes.append(w.for_audiences(list(r.audiences)))
    langs = w.languages_note(list(r.languages))
    if langs:
        notes.append(langs)
    caveat = short_caveat(localized_caveat_texts(r))
    if caveat:
        notes.append(caveat)
    return tuple(notes)


def _entry(item: RankedResource, reach: tuple[Reach, ...], local_zone: str | None) -> SheetEntry:
    r = item.resource
    address = None
    if r.address is not None:
        one = clean_text(r.address.one_line())
        note = clean_text(r.address.note) if r.address.note else ""
        address = _(w.ADDRESS).format(address=f"{one} ({note})" if note else one)
    return SheetEntry(
        rank=item.rank,
        name=clean_text(display_name(r)) or r.id,
        reach=reach,
        how_to_ask=clean_text(localized_text(r, "how_to_ask")) or None,
        hours=w.weekly_hours(r.hours, r.timezone, team=r.kind in TEAM_KINDS, local_zone=local_zone),
        police=w.police_words(r),
        notes=entry_notes(item),
        verified=r.verified,
        stale=item.stale,
        section=item.section,
        address=address,
        rid=r.id,
    )


# --------------------------------------------------------------------------- notices


def notice_lines(notices: Sequence[Notice]) -> tuple[tuple[str, str], ...]:
    """(group, text) per notice: ended and suspended programs first (local before nationwide),
    then the others; kinds with no words for the public are left out."""
    stopped: list[tuple[int, str]] = []
    notes: list[str] = []
    for n in notices:
        if n.kind in STOPPED_KINDS:
            text = w.stopped_sentence(n.kind, n.fields)
            hint = clean_text(replacement_hint(n.fields.get("caveats") or (), n.fields))
            text = f"{text} {hint}" if hint else text
            stopped.append((1 if n.fields.get("where") == "nationwide" else 0, text))
        else:
            text = w.note_sentence(n.kind, n.fields) or ""
            if text and text not in notes:
                notes.append(text)
    stopped.sort(key=lambda t: t[0])
    return tuple(("ended", t) for _, t in stopped) + tuple(("note", t) for t in notes)


# --------------------------------------------------------------------------- places


def lookup_query(place: Place) -> str:
    """The query that reaches this place again: "Eugene, OR", "Lane County, OR", "97401", "Oregon"."""
    if place.kind == "zip" and place.zip:
        return place.zip
    if place.kind == "state":
        return place.name
    return f"{place.name}, {place.state}"


def place_words(place: Place) -> str:
    """The place as a title says it: "Eugene, OR", "Brooklyn, New York, NY", "Lane County, OR",
    "97401 (Eugene, OR)", "Oregon"."""
    if place.kind in ("zip", "state", "county"):
        return clean_text(place.label())
    if place.city and place.city != place.name:
        return clean_text(f"{place.name}, {place.city}, {place.state}")
    return clean_text(f"{place.name}, {place.state}")


def slug(place: Place) -> str:
    """Safe, predictable file stem: "eugene-or", "lane-county-or", "97401", "oregon"."""
    import unicodedata

    base = lookup_query(place)
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")
    return out[:80].strip("-") or "place"


# --------------------------------------------------------------------------- build


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
    local_zone = place.timezone
    items = sorted(result.resources, key=lambda i: i.rank)
    # The 988 entry: the one the ranking folded the broader 988 entries into (its `includes`),
    # else the state and national Lifeline entries merged here.
    host = next((i for i in items if i.includes), None)
    lifeline = [host] if host is not None else lifeline_items(items)
    group = [host.resource, *host.includes] if host is not None else [i.resource for i in lifeline]
    merged_ids = {i.resource.id for i in lifeline[1:]}
    skip_988 = bool(lifeline)
    big988_free = not lifeline
    by_section: dict[str, list[SheetEntry]] = {}
    order: list[str] = []
    for item in items:
        if item.resource.id in merged_ids:
            continue
        if lifeline and item is lifeline[0]:
            entry = _merged_988(item, group, local_zone)
        else:
            reach, printed_988 = reach_lines(item, skip_988=skip_988, big988_free=big988_free)
            big988_free = big988_free and not printed_988
            entry = _entry(item, reach, local_zone)
        if item.section not in by_section:
            by_section[item.section] = []
            order.append(item.section)
        by_section[item.section].append(entry)
    subtitle = _(w.SUBTITLE) + w.filters_text(filters if filters is not None else result.filters)
    return Sheet(
        title=_(w.TITLE).format(place=place_words(place)),
        subtitle=subtitle,
        sections=tuple((k, tuple(by_section[k])) for k in order),
        notices=notice_lines(result.notices),
        printed=printed,
        source=source,
    )
