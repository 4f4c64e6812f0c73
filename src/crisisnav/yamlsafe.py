"""Safe YAML reading with positions: bytes -> text checks -> a marked tree, never Python objects.

Used by validate (every problem with line and column) and by the dataset loader (which runs
validate). Nothing here ever builds an arbitrary Python object from YAML:

- the file is decoded and screened first (BOM, NUL bytes, UTF-8, control characters, CRLF,
  tabs in indentation);
- the YAML is read as a stream of parser *events* (the C parser when PyYAML has it) and the tree
  is built from those events here. Anchors, aliases and tags are reported as errors and never
  expanded or constructed, so an alias bomb costs one event and a `!!python/...` tag is inert;
- plain scalars are resolved with PyYAML's YAML 1.1 implicit resolvers, so the tree holds the
  value PyYAML would produce (``NO`` -> False, ``08:30`` -> 510) and validate can say so; only
  the safe constructors for null/bool/int/float/timestamp are ever called.

`yaml` is imported inside functions only: importing this module costs nothing.
"""

from __future__ import annotations

import re
from typing import Any

from crisisnav.fileio import MAX_BYTES as MAX_BYTES  # re-exported
from crisisnav.fileio import read_bytes as read_bytes  # re-exported
from crisisnav.models import Problem

MAX_DEPTH = 100  # the dataset needs 5 levels; deeper nesting is refused at the exact position
# A 5,000-entry dataset holds about 250,000 YAML values; a file of millions of tiny values
# (`[a,a,a,...]`, legal under the 20 MB size limit) would otherwise cost gigabytes of nodes.
MAX_VALUES = 1_000_000

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

# C0 controls except tab/newline/CR, DEL, C1 controls, and the bidirectional embedding/override/
# isolate characters that can make a line display differently from what it says.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_INDENT_TAB_RE = re.compile(r"^[ ]*\t", re.MULTILINE)


class Node:
    __slots__ = ("line", "col")

    def __init__(self, line: int, col: int) -> None:
        self.line = line  # 1-based
        self.col = col  # 1-based, in characters


class MScalar(Node):
    __slots__ = ("value", "raw", "plain", "tag", "style", "pv")

    def __init__(
        self, line: int, col: int, value: Any, raw: str, plain: bool, tag: str, style: str | None
    ) -> None:
        self.line = line
        self.col = col
        self.value = value  # what PyYAML's safe loader would give (str for anything tagged)
        self.raw = raw  # the text as written
        self.plain = plain  # unquoted
        self.tag = tag  # resolved tag
        self.style = style
        # the JSON-like value (dates as ISO text, as an editor using the JSON Schema sees them)
        self.pv = value.isoformat() if tag == TIMESTAMP_TAG else value


class MMap(Node):
    __slots__ = ("pairs", "_key", "pv")

    def __init__(self, line: int, col: int) -> None:
        self.line = line
        self.col = col
        self.pairs: dict[str, tuple[Node, Node]] = {}  # key -> (key node, value node), in order
        self._key: Node | None = None
        self.pv: dict[str, Any] = {}  # the same mapping as plain values, built alongside


class MSeq(Node):
    __slots__ = ("items", "pv")

    def __init__(self, line: int, col: int) -> None:
        self.line = line
        self.col = col
        self.items: list[Node] = []
        self.pv: list[Any] = []


class Composed:
    """What compose found: the tree, the problems, and every plain scalar YAML 1.1 turned into a
    bool or number, with its path (the few values validate must look at more closely)."""

    __slots__ = ("root", "problems", "typed")

    def __init__(
        self,
        root: Node | None,
        problems: list[Problem],
        typed: list[tuple[tuple[Any, ...], MScalar]],
    ) -> None:
        self.root = root
        self.problems = problems
        self.typed = typed


def problem(
    path: str,
    line: int,
    col: int,
    code: str,
    message: str,
    *,
    fix: str | None = None,
    resource_id: str | None = None,
) -> Problem:
    """A finding; its severity comes from the rule registry (crisisnav.rules), never the caller."""
    from crisisnav.rules import rule

    return Problem(
        path=path,
        line=line,
        col=col,
        severity=rule(code).severity,
        code=code,
        message=message,
        fix=fix,
        resource_id=resource_id,
    )


