"""The message catalogs: extract the strings the code shows, and compile the .po files to .mo.

    python scripts/i18n.py extract   # add new msgids to every locale's .po (translations kept,
                                     # unused ones dropped); then translate the empty msgstr
    python scripts/i18n.py compile   # write each crisisnav.mo next to its .po (commit both)
    python scripts/i18n.py check     # exit 1 when a .po misses a msgid, has an empty or fuzzy
                                     # translation, a placeholder mismatch, or a stale .mo

Standard library only (no Babel, no network): msgids are found with `ast` in calls to `_("...")`,
`N_("...")` and `ngettext("...", "...", n)` under src/crisisnav; the .mo writer produces the same
GNU format as CPython's Tools/i18n/msgfmt.py (keys sorted, so the output is byte-for-byte
reproducible). tests/test_i18n_catalog.py runs the same checks.
"""

from __future__ import annotations

import ast
import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "src" / "crisisnav"
LOCALE = PKG / "locale"
DOMAIN = "crisisnav"
PLACEHOLDER_RE = re.compile(r"\{[^{}]*\}")

HEADER = {
    "es": (
        "Project-Id-Version: crisisnav\n"
        "Language: es\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        "Plural-Forms: nplurals=2; plural=(n != 1);\n"
    ),
}


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    msgstr: list[str] = field(default_factory=list)  # one per plural form ([0] when no plural)
    refs: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.msgid, self.plural)


# --------------------------------------------------------------------------- extract


def extract(pkg: Path = PKG) -> dict[tuple[str, str | None], Message]:
    """Every msgid in the package, in order of first appearance (file path order)."""
    found: dict[tuple[str, str | None], Message] = {}
    for path in sorted(pkg.rglob("*.py")):
        rel = path.relative_to(pkg.parent).as_posix()
        for msgid, plural, _line in calls(path.read_text(encoding="utf-8")):
            msg = found.setdefault((msgid, plural), Message(msgid, plural))
            if rel not in msg.refs:
                msg.refs.append(rel)
    return found


def calls(source: str) -> list[tuple[str, str | None, int]]:
    """(msgid, plural or None, line) of every _(), N_() and ngettext() call with literal text."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        args = node.args
        if node.func.id in ("_", "N_") and len(args) == 1 and _is_text(args[0]):
            out.append((args[0].value, None, node.lineno))  # type: ignore[attr-defined]
        elif (
            node.func.id == "ngettext"
            and len(args) == 3
            and _is_text(args[0])
            and _is_text(args[1])
        ):
            out.append((args[0].value, args[1].value, node.lineno))  # type: ignore[attr-defined]
    return sorted(out, key=lambda x: x[2])


def dynamic_calls(source: str) -> list[int]:
    """Lines of _() / N_() calls on an f-string or a concatenation: they can never match a
    catalog entry (the msgid must be a literal; placeholders go in {name} and .format())."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("_", "N_", "ngettext")
            and node.args
            and isinstance(node.args[0], (ast.JoinedStr, ast.BinOp))
        ):
            out.append(node.lineno)
    return out


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


# --------------------------------------------------------------------------- .po files


def _unquote(s: str) -> str:
    return ast.literal_eval(s)  # PO strings are C-style quoted, like Python's for what we write


def _quote(s: str) -> str:
    body = s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    return f'"{body}"'


def _po_string(keyword: str, text: str) -> list[str]:
    if "\n" in text[:-1]:  # multi-line: one quoted piece per line, as gettext tools write it
        pieces = text.splitlines(keepends=True)
        return [f'{keyword} ""'] + [_quote(p) for p in pieces]
    return [f"{keyword} {_quote(text)}"]


