"""The registry of validate's rules: every stable code, its severity and what it means.

Every Problem that validate (and the YAML reader under it) reports carries one of these codes;
`crisisnav.yamlsafe.problem` refuses any other. docs/validate-rules.md is generated from this
table (`python scripts/gen_rule_docs.py`) and a test fails when the two disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["fatal", "error", "warning"]


@dataclass(frozen=True)
class Rule:
    code: str
    level: Level  # fatal: the file cannot be read as text at all (exit 4)
    meaning: str

    @property
    def severity(self) -> Literal["error", "warning"]:
        return "warning" if self.level == "warning" else "error"


_TABLE: tuple[tuple[str, Level, str], ...] = (
    ("file-missing", "fatal", "no file at that path"),
    ("not-a-file", "fatal", "a directory, FIFO, device or socket, not a regular file"),
    ("too-large", "fatal", "the file is over 20 MB, or holds over 1,000,000 values (refused, not parsed)"),
    ("unreadable", "fatal", "the file cannot be read (permissions, I/O error)"),
    ("not-utf8", "fatal", "the bytes are not UTF-8 (includes UTF-16/32)"),
    ("nul-byte", "fatal", "a NUL byte: the file is binary"),
    ("bom", "warning", "a UTF-8 byte-order mark at the start (ignored)"),
    ("crlf", "warning", "Windows line endings (read as LF)"),
    ("tab", "error", "a tab in indentation"),
    ("control-char", "error", "a control character or bidi override/isolate (U+202A-202E, 2066-2069)"),
    ("yaml-syntax", "error", "the YAML cannot be parsed (explained in plain words, with the usual fix)"),
    ("duplicate-key", "error", "a key given twice in one mapping (PyYAML would keep the last)"),
    ("tag", "error", "a YAML tag such as !!python/object (never constructed)"),
    ("anchor", "error", "an anchor (&name)"),
    ("alias", "error", "an alias (*name); never expanded"),
    ("unquoted-phone", "error", "a contact value YAML reads as a number: quote it"),
    ("yaml-time", "error", "a time like 14:00 that YAML 1.1 reads as a base-60 number: quote it"),
    ("yaml-bool", "error", "yes/no/on/off (any case) that YAML reads as a boolean: quote it (police: no -> none)"),
    ("octal-string", "error", "a value like 0123 that YAML reads as an octal number: quote it"),
    ("unknown-field", "error", "a field the schema does not know (with did-you-mean)"),
    ("missing-field", "error", "a required field is missing"),
    ("wrong-type", "error", "a value of the wrong type (text, list, mapping, number)"),
    ("enum", "error", "a value outside its vocabulary (kind, police, state, ...), with did-you-mean"),
    ("empty-value", "error", "an empty text or list where one is required"),
    ("area-shape", "error", "a `serves` area that is not {national}, {state}, {state,county|city}"),
    ("schema", "error", "any other schema violation"),
    ("id-format", "error", "an id that is not lowercase-kebab"),
    ("duplicate-id", "error", "an id used twice"),
    ("phone-invalid", "error", "not a valid US phone number or 3-6 digit short code"),
    ("url-invalid", "error", "a source, chat or web value that is not an http(s) URL"),
    ("url-not-https", "warning", "an http:// URL"),
    ("source-junk", "warning", "a source that is a proxy, cache, raw cloud/CDN or staging host, or a known content farm"),
    ("date-invalid", "error", "`verified`/`status_since` not a real YYYY-MM-DD date"),
    ("date-future", "error", "a date after today"),
    ("timezone-invalid", "error", "`timezone` not an IANA zone (Pacific -> America/Los_Angeles)"),
    ("timezone-deprecated", "warning", "a deprecated zone alias such as US/Pacific: use the canonical name"),
    ("hours-invalid", "error", "an `hours` rule that does not parse (crisisnav.hours grammar)"),
    ("status-since-missing", "error", "an ended or suspended entry without `status_since`"),
    ("timezone-missing", "error", "hours other than 24/7 without a `timezone`"),
    ("stale", "warning", "`verified` more than 12 months ago"),
    ("audience-unknown", "warning", "an audience word outside the known list"),
    ("address-missing", "warning", "a walk-in center or peer respite without a structured `address`"),
    ("area-unknown", "error", "a county or city in `serves` (or `address`) not in the gazetteer (with did-you-mean)"),
    ("area-unchecked", "warning", "the gazetteer could not be loaded, so areas were not checked"),
    ("translation-numbers", "error", "a translation (`es:`) whose numbers differ from the English text of that field: every digit sequence (phone, code, hour, date, count) must appear in both"),
    ("translation-shape", "error", "`es: caveats` / `es: labels` not one for each English caveat / contact, or a translated field the English entry does not have"),
    ("translation-partial", "warning", "an `es:` block that leaves out a text field the entry has (that field is shown in English, marked as English)"),
)  # fmt: skip

RULES: dict[str, Rule] = {code: Rule(code, level, meaning) for code, level, meaning in _TABLE}
FATAL_CODES = frozenset(code for code, rule in RULES.items() if rule.level == "fatal")


def rule(code: str) -> Rule:
    """The registered rule for code; an unregistered code is a programming error."""
    try:
        return RULES[code]
    except KeyError:
        raise ValueError(f"validate rule code {code!r} is not in crisisnav.rules.RULES") from None


def markdown_table() -> str:
    """The rules as the Markdown table in docs/validate-rules.md."""
    width = max(len(c) for c in RULES) + 2
    rows = [
        f"| {'code':<{width}} | severity | what it means |",
        f"|{'-' * (width + 2)}|----------|---------------|",
    ]
    for r in RULES.values():
        rows.append(f"| {'`' + r.code + '`':<{width}} | {r.level:<8} | {r.meaning} |")
    return "\n".join(rows) + "\n"
