"""The dataset as Open Referral HSDS 3.0: services with their organization, phones, schedules,
service areas, languages and attributes; or the same records as HSDS's tabular data package.

HSDS has no field for police involvement or for how a team is dispatched, so this export
defines a small `crisisnav` taxonomy and carries those facts (and every other field HSDS has
no place for: kind, exact status, audiences, sources, the entry id) as HSDS `attribute`s of
each service. Nothing is lost: every contact travels as a `contact:<type>` attribute in the
entry's order, followed by its label and text keyword (phones also as HSDS phones, with the
label in their description); the exact areas, hours rules, time zone, language codes and
the entry's own translations (the `es:` block) travel as attributes beside HSDS's service areas, schedules and languages; a street address
(walk-in centers, peer respites) becomes an HSDS location with a physical address, linked by
a service_at_location (`_locations`: the one place where the dataset's location fields map).
`recover_dataset` reads every field of every entry back, and the tests compare them all.

Ids are uuid5 values under one fixed namespace, derived from the entry id (and, for child
records, from the entry id plus the child's position), so re-exporting an unchanged dataset
gives byte-identical output and a changed one diffs cleanly.

Pure: builds dicts and rows; the command writes them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from crisisnav.models import (
    AUDIENCES,
    CONTACT_TYPES,
    DISPATCH_PATHS,
    KINDS,
    POLICE_LEVELS,
    STATUSES,
    Address,
    Area,
    Contact,
    Dataset,
    Resource,
)

# Fixed forever: changing it would change every exported id.
NAMESPACE = uuid.UUID("5b0c7a52-64d1-4c1e-9a8e-2f0e6c3d9a11")

HSDS_VERSION = "3.0"
HSDS_STATUSES = ("active", "inactive", "defunct", "temporarily closed")

# crisisnav status -> HSDS status. `limited` and `uncertain` entries are still listed as options
# by crisisnav itself, so they stay `active` here, with an `alert` saying why they need care; the
# exact crisisnav status always travels as an attribute.
STATUS_MAP = {
    "active": "active",
    "limited": "active",
    "uncertain": "active",
    "suspended": "temporarily closed",
    "ended": "defunct",
}

# crisisnav contact type -> HSDS phone `type` (RFC 6350 TEL types, as HSDS asks).
PHONE_TYPES = {"phone": "voice", "text": "text", "tty": "textphone", "videophone": "video"}

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# Language codes the dataset uses -> (ISO 639 code, English name). Unknown codes pass through.
LANGUAGES = {
    "en": ("en", "English"),
    "es": ("es", "Spanish"),
    "asl": ("ase", "American Sign Language"),
    "ase": ("ase", "American Sign Language"),
    "zh": ("zh", "Chinese"),
    "vi": ("vi", "Vietnamese"),
    "ko": ("ko", "Korean"),
    "tl": ("tl", "Tagalog"),
    "ar": ("ar", "Arabic"),
    "ru": ("ru", "Russian"),
    "fr": ("fr", "French"),
    "ht": ("ht", "Haitian Creole"),
    "pt": ("pt", "Portuguese"),
    "so": ("so", "Somali"),
    "hmn": ("hmn", "Hmong"),
    "nv": ("nv", "Navajo"),
}

TAXONOMY_NAME = "crisisnav"

POLICE_DESCRIPTIONS = {
    "none": "The program states it will not involve police without the person's consent.",
    "possible": (
        "Police can become involved: the program may call emergency services, or it is reached "
        "through 911 where a dispatcher decides who comes."
    ),
    "co-responder": "A team with an officer on it, or sent together with police.",
    "police": "A police response (for example officers with crisis intervention training).",
}
DISPATCH_DESCRIPTIONS = {
    "direct": "Reached directly at its own number or channel.",
    "via-988": "Reached through the 988 Suicide & Crisis Lifeline.",
    "via-non-emergency": "Reached through a police or city non-emergency number.",
    "via-911": "Reached only through 911: ask the dispatcher for the program by name.",
}
STATUS_DESCRIPTIONS = {
    "active": "Operating as described.",
    "limited": "Operating with reduced hours, area or capacity.",
    "suspended": "Temporarily not operating.",
    "ended": "No longer operating.",
    "uncertain": "Could not be confirmed as operating when last verified.",
}

# Parent terms of the crisisnav taxonomy: code -> (name, description, HSDS link_type).
PARENT_TERMS: dict[str, tuple[str, str, str]] = {
    "entry-id": (
        "crisisnav entry id",
        "The id of the entry in the crisisnav dataset this service was exported from.",
        "identifier",
    ),
    "police": (
        "Police involvement",
        "Whether police can become involved for the person in crisis (not who runs the program).",
        "police_involvement",
    ),
    "police-note": (
        "Police involvement note",
        "The program's own words, or the dataset's note, on when police become involved.",
        "police_involvement",
    ),
    "dispatch": ("Dispatch path", "How the service is reached.", "dispatch_path"),
    "kind": ("Kind of service", "The crisisnav kind of the service.", "service_type"),
    "status": (
        "crisisnav status",
        "The exact crisisnav status (HSDS status only has active, inactive, defunct and "
        "temporarily closed).",
        "status",
    ),
    "status-since": (
        "Status since",
        "The date (YYYY-MM-DD) the current status began.",
        "status",
    ),
    "audience": ("Audience", "A community the service is for.", "audience"),
    "contact": (
        "Contact channel",
        "A way to reach the service, every one in the entry's order (phones are also HSDS phones).",
        "contact_channel",
    ),
    "contact-label": (
        "Contact label",
        "The label of the contact attribute just before this one (for a walk-in center it may be "
        "the street address).",
        "contact_channel",
    ),
    "contact-keyword": (
        "Text keyword",
        "The keyword to text to the contact attribute just before this one.",
        "contact_channel",
    ),
    "serves": (
        "Area served",
        'One area the entry serves, exactly as the dataset has it (JSON: {"state": "OR", '
        '"county": "Lane County"}); the service_areas carry the same areas as names.',
        "service_area",
    ),
    "hours": (
        "Hours rule",
        'One opening-hours rule exactly as the dataset has it ("24/7", "mon-fri 08:00-17:00").',
        "schedule",
    ),
    "timezone": ("Time zone", "The IANA time zone of the hours.", "schedule"),
    "translation": (
        "Translation",
        "The entry's own text in another language, exactly as the dataset has it (JSON: "
        '{"lang": "es", "name": ..., "how_to_ask": ..., "police_note": ..., "caveats": [...], '
        '"labels": [...]}).',
        "translation",
    ),
    "language": (
        "Language code",
        "One language code exactly as the dataset has it (asl, es, ...), in order.",
        "language",
    ),
    "source": (
        "Source",
        "A public source the entry was verified against.",
        "provenance",
    ),
    "caveat": ("Caveat", "Something to know before relying on the service.", "caveat"),
}


def make_id(*parts: str) -> str:
    """A deterministic UUID (uuid5 under NAMESPACE) for a path of names."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def service_id(entry_id: str) -> str:
    return make_id("service", entry_id)


