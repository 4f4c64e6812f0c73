"""Where the places index comes from, and the keys that say whether a stored one still fits.

In order: the index shipped in the package (data/gazetteer-index.bin, written by
scripts/build_gazetteer_index.py), used only when its shipped_key() matches what is installed;
else the on-disk cache (`crisisnav.cache`: three entries in its packed format, the names index,
the ZIP table and the completion list; never marshal, whose reader can crash on crafted bytes;
each entry's shape is checked before use), keyed by source_key(); else a fresh build
(gazetteer_build), stored in the cache. A missing, stale or corrupt entry is rebuilt, never
trusted. The cache serves installations whose zipcodes release or sources differ from the
shipped index's (an editable install being worked on).

source_key() covers FORMAT, the zipcodes release and files, the bytes of data/aliases.yaml and
data/places.tsv, and a hash of the building code and normalize.py (new building rules mean a
new index).
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crisisnav import cache, gazetteer_index
from crisisnav.gazetteer_index import _CORE_KEYS, _SEP, _ZIP_KEYS, FORMAT

if TYPE_CHECKING:
    from collections.abc import Callable

_CORE = "gazetteer-core.pack"
_ZIPS = "gazetteer-zips.pack"
_COMPLETE = "gazetteer-complete.pack"
CACHE_NAMES = (_CORE, _ZIPS, _COMPLETE)
KIND_LETTERS = frozenset("cksnb")  # the keys of gazetteer._KIND (a test keeps them equal)
_DATA = Path(__file__).parent / "data"
# The index prebuilt for the installed zipcodes release (scripts/build_gazetteer_index.py), so
# the first run after install pays milliseconds, not a build; used only when its key matches.
SHIPPED_INDEX = _DATA / "gazetteer-index.bin"


def load_core() -> tuple[dict[str, Any], tuple[str, str] | None]:
    """(index, None): the names index shipped in the package when it was built from exactly
    what is installed (package data, trusted like the code beside it: no cache entry to
    authenticate; its ZIP table and completion list are read from it only when asked for);
    else from the on-disk cache; else (index, completion list) freshly built and stored."""
    core = read_shipped_core()
    if core is not None:
        return core, None
    key = source_key()
    core = cache.read_packed(_CORE, key)
    if _valid_core(core):
        return core, None
    return _obtain_and_store(key)


def rebuild() -> tuple[dict[str, Any], tuple[str, str]]:
    """The shipped index if it fits, else a fresh build; stored in the cache over what was there."""
    return _obtain_and_store(source_key())


def zip_table(key: str) -> dict[str, Any]:
    """The ZIP table for an index of this key: shipped, or from the cache, else rebuilt."""
    loaded = _stored(key, 0, _ZIPS, _valid_zip_table)
    if loaded is None:
        loaded = _obtain_and_store(source_key())[0]["zip_table"]
    return dict(loaded)


def completion(key: str) -> tuple[str, str]:
    """The completion list for an index of this key: shipped, or from the cache, else rebuilt."""
    loaded = _stored(key, 1, _COMPLETE, _valid_complete)
    if loaded is None:
        _, loaded = _obtain_and_store(source_key())
    return (str(loaded[0]), str(loaded[1]))


def _stored(key: str, part: int, name: str, valid: Callable[[Any], bool]) -> Any:
    """Item `part` of the shipped file's second part (an index read from the shipped file), else
    the cache entry `name` of this key; None when missing or not valid."""
    loaded: Any = None
    if key == SHIPPED:
        rest = _read_shipped_rest()
        loaded = rest[part] if rest is not None else None
    elif key:
        loaded = cache.read_packed(name, key)
    return loaded if valid(loaded) else None


def source_key() -> str:
    """The cache key: FORMAT, the zipcodes version and data file, and the aliases file bytes."""
    import importlib.util

    parts = [f"format={FORMAT}"]
    try:
        spec = importlib.util.find_spec("zipcodes")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        pkg = Path(spec.origin).parent
        parts.append(str(pkg))
        try:
            for entry in sorted(os.listdir(pkg)):
                if entry.endswith((".so", ".pyd", ".py", ".json", ".bz2")):
                    st = os.stat(pkg / entry)
                    parts.append(f"{entry}:{st.st_size}:{st.st_mtime_ns}")
            for entry in sorted(os.listdir(pkg.parent)):
                if entry.startswith("zipcodes-") and entry.endswith((".dist-info", ".egg-info")):
                    parts.append(entry)
        except OSError:
            pass
    parts.extend(_build_inputs())
    return "|".join(parts)


def _build_inputs() -> list[str]:
    """Key parts for what the index is built from besides zipcodes: the aliases file's bytes and
    the building code (a change to the building rules is a new index)."""
    parts = []
    for path in (gazetteer_index.ALIASES_PATH, gazetteer_index.PLACES_PATH):
        try:
            parts.append(f"{path.name}=" + hashlib.sha256(path.read_bytes()).hexdigest())
        except OSError:
            parts.append(f"{path.name}=missing")
    code = hashlib.sha256()
    for module in ("gazetteer", "gazetteer_index", "gazetteer_build", "normalize"):
        try:
            code.update(Path(_module_file(module)).read_bytes())
        except OSError:
            code.update(b"missing")
    parts.append("code=" + code.hexdigest())
    return parts


def _module_file(name: str) -> str:
    return str(Path(__file__).parent / f"{name}.py")


def _valid_core(core: Any) -> bool:
    """The index has every column, each of the right type and of a length that fits the number
    of places (what the lookups index into without further checks)."""
    if not (isinstance(core, dict) and core.get("format") == FORMAT and _CORE_KEYS <= core.keys()):
        return False
    kinds = core["kinds"]
    if not isinstance(kinds, str) or not set(kinds) <= KIND_LETTERS:
        return False
    n = len(kinds)
    texts = ("names", "states", "county_names", "tz_names")
    blobs = ("name_starts", "tz", "zips", "largest_cities", "population")
    if not all(isinstance(core[k], str) for k in texts) or not all(
        isinstance(core[k], bytes) for k in blobs
    ):
        return False
    if not (len(core["name_starts"]) == 4 * (n + 1) and len(core["states"]) == 2 * n):
        return False
    if not (
        len(core["tz"]) == n and len(core["zips"]) == 4 * n and len(core["largest_cities"]) % 4 == 0
    ):
        return False
    if len(core["population"]) != 4 * n or max(core["tz"], default=0) >= len(
        core["tz_names"].split(_SEP)
    ):
        return False
    pc = core["place_counties"]
    if not (isinstance(pc, tuple) and len(pc) == 2 and all(isinstance(b, bytes) for b in pc)):
        return False
    if len(pc[0]) != 4 * (n + 1) or len(pc[1]) % 4:
        return False
    tables = (
        "city_keys",
        "county_full",
        "county_base",
        "compact_keys",
        "aliases",
        "lookalikes",
        "usps_names",
    )
    for name in tables:
        t = core[name]
        if not (isinstance(t, tuple) and len(t) == 3 and isinstance(t[0], str)):
            return False
        if not (
            isinstance(t[1], bytes)
            and isinstance(t[2], bytes)
            and len(t[1]) % 4 == 0 == len(t[2]) % 4
        ):
            return False
    ids, parents = core["state_ids"], core["parents"]
    if not (isinstance(ids, dict) and all(type(v) is int and 0 <= v < n for v in ids.values())):
        return False
    return isinstance(parents, dict) and all(
        type(k) is int and 0 <= k < n and isinstance(v, str) for k, v in parents.items()
    )


def _valid_zip_table(table: Any) -> bool:
    if not (isinstance(table, dict) and _ZIP_KEYS <= table.keys()):
        return False
    if not all(isinstance(table[k], str) for k in ("codes", "states", "city_names")):
        return False
    if not all(isinstance(table[k], bytes) for k in ("city", "county", "tz", "active")):
        return False
    n, rest = divmod(len(table["codes"]), 5)
    return (
        rest == 0
        and len(table["states"]) == 2 * n
        and len(table["city"]) == len(table["county"]) == 4 * n
        and len(table["tz"]) == len(table["active"]) == n
    )


def _valid_complete(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value)


def shipped_key() -> str:
    """What the index shipped in the package was built from: FORMAT, the zipcodes release,
    the aliases file and the building code. Unlike source_key(), nothing machine-specific."""
    parts = [f"format={FORMAT}", "zipcodes=" + _zipcodes_release()]
    parts.extend(_build_inputs())
    return "|".join(parts)


def _zipcodes_release() -> str:
    """The installed zipcodes release: from the name of its .dist-info directory beside it
    (importlib.metadata.version parses the METADATA file with the email package, 3 ms of every
    lookup), else from importlib.metadata; "missing" when it is not installed."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("zipcodes")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        site = Path(spec.origin).parent.parent
        try:
            found = [
                e
                for e in os.listdir(site)
                if e.startswith("zipcodes-") and e.endswith(".dist-info")
            ]
        except OSError:
            found = []
        if len(found) == 1:
            return found[0][len("zipcodes-") : -len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version("zipcodes")
    except metadata.PackageNotFoundError:
        return "missing"


# The shipped file: _SHIPPED_MAGIC, the length of part 1 (8 bytes, little-endian), then two
# marshal blobs, each {"key": shipped_key(), ...}: part 1 the names index (what every lookup
# reads), part 2 the ZIP table and the completion list (read only for a ZIP or a completion).
# Not compressed: inflating it took 24 ms of every lookup.
_SHIPPED_MAGIC = b"CNGIDX2\n"
SHIPPED = "shipped"  # the source_key of an index read from the shipped file
# The key part 1 matched in this process: part 2, written with it, is checked against it rather
# than against shipped_key() again (which hashes places.tsv: 1-2 ms on every ZIP lookup).
_part1_key: str | None = None


def write_shipped_index(path: Path = SHIPPED_INDEX) -> int:
    """Build the index and write it for shipping (scripts/build_gazetteer_index.py). Bytes written."""
    from crisisnav.gazetteer_build import build

    core, complete = build("")
    core.pop("source_key", None)
    key = shipped_key()
    zips = core.pop("zip_table")
    first = marshal.dumps({"key": key, "core": core})
    second = marshal.dumps({"key": key, "zip_table": zips, "complete": complete})
    blob = _SHIPPED_MAGIC + len(first).to_bytes(8, "little") + first + second
    from crisisnav.fileio import write_atomic

    write_atomic(path, blob)
    return len(blob)


def _read_shipped_part(second: bool) -> dict[str, Any] | None:
    """Part 1 or 2 of the shipped file, when it was built from exactly what is installed here.
    marshal is acceptable here and only here: the file is package data, installed with the
    code that reads it (a copy in the cache directory is not trusted and is never marshal)."""
    global _part1_key
    head = len(_SHIPPED_MAGIC) + 8
    try:
        with open(SHIPPED_INDEX, "rb") as f:
            start = f.read(head)
            if len(start) != head or not start.startswith(_SHIPPED_MAGIC):
                return None
            n = int.from_bytes(start[len(_SHIPPED_MAGIC) :], "little")
            if second:
                f.seek(head + n)
                data = marshal.loads(f.read())
            else:
                blob = f.read(n)
                data = marshal.loads(blob) if len(blob) == n else None
    except (OSError, ValueError, EOFError, TypeError):
        return None
    want = _part1_key if second and _part1_key is not None else shipped_key()
    if not isinstance(data, dict) or data.get("key") != want:
        return None
    if not second:
        _part1_key = want
    return data


def read_shipped_core() -> dict[str, Any] | None:
    """The shipped names index (no ZIP table) if it fits this installation, else None."""
    data = _read_shipped_part(second=False)
    core = data.get("core") if data is not None else None
    if not (isinstance(core, dict) and _valid_core(core)):
        return None
    core["source_key"] = SHIPPED
    return core


def _read_shipped_rest() -> tuple[dict[str, Any], tuple[str, str]] | None:
    """The shipped ZIP table and completion list, if they fit this installation."""
    data = _read_shipped_part(second=True)
    if data is None:
        return None
    zips, complete = data.get("zip_table"), data.get("complete")
    if not (isinstance(zips, dict) and _valid_zip_table(zips) and _valid_complete(complete)):
        return None
    assert isinstance(complete, tuple)
    return zips, (complete[0], complete[1])


def read_shipped_index() -> tuple[dict[str, Any], tuple[str, str]] | None:
    """The whole shipped index (names index with its ZIP table, completion list) when it was
    built from exactly what is installed here, else None."""
    core = read_shipped_core()
    rest = _read_shipped_rest() if core is not None else None
    if core is None or rest is None:
        return None
    core.pop("source_key", None)
    core["zip_table"] = rest[0]
    return core, rest[1]


def _obtain_and_store(key: str) -> tuple[dict[str, Any], tuple[str, str]]:
    """The shipped index if it fits this installation, else a fresh build; stored in the cache."""
    shipped = read_shipped_index()
    if shipped is not None:
        core, complete = shipped
        core["source_key"] = key
        _store(key, core, complete)
        return core, complete
    return _build_and_store(key)


def _build_and_store(key: str) -> tuple[dict[str, Any], tuple[str, str]]:
    """Build everything; store the index without its ZIP table, which has its own entry."""
    from crisisnav.gazetteer_build import build

    core, complete = build(key)
    _store(key, core, complete)
    return core, complete


def _store(key: str, core: dict[str, Any], complete: tuple[str, str]) -> None:
    """Write the index to the cache: names, ZIP table and completion list as separate entries."""
    cache.write_packed(_CORE, key, {k: v for k, v in core.items() if k != "zip_table"})
    cache.write_packed(_ZIPS, key, core["zip_table"])
    cache.write_packed(_COMPLETE, key, complete)
