"""data/schema.json, compiled into closures that check a plain (JSON-like) value.

Used by validate (with its line and column mapping) and by the dataset cache, which checks a
cached document exactly as the loader checks a parsed file. Kept apart from validate so that a
warm `lookup` pays only for this interpreter, not for the whole rule set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any


def schema_path() -> Path:
    return Path(__file__).parent / "data" / "schema.json"


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    with open(schema_path(), encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "title", "description", "default", "examples", "$comment",
     "markdownDescription", "format"}
)  # fmt: skip
SUPPORTED_KEYWORDS = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "enum", "const",
     "pattern", "minItems", "minLength", "$ref", "anyOf", "not", "if", "then", "else",
     "dependentRequired", "maxProperties"}
) | _ANNOTATIONS  # fmt: skip

SchemaError = tuple[tuple[Any, ...], str, Any]  # (path, keyword, detail)


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return bool(a == b)


Check = Callable[[Any, tuple[Any, ...], list[SchemaError]], None]


class _Schema:
    """data/schema.json compiled into closures: one call per value, no per-call dict lookups."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self._memo: dict[int, Check] = {}
        self.check = self.compile(root)

    def resolve(self, ref: str) -> dict[str, Any]:
        node: Any = self.root
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        assert isinstance(node, dict)
        return node

    def errors(self, s: dict[str, Any], v: Any, path: tuple[Any, ...]) -> list[SchemaError]:
        out: list[SchemaError] = []
        self.compile(s)(v, path, out)
        return out

    def compile(self, s: dict[str, Any]) -> Check:
        memo = self._memo.get(id(s))
        if memo is not None:
            return memo
        cell: list[Check] = []

        def deferred(v: Any, path: tuple[Any, ...], out: list[SchemaError]) -> None:
            cell[0](v, path, out)

        self._memo[id(s)] = deferred  # a $ref cycle calls through the cell
        fn = self._build(s)
        cell.append(fn)
        self._memo[id(s)] = fn
        return fn

    def _build(self, s: dict[str, Any]) -> Check:
        ref = self.compile(self.resolve(s["$ref"])) if "$ref" in s else None
        t = s.get("type")
        types: list[str] | None = (t if isinstance(t, list) else [t]) if t is not None else None
        type_ok = (
            None if types is None else frozenset(types + (["integer"] if "number" in types else []))
        )
        has_const, const = "const" in s, s.get("const")
        enum = s.get("enum")
        enum_str = frozenset(e for e in enum if isinstance(e, str)) if enum is not None else None
        min_len, pattern = s.get("minLength"), s.get("pattern")
        rx = re.compile(pattern) if pattern is not None else None
        min_items = s.get("minItems")
        items = self.compile(s["items"]) if isinstance(s.get("items"), dict) else None
        required = tuple(s.get("required", ()))
        dep_req = tuple(s.get("dependentRequired", {}).items())
        max_props = s.get("maxProperties")
        props = {k: self.compile(v) for k, v in s.get("properties", {}).items()}
        prop_names = sorted(props)
        no_extra = s.get("additionalProperties", True) is False
        any_of = [self.compile(x) for x in s["anyOf"]] if "anyOf" in s else None
        not_ = self.compile(s["not"]) if "not" in s else None
        if_ = self.compile(s["if"]) if "if" in s else None
        then_ = self.compile(s["then"]) if "then" in s else None
        else_ = self.compile(s["else"]) if "else" in s else None

        def check(v: Any, path: tuple[Any, ...], out: list[SchemaError]) -> None:
            if ref is not None:
                ref(v, path, out)
            if type_ok is not None and _json_type(v) not in type_ok:
                out.append((path, "type", types))
                return
            if has_const and not _json_equal(v, const):
                out.append((path, "const", [const]))
                return
            if enum is not None:
                if type(v) is str:
                    if v not in enum_str:  # type: ignore[operator]
                        out.append((path, "enum", enum))
                        return
                elif not any(_json_equal(v, e) for e in enum):
                    out.append((path, "enum", enum))
                    return
            tv = type(v)
            if tv is str:
                if min_len is not None and len(v) < min_len:
                    out.append((path, "minLength", min_len))
                if rx is not None and not rx.search(v):
                    out.append((path, "pattern", pattern))
            elif tv is list:
                if min_items is not None and len(v) < min_items:
                    out.append((path, "minItems", min_items))
                if items is not None:
                    for i, item in enumerate(v):
                        items(item, path + (i,), out)
            elif tv is dict:
                for name in required:
                    if name not in v:
                        out.append((path, "required", name))
                for name, needs in dep_req:
                    if name in v:
                        for need in needs:
                            if need not in v:
                                out.append((path, "required", need))
                if max_props is not None and len(v) > max_props:
                    out.append((path, "maxProperties", max_props))
                for name, value in v.items():
                    sub = props.get(name)
                    if sub is not None:
                        sub(value, path + (name,), out)
                    elif no_extra:
                        out.append((path, "additionalProperties", (name, prop_names)))
            if any_of is not None:
                for alt in any_of:
                    trial: list[SchemaError] = []
                    alt(v, path, trial)
                    if not trial:
                        break
                else:
                    out.append((path, "anyOf", s["anyOf"]))
            if not_ is not None:
                trial = []
                not_(v, path, trial)
                if not trial:
                    out.append((path, "not", s["not"]))
            if if_ is not None:
                trial = []
                if_(v, path, trial)
                branch = then_ if not trial else else_
                if branch is not None:
                    branch(v, path, out)

        return check


def schema_keywords(s: Any) -> set[str]:
    """Every keyword used in a schema (to test that the interpreter supports them all)."""
    found: set[str] = set()
    if isinstance(s, dict):
        for k, v in s.items():
            found.add(k)
            if k in ("properties", "$defs", "dependentRequired"):
                for sub in v.values():
                    found |= schema_keywords(sub) if k != "dependentRequired" else set()
            elif k in ("enum", "const", "required", "type", "pattern") or k in _ANNOTATIONS:
                continue
            elif isinstance(v, list):
                for sub in v:
                    found |= schema_keywords(sub)
            else:
                found |= schema_keywords(v)
    return found


@lru_cache(maxsize=1)
def _compiled() -> _Schema:
    return _Schema(load_schema())


def schema_errors(value: Any) -> list[SchemaError]:
    """The data/schema.json violations of a plain (JSON-like) value."""
    out: list[SchemaError] = []
    _compiled().check(value, (), out)
    return out
