"""CSV: a header row and fixed columns, one row per listed resource.

A result with no resources (ambiguous, not found, or nothing to list) still gets one row
carrying `query`, `result` and `place`, so a batch never loses a line. Notices are not in
CSV (use json/jsonl for them).

Cell safety, one rule for every cell:
1. text passes through the shared sanitiser (render.safe.inert): no control characters,
   no ANSI/OSC, no bidi overrides;
2. a cell that starts with = + - @ (or, before step 1, tab / CR) is prefixed with a single
   quote so spreadsheets do not run it as a formula — EXCEPT a cell made only of phone
   numbers: a leading "+" and a digit, then digits, spaces and ( ) . - characters, with
   further numbers after "; " (each may start with "+"): "+1 541 555 0100",
   "+1-541-555-0100; 988", "+1 541 555 0100; +1-541-555-0101". Such a cell has no letters
   and no = or @, so it can hold no function call or reference and cannot do harm; it
   stays usable as phone numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from crisisnav.models import LookupResult, RankedResource
from crisisnav.render.safe import inert, spreadsheet_cell
from crisisnav.render.words import UNCONFIRMED, dispatch_text, why_texts

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
)

def safe_cell(value: object) -> str:
    """One cell: sanitised, then formula-neutralised (render.safe.spreadsheet_cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_cell(value if isinstance(value, str) else str(value), inert)


def _contacts(item: RankedResource, kind: str) -> str:
    out = []
    for c in item.resource.contacts:
        if c.type != kind:
            continue
        v = c.value
        if kind == "text" and c.keyword:
            v = f"{c.keyword} to {c.value}"
        out.append(v)
    return "; ".join(out)


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
        return base + [""] * (len(COLUMNS) - len(base))
    r = item.resource
    return base + [
        item.rank,
        item.section,
        r.id,
        r.name,
        r.kind,
        r.police,
        r.police_note,
        r.dispatch,
        dispatch_text(r),
        item.scope,
        _contacts(item, "phone"),
        _contacts(item, "text"),
        _contacts(item, "chat"),
        _contacts(item, "web"),
        _contacts(item, "tty"),
        _contacts(item, "videophone"),
        "; ".join(r.hours),
        item.hours_text,
        "" if item.open_now is None else item.open_now,
        "; ".join(r.audiences),
        "; ".join(r.languages),
        r.how_to_ask,
        " | ".join(((UNCONFIRMED,) if r.status == "uncertain" else ()) + tuple(r.caveats)),
        r.address.one_line() if r.address else "",
        r.status,
        r.status_since.isoformat() if r.status_since else "",
        r.verified.isoformat(),
        item.stale,
        " ".join(r.sources),
        " | ".join(why_texts(item.why)),
    ]


def rows(result: LookupResult) -> list[list[str]]:
    items: Iterable[RankedResource | None] = result.resources or [None]
    return [[safe_cell(v) for v in _row(result, item)] for item in items]


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
