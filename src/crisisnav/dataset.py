"""Find, load and cache the dataset (DESIGN.md, "The dataset").

`load(path)` reads the file once (one snapshot of its bytes, fileio.read_bytes), parses the
YAML only safely (crisisnav.yamlsafe: parser events, never object construction), runs every
validate rule, and refuses a file with errors. The validated document is cached as JSON
(crisisnav.cache: owner-checked, HMAC-authenticated), keyed by the sha256 of the file's bytes,
a format version and the package version, so a warm start never imports yaml. A cache hit
is checked with the loader's vocabularies (kinds, police levels, dispatch paths, statuses,
contact types, states: the same values as data/schema.json's enums, which a test keeps equal),
every field's type, the id and date patterns and the allowed keys (cached_document_ok, about
ten times faster than running the whole schema interpreter on every start); anything that
fails is a miss and is rebuilt.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from crisisnav import __version__, cache, errors
from crisisnav.models import Dataset, Resource

CACHE_NAME = "dataset.json"
CACHE_FORMAT = 3
CACHE_MAX_BYTES = 64 * 1024 * 1024  # a 20 MB dataset (fileio.MAX_BYTES) is well under this as JSON


def packaged_path() -> Path:
    """The dataset file that ships inside the package (data/resources.yaml)."""
    return Path(__file__).parent / "data" / "resources.yaml"


def packaged_schema_path() -> Path:
    return Path(__file__).parent / "data" / "schema.json"


def resolve_path(path: str | Path | None = None) -> Path:
    """--data PATH, else CRISISNAV_DATA, else the packaged file."""
    if path is not None and str(path) != "":
        return Path(path)
    env = os.environ.get("CRISISNAV_DATA")
    if env:
        return Path(env)
    return packaged_path()


def load(
    path: str | Path | None = None,
    *,
    use_cache: bool = True,
    states: frozenset[str] | None = None,
) -> Dataset:
    """The dataset at path (None: CRISISNAV_DATA, then the packaged file).

    states: when given, a cache hit checks and builds only the entries that serve one of these
    states or the whole nation (what a lookup of a place in them can show: rank.lookup never
    looks at the others); every other use loads everything.

    Raises errors.DataError (exit 4) with path, line and column when the file cannot be read,
    is not YAML, or has validation errors (then the hint names `crisisnav validate`).
    """
    from crisisnav.fileio import read_bytes

    target = resolve_path(path)
    shown = str(target)
    data = read_bytes(target)
    digest = hashlib.sha256(data).hexdigest()
    key = f"dataset:{CACHE_FORMAT}:{__version__}:{digest}"
    if use_cache:
        hit = _from_cache(key, shown, digest, states)
        if hit is not None:
            return hit
    dataset, plain, lines = _parse(data, shown, digest)
    if use_cache:
        cache.write_json(CACHE_NAME, key, {"document": plain, "lines": lines})
    return dataset


def _from_cache(
    key: str, shown: str, digest: str, states: frozenset[str] | None = None
) -> Dataset | None:
    """The cached document, if it passes the loader's own schema checks; None otherwise.
    states: keep only the entries that may serve them (see load); only those are checked."""
    payload = cache.read_json(CACHE_NAME, key, max_bytes=CACHE_MAX_BYTES)
    if not isinstance(payload, dict):
        return None
    doc, lines = payload.get("document"), payload.get("lines")
    if not (
        isinstance(doc, dict) and isinstance(lines, list) and all(type(n) is int for n in lines)
    ):
        return None
    items = doc.get("resources")
    if not isinstance(items, list) or len(items) != len(lines):
        return None
    if states is not None:
        kept = [(r, n) for r, n in zip(items, lines, strict=True) if not _elsewhere(r, states)]
        doc = {**doc, "resources": [r for r, _ in kept]}
        items, lines = doc["resources"], [n for _, n in kept]
    if not cached_document_ok(doc):
        return None  # not what a valid file parses to: a miss, rebuilt from the file
    try:
        resources = tuple(_resource(r, n) for r, n in zip(items, lines, strict=True))
        version = int(doc["schema_version"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return Dataset(path=shown, schema_version=version, resources=resources, sha256=digest)


# Errors that `crisisnav validate` reports (so CI blocks them) but that must not stop people from
# getting help: they depend on this machine's clock (a `verified` date "in the future" on a PC
# whose clock is behind, or west of whoever checked the entry) or on the installed releases of
# zipcodes and phonenumbers, not on the dataset's structure. Everything else still refuses a load.
LOAD_TOLERATED = frozenset(
    {
        "date-future",
        "area-unknown",
        "area-unchecked",
        "phone-invalid",
        "url-invalid",
        "url-not-https",
    }
)


def _parse(data: bytes, shown: str, digest: str) -> tuple[Dataset, dict[str, Any], list[int]]:
    """The dataset, the validated plain document and each entry's line (what the cache keeps)."""
    from crisisnav.rules import FATAL_CODES
    from crisisnav.validate import check

    problems, root = check(data, shown)
    errs = [p for p in problems if p.severity == "error" and p.code not in LOAD_TOLERATED]
    if errs:
        first = errs[0]
        more = f" (and {len(errs) - 1} more error{'s' * (len(errs) > 2)})" if len(errs) > 1 else ""
        raise errors.DataError(
            f"{first.code}: {first.message}{more}",
            path=shown,
            line=first.line or None,
            col=first.col or None,
            code=first.code if first.code in FATAL_CODES else "invalid",
            hint=f"run: crisisnav validate {shown}",
        )
    from crisisnav.yamlsafe import MMap, MSeq, to_plain

    plain = to_plain(root)
    if not isinstance(plain, dict) or not isinstance(
        root, MMap
    ):  # validate reports this; defensive
        raise errors.DataError("the top level is not a mapping", path=shown, line=1, col=1,
                               hint=f"run: crisisnav validate {shown}")  # fmt: skip
    seq = root.pairs["resources"][1]
    lines = [n.line for n in seq.items] if isinstance(seq, MSeq) else []
    lines = [lines[i] if i < len(lines) else 0 for i in range(len(plain["resources"]))]
    resources = tuple(_resource(r, lines[i]) for i, r in enumerate(plain["resources"]))
    ds = Dataset(
        path=shown, schema_version=int(plain["schema_version"]), resources=resources, sha256=digest
    )
    return ds, plain, lines


