"""Rules over a dataset file -> list[Problem], sorted by line and column. Prints nothing.

`validate_file(path)`, `validate_text(text, path)` and `validate_bytes(data, path)` never raise for
any input: every finding is a Problem with a stable code. The schema rules come from
data/schema.json itself (a small interpreter of the JSON Schema keywords that file uses), so the
schema editors read and the checks validate runs cannot disagree.

The rules, their stable codes and severities live in crisisnav.rules (RULES); docs/validate-rules.md
is generated from it.

Fatal problems mean the file could not be read as text at all (`crisisnav validate` exits 4).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from crisisnav import errors
from crisisnav.models import AUDIENCES, TEXT_LANGS, Problem
from crisisnav.rules import FATAL_CODES
from crisisnav.schema import SUPPORTED_KEYWORDS as SUPPORTED_KEYWORDS
from crisisnav.schema import SchemaError as SchemaError
from crisisnav.schema import _json_type
from crisisnav.schema import load_schema as load_schema
from crisisnav.schema import schema_errors as schema_errors
from crisisnav.schema import schema_keywords as schema_keywords
from crisisnav.schema import schema_path as schema_path
from crisisnav.yamlsafe import (
    BOOL_TAG,
    FLOAT_TAG,
    INT_TAG,
    MScalar,
    Node,
    compose_all,
    decode,
    key_node_at,
    node_at,
    problem,
    read_bytes,
    to_plain,
)

PHONE_TYPES = frozenset({"phone", "text", "tty", "videophone"})
URL_TYPES = frozenset({"chat", "web"})
_SHORT_CODE_RE = re.compile(r"^[0-9]{3,6}$")
_PHONE_CHARS_RE = re.compile(r"^\+?[0-9()\-. ]+$")
_OCTAL_RE = re.compile(r"^[-+]?0[0-7_]+$")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


# ---------------------------------------------------------------- entry points


def validate_file(path: str | Path, *, today: date | None = None) -> list[Problem]:
    """Every problem of the file at path; an unreadable file is one fatal Problem at line 0."""
    p = os.fspath(path)
    try:
        data = read_bytes(p)
    except errors.DataError as exc:
        return [problem(p, 0, 0, exc.code, exc.message)]
    return validate_bytes(data, p, today=today)


def validate_text(text: str, path: str, *, today: date | None = None) -> list[Problem]:
    """Every problem of text (path only names it in the Problems). Lone surrogates -> not-utf8."""
    return validate_bytes(text.encode("utf-8", "surrogatepass"), path, today=today)


def validate_bytes(data: bytes, path: str, *, today: date | None = None) -> list[Problem]:
    return check(data, path, today=today)[0]


def check(
    data: bytes, path: str, *, today: date | None = None
) -> tuple[list[Problem], Node | None]:
    """Problems (sorted) and the marked tree (None when there is no usable tree)."""
    import gc

    # The tree is acyclic and made of many small objects: the cycle collector would only walk it
    # again and again while it grows (it doubles the time on a 5,000-entry file).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _Checker(path, today or date.today()).run(data)
    except RecursionError:
        return [problem(path, 1, 1, "yaml-syntax", "the YAML is nested too deeply")], None
    finally:
        if was_enabled:
            gc.enable()


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def is_fatal(problems: list[Problem]) -> bool:
    return any(p.code in FATAL_CODES for p in problems)


# ---------------------------------------------------------------- the checker

_TYPE_WORDS = {
    "string": "text", "integer": "a whole number", "number": "a number", "boolean": "true/false",
    "null": "empty", "array": "a list", "object": "a mapping (key: value)",
}  # fmt: skip


def _describe(v: Any) -> str:
    jt = _json_type(v)
    word = _TYPE_WORDS.get(jt, jt)
    if jt in ("integer", "number", "boolean"):
        return f"{word} ({json.dumps(v)})"
    return word


def _suggest(word: str, options: Any) -> str | None:
    import difflib

    opts = [str(o) for o in options]
    m = difflib.get_close_matches(word, opts, n=1, cutoff=0.6)
    if not m:
        m = difflib.get_close_matches(word.lower(), opts, n=1, cutoff=0.6)
    return m[0] if m else None


def _field_name(path: tuple[Any, ...]) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "the file"


class _Checker:
    def __init__(self, path: str, today: date) -> None:
        self.path = path
        self.today = today
        self.problems: list[Problem] = []
        self.root: Node | None = None
        self.claimed: set[tuple[Any, ...]] = set()  # paths already reported by YAML-level rules
        self._phone_ok: dict[str, str | None] = {}
        self._tz_ok: dict[str, bool] = {}
        self._gaz_warned = False

    def add(self, node: Node | None, code: str, message: str, *, fix: str | None = None,
            rid: str | None = None) -> None:  # fmt: skip
        line, col = (node.line, node.col) if node is not None else (1, 1)
        self.problems.append(problem(self.path, line, col, code, message, fix=fix, resource_id=rid))

    def run(self, data: bytes) -> tuple[list[Problem], Node | None]:
        text, found = decode(data, self.path)
        self.problems.extend(found)
        if text is None:
            return self.problems, None
        composed = compose_all(text, self.path)
        root, found = composed.root, composed.problems
        if root is None and any(p.code in ("yaml-syntax", "too-large") for p in found):
            tab_lines = [p.line for p in self.problems if p.code == "tab"]
            # a tab in the indentation is the cause; the parser's complaint only repeats it
            found = [p for p in found if not (p.code == "yaml-syntax" and tab_lines
                                              and min(tab_lines) <= p.line)]  # fmt: skip
            self.problems.extend(found)
            return sorted(self.problems, key=lambda p: (p.line, p.col)), None
        self.problems.extend(found)
        self.root = root
        if root is None:
            self.add(None, "missing-field", "the file is empty: it needs schema_version and resources",
                     fix="start from the example in the README")  # fmt: skip
            return sorted(self.problems, key=lambda p: (p.line, p.col)), None
        for path, node in composed.typed:
            self._typed_scalar(path, node)
        plain = to_plain(root)
        self._schema(plain)
        if isinstance(plain, dict) and isinstance(plain.get("resources"), list):
            self._semantics(plain["resources"])
        self.problems.sort(key=lambda p: (p.line, p.col))
        return self.problems, root

    # ---- values YAML silently changes (plain scalars that YAML 1.1 made a bool or a number)
    def _typed_scalar(self, path: tuple[Any, ...], node: MScalar) -> None:
        tag, raw = node.tag, node.raw
        is_phone = len(path) >= 3 and path[-1] == "value" and path[-3] == "contacts"
        if is_phone and tag in (INT_TAG, FLOAT_TAG):
            self.add(node, "unquoted-phone",
                     f"the number {raw} is not quoted: YAML reads it as the number {node.value!r}",
                     fix=f'quote it: value: "{raw}"')  # fmt: skip
        elif (
            tag == BOOL_TAG and path and path[-1] == "police" and raw.lower() in ("no", "off", "n")
        ):
            self.add(node, "yaml-bool",
                     f"police: {raw} is read as the boolean false; the level for no police is 'none'",
                     fix="write police: none (only where the program publishes that it never involves "
                         "police without consent; otherwise possible)")  # fmt: skip
        elif tag == BOOL_TAG and raw.lower() not in ("true", "false"):
            self.add(node, "yaml-bool",
                     f"{raw} is read as the boolean {str(node.value).lower()}, not the text '{raw}'",
                     fix=f'quote it: "{raw}" (or write {str(node.value).lower()} if a boolean is meant)')  # fmt: skip
        elif ":" in raw:
            self.add(node, "yaml-time",
                     f"{raw} is read as the base-60 number {node.value!r} (YAML 1.1), not a time",
                     fix=f'quote it: "{raw}"')  # fmt: skip
        elif tag == INT_TAG and _OCTAL_RE.match(raw) and len(raw.lstrip("+-")) > 1:
            self.add(node, "octal-string",
                     f"{raw} is read as the octal number {node.value!r}, not the text '{raw}'",
                     fix=f'quote it: "{raw}"')  # fmt: skip
        else:
            return
        self.claimed.add(path)

    # ---- data/schema.json
    def _schema(self, plain: Any) -> None:
        found = schema_errors(plain)
        required_at = {path for path, keyword, _ in found if keyword == "required"}
        for path, keyword, detail in found:
            if any(path[: len(c)] == c for c in self.claimed):
                continue
            if keyword == "anyOf" and path in required_at:
                continue  # "needs state" already said, more precisely
            self._schema_problem(plain, path, keyword, detail)

    def _rid(self, plain: Any, path: tuple[Any, ...]) -> str | None:
        if len(path) >= 2 and path[0] == "resources" and isinstance(path[1], int):
            try:
                rid = plain["resources"][path[1]].get("id")
            except (AttributeError, IndexError, KeyError, TypeError):
                return None
            return rid if isinstance(rid, str) else None
        return None

    def _schema_problem(self, plain: Any, path: tuple[Any, ...], keyword: str, detail: Any) -> None:
        rid = self._rid(plain, path)
        node = node_at(self.root, path)
        field = _field_name(path)
        value: Any = plain
        for part in path:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                break
        in_area = len(path) >= 4 and path[-2] == "serves"
        if keyword == "additionalProperties":
            name, allowed = detail
            guess = _suggest(name, allowed)
            where = "an area" if path and path[-2:-1] == ("serves",) else (
                "a contact" if len(path) >= 2 and path[-2] == "contacts" else
                "an entry" if len(path) == 2 else "the file")  # fmt: skip
            msg = f"unknown field '{name}' in {where}" + (
                f" (did you mean '{guess}'?)" if guess else ""
            )
            fix = f"rename it to '{guess}'" if guess else f"use one of: {', '.join(allowed)}"
            self.add(key_node_at(self.root, path, name), "unknown-field", msg, fix=fix, rid=rid)
        elif keyword == "required":
            if in_area or (len(path) >= 2 and path[-1:] and path[-2:-1] == ("serves",)):
                self.add(node, "missing-field", f"an area with a county or city needs 'state: XX' (missing '{detail}')",
                         rid=rid)  # fmt: skip
            else:
                self.add(node, "missing-field", f"missing required field '{detail}'", rid=rid,
                         fix=f"add '{detail}:'")  # fmt: skip
        elif keyword == "type":
            want = " or ".join(_TYPE_WORDS.get(t, t) for t in detail)
            what = f"each item of '{field}'" if path and isinstance(path[-1], int) else f"'{field}'"
            self.add(node, "wrong-type", f"{what} must be {want}, not {_describe(value)}",
                     rid=rid, fix="quote it" if "string" in detail and _json_type(value) in
                     ("integer", "number", "boolean") else None)  # fmt: skip
        elif keyword in ("enum", "const"):
            shown = ", ".join(json.dumps(e) if not isinstance(e, str) else e for e in detail)
            guess = None
            if isinstance(value, str) and field == "state":
                from crisisnav.normalize import state_code

                code = state_code(value)
                guess = code if code in detail else None
            if guess is None and isinstance(value, str) and field != "police":
                # never nudge a misspelt police level towards one of the levels
                guess = _suggest(value, [e for e in detail if isinstance(e, str)])
            msg = f"'{field}' is {json.dumps(value, default=str)}; it must be one of: {shown}"
            if guess:
                msg += f" (did you mean '{guess}'?)"
            self.add(node, "enum", msg, rid=rid, fix=f"write {guess}" if guess else None)
        elif keyword == "pattern":
            if field == "id":
                suggestion = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")
                self.add(node, "id-format", f"id '{value}' is not lowercase-kebab (a-z, 0-9, single hyphens)",
                         fix=f"write id: {suggestion}" if suggestion else None, rid=rid)  # fmt: skip
            elif field in ("verified", "status_since"):
                self.add(node, "date-invalid", f"'{field}' is '{value}'; it must be a date YYYY-MM-DD",
                         fix="write the date as YYYY-MM-DD, e.g. 2026-11-26", rid=rid)  # fmt: skip
            else:
                self.add(node, "schema", f"'{field}' does not match the pattern {detail}", rid=rid)
        elif keyword in ("minItems", "minLength"):
            what = "list" if keyword == "minItems" else "text"
            self.add(node, "empty-value", f"'{field}' is an empty {what}; it needs at least {detail}"
                     + (" (entries that are not ended or suspended need contacts and hours)"
                        if field in ("contacts", "hours") else ""), rid=rid)  # fmt: skip
        elif keyword == "anyOf" and field == "status_since":
            self.add(node, "date-invalid", f"'{field}' must be a date YYYY-MM-DD, not {_describe(value)}",
                     rid=rid)  # fmt: skip
        elif keyword in ("anyOf", "not", "maxProperties") and (
            in_area or (path[-2:-1] == ("serves",))
        ):
            msg = {
                "anyOf": "an area needs 'state: XX' (or is {national: true})",
                "not": "an area names a county or a city, not both: make two areas",
                "maxProperties": "{national: true} stands alone: remove the other keys",
            }[keyword]
            self.add(node, "area-shape", msg, rid=rid)
        else:
            self.add(
                node, "schema", f"'{field}' does not satisfy the schema rule '{keyword}'", rid=rid
            )

    # ---- rules beyond the schema
    def _semantics(self, resources: list[Any]) -> None:
        seen_ids: dict[str, int] = {}
        for i, r in enumerate(resources):
            if not isinstance(r, dict):
                continue
            base: tuple[Any, ...] = ("resources", i)
            rid = r.get("id") if isinstance(r.get("id"), str) else None

            def at(*rel: Any, _base: tuple[Any, ...] = base) -> Node | None:
                return node_at(self.root, _base + rel)

            if rid is not None:
                node = at("id")
                if rid in seen_ids:
                    self.add(node, "duplicate-id", f"id '{rid}' is already used on line {seen_ids[rid]}",
                             fix="give this entry a new id (ids are never reused)", rid=rid)  # fmt: skip
                else:
                    seen_ids[rid] = node.line if node is not None else 0
            self._contacts(r, at, rid)
            sources = r.get("sources")
            if isinstance(sources, list):
                for j, src in enumerate(sources):
                    if isinstance(src, str):
                        self._url(src, at("sources", j), rid, "source")
                    if isinstance(src, str):
                        self._junk(src, at("sources", j), rid)
            self._address(r, at, rid)
            self._dates(r, at, rid)
            self._time(r, at, rid)
            self._audiences(r, at, rid)
            self._areas(r, at, rid)
            self._translations(r, at, rid)

    def _contacts(self, r: dict[str, Any], at: Callable[..., Node | None], rid: str | None) -> None:
        contacts = r.get("contacts")
        if not isinstance(contacts, list):
            return
        for j, c in enumerate(contacts):
            if not isinstance(c, dict) or not isinstance(c.get("value"), str):
                continue
            ctype, value = c.get("type"), c["value"]
            node = at("contacts", j, "value")
            if ctype in PHONE_TYPES:
                why = self._phone_problem(value)
                if why is not None:
                    self.add(node, "phone-invalid", f"'{value}' {why}",
                             fix='write a US number like "541-682-1001" or a short code like "988"',
                             rid=rid)  # fmt: skip
            elif ctype in URL_TYPES:
                self._url(value, node, rid, f"{ctype} contact")

    def _phone_problem(self, value: str) -> str | None:
        if value in self._phone_ok:
            return self._phone_ok[value]
        why: str | None = None
        v = value.strip()
        if _SHORT_CODE_RE.match(v):
            why = None
        elif not _PHONE_CHARS_RE.match(v):
            why = "is not a phone number: use digits only (no letters, words or extensions)"
        else:
            import phonenumbers

            try:
                num = phonenumbers.parse(v, "US")
            except phonenumbers.NumberParseException:
                num = None
            if num is None or num.country_code != 1:
                why = "is not a US phone number"
            elif not phonenumbers.is_valid_number(num):
                why = "is not a valid US phone number"
            elif phonenumbers.region_code_for_number(num) not in (
                "US",
                "PR",
                "GU",
                "VI",
                "AS",
                "MP",
            ):
                why = "is not a US phone number (it belongs to another country of the +1 plan)"
        self._phone_ok[value] = why
        return why

    def _url(self, value: str, node: Node | None, rid: str | None, what: str) -> None:
        from urllib.parse import urlsplit

        bad = None
        try:
            parts = urlsplit(value)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https"):
            bad = "is not a web address (it must start with https://)"
        elif not parts.hostname or "." not in parts.hostname or any(ch.isspace() for ch in value):
            bad = "is not a well-formed web address"
        if bad is not None:
            self.add(node, "url-invalid", f"{what} '{value}' {bad}", rid=rid)
        elif parts is not None and parts.scheme == "http":
            self.add(node, "url-not-https", f"{what} '{value}' uses http://",
                     fix="use https:// if the site supports it", rid=rid)  # fmt: skip

    def _dates(self, r: dict[str, Any], at: Callable[..., Node | None], rid: str | None) -> None:
        for field in ("verified", "status_since"):
            v = r.get(field)
            if not isinstance(v, str) or not _DATE_RE.match(v):
                continue
            node = at(field)
            try:
                d = date.fromisoformat(v)
            except ValueError:
                self.add(node, "date-invalid", f"'{field}' {v} is not a real date", rid=rid,
                         fix="check the day and month")  # fmt: skip
                continue
            if d > self.today:
                self.add(node, "date-future", f"'{field}' {v} is in the future (today is {self.today})",
                         rid=rid)  # fmt: skip
            elif field == "verified":
                try:
                    limit = self.today.replace(year=self.today.year - 1)
                except ValueError:  # 29 February
                    limit = self.today.replace(year=self.today.year - 1, day=28)
                if d < limit:
                    self.add(node, "stale", f"verified {v}, more than 12 months ago",
                             fix="check the entry against its sources and update 'verified'", rid=rid)  # fmt: skip
        status = r.get("status")
        if status in ("ended", "suspended") and r.get("status_since") is None:
            self.add(at("status"), "status-since-missing",
                     f"an entry with status {status} needs 'status_since' (the date it {status})",
                     fix="add status_since: YYYY-MM-DD", rid=rid)  # fmt: skip

    def _time(self, r: dict[str, Any], at: Callable[..., Node | None], rid: str | None) -> None:
        tz = r.get("timezone")
        if isinstance(tz, str) and tz in ZONE_ALIASES and tz == ZONE_ALIASES[tz]:
            pass
        elif isinstance(tz, str) and tz.lower() in _ZONE_ALIASES_LOWER and self._zone_ok(tz):
            canon = _ZONE_ALIASES_LOWER[tz.lower()]
            self.add(at("timezone"), "timezone-deprecated",
                     f"'{tz}' is a deprecated alias; the IANA name is '{canon}'",
                     fix=f"write timezone: {canon}", rid=rid)  # fmt: skip
        if isinstance(tz, str) and not self._zone_ok(tz):
            guess = _ZONE_ALIASES_LOWER.get(tz.lower().strip())
            if guess is None:
                try:
                    import zoneinfo

                    canonical = sorted(z for z in zoneinfo.available_timezones()
                                       if "/" in z and not z.startswith(("US/", "Etc/", "SystemV/")))  # fmt: skip
                    guess = _suggest(tz, canonical)
                except Exception:  # noqa: BLE001 - a suggestion is optional
                    guess = None
            self.add(at("timezone"), "timezone-invalid", f"'{tz}' is not an IANA time zone"
                     + (f" (did you mean '{guess}'?)" if guess else ""),
                     fix=f"write timezone: {guess}" if guess else "use a zone like America/Los_Angeles",
                     rid=rid)  # fmt: skip
        hours = r.get("hours")
        if not isinstance(hours, list) or not hours or not all(isinstance(h, str) for h in hours):
            return
        parse = _hours_parser()
        try:
            parse(hours)
        except ValueError as exc:
            where: Node | None = at("hours")
            message = str(exc)
            for j, rule in enumerate(hours):
                try:
                    parse([rule])
                except ValueError as one:
                    where, message = at("hours", j), str(one)
                    break
            self.add(where, "hours-invalid", message, rid=rid)
            return
        if hours != ["24/7"] and tz is None:
            self.add(at("hours"), "timezone-missing", "hours other than 24/7 need a 'timezone'",
                     fix="add timezone: America/... (the zone the hours are given in)", rid=rid)  # fmt: skip

    def _junk(self, url: str, node: Node | None, rid: str | None) -> None:
        why = junk_source(url)
        if why is not None:
            self.add(node, "source-junk", f"source '{url}' {why}",
                     fix="cite the operator's own page or a government page instead", rid=rid)  # fmt: skip

    def _address(self, r: dict[str, Any], at: Callable[..., Node | None], rid: str | None) -> None:
        addr = r.get("address")
        if (
            addr is None
            and r.get("kind") in ("walk-in", "peer-respite")
            and r.get("status") not in ("ended", "suspended")
        ):
            self.add(at("kind"), "address-missing",
                     f"a {r.get('kind')} entry should carry its street address",
                     fix="add address: {street: ..., city: ..., state: XX, zip: \"NNNNN\"} as the operator publishes it",
                     rid=rid)  # fmt: skip
        if not isinstance(addr, dict):
            return
        zip_code, state = addr.get("zip"), addr.get("state")
        if isinstance(zip_code, str) and isinstance(state, str) and _ZIP_RE.match(zip_code):
            gaz, _why = _gazetteer()
            zip_state = _zip_state(gaz, zip_code[:5]) if gaz is not None else None
            if zip_state is not None and zip_state != state:
                self.add(at("address", "zip"), "area-unknown",
                         f"ZIP {zip_code} is in {zip_state}, not {state}",
                         fix="check the ZIP and the state against the operator's page", rid=rid)  # fmt: skip

    def _zone_ok(self, tz: str) -> bool:
        ok = self._tz_ok.get(tz)
        if ok is None:
            import zoneinfo

            try:
                zoneinfo.ZoneInfo(tz)
                ok = "/" in tz or tz == "UTC"
            except Exception:  # noqa: BLE001 - ZoneInfoNotFoundError, ValueError, OSError...
                ok = False
            self._tz_ok[tz] = ok
        return ok

    def _state_codes(self, gaz: Any) -> frozenset[str]:
        if not hasattr(self, "_states"):
            self._states = frozenset(gaz.state_codes())
        return self._states

    def _audiences(
        self, r: dict[str, Any], at: Callable[..., Node | None], rid: str | None
    ) -> None:
        auds = r.get("audiences")
        if not isinstance(auds, list):
            return
        for j, a in enumerate(auds):
            if isinstance(a, str) and a not in AUDIENCES:
                guess = _suggest(a, AUDIENCES)
                self.add(at("audiences", j), "audience-unknown",
                         f"audience '{a}' is not one of the known words"
                         + (f" (did you mean '{guess}'?)" if guess else ""),
                         fix=f"use one of: {', '.join(AUDIENCES)}", rid=rid)  # fmt: skip

    def _translations(
        self, r: dict[str, Any], at: Callable[..., Node | None], rid: str | None
    ) -> None:
        """An `es:` block says what the English says: the same numbers, one caveat per caveat,
        one label per contact, no field the English lacks; a field it leaves out is a warning."""
        for lang in TEXT_LANGS:
            block = r.get(lang)
            if not isinstance(block, dict):
                continue
            pairs: list[
                tuple[tuple[Any, ...], Any, Any]
            ] = []  # (path in the block, English, translation)
            for fld in ("name", "how_to_ask", "police_note"):
                if fld in block:
                    pairs.append(((fld,), r.get(fld), block[fld]))
            for fld, english in (("caveats", r.get("caveats")), ("labels", _labels(r))):
                got = block.get(fld)
                if not isinstance(got, list) or not isinstance(english, list):
                    continue
                if len(got) != len(english):
                    what = "caveat" if fld == "caveats" else "contact"
                    self.add(at(lang, fld), "translation-shape",
                             f"{lang}: {fld} has {len(got)} item(s), the entry has {len(english)} {what}(s)",
                             fix=f"give one {lang} {fld[:-1]} for each {what}, in the same order"
                             + (" (null where a contact has no label)" if fld == "labels" else ""),
                             rid=rid)  # fmt: skip
                    continue
                pairs += [
                    ((fld, j), e, t) for j, (e, t) in enumerate(zip(english, got, strict=True))
                ]
            for path, english, text in pairs:
                if not isinstance(text, str):
                    continue
                if not isinstance(english, str) or not english:
                    self.add(at(lang, *path), "translation-shape",
                             f"{lang}: {'.'.join(map(str, path))} translates a text the entry does not have",
                             fix=f"add the English {path[0]} first, or remove this one", rid=rid)  # fmt: skip
                    continue
                ours, theirs = _numbers(english), _numbers(text)
                if ours != theirs:
                    diff = sorted(theirs - ours) + sorted(ours - theirs)
                    self.add(at(lang, *path), "translation-numbers",
                             f"{lang}: {'.'.join(map(str, path))} has numbers that differ from the English "
                             f"({', '.join(diff)})",
                             fix="keep every number, code, time and date exactly as the English writes it",
                             rid=rid)  # fmt: skip
            missing = [f for f in ("how_to_ask", "police_note") if r.get(f) and f not in block]
            if r.get("caveats") and "caveats" not in block:
                missing.append("caveats")
            if missing:
                self.add(at(lang), "translation-partial",
                         f"{lang}: no translation of {', '.join(missing)} (shown in English, marked as English)",
                         fix=f"translate {', '.join(missing)} too", rid=rid)  # fmt: skip

    def _areas(self, r: dict[str, Any], at: Callable[..., Node | None], rid: str | None) -> None:
        serves = r.get("serves")
        if not isinstance(serves, list):
            return
        if not any(isinstance(a, dict) and ("county" in a or "city" in a) for a in serves):
            return
        gaz, why = _gazetteer()
        if gaz is None:
            if why and not self._gaz_warned:
                self._gaz_warned = True
                self.add(at("serves"), "area-unchecked",
                         f"places in 'serves' were not checked: the places index failed to load ({why})", rid=rid)  # fmt: skip
            return
        states = self._state_codes(gaz)
        for j, area in enumerate(serves):
            if not isinstance(area, dict):
                continue
            state = area.get("state")
            if not isinstance(state, str) or state not in states:
                continue  # the schema's enum reports unknown states
            for field, has, suggest in (
                ("county", gaz.has_county, gaz.suggest_county),
                ("city", gaz.has_city, gaz.suggest_city),
            ):
                name = area.get(field)
                if isinstance(name, str) and name and not has(state, name):
                    guess = _first(suggest(state, name))
                    self.add(at("serves", j, field), "area-unknown",
                             f"there is no {field} '{name}' in {state} in the gazetteer"
                             + (f" (did you mean '{guess}'?)" if guess else ""),
                             fix=f"write {field}: {guess}" if guess else None, rid=rid)  # fmt: skip


_ZIP_RE = re.compile(r"^[0-9]{5}(-[0-9]{4})?$")

# Words people write for a US time zone -> the IANA name. Deprecated aliases (US/Pacific) are
# accepted by zoneinfo but flagged; plain words (Pacific, Eastern) are not zones at all.
ZONE_ALIASES: dict[str, str] = {
    "Pacific": "America/Los_Angeles", "PT": "America/Los_Angeles", "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles", "US/Pacific": "America/Los_Angeles", "PST8PDT": "America/Los_Angeles",
    "Mountain": "America/Denver", "MT": "America/Denver", "MST": "America/Denver",
    "MDT": "America/Denver", "US/Mountain": "America/Denver", "MST7MDT": "America/Denver",
    "Arizona": "America/Phoenix", "US/Arizona": "America/Phoenix",
    "Central": "America/Chicago", "CT": "America/Chicago", "CST": "America/Chicago",
    "CDT": "America/Chicago", "US/Central": "America/Chicago", "CST6CDT": "America/Chicago",
    "Eastern": "America/New_York", "ET": "America/New_York", "EST": "America/New_York",
    "EDT": "America/New_York", "US/Eastern": "America/New_York", "EST5EDT": "America/New_York",
    "US/East-Indiana": "America/Indiana/Indianapolis", "US/Michigan": "America/Detroit",
    "Alaska": "America/Anchorage", "AKST": "America/Anchorage", "US/Alaska": "America/Anchorage",
    "Hawaii": "Pacific/Honolulu", "HST": "Pacific/Honolulu", "US/Hawaii": "Pacific/Honolulu",
    "US/Aleutian": "America/Adak", "US/Samoa": "Pacific/Pago_Pago",
}  # fmt: skip
_ZONE_ALIASES_LOWER = {k.lower(): v for k, v in ZONE_ALIASES.items()}

# Sources that are never acceptable (the dataset audit of 2026-11-29 found each kind): proxies and
# caches, raw cloud/CDN hosts, staging/origin/CMS hosts, and content farms seen copying real pages.
_RAW_CLOUD = (
    ".run.app", ".elb.amazonaws.com", ".s3.amazonaws.com", ".storage.googleapis.com",
    ".cloudfront.net", ".herokuapp.com", ".appspot.com", ".azurewebsites.net", ".web.app",
    ".firebaseapp.com", ".netlify.app", ".vercel.app", ".pages.dev", ".blob.core.windows.net",
    ".squarespace.com", ".wixsite.com", ".wpengine.com", ".wpenginepowered.com", ".github.io",
    ".govaccess.org", ".cld.bz", ".azureedge.net", ".akamaihd.net",
)  # fmt: skip
_CACHE_HOSTS = ("webcache.googleusercontent.com", "cachedview.nl", "archive.ph", "archive.today",
                "archive.is", "translate.goog")  # fmt: skip
_STAGING_LABEL = re.compile(r"^(staging|stage|stg|dev|test|uat|qa|preview|origin|new-origin|cms|"
                            r"aem-[a-z]+|[a-z0-9]+-prod|prod-[a-z0-9]+|[a-z0-9]+-staging)$")  # fmt: skip
JUNK_HOSTS = frozenset({
    "lapojap.com", "principlecivics.com", "davidmglasgow.com", "theodysseyonline.com",
    "particle.news", "thewrightinitiative.com", "news.myworldfix.com", "alohastatenews.com",
    "themoneyoffice.com", "asinglemother.org", "liveinthehood.com", "teentreatmenthealth.com",
    "solwd.net", "rename42nd.org", "takeitpersonelly.com", "cargreen.es", "vosa.tv",
    "theindianeye.com", "pvcnr.com", "safercitiesresearch.com", "headline.club",
    "heroku.briefly.co", "oaklandhauling.com", "blackvibes.com", "citizenportal.ai", "oct10.net",
    "ifitnessmag.com", "communityspiritevent.com", "durhamreporter.com", "wikimili.com",
    "visualfoodie.com", "winenfood.com",
})  # fmt: skip


_DIGITS_RE = re.compile(r"[0-9]+")


def _numbers(text: str) -> set[str]:
    """The digit sequences of a text: phone numbers, codes, hours, dates, counts."""
    return set(_DIGITS_RE.findall(text))


def _labels(r: dict[str, Any]) -> list[Any] | None:
    """The English label of each contact (None where a contact has none), for es: labels."""
    contacts = r.get("contacts")
    if not isinstance(contacts, list):
        return None
    return [c.get("label") if isinstance(c, dict) else None for c in contacts]


def junk_source(url: str) -> str | None:
    """Why url is not an acceptable source (a proxy, cache, raw host or content farm), or None."""
    from urllib.parse import parse_qs, urlsplit

    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    if re.fullmatch(r"[0-9.]+|\[?[0-9a-f:]+\]?", host):
        return "is a bare IP address, not the operator's site"
    query = parse_qs(parts.query)
    if (
        "proxy" in host
        or "/proxy" in parts.path.lower()
        or any(
            k in query and any(v.startswith(("http://", "https://")) for v in query[k])
            for k in ("url", "u", "q")
        )
    ):
        return "is a proxy address wrapping another page"
    if (
        host in _CACHE_HOSTS
        or host.endswith(tuple("." + h for h in _CACHE_HOSTS))
        or host == "web.archive.org"
    ):
        return "is a cached or archived copy"
    if host.endswith(_RAW_CLOUD):
        return "is a raw cloud, CDN or site-builder host"
    if _STAGING_LABEL.match(host.split(".")[0]) and host.count(".") >= 2:
        return "is a staging, origin or CMS host, not the public address"
    if host in JUNK_HOSTS or any(host.endswith("." + h) for h in JUNK_HOSTS):
        return "is a content farm or scraped copy"
    if host.endswith(".blogspot.com") or (host == "github.com" and "/blob/" in parts.path):
        return "is a personal blog or repository, not the operator's page"
    return None


def _zip_state(gaz: Any, zip5: str) -> str | None:
    """The state the gazetteer puts a ZIP in, or None (unknown ZIP, or the check cannot run)."""
    try:
        place = gaz.zip_place(zip5)
    except Exception:  # noqa: BLE001 - a check that cannot run is skipped, never a crash
        return None
    state = getattr(place, "state", None)
    return state if isinstance(state, str) else None


def _first(x: Any) -> str | None:
    if isinstance(x, str):
        return x
    if isinstance(x, (list, tuple)) and x:
        head = x[0]
        if isinstance(head, (list, tuple)) and head:
            head = head[0]
        return head if isinstance(head, str) else None
    return None


def _gazetteer() -> tuple[Any, str | None]:
    """(the places index, None), or (None, why) when it cannot be loaded."""
    import importlib

    try:
        mod = importlib.import_module("crisisnav.gazetteer")
        return mod.load(), None
    except Exception as exc:  # noqa: BLE001 - reported as an area-unchecked warning, never a crash
        return None, f"{type(exc).__name__}: {exc}"


def _hours_parser() -> Callable[[list[str]], Any]:
    from crisisnav.hours import parse_hours

    return parse_hours
