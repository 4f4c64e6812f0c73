"""What the plain and terminal renderers share: one layout of a lookup result as lines of
styled spans, so the two always say the same thing. No Rich here (plain must not import it).

Every dataset or query string goes through safe.inert before it becomes a span.
"""

from __future__ import annotations

from datetime import datetime

from crisisnav import phone
from crisisnav.i18n import N_, _
from crisisnav.models import Contact, LookupResult, Notice, Place, RankedResource, Resource
from crisisnav.render.echo import shorten
from crisisnav.render.safe import inert
from crisisnav.render.words import (
    STOPPED_KINDS,
    answers_in,
    answers_in_language,
    ask_line,
    audience_word,
    contact_label,
    dispatch_text,
    display_name,
    ended_section,
    hours_text,
    kind_word,
    languages_text,
    localized_caveat_texts,
    localized_text,
    more_with_details,
    notice_label,
    notice_text,
    police_badge,
    police_generic,
    police_plain,
    replacement_hint,
    resolution_message,
    section_title,
    short_notice,
    unconfirmed,
    why_text,
)

Span = tuple[str, str | None]  # (text, style role or None)

# A resolver message that only repeats "No US place found": not printed again.
SAME_AS_NOT_FOUND = ("no US place matches this name",)


class Line:
    """One output line: styled spans, an indent, and a kind (text | blank | section | notice)."""

    __slots__ = ("spans", "indent", "kind")

    def __init__(
        self, spans: list[Span] | None = None, indent: int = 0, kind: str = "text"
    ) -> None:
        self.spans: list[Span] = spans if spans is not None else []
        self.indent = indent
        self.kind = kind


def contact_text(
    c: Contact, *, labels: bool = True, short_urls: bool = False, label_text: str | None = None
) -> str:
    """ "call 541-682-1001 (Lane County Crisis Line)". label_text: the label in the chosen
    language (label_of / render.words.contact_label), else the contact's own."""
    if c.type in ("phone", "text", "tty", "videophone"):
        value = inert(phone.display(c.value))
    elif short_urls:  # "https://988lifeline.org/chat" -> "988lifeline.org/chat"
        value = inert(c.value.removeprefix("https://").removeprefix("http://").rstrip("/"))
    else:
        value = inert(c.value)
    shown = label_text if label_text is not None else c.label
    label = f" ({inert(shown)})" if shown and labels else ""
    if c.type == "phone":
        return _("call {value}").format(value=value) + label
    if c.type == "text":
        if c.keyword:
            return (
                _("text {keyword} to {value}").format(keyword=inert(c.keyword), value=value) + label
            )
        return _("text {value}").format(value=value) + label
    if c.type == "chat":
        return _("chat {value}").format(value=value) + label
    if c.type == "web":
        return _("web {value}").format(value=value) + label
    if c.type == "tty":
        return _("TTY {value}").format(value=value) + label
    if c.type == "videophone":
        return _("videophone {value}").format(value=value) + label
    return f"{inert(c.type)} {value}{label}"


def label_of(item: RankedResource, c: Contact) -> str | None:
    """A shown contact's label in the chosen language: found in the entry, or in an entry folded
    into it (item.includes), by position."""
    owners: list[Resource] = [item.resource, *item.includes]
    for owner in owners:
        for i, own in enumerate(owner.contacts):
            if own is c:
                return contact_label(owner, i)
    for owner in owners:
        for i, own in enumerate(owner.contacts):
            if own == c:
                return contact_label(owner, i)
    return c.label


def police_text(item: RankedResource) -> str:
    r = item.resource
    own = localized_text(r, "police_note")
    note = inert(own) if own else police_generic(r.police)
    badge = police_badge(inert(r.police))
    return f"{badge} — {note}" if note else badge


def place_label(place: Place) -> str:
    return inert(place.label())


