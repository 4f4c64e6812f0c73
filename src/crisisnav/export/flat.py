"""The dataset flat, one row per entry, for spreadsheets (export --format json|csv).

List-valued fields become one cell each, their items joined with " | " (render.safe.join_list:
a "|" inside an item is escaped as "\\|", so the cell splits back into exactly its items). Contacts are split
by type so a spreadsheet can sort and filter on phones; the contact columns hold only the
values (numbers, addresses), and labels and text keywords go to `contact_notes`, so a phone
cell is never more than phone numbers. Pure: returns rows; the command writes.

Spreadsheet safety (every CSV this package writes): a cell starting with = + - @ (or a tab or
carriage return) is what spreadsheets run as a formula, so it gets a leading apostrophe —
except a cell of phone numbers only ("+1 541 555 0100 | +1-541-555-0101"): with no letters it
can hold no function or reference. JSON output is never altered.
"""

from __future__ import annotations

from typing import Any

from crisisnav.models import SCOPES, Contact, Dataset, Resource
from crisisnav.render.safe import join_list, spreadsheet_cell

SEP = " | "

COLUMNS = (
    "id", "name", "kind", "police", "police_note", "dispatch", "scope", "serves", "states",
    "phone", "text", "chat", "web", "tty", "videophone", "contact_notes", "hours", "timezone",
    "audiences", "languages", "how_to_ask", "caveats", "status", "status_since", "verified",
    "sources",
)  # fmt: skip

LIST_COLUMNS = (
    "serves", "states", "phone", "text", "chat", "web", "tty", "videophone", "contact_notes", "hours",
    "audiences", "languages", "caveats", "sources",
)  # fmt: skip


def spreadsheet_safe(text: str) -> str:
    """A CSV cell that a spreadsheet will show, not run (render.safe.spreadsheet_cell)."""
    return spreadsheet_cell(text)


def _contact_note(c: Contact) -> str | None:
    """ "741741: text HOME", "541-555-0100: Crisis Line", or None when there is nothing to add."""
    notes: list[str] = []
    if c.keyword:
        notes.append(f"text {c.keyword}")
    if c.label:
        notes.append(c.label)
    return f"{c.value}: {'; '.join(notes)}" if notes else None


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
        row[ctype] = [c.value for c in r.contacts if c.type == ctype]
    row["contact_notes"] = [n for n in (_contact_note(c) for c in r.contacts) if n]
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
    """A flat record as CSV cells: lists joined with SEP (escaped), None empty, formulas neutralised."""
    out: list[str] = []
    for col in COLUMNS:
        value = rec[col]
        if isinstance(value, list):
            out.append(spreadsheet_safe(join_list(value)))
        elif value is None:
            out.append("")
        else:
            out.append(spreadsheet_safe(str(value)))
    return out