def organization_id(entry_id: str) -> str:
    return make_id("organization", entry_id)


def taxonomy_id() -> str:
    return make_id("taxonomy", TAXONOMY_NAME)


def term_id(code: str) -> str:
    return make_id("taxonomy_term", TAXONOMY_NAME, code)


# --------------------------------------------------------------------------- taxonomy


def taxonomy() -> dict[str, Any]:
    return {
        "id": taxonomy_id(),
        "name": TAXONOMY_NAME,
        "description": (
            "Terms defined by crisisnav for crisis services: whether police can become involved, "
            "how a service is dispatched, its kind and exact status, the communities it serves, "
            "its sources and the crisisnav entry it came from."
        ),
        "version": "1",
    }


def _child_terms(audiences: Iterable[str] = ()) -> list[tuple[str, str, str, str]]:
    """(code, parent code, name, description) of every child term."""
    out: list[tuple[str, str, str, str]] = []
    out += [(f"police:{p}", "police", p, POLICE_DESCRIPTIONS[p]) for p in POLICE_LEVELS]
    out += [(f"dispatch:{d}", "dispatch", d, DISPATCH_DESCRIPTIONS[d]) for d in DISPATCH_PATHS]
    out += [(f"kind:{k}", "kind", k, f"A crisisnav {k} entry.") for k in KINDS]
    out += [(f"status:{s}", "status", s, STATUS_DESCRIPTIONS[s]) for s in STATUSES]
    seen: list[str] = list(AUDIENCES)
    for a in audiences:
        if a not in seen:
            seen.append(a)
    out += [(f"audience:{a}", "audience", a, f"For the {a} community.") for a in seen]
    out += [(f"contact:{c}", "contact", c, f"A {c} contact.") for c in CONTACT_TYPES]
    return out


