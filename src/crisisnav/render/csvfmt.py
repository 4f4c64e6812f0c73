"""CSV: a header row and fixed columns, one row per listed resource, then one row per notice.

A notice row has `section` "notice", the notice's kind in `kind`, its text in `name` and the
entry it is about in `id`. A result with no resources and no notices (ambiguous, not found)
still gets one row carrying `query`, `result` and `place`, so a batch never loses a line.
List cells join their items with " | " (the separator of `export csv` too), a "|" inside an
item escaped as "\\|" (render.safe.join_list), so " | " inside a caveat never looks like two; phone numbers are
written one way (541-682-1001, 1-800-273-8255, short codes as digits).

Cell safety, one rule for every cell:
1. text passes through the shared sanitiser (render.safe.inert): no control characters,
   no ANSI/OSC, no bidi overrides; newlines and tabs fold to a space on purpose, so no value
   ever starts a physical line of the file (a reader that splits lines is not fooled either);
2. a cell that starts with = + - @ (or, before step 1, tab / CR) is prefixed with a single
   quote so spreadsheets do not run it as a formula — EXCEPT a cell made only of phone
   numbers: a leading "+" and a digit, then digits, spaces and ( ) . - characters, with
   further numbers after " | " (each may start with "+"): "+1 541 555 0100",
   "+1-541-555-0100; 988", "+1 541 555 0100; +1-541-555-0101". Such a cell has no letters
   and no = or @, so it can hold no function call or reference and cannot do harm; it
   stays usable as phone numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from crisisnav import phone
from crisisnav.i18n import _
from crisisnav.models import LookupResult, Notice, RankedResource
from crisisnav.render.safe import inert, join_list, spreadsheet_cell
from crisisnav.render.words import (
    dispatch_text,
    display_name,
    hours_text,
    localized,
    localized_caveats,
    notice_text,
    unconfirmed,
    why_texts,
)

COLUMNS = (
    "query",
    "result",
    "place",
    "place_kind",
    "state",
    "rank",
    "section",
    "id",
    "name",
    "kind",
    "police",
    "police_note",
    "dispatch",
    "reach",
    "scope",
    "phone",
    "text",
    "chat",
    "web",
    "tty",
    "videophone",
    "hours",
    "hours_text",
    "timezone",
    "open_now",
    "audiences",
    "languages",
    "how_to_ask",
    "caveats",
    "address",
    "status",
    "status_since",
    "verified",
    "stale",
    "sources",
    "why",
    "includes",
    "evaluated_at",
)
SEP = " | "  # between the items of a list cell (render.safe.join_list escapes it inside an item)


def safe_cell(value: object) -> str:
    """One cell: sanitised, then formula-neutralised (render.safe.spreadsheet_cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_cell(value if isinstance(value, str) else str(value), inert)


def _contacts(item: RankedResource, kind: str) -> str:
    out = []
    for c in item.contacts:
        if c.type != kind:
            continue
        v = phone.display(c.value) if kind in ("phone", "text", "tty", "videophone") else c.value
        if kind == "text" and c.keyword:
            v = _("{keyword} to {value}").format(keyword=c.keyword, value=v)
        if v not in out:
            out.append(v)
    return join_list(out)


def _row(result: LookupResult, item: RankedResource | None) -> list[object]:
    res = result.resolution
    place = res.place
    base: list[object] = [
        res.query,
        res.status,
        place.label() if place else "",
        place.kind if place else "",
        place.state if place else "",
    ]
    if item is None:
        row = base + [""] * (len(COLUMNS) - len(base))
        row[-1] = result.evaluated_at
        return row
    r = item.resource
    return base + [
        item.rank,
        item.section,
        r.id,
        display_name(r),
        r.kind,
        r.police,
        localized(r, "police_note")[0],
        r.dispatch,
        dispatch_text(r),
        item.scope,
        _contacts(item, "phone"),
        _contacts(item, "text"),
        _contacts(item, "chat"),
        _contacts(item, "web"),
        _contacts(item, "tty"),
        _contacts(item, "videophone"),
        join_list(r.hours),
        hours_text(item),
        r.timezone or "",
        "" if item.open_now is None else item.open_now,
        join_list(r.audiences),
        join_list(r.languages),
        localized(r, "how_to_ask")[0],
        join_list(
            ((unconfirmed(),) if r.status == "uncertain" else ())
            + tuple(c for c, _english in localized_caveats(r))
        ),
        r.address.one_line() if r.address else "",
        r.status,
        r.status_since.isoformat() if r.status_since else "",
        r.verified.isoformat(),
        item.stale,
        join_list(r.sources),
        join_list(why_texts(item.why)),
        join_list(x.id for x in item.includes),
        result.evaluated_at,
    ]


def _notice_row(result: LookupResult, n: Notice) -> list[object]:
    row = _row(result, None)
    row[COLUMNS.index("section")] = "notice"
    row[COLUMNS.index("kind")] = n.kind
    row[COLUMNS.index("name")] = notice_text(n)
    row[COLUMNS.index("id")] = n.resource_id or ""
    return row


def rows(result: LookupResult) -> list[list[str]]:
    raw = [_row(result, item) for item in result.resources]
    raw += [_notice_row(result, n) for n in result.notices]
    return [[safe_cell(v) for v in row] for row in raw or [_row(result, None)]]


def render(result: LookupResult, *, header: bool = True) -> str:
    return render_many([result], header=header)


def render_many(results: Iterable[LookupResult], *, header: bool = True) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if header:
        w.writerow(COLUMNS)
    for result in results:
        w.writerows(rows(result))
    return buf.getvalue()
