"""Find, load and cache the dataset (DESIGN.md, "The dataset").

`load(path)` reads the file once (one snapshot of its bytes, fileio.read_bytes), parses the
YAML only safely (crisisnav.yamlsafe: parser events, never object construction), runs every
validate rule, and refuses a file with errors. The validated document is cached as JSON
(crisisnav.cache: owner-checked, HMAC-authenticated), keyed by the sha256 of the file's bytes,
a format version and the package version, so a warm start never imports yaml. A cache hit
is checked against data/schema.json exactly as the loader checks a parsed file (every
vocabulary, type and pattern); anything that fails is a miss and is rebuilt.
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


def load(path: str | Path | None = None, *, use_cache: bool = True) -> Dataset:
    """The dataset at path (None: CRISISNAV_DATA, then the packaged file).

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
        hit = _from_cache(key, shown, digest)
        if hit is not None:
            return hit
    dataset, plain, lines = _parse(data, shown, digest)
    if use_cache:
        cache.write_json(CACHE_NAME, key, {"document": plain, "lines": lines})
    return dataset


def _from_cache(key: str, shown: str, digest: str) -> Dataset | None:
    """The cached document, if it passes the loader's own schema checks; None otherwise."""
    payload = cache.read_json(CACHE_NAME, key, max_bytes=CACHE_MAX_BYTES)
    if not isinstance(payload, dict):
        return None
    doc, lines = payload.get("document"), payload.get("lines")
    if not (isinstance(doc, dict) and isinstance(lines, list) and all(type(n) is int for n in lines)):
        return None
    items = doc.get("resources")
    if not isinstance(items, list) or len(items) != len(lines):
        return None
    from crisisnav.schema import schema_errors

    if schema_errors(doc):
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
    {"date-future", "area-unknown", "area-unchecked", "phone-invalid", "url-invalid", "url-not-https"}
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
    if not isinstance(plain, dict) or not isinstance(root, MMap):  # validate reports this; defensive
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


def _resource(r: dict[str, Any], line: int) -> Resource:
    """One validated entry -> Resource (validate has already checked every field and type)."""
    return Resource.from_json({**r, "line": line})