def _elsewhere(r: Any, states: frozenset[str]) -> bool:
    """True only when a cached entry plainly serves none of these states and not the nation.
    Anything of another shape is kept, so that cached_document_ok sees it and refuses it."""
    serves = r.get("serves") if type(r) is dict else None
    if type(serves) is not list or not serves:
        return False
    return all(
        type(a) is dict and "national" not in a and type(a.get("state")) is str
        and a["state"] not in states
        for a in serves
    )  # fmt: skip


def _resource(r: dict[str, Any], line: int) -> Resource:
    """One validated entry -> Resource (validate has already checked every field and type)."""
    return Resource.from_json({**r, "line": line})


# ----------------------------------------------------------------------- checking a cached document

_RESOURCE_KEYS = frozenset(
    {"id", "name", "kind", "police", "police_note", "dispatch", "serves", "contacts", "hours",
     "timezone", "audiences", "languages", "how_to_ask", "caveats", "address", "status",
     "status_since", "verified", "sources", "es"}
)  # fmt: skip
_REQUIRED = ("id", "name", "kind", "police", "dispatch", "serves", "contacts", "hours", "status",
             "verified", "sources")  # fmt: skip
_AREA_KEYS = frozenset({"national", "state", "county", "city"})
_CONTACT_KEYS = frozenset({"type", "value", "label", "keyword"})
_ADDRESS_KEYS = frozenset({"street", "city", "state", "zip", "note"})
_TRANSLATION_KEYS = frozenset({"name", "how_to_ask", "police_note", "caveats", "labels"})


