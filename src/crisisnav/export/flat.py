"""The dataset flat, one row per entry, for spreadsheets (export --format json|csv).

List-valued fields become one cell each, their items joined with " | ". Contacts are split
by type so a spreadsheet can sort and filter on phones. Pure: returns rows; the command writes.
"""

from __future__ import annotations

from typing import Any

from crisisnav.models import SCOPES, Contact, Dataset, Resource

SEP = " | "

COLUMNS = (
    "id", "name", "kind", "police", "police_note", "dispatch", "scope", "serves", "states",
    "phone", "text", "chat", "web", "tty", "videophone", "hours", "timezone", "audiences",
    "languages", "how_to_ask", "caveats", "status", "status_since", "verified", "sources",
)  # fmt: skip

LIST_COLUMNS = (
    "serves", "states", "phone", "text", "chat", "web", "tty", "videophone", "hours",
    "audiences", "languages", "caveats", "sources",
)  # fmt: skip


def _contact_text(c: Contact) -> str:
    """Like 541-555-0100 (Crisis Line), 741741 (text HOME), or the bare value."""
    notes: list[str] = []
    if c.keyword:
        notes.append(f"text {c.keyword}")
    if c.label:
        notes.append(c.label)
    return f"{c.value} ({'; '.join(notes)})" if notes else c.value


def narrowest_scope(r: Resource) -> str:
    scopes = {a.scope for a in r.serves}
    return next((s for s in SCOPES if s in scopes), "national")


def record(r: Resource) -> dict[str, Any]:
    """One entry as a flat record: strings, None, or lists of strings (for LIST_COLUMNS)."""
    states: list[str] = []
    for a in r.serves:
        label = "US" if a.national else str(a.state)
        if label not in states:
            states.append(label)
    row: dict[str, Any] = {
        "id": r.id,
        "name": r.name,
        "kind": r.kind,
        "police": r.police,
        "police_note": r.police_note,
        "dispatch": r.dispatch,
        "scope": narrowest_scope(r),
        "serves": [a.label() for a in r.serves],
        "states": states,
    }
    for ctype in ("phone", "text", "chat", "web", "tty", "videophone"):
        row[ctype] = [_contact_text(c) for c in r.contacts if c.type == ctype]
    row.update(
        {
            "hours": list(r.hours),
            "timezone": r.timezone,
            "audiences": list(r.audiences),
            "languages": list(r.languages),
            "how_to_ask": r.how_to_ask,
            "caveats": list(r.caveats),
            "status": r.status,
            "status_since": r.status_since.isoformat() if r.status_since else None,
            "verified": r.verified.isoformat(),
            "sources": list(r.sources),
        }
    )
    return row


def records(dataset: Dataset) -> list[dict[str, Any]]:
    """Every entry as a flat record, in dataset order (export --format json)."""
    return [record(r) for r in dataset.resources]


def csv_row(rec: dict[str, Any]) -> list[str]:
    """A flat record as CSV cells: lists joined with SEP, None as an empty cell."""
    out: list[str] = []
    for col in COLUMNS:
        value = rec[col]
        if isinstance(value, list):
            out.append(SEP.join(value))
        elif value is None:
            out.append("")
        else:
            out.append(str(value))
    return out
