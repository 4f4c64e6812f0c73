"""The one sanitiser every text renderer passes dataset and query strings through.

Rule (the same in every format):
- Each run of whitespace controls (tab, newline, CR, vertical tab, form feed, U+0085,
  U+2028, U+2029) becomes one space: a value can never start a new line of output or
  forge a field.
- Every other control character (C0, DEL, C1 — so ESC, which starts ANSI/OSC sequences),
  bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
  U+061C), and lone surrogates are replaced by a visible escape: ESC -> "\\x1b",
  U+202E -> "\\u202e". What is left of an escape sequence ("[31m") is plain text.
- Rich markup is never interpreted anyway (renderers build rich.text.Text), so
  "[bold red]x[/]" stays those characters.
JSON keeps the data exact instead and escapes the same code points as \\uXXXX (jsonfmt.dumps).
"""

from __future__ import annotations

import re

_SPACE_LIKE = "\t\n\r\x0b\x0c\x85\u2028\u2029"
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Characters made visible as escapes.
_UNSAFE_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f" + _BIDI + "\ud800-\udfff]")
_SPACE_RE = re.compile("[" + _SPACE_LIKE + "]+")
# Code points JSON output escapes (jsonfmt.dumps) so a terminal showing JSON stays inert.
JSON_UNSAFE_RE = re.compile("[\x7f-\x9f\u2028\u2029" + _BIDI + "]")


def _escape(match: re.Match[str]) -> str:
    cp = ord(match.group(0))
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}"


def inert(text: object) -> str:
    """Dataset or query text made safe to print anywhere (see the module rule)."""
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    if s.isascii() and s.isprintable():
        return s
    s = _SPACE_RE.sub(" ", s)
    return _UNSAFE_RE.sub(_escape, s)