def cached_document_ok(doc: Any) -> bool:
    """Whether a document read back from the cache holds only what the loader accepts: the
    schema's vocabularies and types for every field (see the module docstring)."""
    import re

    from crisisnav.models import CONTACT_TYPES, DISPATCH_PATHS, KINDS, POLICE_LEVELS, STATUSES
    from crisisnav.normalize import STATES

    id_re = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")
    date_re = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
    zip_re = re.compile(r"[0-9]{5}(-[0-9]{4})?\Z")

    def text(v: Any) -> bool:
        return type(v) is str and v != ""

    def opt_text(v: Any) -> bool:
        return v is None or type(v) is str

    def texts(v: Any, min_items: int = 0) -> bool:
        return type(v) is list and len(v) >= min_items and all(text(x) for x in v)

    def area(a: Any) -> bool:
        if (
            type(a) is not dict
            or not a.keys() <= _AREA_KEYS
            or not ("national" in a or "state" in a)
        ):
            return False
        if "national" in a and a["national"] is not True:
            return False
        if "state" in a and a["state"] not in STATES:
            return False
        return all(text(a[k]) for k in ("county", "city") if k in a)

    def contact(c: Any) -> bool:
        return (
            type(c) is dict and c.keys() <= _CONTACT_KEYS and c.get("type") in CONTACT_TYPES
            and text(c.get("value")) and opt_text(c.get("label")) and opt_text(c.get("keyword"))
        )  # fmt: skip

    def address(a: Any) -> bool:
        return (
            type(a) is dict and a.keys() <= _ADDRESS_KEYS and text(a.get("street")) and text(a.get("city"))
            and a.get("state") in STATES
            and ("zip" not in a or (type(a["zip"]) is str and zip_re.match(a["zip"]) is not None))
            and ("note" not in a or text(a["note"]))
        )  # fmt: skip

    def translation(t: Any) -> bool:
        if type(t) is not dict or not t.keys() <= _TRANSLATION_KEYS:
            return False
        if not all(text(t[k]) for k in ("name", "how_to_ask", "police_note") if k in t):
            return False
        if "caveats" in t and not texts(t["caveats"]):
            return False
        return "labels" not in t or (
            type(t["labels"]) is list and all(opt_text(x) for x in t["labels"])
        )

    def date(v: Any) -> bool:
        return type(v) is str and date_re.match(v) is not None

    if type(doc) is not dict or not doc.keys() <= {"schema_version", "resources", "$schema"}:
        return False
    if type(doc.get("schema_version")) is not int or type(doc.get("resources")) is not list:
        return False
    for r in doc["resources"]:
        if (
            type(r) is not dict
            or not r.keys() <= _RESOURCE_KEYS
            or not all(k in r for k in _REQUIRED)
        ):
            return False
        if not (type(r["id"]) is str and id_re.match(r["id"]) and text(r["name"])):
            return False
        if r["kind"] not in KINDS or r["police"] not in POLICE_LEVELS:
            return False
        if r["dispatch"] not in DISPATCH_PATHS or r["status"] not in STATUSES:
            return False
        if not all(opt_text(r.get(k)) for k in ("police_note", "timezone", "how_to_ask")):
            return False
        if not (texts(r["hours"]) and texts(r["sources"], 1)):
            return False
        if not all(texts(r[k]) for k in ("audiences", "languages", "caveats") if k in r):
            return False
        if not (type(r["serves"]) is list and r["serves"] and all(area(a) for a in r["serves"])):
            return False
        if not (type(r["contacts"]) is list and all(contact(c) for c in r["contacts"])):
            return False
        if not date(r["verified"]) or not (
            r.get("status_since") is None or date(r["status_since"])
        ):
            return False
        if "address" in r and not address(r["address"]):
            return False
        if "es" in r and not translation(r["es"]):
            return False
    return True
