"""Safe text: the one character policy every output follows, and the one spreadsheet-formula guard.

One policy, three destinations:
- SPACE_LIKE (tab, newline, CR, vertical tab, form feed, U+0085, U+2028, U+2029): a run of them
  becomes one space, so a value can never start a new line of output or forge a field.
- UNSAFE: every other control character (C0, DEL, C1 — so ESC, which starts ANSI/OSC
  sequences), bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), invisible
  format characters (U+200B, U+2060-U+2064, U+FEFF, U+FFF9-U+FFFB) and lone surrogates.
- Direction marks (U+200E LEFT-TO-RIGHT MARK, U+200F RIGHT-TO-LEFT MARK, U+061C ARABIC LETTER
  MARK) are not UNSAFE: validate accepts them, they reorder nothing beyond the neutral
  characters next to them, and right-to-left text needs them. They stay characters.

- `inert` (terminal, plain, Markdown, CSV, diagnostics): UNSAFE characters become visible escapes
  (ESC -> "\\x1b", U+202E -> "\\u202e"); what is left of an escape sequence ("[31m") is plain
  text. Diagnostics keep their own newlines (keep_newlines=True).
- `printable` (printed sheets, where an escape would only confuse a reader): ANSI/OSC sequences
  and UNSAFE characters are removed, accents composed (NFC).
- JSON keeps the data exact and writes the same code points as \\uXXXX (JSON_UNSAFE_RE, used by
  jsonfmt.dumps; json.dumps already escapes C0).
Rich markup is never interpreted anyway (renderers build rich.text.Text), so "[bold red]x[/]"
stays those characters.

`spreadsheet_cell` is the one formula guard for every CSV this package writes (lookup CSV,
`export csv`, `export hsds-csv`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

SPACE_LIKE = "\t\n\r\x0b\x0c\x85\u2028\u2029"
_MARKS = "\u061c\u200e\u200f"  # direction marks: kept as characters (see the module rule)
_BIDI = "\u202a-\u202e\u2066-\u2069"  # overrides and isolates
_INVISIBLE = "\u200b\u2060-\u2064\ufeff\ufff9-\ufffb"
_UNSAFE_CLASS = "\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f" + _BIDI + _INVISIBLE + "\ud800-\udfff"
UNSAFE_RE = re.compile("[" + _UNSAFE_CLASS + "]")
_SPACE_RE = re.compile("[" + SPACE_LIKE + "]+")
# Code points JSON output escapes (jsonfmt.dumps) so a terminal showing JSON stays inert.
JSON_UNSAFE_RE = re.compile("[\x7f-\x9f\u2028\u2029" + _MARKS + _BIDI + _INVISIBLE + "]")
# ESC-started sequences (CSI, OSC with its terminator, two-character escapes), removed whole.
_ANSI_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_WS_RE = re.compile(r"\s+")


def _escape(match: re.Match[str]) -> str:
    cp = ord(match.group(0))
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}"


def inert(text: object, *, keep_newlines: bool = False) -> str:
    """Dataset or query text made safe to print anywhere (see the module rule)."""
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    if s.isascii() and s.isprintable():
        return s
    if keep_newlines and "\n" in s:
        return "\n".join(inert(part) for part in s.split("\n"))
    s = _SPACE_RE.sub(" ", s)
    return UNSAFE_RE.sub(_escape, s)


def printable(value: object) -> str:
    """Text for print (sheets): no escapes, no invisible or direction-changing characters,
    whitespace runs folded to one space, accents composed (NFC). (HTML escaping is the HTML
    renderer's job.)"""
    import unicodedata

    text = str(value) if value is not None else ""
    text = unicodedata.normalize("NFC", text)  # "n" + combining tilde -> "ñ": one glyph in the PDF
    text = _ANSI_RE.sub("", text)
    text = _SPACE_RE.sub(" ", text)
    text = UNSAFE_RE.sub("", text)
    return _WS_RE.sub(" ", text).strip()


# --------------------------------------------------------------------------- spreadsheets

LIST_SEP = " | "


def join_list(items: Iterable[object]) -> str:
    """List items in one cell, joined with " | ", each item's own backslash and vertical bar
    escaped with a backslash, so the cell splits back into exactly its items (split_list)
    even when an item contains " | "."""
    return LIST_SEP.join(str(i).replace("\\", "\\\\").replace("|", "\\|") for i in items)


def split_list(cell: str) -> list[str]:
    """The inverse of join_list."""
    if not cell:
        return []
    out, cur, i = [], [], 0
    while i < len(cell):
        ch = cell[i]
        if ch == "\\" and i + 1 < len(cell):
            cur.append(cell[i + 1])
            i += 2
            continue
        if cell.startswith(LIST_SEP, i):
            out.append("".join(cur))
            cur = []
            i += len(LIST_SEP)
            continue
        cur.append(ch)
        i += 1
    out.append("".join(cur))
    return out


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A cell made only of phone numbers: "+1 541 555 0100", "+1-541-555-0100; 988",
# "+1 541 555 0100 | +1-541-555-0101". It has no letters and no = or @, so it can hold no
# function call or reference; it stays usable as phone numbers.
_PHONES_ONLY = re.compile(r"\+[0-9][0-9 ().-]*(?:(?:; ?| ?\| ?)\+?[0-9][0-9 ().-]*)*\Z")


def spreadsheet_cell(text: str, clean: Callable[[str], str] | None = None) -> str:
    """One CSV cell a spreadsheet shows and never runs: `clean` (e.g. inert) applied first, then a
    cell starting with = + - @ (or, before cleaning, a tab or CR) gets a leading apostrophe —
    except a cell of phone numbers only."""
    starts_with_control = text[:1] in ("\t", "\r")
    s = clean(text) if clean is not None else text
    if starts_with_control:  # a cleaned cell drops the leading control (and the space it became)
        return "'" + (s.lstrip(" \t\r\n") if clean is not None else s)
    if s.startswith(FORMULA_START) and not _PHONES_ONLY.match(s):
        return "'" + s
    return s