def place_query(place: Place) -> str:
    """A query that names exactly this place, to suggest re-running with."""
    if place.kind == "zip" and place.zip:
        return inert(place.zip)
    if place.kind == "state":
        return inert(place.state)
    return f"{inert(place.name)}, {inert(place.state)}"


def evaluated_text(iso: str, tz: str | None = None) -> str:
    """ "2026-12-01 03:00 PT": the evaluation time with the place's zone abbreviation (ET, PT),
    or its UTC offset when the place has no zone."""
    try:
        at = datetime.fromisoformat(iso)
    except ValueError:
        return inert(iso)
    if tz:
        from crisisnav.hours import zone_abbr

        abbr = zone_abbr(tz, at)
        if abbr:
            return at.strftime("%Y-%m-%d %H:%M") + f" {inert(abbr)}"
    offset = at.strftime("%z")
    if offset:
        offset = f" UTC{offset[:3]}:{offset[3:]}"
    return at.strftime("%Y-%m-%d %H:%M") + offset


def echo(query: str) -> str:
    """A typed query, shortened and made inert, for a human-readable message."""
    return inert(shorten(query))


def short_notice_spans(n: Notice, *, details: bool = True) -> list[Span]:
    """One line for an ended or suspended program: above the list with details below it, or
    (compact) with what to use instead, from the entry's own caveats."""
    label, text = short_notice(n, details=details)
    hint = "" if details else replacement_hint(n.fields.get("caveats") or (), n.fields)
    return [(inert(label), "warn"), (inert(text + (f" {hint}" if hint else "")), None)]


def notice_spans(n: Notice) -> list[Span]:
    word = inert(notice_label(n.kind))
    role = "warn" if n.kind in ("ended", "suspended", "no-local-option", "filtered-out") else "note"
    return [(f"! {word}: ", role), (inert(notice_text(n)), None)]


def shown_contacts(item: RankedResource, only: str | None = None) -> list[Contact]:
    """The entry's contacts (with those of the entries folded into it); with --contact, only that
    kind, so someone who cannot speak is not shown phone-only numbers."""
    contacts = list(item.contacts)
    if only:
        contacts = [c for c in contacts if c.type == only]
    return contacts


COMPACT_WIDTH = 76  # characters of a compact line after its indent (80 columns)
TRIVIAL_LABELS = ("call", "text", "chat", "web", "website", "phone", "tty", "videophone")
COMPACT_LABEL = 60  # a longer label (a sentence) waits for --details