def read_po(path: Path) -> tuple[str, dict[tuple[str, str | None], Message]]:
    """(header, messages) of a .po file written by this script or by gettext tools."""
    messages: dict[tuple[str, str | None], Message] = {}
    header = ""
    cur: Message | None = None
    target: tuple[str, int] | None = None  # ("msgid"|"plural"|"msgstr", index)

    def finish() -> None:
        nonlocal cur, header
        if cur is None:
            return
        if cur.msgid == "" and cur.plural is None:
            header = cur.msgstr[0] if cur.msgstr else ""
        else:
            messages[cur.key] = cur
        cur = None

    pending_refs: list[str] = []
    pending_fuzzy = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if cur is not None and target is not None and target[0] == "msgstr":
                finish()
            if line.startswith("#:"):
                pending_refs.extend(line[2:].split())
            elif line.startswith("#,") and "fuzzy" in line:
                pending_fuzzy = True
            continue
        m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if m:
            keyword, index, text = m.group(1), m.group(2), _unquote(m.group(3))
            if keyword == "msgid":
                finish()
                cur = Message(text, refs=pending_refs, fuzzy=pending_fuzzy)
                pending_refs, pending_fuzzy = [], False
                target = ("msgid", 0)
            elif cur is None:
                raise ValueError(f"{path}: {keyword} before msgid: {raw!r}")
            elif keyword == "msgid_plural":
                cur.plural = text
                target = ("plural", 0)
            else:
                i = int(index) if index is not None else 0
                while len(cur.msgstr) <= i:
                    cur.msgstr.append("")
                cur.msgstr[i] = text
                target = ("msgstr", i)
            continue
        if line.startswith('"') and cur is not None and target is not None:
            text = _unquote(line)
            kind, i = target
            if kind == "msgid":
                cur.msgid += text
            elif kind == "plural":
                cur.plural = (cur.plural or "") + text
            else:
                cur.msgstr[i] += text
            continue
        raise ValueError(f"{path}: cannot read line {raw!r}")
    finish()
    return header, messages


def write_po(path: Path, header: str, messages: list[Message]) -> None:
    out = [
        "# crisisnav messages. Edit msgstr only; msgids come from the code",
        "# (python scripts/i18n.py extract), then: python scripts/i18n.py compile",
    ]
    out += _po_string("msgid", "") + _po_string("msgstr", header) + [""]
    for m in messages:
        if m.refs:
            out.append("#: " + " ".join(m.refs))
        if m.fuzzy:
            out.append("#, fuzzy")
        out += _po_string("msgid", m.msgid)
        if m.plural is not None:
            out += _po_string("msgid_plural", m.plural)
            forms = m.msgstr or ["", ""]
            for i, s in enumerate(forms):
                out += _po_string(f"msgstr[{i}]", s)
        else:
            out += _po_string("msgstr", m.msgstr[0] if m.msgstr else "")
        out.append("")
    path.write_text("\n".join(out), encoding="utf-8")


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES").is_dir())


# --------------------------------------------------------------------------- .mo files


def compile_mo(header: str, messages: dict[tuple[str, str | None], Message]) -> bytes:
    """The GNU .mo bytes of a catalog (fuzzy and untranslated entries left out, as msgfmt does)."""
    table: dict[bytes, bytes] = {b"": header.encode("utf-8")}
    for m in messages.values():
        if m.fuzzy or not m.msgstr or not all(m.msgstr):
            continue
        if m.plural is not None:
            key = m.msgid.encode("utf-8") + b"\0" + m.plural.encode("utf-8")
            value = b"\0".join(s.encode("utf-8") for s in m.msgstr)
        else:
            key, value = m.msgid.encode("utf-8"), m.msgstr[0].encode("utf-8")
        table[key] = value
    keys = sorted(table)
    ids = strs = b""
    offsets = []
    for k in keys:
        offsets.append((len(ids), len(k), len(strs), len(table[k])))
        ids += k + b"\0"
        strs += table[k] + b"\0"
    n = len(keys)
    keystart = 7 * 4 + 16 * n
    valuestart = keystart + len(ids)
    koffsets: list[int] = []
    voffsets: list[int] = []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + keystart]
        voffsets += [l2, o2 + valuestart]
    out = struct.pack("Iiiiiii", 0x950412DE, 0, n, 7 * 4, 7 * 4 + n * 8, 0, 0)
    out += struct.pack(f"{len(koffsets)}i", *koffsets) if koffsets else b""
    out += struct.pack(f"{len(voffsets)}i", *voffsets) if voffsets else b""
    return out + ids + strs