def _line_col_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    # column in characters: decode the (valid) prefix of the line leniently
    col = len(data[start:offset].decode("utf-8", "replace")) + 1
    return line, col


def _line_col_of_char(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Bytes -> text for the parser, with the problems found on the way.

    Returns (None, problems) when the bytes are not text at all (UTF-16/32, NUL bytes, invalid
    UTF-8). Otherwise the text has its BOM removed, CRLF turned into LF and each control
    character replaced by U+FFFD (same length, so positions stay right), each reported.
    """
    problems: list[Problem] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [
            problem(
                path,
                1,
                1,
                "not-utf8",
                "the file is UTF-16 (or UTF-32), not UTF-8",
                fix="save the file as UTF-8",
            )  # fmt: skip
        ]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col_of_byte(data, nul)
        return None, [
            problem(
                path,
                line,
                col,
                "nul-byte",
                "the file contains a NUL byte: it is binary, not YAML text",
                fix="remove the NUL byte or save the file as plain UTF-8 text",
            )  # fmt: skip
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_byte(data, exc.start)
        bad = data[exc.start : exc.start + 1].hex()
        return None, [
            problem(
                path,
                line,
                col,
                "not-utf8",
                f"the file is not valid UTF-8 (byte 0x{bad} at line {line})",
                fix="save the file as UTF-8",
            )  # fmt: skip
        ]
    if text.startswith("\ufeff"):
        problems.append(
            problem(
                path,
                1,
                1,
                "bom",
                "the file starts with a byte-order mark (ignored)",
                fix="save the file as UTF-8 without a BOM",
            )  # fmt: skip
        )
        text = text[1:]
    if "\r" in text:
        first = text.find("\r\n")
        if first >= 0:
            line, col = _line_col_of_char(text, first)
            problems.append(
                problem(
                    path,
                    line,
                    col,
                    "crlf",
                    "Windows (CRLF) line endings; read as LF",
                    fix="save the file with LF line endings",
                )  # fmt: skip
            )
            text = text.replace("\r\n", "\n")
    if CONTROL_RE.search(text) or "\r" in text:
        chars = list(text)
        for m in re.finditer(CONTROL_RE.pattern + "|\r", text):
            line, col = _line_col_of_char(text, m.start())
            problems.append(
                problem(
                    path,
                    line,
                    col,
                    "control-char",
                    f"invisible control character U+{ord(m.group()):04X} in the text",
                    fix="delete it (it can hide or reorder what a reader sees)",
                )  # fmt: skip
            )
            chars[m.start()] = "\ufffd"
        text = "".join(chars)
    for m in _INDENT_TAB_RE.finditer(text):
        line, col = _line_col_of_char(text, m.end() - 1)
        problems.append(
            problem(
                path,
                line,
                col,
                "tab",
                "a tab in the indentation (YAML allows only spaces)",
                fix="indent with spaces",
            )  # fmt: skip
        )
    return text, problems


class _Resolver:
    """PyYAML's YAML 1.1 implicit resolution of plain scalars, and safe construction."""

    def __init__(self) -> None:
        import yaml

        self._table: dict[Any, list[tuple[str, Any]]] = (
            yaml.resolver.Resolver.yaml_implicit_resolvers
        )
        self._wild = self._table.get(None, [])
        self._constructor = yaml.constructor.SafeConstructor()
        self._node_cls = yaml.nodes.ScalarNode
        self._cache: dict[str, tuple[str, Any]] = {}

    def resolve(self, raw: str) -> tuple[str, Any]:
        hit = self._cache.get(raw)
        if hit is not None:
            return hit
        tag = STR_TAG
        for t, regexp in self._table.get(raw[:1] if raw else "", []) + self._wild:
            if regexp.match(raw):
                tag = t
                break
        value: Any = raw
        if tag in (NULL_TAG, BOOL_TAG, INT_TAG, FLOAT_TAG, TIMESTAMP_TAG):
            try:
                build = self._constructor.yaml_constructors[tag]
                value = build(self._constructor, self._node_cls(tag, raw))
            except Exception:  # noqa: BLE001 - e.g. 2026-02-30: keep the text, validate says why
                tag, value = STR_TAG, raw
        else:
            tag = STR_TAG  # merge ("<<"), value ("="): plain text here
        out = (tag, value)
        if len(self._cache) < 50_000:
            self._cache[raw] = out
        return out


def compose(text: str, path: str) -> tuple[Node | None, list[Problem]]:
    """Text -> (marked tree or None, problems). Never raises for any input text."""
    c = compose_all(text, path)
    return c.root, c.problems


_TYPED_TAGS = frozenset({BOOL_TAG, INT_TAG, FLOAT_TAG})


def compose_all(text: str, path: str) -> Composed:
    """Text -> Composed. One pass over the parser's events; never raises for any input text."""
    import yaml

    problems: list[Problem] = []
    typed: list[tuple[tuple[Any, ...], MScalar]] = []
    resolve = _Resolver().resolve
    root: Node | None = None
    stack: list[Node] = []
    keys: list[Any] = []  # keys[i]: the key or index under which stack[i] hangs in stack[i - 1]
    documents = 0

    def place(node: Node) -> tuple[bool, Any]:
        """Hang node on the open container; (was it a value, under which key or index)."""
        nonlocal root
        if not stack:
            if root is None:
                root = node
            return True, None
        top = stack[-1]
        if type(top) is MSeq:
            top.items.append(node)
            top.pv.append(node.pv)  # type: ignore[attr-defined]
            return True, len(top.items) - 1
        assert isinstance(top, MMap)
        if top._key is None:
            top._key = node
            return False, None
        key_node = top._key
        top._key = None
        if isinstance(key_node, MScalar):
            name = key_node.raw if key_node.plain else str(key_node.value)
        else:
            problems.append(problem(path, key_node.line, key_node.col, "wrong-type",
                                    "a key must be a plain name, not a list or mapping"))  # fmt: skip
            return False, None
        first = top.pairs.get(name)
        if first is not None:
            problems.append(
                problem(
                    path,
                    key_node.line,
                    key_node.col,
                    "duplicate-key",
                    f"duplicate key '{name}' (first on line {first[0].line}); "
                    "PyYAML would silently keep only the last one",
                    fix=f"remove one of the two '{name}' keys",
                )  # fmt: skip
            )
            return False, None
        top.pairs[name] = (key_node, node)
        top.pv[name] = node.pv  # type: ignore[attr-defined]
        return True, name

    def check_props(ev: Any, line: int, col: int) -> None:
        if getattr(ev, "anchor", None) is not None:
            problems.append(
                problem(
                    path,
                    line,
                    col,
                    "anchor",
                    f"anchor '&{ev.anchor}': anchors and aliases are not allowed",
                    fix="write the value out in full",
                )  # fmt: skip
            )
        tag = getattr(ev, "tag", None)
        if tag is not None:
            problems.append(
                problem(
                    path,
                    line,
                    col,
                    "tag",
                    f"tag '{tag}': YAML tags are not allowed (and never executed)",
                    fix="remove the tag; quote the value if it must be text",
                )  # fmt: skip
            )

    scalar_t, map_t, seq_t = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    loader_cls = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    loader = loader_cls(text)
    get_event = loader.get_event
    stream_end = yaml.StreamEndEvent
    values = 0
    try:
        while True:
            ev = get_event()
            et = type(ev)
            if et in ends:
                stack.pop()
                keys.pop()
                continue
            if ev is None or et is stream_end:
                break
            mark = ev.start_mark
            line, col = mark.line + 1, mark.column + 1
            values += 1
            if values > MAX_VALUES:
                problems.append(
                    problem(
                        path,
                        line,
                        col,
                        "too-large",
                        f"more than {MAX_VALUES:,} YAML values: refused before reading on",
                        fix="a dataset entry holds a few dozen values: check for a runaway list",
                    )  # fmt: skip
                )
                return Composed(None, problems, [])
            if et is scalar_t:
                raw = ev.value
                if ev.anchor is not None or ev.tag is not None:
                    check_props(ev, line, col)
                if ev.tag is None and ev.implicit[0]:
                    tag, value = resolve(raw)
                    node = MScalar(line, col, value, raw, True, tag, None)
                else:
                    node = MScalar(line, col, raw, raw, False, STR_TAG, ev.style or None)
                    if ev.style == '"' and CONTROL_RE.search(raw):
                        ch = CONTROL_RE.search(raw)
                        assert ch is not None
                        problems.append(
                            problem(
                                path,
                                line,
                                col,
                                "control-char",
                                f"invisible control character U+{ord(ch.group()):04X} in the text",
                                fix="remove the escape sequence",
                            )  # fmt: skip
                        )
                top = stack[-1] if stack else None
                if type(top) is MMap:  # the common cases, inlined
                    key_node = top._key
                    if key_node is None:
                        top._key = node
                        continue
                    if type(key_node) is MScalar:
                        name = key_node.raw if key_node.plain else str(key_node.value)
                        if name not in top.pairs:
                            top.pairs[name] = (key_node, node)
                            top.pv[name] = node.pv
                            top._key = None
                            if node.tag in _TYPED_TAGS:
                                typed.append((tuple(keys[1:]) + (name,), node))
                            continue
                elif type(top) is MSeq:
                    if node.tag in _TYPED_TAGS:
                        typed.append((tuple(keys[1:]) + (len(top.items),), node))
                    top.items.append(node)
                    top.pv.append(node.pv)
                    continue
                is_value, key = place(node)
                if is_value and node.tag in _TYPED_TAGS and stack:
                    typed.append((tuple(keys[1:]) + (key,), node))
            elif et is map_t or et is seq_t:
                if len(stack) >= MAX_DEPTH:
                    problems.append(
                        problem(
                            path,
                            line,
                            col,
                            "yaml-syntax",
                            f"nesting deeper than {MAX_DEPTH} levels",
                            fix="a dataset entry needs only a few levels: check the brackets",
                        )  # fmt: skip
                    )
                    return Composed(None, problems, [])
                check_props(ev, line, col)
                container: Node = MMap(line, col) if et is map_t else MSeq(line, col)
                is_value, key = place(container)
                stack.append(container)
                # a container used as a key (never valid) gets a key nobody can look up
                keys.append(key if is_value else object())
            elif et is yaml.AliasEvent:
                problems.append(
                    problem(
                        path,
                        line,
                        col,
                        "alias",
                        f"alias '*{ev.anchor}': anchors and aliases are not allowed",
                        fix="write the value out in full",
                    )  # fmt: skip
                )
                place(MScalar(line, col, None, "*" + str(ev.anchor), False, NULL_TAG, None))
            elif et is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problems.append(
                        problem(
                            path,
                            line,
                            col,
                            "yaml-syntax",
                            "a second YAML document: the file must hold exactly one",
                            fix="remove the '---' line and what follows, or merge it",
                        )  # fmt: skip
                    )
                    break
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if mark is not None:
            line, col = mark.line + 1, mark.column + 1
        elif hasattr(exc, "position"):  # ReaderError
            line, col = _line_col_of_char(text, int(getattr(exc, "position", 0) or 0))
        else:
            line, col = 1, 1
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        raw = f"{what}" + (f", {context}" if context else "")
        message, fix = explain_syntax(text, line, str(what), str(context or ""))
        problems.append(
            problem(path, line, col, "yaml-syntax", f"{message} (parser: {raw})", fix=fix)
        )
        return Composed(None, problems, [])
    except RecursionError:
        problems.append(problem(path, 1, 1, "yaml-syntax", "YAML nesting is too deep"))
        return Composed(None, problems, [])
    finally:
        loader.dispose()
    return Composed(root, problems, typed)


_KEY_COLON = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*:\s")


def explain_syntax(text: str, line: int, what: str, context: str) -> tuple[str, str | None]:
    """A YAML parser complaint in plain words, with the usual fix (line is 1-based)."""
    lines = text.split("\n")
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    w = what.lower()
    if "mapping values are not allowed" in w:
        # `caveats: Open 9-5: call first` - the second ": " starts a new key inside the value
        m = _KEY_COLON.match(here)
        key = here[: m.end()].strip().rstrip(":").lstrip("- ").strip() if m else None
        value = here[m.end() :].strip() if m else here.strip()
        if m and value and not value.startswith(("'", '"', "[", "{")):
            quoted = value.replace('"', '\\"')
            return (f"a colon followed by a space inside the text of '{key}' starts a new key: YAML "
                    "cannot read this line",
                    f'put the whole text in double quotes: {key}: "{quoted}"')  # fmt: skip
        return ("a colon followed by a space starts a key here, where YAML expects a value "
                "(usually: text containing ': ' that is not quoted, or a line indented too far)",
                "quote text that contains ': ', and line this key up with the keys above it")  # fmt: skip
    if "could not find expected ':'" in w or "could not find expected ':'" in context.lower():
        return ("a line here is neither 'key: value' nor a list item '- ...' (a missing colon, or "
                "text that runs on to the next line without quotes)",
                "add the colon after the key, or quote the text on one line")  # fmt: skip
    if "expected <block end>" in w or "did not find expected key" in w:
        return ("the indentation does not line up: this line is indented differently from the "
                "lines of the same list or mapping above it",
                "indent it exactly like its neighbours (spaces only; list items under 'resources:' "
                "start with '  - ')")  # fmt: skip
    if "did not find expected '-' indicator" in w:
        return ("a list item is missing its '- ' or is indented differently from the other items",
                "start every item of the list with '- ' at the same indentation")  # fmt: skip
    if "found unexpected end of stream" in w or (
        "while scanning a quoted scalar" in context.lower()
    ):
        return (
            "a quote is opened and never closed",
            "close the quote on the same line (or remove it)",
        )
    if "expected ',' or ']'" in w or "expected ',' or '}'" in w:
        return ("a [list] or {mapping} written on one line is not closed, or an item in it holds "
                "an unquoted ',', ':' or bracket",
                'quote items that contain punctuation, e.g. {type: phone, value: "988"}')  # fmt: skip
    if "found character '\\t'" in w or "found character '\t'" in w:
        return ("a tab character: YAML indentation must be spaces", "replace the tab with spaces")
    if "found character '@'" in w or "found character '`'" in w:
        return (f"text cannot start with {what[-3:]} in YAML unless it is quoted", "quote the text")
    if "found undefined tag handle" in w or "found unknown escape character" in w:
        return ("an unusual character sequence ('!' or a backslash escape) inside the text",
                "put the text in single quotes")  # fmt: skip
    return ("YAML cannot read this line", "compare it with a working entry above it; quote text "
            "that contains ': ', '#', or starts with [, {, *, &, !, %, @ or `")  # fmt: skip


def to_plain(node: Node | None) -> Any:
    """The tree as plain JSON-like values (dates become ISO strings, like an editor sees them).

    Built during compose, so this costs nothing; the result shares structure with the tree."""
    if node is None:
        return None
    return node.pv  # type: ignore[attr-defined]


def node_at(root: Node | None, path: tuple[Any, ...]) -> Node | None:
    """The node at a JSON path (keys and indexes), or the deepest existing one."""
    node = root
    for part in path:
        if isinstance(node, MMap) and isinstance(part, str) and part in node.pairs:
            node = node.pairs[part][1]
        elif isinstance(node, MSeq) and isinstance(part, int) and 0 <= part < len(node.items):
            node = node.items[part]
        else:
            break
    return node


def key_node_at(root: Node | None, path: tuple[Any, ...], key: str) -> Node | None:
    parent = node_at(root, path)
    if isinstance(parent, MMap) and key in parent.pairs:
        return parent.pairs[key][0]
    return parent