def compact_lines(item: RankedResource, *, only: str | None = None) -> list[Line]:
    """The compact answer for one option, about three lines: its name; how to reach it; open now
    or its hours and police in plain words (on the reach line when both fit in COMPACT_WIDTH)."""
    r = item.resource
    head: list[Span] = [(f"{item.rank}. ", "rank"), (inert(display_name(r)), "name")]
    if answers_in_language(r):
        head.append((f" · {answers_in()}", "label"))
    out = [Line(head, kind="entry")]
    contacts = shown_contacts(item, only)
    reachable = [c for c in contacts if c.type != "web"] or contacts
    # One of each way first (call, text, chat ...), then the rest, so the compact line shows
    # every way to reach the entry before a second number of the same kind.
    firsts = [c for i, c in enumerate(reachable) if c.type not in {x.type for x in reachable[:i]}]
    reachable = firsts + [c for c in reachable if c not in firsts]
    spans: list[Span] = []
    ask = ""
    if r.dispatch in ("via-911", "via-non-emergency"):
        ask = inert(ask_line(r))
    budget = COMPACT_WIDTH - (len(ask) + 3 if ask else 0)
    used = 0
    shown = 0
    for i, c in enumerate(reachable):
        # One label at most (the first contact's: "press 1 Veterans Crisis Line, press 2
        # Spanish", "Lane County Crisis Line"); codes such as "US" say nothing.
        text = label_of(item, c) or ""
        label = (
            i == 0
            and c.type in ("phone", "text", "tty")
            and len(text) <= COMPACT_LABEL
            and not (len(c.label or "") <= 3 and (c.label or "").isupper())  # a code such as US
            and (c.label or "").casefold() not in TRIVIAL_LABELS
            and len(reachable) * 16 + len(text) <= COMPACT_WIDTH  # the other ways fit too
        )
        piece = contact_text(c, labels=label, short_urls=True, label_text=text)
        if i and used + 3 + len(piece) > budget - 8:  # room for " · +N more"
            break
        if i:
            spans.append((" · ", "dim"))
            used += 3
        spans.append((piece, "contact"))
        used += len(piece)
        shown += 1
    if shown < len(reachable):
        spans.append((_(" · +{n} more").format(n=len(reachable) - shown), "dim"))
        used += 10
    if ask:
        spans.append(((" — " + ask[0].lower() + ask[1:]) if spans else ask, "dispatch-911"))
        used += len(ask) + 3
    hours_role = {True: "open", False: "closed", None: None}[item.open_now]
    hours = inert(hours_text(item))
    status: list[Span] = []
    if item.stale:
        status.append((_("STALE"), "stale"))
    if r.status == "uncertain":
        status.append((_("UNCONFIRMED"), "warn"))
    elif r.status == "limited":
        status.append((_("limited service"), "warn"))
    last: list[Span] = []
    for span in status:
        last += [span, (" · ", "dim")]
    last += [(hours, hours_role), (" · ", "dim"), (inert(police_plain(r)), f"police-{r.police}")]
    last_len = sum(len(t) for t, _role in last)
    if spans and used + 3 + last_len <= COMPACT_WIDTH:
        out.append(Line([*spans, (" · ", "dim"), *last], indent=3))
    else:
        if spans:
            out.append(Line(spans, indent=3))
        out.append(Line(last, indent=3))
    return out


def resource_lines(item: RankedResource, *, explain: bool, only: str | None = None) -> list[Line]:
    r = item.resource
    out: list[Line] = []
    head: list[Span] = [
        (f"{item.rank}. ", "rank"),
        (inert(display_name(r)), "name"),
        (f"  [{inert(kind_word(r.kind))}]", "dim"),
    ]
    if answers_in_language(r):
        head.append((f"  {answers_in()}", "label"))
    if item.stale:
        head.append((_("  STALE"), "stale"))
    if r.status in ("limited", "uncertain"):
        head.append((_("  status: {status}").format(status=_(STATUS_WORDS[r.status])), "warn"))
    out.append(Line(head, kind="entry"))
    if r.status == "uncertain":
        out.append(Line([(unconfirmed(), "warn")], indent=3))
    out.append(Line([(police_text(item), f"police-{r.police}")], indent=3))
    reach_role = "dispatch-911" if r.dispatch == "via-911" else None
    out.append(Line([(dispatch_text_inert(item), reach_role)], indent=3))
    contacts = shown_contacts(item, only)
    if contacts:
        spans: list[Span] = []
        for i, c in enumerate(contacts):
            if i:
                spans.append((" · ", "dim"))
            spans.append((contact_text(c, label_text=label_of(item, c)), "contact"))
        out.append(Line(spans, indent=3))
    hours_role = {True: "open", False: "closed", None: None}[item.open_now]
    hours = inert(hours_text(item))
    out.append(Line([(hours, hours_role)], indent=3))
    how = localized_text(r, "how_to_ask")
    if how:
        out.append(Line([(_("how to ask: "), "label"), (inert(how), None)], indent=3))
    for cav in localized_caveat_texts(r):
        out.append(Line([(_("note: "), "label"), (inert(cav), None)], indent=3))
    extra: list[str] = []
    if r.audiences:
        extra.append(
            _("for: {audiences}").format(
                audiences=", ".join(inert(audience_word(a)) for a in r.audiences)
            )
        )
    if r.languages:
        extra.append(
            _("languages: {languages}").format(languages=inert(languages_text(r.languages)))
        )
    if extra:
        out.append(Line([("; ".join(extra), "dim")], indent=3))
    verified: list[Span] = [
        (_("verified {date}").format(date=r.verified.isoformat()), "stale" if item.stale else "dim")
    ]
    if item.stale:
        verified.append((_(" (STALE: over 12 months ago — confirm before relying on it)"), "stale"))
    scope = SCOPE_WORDS.get(item.scope)
    verified.append((_(" · scope: {scope}").format(scope=_(scope) if scope else item.scope), "dim"))
    out.append(Line(verified, indent=3))
    if r.sources:
        out.append(
            Line(
                [
                    (
                        _("source: {sources}").format(
                            sources=" ".join(inert(s) for s in r.sources)
                        ),
                        "dim",
                    )
                ],
                indent=3,
            )
        )
    for inner in item.includes:
        out.append(Line([(_("includes: "), "label"), (inert(display_name(inner)), None)], indent=3))
        inner_how = localized_text(inner, "how_to_ask")
        if inner_how:
            out.append(Line([(_("how to ask: "), "label"), (inert(inner_how), None)], indent=5))
        for cav in localized_caveat_texts(inner):
            out.append(Line([(_("note: "), "label"), (inert(cav), None)], indent=5))
        note = _("police: {level} — {note}").format(
            level=inert(inner.police), note=inert(localized_text(inner, "police_note") or "")
        )
        out.append(Line([(note, "dim")], indent=5))
        checked = _("verified {date} · source: {sources}").format(
            date=inner.verified.isoformat(), sources=" ".join(inert(s) for s in inner.sources)
        )
        out.append(Line([(checked, "dim")], indent=5))
    if explain:
        for reason in item.why:
            out.append(Line([(_("why: "), "label"), (inert(why_text(reason)), "dim")], indent=3))
    return out