# --------------------------------------------------------------------------- checks


def problems(lang: str, po: Path | None = None, mo: Path | None = None) -> list[str]:
    """Everything wrong with one language's catalog against the code (empty: all good). po and
    mo default to the package's own files (tests point them at altered copies)."""
    out: list[str] = []
    header, catalog = read_po(po or po_path(lang))
    for path in sorted(PKG.rglob("*.py")):
        for line in dynamic_calls(path.read_text(encoding="utf-8")):
            out.append(f"{path.relative_to(ROOT)}:{line}: _() of an f-string or concatenation")
    code = extract()
    for key, m in code.items():
        got = catalog.get(key)
        where = ", ".join(m.refs)
        if got is None:
            out.append(f"{lang}: missing msgid {m.msgid!r} ({where}): run scripts/i18n.py extract")
            continue
        if got.fuzzy:
            out.append(f"{lang}: fuzzy translation of {m.msgid!r}")
        forms = got.msgstr or [""]
        if not all(forms) or (m.plural is not None and len(forms) < 2):
            out.append(f"{lang}: no translation for {m.msgid!r} ({where})")
            continue
        want = sorted(PLACEHOLDER_RE.findall(m.msgid))
        for s in forms:
            have = sorted(PLACEHOLDER_RE.findall(s))
            if m.plural is not None:
                ok = set(have) <= set(PLACEHOLDER_RE.findall(m.msgid + m.plural))
            else:
                ok = have == want
            if not ok:
                out.append(
                    f"{lang}: placeholders {have} in the translation of {m.msgid!r}, want {want}"
                )
            if (
                sorted(re.findall(r"\d+", s)) != sorted(re.findall(r"\d+", m.msgid))
                and m.plural is None
            ):
                out.append(f"{lang}: numbers differ in the translation of {m.msgid!r}: {s!r}")
    for key in catalog:
        if key not in code:
            out.append(
                f"{lang}: msgid {key[0]!r} is no longer in the code: run scripts/i18n.py extract"
            )
    mo = mo or mo_path(lang)
    if not mo.exists() or mo.read_bytes() != compile_mo(header, catalog):
        out.append(f"{lang}: {mo.name} is stale or missing: run scripts/i18n.py compile")
    return out


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "check"
    if cmd == "extract":
        code = extract()
        for lang in languages():
            path = po_path(lang)
            header, old = read_po(path) if path.exists() else (HEADER.get(lang, ""), {})
            merged = []
            for key, m in code.items():
                prev = old.get(key)
                merged.append(
                    Message(m.msgid, m.plural, list(prev.msgstr) if prev else [], m.refs,
                            prev.fuzzy if prev else False)
                )  # fmt: skip
            write_po(path, header or HEADER.get(lang, ""), merged)
            empty = sum(1 for m in merged if not m.msgstr or not all(m.msgstr))
            print(f"{path.relative_to(ROOT)}: {len(merged)} messages, {empty} to translate")
        return 0
    if cmd == "compile":
        for lang in languages():
            header, catalog = read_po(po_path(lang))
            mo_path(lang).write_bytes(compile_mo(header, catalog))
            print(f"{mo_path(lang).relative_to(ROOT)}: {len(catalog)} messages")
        return 0
    if cmd == "check":
        bad = [p for lang in languages() for p in problems(lang)]
        for p in bad:
            print(p, file=sys.stderr)
        return 1 if bad else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
