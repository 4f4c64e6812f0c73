"""The JSON result shape of DESIGN.md, "Command-line contract": every key always present."""

from __future__ import annotations

import json
from typing import Any

from crisisnav import phone
from crisisnav.models import (
    Contact,
    LookupResult,
    Notice,
    Place,
    RankedResource,
    Resolution,
    Resource,
)
from crisisnav.render.words import (
    contact_label,
    display_name,
    hours_text,
    localized,
    localized_caveats,
    notice_text,
    why_texts,
)

SCHEMA_VERSION = 1

RESULT_KEYS = ("schema_version", "query", "status", "place", "candidates", "resources", "notices")
RESULT_EXTRA_KEYS = ("evaluated_at",)  # a lookup result's keys after the contract's
PLACE_KEYS = ("kind", "name", "city", "county", "counties", "state", "zip", "timezone", "score")
RESOURCE_KEYS = (
    "rank", "id", "name", "section", "kind", "police", "dispatch", "scope", "contacts", "hours",
    "open_now", "audiences", "languages", "how_to_ask", "caveats", "status", "verified", "stale",
    "sources", "why",
)  # fmt: skip
# Keys added beside the contract's (never instead of them): police_note, status_since, hours_text,
# address.


def place_to_json(place: Place | None) -> dict[str, Any] | None:
    return None if place is None else place.to_json()


def contact_to_json(c: Contact, label: str | None = None) -> dict[str, Any]:
    """A contact; label: its label in the language chosen with --lang (else the contact's own)."""
    out = c.to_json()
    if label is not None:
        out["label"] = label
    out["tel"] = phone.e164(c.value) if c.type in ("phone", "text", "tty", "videophone") else None
    return out


def resource_fields(r: Resource) -> dict[str, Any]:
    """Every field of a dataset entry (for one shown inside another, `includes`), its text in
    the language chosen with --lang where the entry has it."""
    return {
        "id": r.id,
        "name": display_name(r),
        "kind": r.kind,
        "police": r.police,
        "police_note": localized(r, "police_note")[0],
        "dispatch": r.dispatch,
        "contacts": [contact_to_json(c, contact_label(r, i)) for i, c in enumerate(r.contacts)],
        "hours": list(r.hours),
        "timezone": r.timezone,
        "audiences": list(r.audiences),
        "languages": list(r.languages),
        "how_to_ask": localized(r, "how_to_ask")[0],
        "caveats": [c for c, _english in localized_caveats(r)],
        "status": r.status,
        "status_since": r.status_since.isoformat() if r.status_since else None,
        "verified": r.verified.isoformat(),
        "sources": list(r.sources),
    }


def ranked_to_json(item: RankedResource) -> dict[str, Any]:
    r = item.resource
    # Text fields in the language chosen with --lang: the entry's own translation where it has
    # one, else its English (keys and enum values never change).
    return {
        "rank": item.rank,
        "id": r.id,
        "name": display_name(r),
        "section": item.section,
        "kind": r.kind,
        "police": r.police,
        "police_note": localized(r, "police_note")[0],
        "dispatch": r.dispatch,
        "scope": item.scope,
        "contacts": [contact_to_json(c, contact_label(r, i)) for i, c in enumerate(r.contacts)],
        "hours": list(r.hours),
        "timezone": r.timezone,
        "hours_text": hours_text(item),
        "open_now": item.open_now,
        "audiences": list(r.audiences),
        "languages": list(r.languages),
        "how_to_ask": localized(r, "how_to_ask")[0],
        "caveats": [c for c, _english in localized_caveats(r)],
        "address": r.address.to_json() if r.address else None,
        "status": r.status,
        "status_since": r.status_since.isoformat() if r.status_since else None,
        "verified": r.verified.isoformat(),
        "stale": item.stale,
        "sources": list(r.sources),
        "why": why_texts(item.why),
        "includes": [resource_fields(x) for x in item.includes],
    }


def notice_to_json(n: Notice) -> dict[str, Any]:
    return {"kind": n.kind, "text": notice_text(n), "resource_id": n.resource_id}


def resolution_to_json(resolution: Resolution) -> dict[str, Any]:
    """The shape `places --format json` prints: a lookup result with no resources or notices."""
    return {
        "schema_version": SCHEMA_VERSION,
        "query": resolution.query,
        "status": resolution.status,
        "place": place_to_json(resolution.place),
        "candidates": [c.to_json() for c in resolution.candidates],
        "resources": [],
        "notices": [],
    }


def result_to_json(result: LookupResult) -> dict[str, Any]:
    out = resolution_to_json(result.resolution)
    out["resources"] = [ranked_to_json(item) for item in result.resources]
    out["notices"] = [notice_to_json(n) for n in result.notices]
    out["evaluated_at"] = result.evaluated_at or None
    return out


def dumps(obj: Any, *, pretty: bool = True) -> str:
    """JSON text that is always valid: no NaN, any Unicode kept, lone surrogates escaped.

    DEL, C1 controls, U+2028/U+2029 and bidi overrides are written as \\uXXXX escapes (the
    data parses back unchanged, but a terminal showing the JSON is not reordered or driven
    by them); json.dumps already escapes C0 controls such as ESC."""
    from crisisnav.render.safe import JSON_UNSAFE_RE

    text = json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None, allow_nan=False)
    text = JSON_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