STATUS_WORDS = {"limited": N_("limited"), "uncertain": N_("uncertain")}
SCOPE_WORDS = {
    "city": N_("city"),
    "county": N_("county"),
    "state": N_("state"),
    "national": N_("national"),
}


def dispatch_text_inert(item: RankedResource) -> str:
    return inert(dispatch_text(item.resource))


def layout(result: LookupResult, *, explain: bool = False, details: bool = False) -> list[Line]:
    """The whole result as lines; both plain and terminal render exactly these. By default the
    compact answer (about three lines an option); details=True (or explain) shows everything."""
    res = result.resolution
    lines: list[Line] = []
    if res.status == "not_found" or res.place is None and res.status != "ambiguous":
        lines.append(
            Line([(_('No US place found for "{query}".').format(query=echo(res.query)), "warn")])
        )
        if res.message and res.message not in SAME_AS_NOT_FOUND:
            lines.append(Line([(inert(resolution_message(res.message)), None)]))
        if res.candidates:
            names = "; ".join(place_label(p) for p in res.candidates[:5])
            lines.append(Line([(_("Closest names: "), "label"), (names, None)]))
        lines.append(
            Line([(_('Try a ZIP code, "City, ST", "Name County, ST" or a state name.'), "dim")])
        )
        return lines
    if res.status == "ambiguous":
        lines.append(
            Line(
                [
                    (
                        _('"{query}" fits several places. Which one did you mean?').format(
                            query=echo(res.query)
                        ),
                        "warn",
                    )
                ]
            )
        )
        if res.message:
            lines.append(Line([(inert(resolution_message(res.message)), "dim")]))
        for i, p in enumerate(res.candidates, start=1):
            lines.append(Line([(f"{i}. ", "rank"), (place_label(p), None)], indent=2))
        if res.candidates:
            again = _('Run again with one of them, e.g.: crisisnav lookup "{query}"').format(
                query=place_query(res.candidates[0])
            )
            lines.append(Line([(again, "dim")]))
        return lines
    place = res.place
    assert place is not None
    when = evaluated_text(result.evaluated_at, place.timezone)
    if details or explain:
        lines.append(Line([(place_label(place), "place")]))
    else:  # compact: one line for the place and the time the hours are for
        lines.append(
            Line(
                [
                    (place_label(place), "place"),
                    (_(" · hours as of {when}").format(when=when), "dim"),
                ]
            )
        )
    if res.message:
        lines.append(
            Line(
                [
                    (
                        _('{message} (you typed "{query}")').format(
                            message=inert(resolution_message(res.message)), query=echo(res.query)
                        ),
                        "dim",
                    )
                ]
            )
        )
    if res.candidates:
        also = "; ".join(place_label(p) for p in res.candidates[:6])
        same_state = res.place is not None and all(
            p.state == res.place.state for p in res.candidates[:6]
        )
        hint = (
            _(" (give the county to pick one of these)")
            if same_state
            else _(" (give the state to pick one of these)")
        )
        lines.append(Line([(_("also: "), "label"), (also, None), (hint, "dim")]))
    if details or explain:
        lines.append(Line([(_("hours as of {when}").format(when=when), "dim")]))
    filt = _filters_text(result)
    if filt:
        lines.append(Line([(_("filters: {filters}").format(filters=filt), "dim")]))
    only = (result.filters or {}).get("contact")
    stopped = [n for n in result.notices if n.kind in STOPPED_KINDS]
    nationwide = [n for n in stopped if n.fields.get("scope") == "national"]
    top = [n for n in result.notices if n not in nationwide]
    if top:
        lines.append(Line(kind="blank"))
        for n in top:
            if n.kind in STOPPED_KINDS:
                # compact: one wrapped line (no hanging column), so it takes fewer rows
                kind = "notice" if details or explain else "notice-line"
                lines.append(Line(short_notice_spans(n, details=details or explain), kind=kind))
            else:
                lines.append(Line(notice_spans(n), kind="notice"))
    section: str | None = None
    for item in result.resources:
        if item.section != section:
            # Compact: the section heading alone separates sections (one screen for one place).
            if details or explain or section is None:
                lines.append(Line(kind="blank"))
            section = item.section
            lines.append(Line([(section_title(item.section), "section")], kind="section"))
        elif details or explain:
            lines.append(Line(kind="blank"))
        if details or explain:
            lines.extend(resource_lines(item, explain=explain, only=only))
        else:
            lines.extend(compact_lines(item, only=only))
    if not result.resources:
        lines.append(Line(kind="blank"))
        lines.append(Line([(_("No options to list here (see the notices)."), "warn")]))
    if details or explain:
        if stopped:
            lines.append(Line(kind="blank"))
            lines.append(Line([(ended_section(), "section")], kind="section"))
            for n in stopped:
                lines.append(Line(notice_spans(n), kind="notice"))
    else:
        if nationwide:
            lines.append(Line(kind="blank"))
            for n in nationwide:
                lines.append(Line(short_notice_spans(n, details=False), kind="notice-line"))
        if result.resources:
            lines.append(Line([(more_with_details(), "dim")]))
    return lines


def _filters_text(result: LookupResult) -> str:
    f = result.filters or {}
    parts: list[str] = []
    if f.get("for"):
        parts.append(
            _("for {audiences}").format(
                audiences=", ".join(inert(audience_word(a)) for a in f["for"])
            )
        )
    if f.get("contact"):
        parts.append(_("contact by {contact}").format(contact=inert(f["contact"])))
    if f.get("language"):
        parts.append(_("language {language}").format(language=inert(f["language"])))
    if f.get("no_911"):
        parts.append(_("no 911-only entries"))
    if f.get("open_now"):
        parts.append(_("open now only"))
    if f.get("limit") is not None:
        parts.append(_("first {n}").format(n=f["limit"]))
    return "; ".join(parts)