def taxonomy_terms(audiences: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Every term of the crisisnav taxonomy, parents first (flat rows, no nested taxonomy)."""
    rows: list[dict[str, Any]] = []
    for code, (name, description, _link) in PARENT_TERMS.items():
        rows.append(_term_row(code, name, description, None))
    for code, parent, name, description in _child_terms(audiences):
        rows.append(_term_row(code, name, description, parent))
    return rows


def _term_row(code: str, name: str, description: str, parent: str | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": term_id(code),
        "code": code,
        "name": name,
        "description": description,
        "taxonomy": TAXONOMY_NAME,
        "language": "en",
        "taxonomy_id": taxonomy_id(),
    }
    if parent is not None:
        row["parent_id"] = term_id(parent)
    return row


# --------------------------------------------------------------------------- one service


def _area_name(area: Area, state_name: Callable[[str], str]) -> str:
    """Census-style names: "Lane County, Oregon", "Eugene, Oregon", "Oregon", "United States"."""
    if area.national:
        return "United States"
    state = state_name(area.state or "")
    if area.city:
        return f"{area.city}, {state}"
    if area.county:
        return f"{area.county}, {state}"
    return state


def _description(r: Resource) -> str:
    parts = [f"{r.kind.replace('-', ' ').capitalize()}."]
    parts.append(f"Police involvement: {r.police}.")
    if r.police_note:
        parts.append(r.police_note)
    parts.append(f"Dispatch: {r.dispatch}.")
    return " ".join(parts)


def _alert(r: Resource) -> str | None:
    lines: list[str] = []
    since = f" since {r.status_since.isoformat()}" if r.status_since else ""
    if r.status == "ended":
        lines.append(f"This program has ended{since}. Do not refer people to it.")
    elif r.status == "suspended":
        lines.append(f"This program is suspended{since}.")
    elif r.status == "limited":
        lines.append(f"This program is operating on a limited basis{since}.")
    elif r.status == "uncertain":
        lines.append(
            "Whether this program is operating could not be confirmed; check before referring."
        )
    lines.extend(r.caveats)
    return " ".join(lines) if lines else None


def _clock(minute: int) -> str:
    """HH:MM for a minute of the day; the end of the day is 23:59 (HSDS guidance for 24h)."""
    if minute >= 24 * 60:
        return "23:59"
    return f"{minute // 60:02d}:{minute % 60:02d}"


def day_spans(intervals: Sequence[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Weekly intervals (minutes from Monday 00:00) split at midnights: (day, start, end) with
    start and end in minutes of that day (end may be 1440)."""
    out: list[tuple[int, int, int]] = []
    for s, e in intervals:
        t = s
        while t < e:
            day = t // 1440
            day_end = (day + 1) * 1440
            end = min(e, day_end)
            out.append((day % 7, t - day * 1440, end - day * 1440))
            t = end
    return out


def _schedules(r: Resource, sid: str) -> list[dict[str, Any]]:
    from crisisnav.hours import parse_hours

    raw = "; ".join(r.hours)
    zone_note = f"Times are local time in {r.timezone}." if r.timezone else None
    try:
        parsed = parse_hours(r.hours)
    except ValueError:
        # Hours the grammar cannot read still travel, as text, rather than being dropped.
        sched: dict[str, Any] = {"id": make_id("schedule", r.id, "0"), "service_id": sid}
        sched["description"] = f"Hours as recorded: {raw}"
        if zone_note:
            sched["notes"] = zone_note
        return [sched]
    if parsed.always:
        groups: dict[tuple[str, str], list[int]] = {("00:00", "23:59"): list(range(7))}
    else:
        groups = {}
        for day, start, end in day_spans(parsed.intervals):
            groups.setdefault((_clock(start), _clock(end)), []).append(day)
    out: list[dict[str, Any]] = []
    for i, ((opens, closes), days) in enumerate(
        sorted(groups.items(), key=lambda kv: (min(kv[1]), kv[0]))
    ):
        sched = {
            "id": make_id("schedule", r.id, str(i)),
            "service_id": sid,
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": ",".join(WEEKDAYS[d] for d in sorted(set(days))),
            "opens_at": opens,
            "closes_at": closes,
            "description": "Open 24 hours a day, 7 days a week."
            if parsed.always
            else f"Hours: {raw}",
        }
        if zone_note and not parsed.always:
            sched["notes"] = zone_note
        out.append(sched)
    return out


def _attribute(
    r: Resource, index: int, code: str, value: str, term_code: str | None = None
) -> dict[str, Any]:
    """One attribute of service r under the crisisnav taxonomy; term_code defaults to code."""
    term_code = term_code or code
    parent = term_code.split(":", 1)[0]
    link_type = PARENT_TERMS[parent][2]
    return {
        "id": make_id("attribute", r.id, str(index)),
        "link_id": service_id(r.id),
        "taxonomy_term_id": term_id(term_code),
        "link_type": link_type,
        "link_entity": "service",
        "value": value,
    }


def _attributes(r: Resource) -> list[dict[str, Any]]:
    specs: list[tuple[str, str]] = [
        ("entry-id", r.id),
        (f"police:{r.police}", r.police),
        (f"dispatch:{r.dispatch}", r.dispatch),
        (f"kind:{r.kind}", r.kind),
        (f"status:{r.status}", r.status),
    ]
    if r.police_note:
        specs.append(("police-note", r.police_note))
    if r.status_since:
        specs.append(("status-since", r.status_since.isoformat()))
    specs += [(f"audience:{a}", a) for a in r.audiences]
    for c in r.contacts:  # every contact, in order; its label and keyword right after it
        specs.append((f"contact:{c.type}", c.value))
        if c.label is not None:
            specs.append(("contact-label", c.label))
        if c.keyword is not None:
            specs.append(("contact-keyword", c.keyword))
    specs += [("caveat", c) for c in r.caveats]
    specs += [("source", s) for s in r.sources]
    specs += [
        ("serves", json.dumps(a.to_json(), sort_keys=True, ensure_ascii=False)) for a in r.serves
    ]
    specs += [("hours", h) for h in r.hours]
    if r.timezone:
        specs.append(("timezone", r.timezone))
    specs += [("language", code) for code in r.languages]
    specs += [
        (
            "translation",
            json.dumps({"lang": lang, **t.to_json()}, sort_keys=True, ensure_ascii=False),
        )
        for lang, t in r.translations
    ]
    return [_attribute(r, i, code, value) for i, (code, value) in enumerate(specs)]


def _phones(r: Resource, sid: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, c in enumerate(r.contacts):
        if c.type not in PHONE_TYPES:
            continue
        phone: dict[str, Any] = {
            "id": make_id("phone", r.id, str(i)),
            "service_id": sid,
            "number": c.value,
            "type": PHONE_TYPES[c.type],
        }
        desc: list[str] = []
        if c.label:
            desc.append(c.label)
        if c.type == "text" and c.keyword:
            desc.append(f"Text {c.keyword} to {c.value}.")
        elif c.type == "tty":
            desc.append("TTY.")
        elif c.type == "videophone":
            desc.append("Videophone.")
        if desc:
            phone["description"] = " ".join(desc)
        out.append(phone)
    return out


def _languages(r: Resource, sid: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, code in enumerate(r.languages):
        iso, name = LANGUAGES.get(code, (code, code))
        lang: dict[str, Any] = {
            "id": make_id("language", r.id, str(i)),
            "service_id": sid,
            "name": name,
            "code": iso,
        }
        if iso != code:
            lang["note"] = f"crisisnav language code: {code}"
        out.append(lang)
    return out


def _service_areas(r: Resource, sid: str, state_name: Callable[[str], str]) -> list[dict[str, Any]]:
    return [
        {
            "id": make_id("service_area", r.id, str(i)),
            "service_id": sid,
            "name": _area_name(a, state_name),
            "description": f"{a.scope.capitalize()}: {a.label()}",
        }
        for i, a in enumerate(r.serves)
    ]


def _locations(r: Resource, sid: str) -> list[dict[str, Any]]:
    """The entry's street address as an HSDS service_at_location with its location and physical
    address nested (none when the entry has no address). This is where every location field of
    the dataset maps to HSDS; a new one (coordinates, accessibility) belongs here too."""
    a = r.address
    if a is None:
        return []
    lid = make_id("location", r.id)
    address: dict[str, Any] = {
        "id": make_id("address", r.id),
        "location_id": lid,
        "address_1": a.street,
        "city": a.city,
        "state_province": a.state,
        "postal_code": a.zip or "",
        "country": "US",
        "address_type": "physical",
    }
    if a.note:
        address["address_2"] = a.note  # entrance, floor
    location = {"id": lid, "location_type": "physical", "name": r.name, "addresses": [address]}
    return [
        {
            "id": make_id("service_at_location", r.id),
            "service_id": sid,
            "location_id": lid,
            "location": location,
        }
    ]


def _organization(r: Resource) -> dict[str, Any]:
    org: dict[str, Any] = {
        "id": organization_id(r.id),
        "name": r.name,
        "description": (
            f"The provider of {r.name}. The crisisnav dataset records programs, not their "
            "operating organizations, so each service has an organization record of its own."
        ),
    }
    web = next((c.value for c in r.contacts if c.type == "web"), None)
    if web:
        org["website"] = web
    return org


def _service_row(r: Resource) -> dict[str, Any]:
    """The service's own fields (no nested records): one row of services.csv."""
    sid = service_id(r.id)
    row: dict[str, Any] = {
        "id": sid,
        "organization_id": organization_id(r.id),
        "name": r.name,
        "description": _description(r),
        "status": STATUS_MAP.get(r.status, "active"),
        "assured_date": r.verified.isoformat(),
    }
    url = next((c.value for c in r.contacts if c.type == "web"), None)
    if url:
        row["url"] = url
    if r.how_to_ask:
        row["application_process"] = r.how_to_ask
    if r.audiences:
        row["eligibility_description"] = "For: " + ", ".join(r.audiences) + "."
    alert = _alert(r)
    if alert:
        row["alert"] = alert
    return row


def default_state_name() -> Callable[[str], str]:
    """The gazetteer's state names; the bare code if the gazetteer cannot be loaded."""
    try:
        from crisisnav import gazetteer

        gaz = gazetteer.load()
    except Exception:  # noqa: BLE001 - names are cosmetic; the code itself is still correct
        return lambda code: code
    return lambda code: gaz.state_name(code) or code


def service(r: Resource, state_name: Callable[[str], str]) -> dict[str, Any]:
    """One HSDS 3.0 service with its organization and related records nested."""
    sid = service_id(r.id)
    svc = _service_row(r)
    svc["organization"] = _organization(r)
    svc["phones"] = _phones(r, sid)
    svc["schedules"] = _schedules(r, sid)
    svc["service_areas"] = _service_areas(r, sid, state_name)
    svc["languages"] = _languages(r, sid)
    svc["service_at_locations"] = _locations(r, sid)
    terms = {t["id"]: t for t in taxonomy_terms(r.audiences)}
    tax = taxonomy()
    attrs = []
    for a in _attributes(r):
        term = dict(terms[a["taxonomy_term_id"]])
        term["taxonomy_detail"] = tax
        attrs.append({**a, "taxonomy_term": term})
    svc["attributes"] = attrs
    return svc


def services(
    dataset: Dataset, state_name: Callable[[str], str] | None = None
) -> list[dict[str, Any]]:
    """The hsds-json export: a list of HSDS services, in dataset order."""
    names = state_name or default_state_name()
    return [service(r, names) for r in dataset.resources]


# --------------------------------------------------------------------------- tabular package

# Table name -> (file, columns). Columns follow HSDS 3.0's tabular schema, in its order.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "organization": (
        "organizations.csv",
        ("id", "name", "alternate_name", "description", "email", "website"),
    ),
    "service": (
        "services.csv",
        (
            "id", "organization_id", "program_id", "name", "alternate_name", "description",
            "url", "email", "status", "interpretation_services", "application_process",
            "fees_description", "eligibility_description", "minimum_age", "maximum_age",
            "assured_date", "assurer_email", "alert", "last_modified",
        ),
    ),
    "service_at_location": (
        "service_at_locations.csv",
        ("id", "service_id", "location_id", "description"),
    ),
    "location": (
        "locations.csv",
        ("id", "location_type", "url", "organization_id", "name", "alternate_name", "description"),
    ),
    "address": (
        "addresses.csv",
        (
            "id", "location_id", "attention", "address_1", "address_2", "city", "region",
            "state_province", "postal_code", "country", "address_type",
        ),
    ),
    "attribute": (
        "attributes.csv",
        ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"),
    ),
    "phone": (
        "phones.csv",
        (
            "id", "location_id", "service_id", "organization_id", "contact_id",
            "service_at_location_id", "number", "extension", "type", "description",
        ),
    ),
    "schedule": (
        "schedules.csv",
        (
            "id", "service_id", "location_id", "service_at_location_id", "valid_from",
            "valid_to", "dtstart", "timezone", "until", "count", "wkst", "freq", "interval",
            "byday", "byweekno", "bymonthday", "byyearday", "description", "opens_at",
            "closes_at", "schedule_link", "attending_type", "notes",
        ),
    ),
    "service_area": (
        "service_areas.csv",
        ("id", "service_id", "name", "description", "extent", "extent_type", "uri"),
    ),
    "language": (
        "languages.csv",
        ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
    ),
    "taxonomy_term": (
        "taxonomy_terms.csv",
        (
            "id", "code", "name", "description", "parent_id", "taxonomy", "language",
            "taxonomy_id", "term_uri",
        ),
    ),
    "taxonomy": ("taxonomies.csv", ("id", "name", "description", "uri", "version")),
}  # fmt: skip

# (table, column) -> (referenced table, column): the package's foreign keys.
FOREIGN_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    ("service", "organization_id"): ("organization", "id"),
    ("attribute", "link_id"): ("service", "id"),
    ("attribute", "taxonomy_term_id"): ("taxonomy_term", "id"),
    ("phone", "service_id"): ("service", "id"),
    ("schedule", "service_id"): ("service", "id"),
    ("service_area", "service_id"): ("service", "id"),
    ("language", "service_id"): ("service", "id"),
    ("service_at_location", "service_id"): ("service", "id"),
    ("service_at_location", "location_id"): ("location", "id"),
    ("address", "location_id"): ("location", "id"),
    ("taxonomy_term", "parent_id"): ("taxonomy_term", "id"),
    ("taxonomy_term", "taxonomy_id"): ("taxonomy", "id"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "organization": ("id", "name", "description"),
    "service": ("id", "organization_id", "name", "status"),
    "attribute": ("id", "link_id", "taxonomy_term_id", "link_entity"),
    "phone": ("id", "number"),
    "schedule": ("id",),
    "service_area": ("id",),
    "language": ("id",),
    "service_at_location": ("id",),
    "location": ("id", "location_type"),
    "address": (
        "id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ),
    "taxonomy_term": ("id", "name", "description"),
    "taxonomy": ("id", "name", "description"),
}
_NUMBER_COLUMNS = {"minimum_age", "maximum_age", "extension", "timezone", "count", "interval"}
_DATE_COLUMNS = {"assured_date", "valid_from", "valid_to"}


def tables(
    dataset: Dataset, state_name: Callable[[str], str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The hsds-csv export: rows of each table, keyed by table name (see TABLES)."""
    names = state_name or default_state_name()
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    audiences: list[str] = []
    for r in dataset.resources:
        sid = service_id(r.id)
        out["organization"].append(_organization(r))
        out["service"].append(_service_row(r))
        out["phone"].extend(_phones(r, sid))
        out["schedule"].extend(_schedules(r, sid))
        out["service_area"].extend(_service_areas(r, sid, names))
        out["language"].extend(_languages(r, sid))
        out["attribute"].extend(_attributes(r))
        for sal in _locations(r, sid):
            location = dict(sal.pop("location"))
            out["address"].extend(location.pop("addresses"))
            out["location"].append(location)
            out["service_at_location"].append(sal)
        audiences.extend(r.audiences)
    out["taxonomy_term"] = taxonomy_terms(audiences)
    out["taxonomy"] = [taxonomy()]
    return out


def datapackage(name: str = "crisisnav-hsds") -> dict[str, Any]:
    """A Frictionless tabular data package descriptor for the CSV files `tables` gives."""
    resources = []
    for table, (path, columns) in TABLES.items():
        fields = []
        for col in columns:
            field: dict[str, Any] = {"name": col, "type": "string"}
            if col in _NUMBER_COLUMNS:
                field["type"] = "number"
            elif col in _DATE_COLUMNS:
                field["type"] = "date"
            if col == "id" or col.endswith("_id"):
                field["format"] = "uuid"
            constraints: dict[str, Any] = {"required": col in REQUIRED[table]}
            if col == "id":
                constraints["unique"] = True
            if table == "service" and col == "status":
                constraints["enum"] = list(HSDS_STATUSES)
            field["constraints"] = constraints
            fields.append(field)
        schema: dict[str, Any] = {"fields": fields, "primaryKey": "id"}
        fks = [
            {"fields": col, "reference": {"resource": ref_table, "fields": ref_col}}
            for (t, col), (ref_table, ref_col) in FOREIGN_KEYS.items()
            if t == table
        ]
        if fks:
            schema["foreignKeys"] = fks
        resources.append(
            {
                "name": table,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "name": name,
        "title": "crisisnav dataset as HSDS 3.0",
        "description": (
            "Alternatives to calling the police in a mental-health crisis, exported by crisisnav "
            "as Open Referral HSDS 3.0 tables. Police involvement, dispatch path and the other "
            "crisisnav fields are attributes under the crisisnav taxonomy."
        ),
        "profile": "tabular-data-package",
        "hsds_version": HSDS_VERSION,
        "resources": resources,
    }


def cell(value: Any) -> str:
    """A CSV cell: empty for missing values; formulas neutralised (export.flat.spreadsheet_safe)."""
    from crisisnav.export.flat import spreadsheet_safe

    if value is None:
        return ""
    return spreadsheet_safe(str(value))


# --------------------------------------------------------------------------- round trip


def recover_entries(services_json: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """From hsds-json services back to {entry id: {police, dispatch, status, phones}}.

    Used by the tests to prove the export loses none of what matters, and by anyone who
    imports the export and wants crisisnav's own fields back."""
    by_term: dict[str, str] = {}
    for code, _parent, _name, _desc in _child_terms():
        by_term[term_id(code)] = code
    for code in PARENT_TERMS:
        by_term[term_id(code)] = code
    out: dict[str, dict[str, Any]] = {}
    for svc in services_json:
        rec: dict[str, Any] = {"phones": [p["number"] for p in svc.get("phones", [])]}
        for a in svc.get("attributes", []):
            code = by_term.get(a["taxonomy_term_id"]) or a.get("taxonomy_term", {}).get("code", "")
            parent = code.split(":", 1)[0]
            if parent in ("entry-id", "police", "dispatch", "kind", "status"):
                rec[parent] = a["value"]
        out[rec["entry-id"]] = rec
    return out


def _term_codes(services_json: Sequence[dict[str, Any]]) -> dict[str, str]:
    audiences = [
        a.get("value", "")
        for svc in services_json
        for a in svc.get("attributes", [])
        if str(a.get("taxonomy_term", {}).get("code", "")).startswith("audience:")
    ]
    by_term = {term_id(code): code for code, _p, _n, _d in _child_terms(audiences)}
    by_term.update({term_id(code): code for code in PARENT_TERMS})
    return by_term


def recover_dataset(services_json: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """From hsds-json services back to the dataset's entries, every field (Resource.to_json
    without `line`, which is where an entry sat in its YAML file, not a fact about it), in order.
    Reads HSDS's own fields where they hold the value exactly (name, application_process,
    assured_date, the location's address) and the crisisnav attributes for the rest."""
    by_term = _term_codes(services_json)
    out: list[dict[str, Any]] = []
    for svc in services_json:
        e: dict[str, Any] = {
            "name": svc["name"], "how_to_ask": svc.get("application_process"),
            "verified": svc.get("assured_date"), "police_note": None, "status_since": None,
            "timezone": None, "audiences": [], "contacts": [], "caveats": [], "sources": [],
            "serves": [], "hours": [], "languages": [], "address": None,
        }  # fmt: skip
        for a in svc.get("attributes", []):
            code = by_term.get(a["taxonomy_term_id"]) or a.get("taxonomy_term", {}).get("code", "")
            parent, _, child = code.partition(":")
            value = a["value"]
            if parent in ("entry-id", "police", "dispatch", "kind", "status"):
                e["id" if parent == "entry-id" else parent] = value
            elif parent in ("police-note", "status-since", "timezone"):
                e[parent.replace("-", "_")] = value
            elif parent in ("audience", "caveat", "source", "hours", "language"):
                key = {"audience": "audiences", "caveat": "caveats", "source": "sources",
                       "hours": "hours", "language": "languages"}[parent]  # fmt: skip
                e[key].append(value)
            elif parent == "contact":
                e["contacts"].append(
                    {"type": child, "value": value, "label": None, "keyword": None}
                )
            elif parent == "contact-label":
                e["contacts"][-1]["label"] = value
            elif parent == "contact-keyword":
                e["contacts"][-1]["keyword"] = value
            elif parent == "serves":
                e["serves"].append(Area(**json.loads(value)).to_json())
            elif parent == "translation":
                text = json.loads(value)
                e[text.pop("lang")] = text
        for sal in svc.get("service_at_locations", []):
            for ad in sal.get("location", {}).get("addresses", []):
                e["address"] = Address(
                    street=ad["address_1"], city=ad["city"], state=ad["state_province"],
                    zip=ad.get("postal_code") or None, note=ad.get("address_2"),
                ).to_json()  # fmt: skip
        r = Resource.from_json({**e, "contacts": [Contact(**c).to_json() for c in e["contacts"]]})
        rec = r.to_json()
        del rec["line"]
        out.append(rec)
    return out


def services_from_tables(tables_: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The hsds-csv tables nested back into services (rows in table order), for recover_dataset:
    proves the tabular package carries the same facts as hsds-json."""
    terms = {t["id"]: t for t in tables_.get("taxonomy_term", [])}
    attrs: dict[str, list[dict[str, Any]]] = {}
    for a in tables_["attribute"]:
        attrs.setdefault(a["link_id"], []).append(
            dict(a, taxonomy_term=terms.get(a["taxonomy_term_id"], {}))
        )
    locations = {loc["id"]: dict(loc, addresses=[]) for loc in tables_.get("location", [])}
    for ad in tables_.get("address", []):
        locations[ad["location_id"]]["addresses"].append(ad)
    sals: dict[str, list[dict[str, Any]]] = {}
    for sal in tables_.get("service_at_location", []):
        sals.setdefault(sal["service_id"], []).append(
            dict(sal, location=locations[sal["location_id"]])
        )
    return [
        dict(row, attributes=attrs.get(row["id"], []), service_at_locations=sals.get(row["id"], []))
        for row in tables_["service"]
    ]
