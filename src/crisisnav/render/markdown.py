"""Markdown: a heading per section and a table per section.

Every dataset string passes the shared sanitiser (render.safe.inert), then Markdown
escaping: a backslash before each of \\ ` * _ [ ] ( ) < > | # ! ~ & and {}, so no value
can open a link, an image, raw HTML (`<script>`), an entity, emphasis or a new table
cell. Sources are printed as escaped text, never as live links.
"""

from __future__ import annotations

import re

from crisisnav.i18n import _
from crisisnav.models import LookupResult, RankedResource
from crisisnav.render.common import (
    SAME_AS_NOT_FOUND,
    STATUS_WORDS,
    contact_text,
    evaluated_text,
    label_of,
    place_query,
    shown_contacts,
)
from crisisnav.render.echo import shorten
from crisisnav.render.safe import inert
from crisisnav.render.words import (
    answers_in,
    answers_in_language,
    audience_word,
    dispatch_text,
    display_name,
    hours_text,
    kind_word,
    localized_caveat_texts,
    localized_text,
    notice_tag,
    notice_text,
    police_badge,
    resolution_message,
    section_title,
    unconfirmed,
    why_text,
)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]()<>|#!~&{}])")


def md(text: object) -> str:
    """Sanitised and Markdown-escaped text, safe inside a table cell."""
    return _MD_SPECIAL.sub(r"\\\1", inert(text))


def _cell_contacts(item: RankedResource, only: str | None = None) -> str:
    # contact_text already sanitised; escape only (md() on inert text is idempotent for inert).
    return "<br>".join(
        _MD_SPECIAL.sub(r"\\\1", contact_text(c, label_text=label_of(item, c)))
        for c in shown_contacts(item, only)
    )


def render(result: LookupResult, *, explain: bool = False) -> str:
    res = result.resolution
    out: list[str] = []
    if res.status == "not_found" or (res.place is None and res.status != "ambiguous"):
        out.append(_("# No US place found for “{query}”").format(query=md(shorten(res.query))))
        out.append("")
        if res.message and res.message not in SAME_AS_NOT_FOUND:
            out.append(md(resolution_message(res.message)))
            out.append("")
        if res.candidates:
            out.append(_("Closest names: ") + "; ".join(md(p.label()) for p in res.candidates[:5]))
            out.append("")
        return "\n".join(out).rstrip("\n") + "\n"
    if res.status == "ambiguous":
        out.append(_("# “{query}” fits several places").format(query=md(shorten(res.query))))
        out.append("")
        for i, p in enumerate(res.candidates, start=1):
            out.append(f'{i}. {md(p.label())} — `crisisnav lookup "{_code(place_query(p))}"`')
        return "\n".join(out) + "\n"
    place = res.place
    assert place is not None
    out.append(f"# {md(place.label())}")
    out.append("")
    if res.candidates:
        out.append(_("Also: ") + "; ".join(md(p.label()) for p in res.candidates[:6]) + "  ")
    out.append(
        _("Hours as of {when}").format(when=md(evaluated_text(result.evaluated_at, place.timezone)))
    )
    out.append("")
    if result.notices:
        for n in result.notices:
            out.append(f"> **{md(notice_tag(n.kind))}**: {md(notice_text(n))}  ")
        out.append("")
    section = None
    items = result.resources
    for idx, item in enumerate(items):
        if item.section != section:
            section = item.section
            out.append(f"## {md(section_title(section))}")
            out.append("")
            cols = ["#", _("Name"), _("Police"), _("Reach"), _("Contact"), _("Hours"), _("Notes"),
                    _("Verified")]  # fmt: skip
            if explain:
                cols.append(_("Why"))
            out.append("| " + " | ".join(cols) + " |")
            out.append("|" + "|".join("---" for _col in cols) + "|")
        out.append(_table_row(item, explain=explain, only=(result.filters or {}).get("contact")))
        if idx + 1 == len(items) or items[idx + 1].section != section:
            out.append("")
    if not result.resources:
        out.append(_("No options to list here (see the notices above)."))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _code(text: str) -> str:
    return text.replace("`", "'")


def _table_row(item: RankedResource, *, explain: bool, only: str | None = None) -> str:
    r = item.resource
    name = md(display_name(r)) + f" ({md(kind_word(r.kind))})"
    if answers_in_language(r):
        name += f" — {md(answers_in())}"
    if item.stale:
        name += _(" **STALE**")
    if r.status in ("limited", "uncertain"):
        name += _(" status: {status}").format(status=md(_(STATUS_WORDS[r.status])))
    if r.status == "uncertain":
        name += f"<br>**{md(unconfirmed())}**"
    police = md(police_badge(r.police))
    note = localized_text(r, "police_note")
    if note:
        police += ": " + md(note)
    how = localized_text(r, "how_to_ask")
    notes = [md(how)] if how else []
    notes += [md(c) for c in localized_caveat_texts(r)]
    if r.audiences:
        notes.append(
            _("for: {audiences}").format(
                audiences=md(", ".join(audience_word(a) for a in r.audiences))
            )
        )
    hours = md(hours_text(item))
    verified = r.verified.isoformat() + ("" if not item.stale else _(" (stale)"))
    verified += "<br>" + "<br>".join(md(s) for s in r.sources)
    cells = [
        str(item.rank),
        name,
        police,
        md(dispatch_text(r)),
        _cell_contacts(item, only),
        hours,
        "<br>".join(notes),
        verified,
    ]
    if explain:
        cells.append("<br>".join(md(why_text(w)) for w in item.why))
    return "| " + " | ".join(cells) + " |"
