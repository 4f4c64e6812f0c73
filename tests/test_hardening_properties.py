"""Property tests (Hypothesis): any input in, a valid result out.

- any Unicode string through resolve, resolve_many and a full lookup gives a valid result;
- any dataset drawn from strategies derived from the schema (data/schema.json vocabularies and
  patterns) validates clean, loads, and round-trips load -> JSON exactly, cold and from cache;
- normalize is idempotent;
- any string in any text field renders in every format without raising, inert where it must be.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crisisnav.models import (
    AUDIENCES,
    DISPATCH_PATHS,
    KINDS,
    POLICE_LEVELS,
    STATUSES,
    Contact,
    Dataset,
    LookupResult,
    Resolution,
)
from test_hardening_support import make_resource, needs_resolver

pytestmark = pytest.mark.slow  # processes and big inputs: skip with -m "not slow"

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ANY_TEXT = st.text(max_size=120)  # every code point, including controls and lone surrogates
RESULT_KEYS = ("schema_version", "query", "status", "place", "candidates", "resources", "notices")
RESULT_EXTRA_KEYS = ("evaluated_at",)  # beside the contract's keys (README)


def _schema() -> dict[str, Any]:
    from crisisnav.validate import load_schema

    return load_schema()


# ------------------------------------------------------------------ resolve and lookup


@needs_resolver
@SETTINGS
@given(q=st.one_of(ANY_TEXT, st.text(alphabet=" ,.-'0123456789abcdefghijklmnopqrstuvwxyz")))
def test_any_string_resolves_to_a_valid_result(q: str) -> None:
    from crisisnav.resolve import resolve, resolve_many

    r = resolve(q)
    assert r.status in ("ok", "ambiguous", "not_found")
    assert (r.place is not None) == (r.status == "ok")
    if r.status == "ambiguous":
        assert len(r.candidates) >= 1  # a question: several places, or one "did you mean"
    assert r.query == q or r.status == "not_found"
    many = resolve_many([q, q])
    assert [m.status for m in many] == [r.status, r.status]


@needs_resolver
@settings(max_examples=25, deadline=None)
@given(q=ANY_TEXT)
def test_any_string_through_lookup_gives_contract_json(q: str) -> None:
    from crisisnav import dataset, rank
    from crisisnav.render import jsonfmt
    from crisisnav.resolve import resolve
    from test_hardening_support import SMALL

    ds = dataset.load(SMALL)
    result = rank.lookup(ds, resolve(q), at=datetime(2026, 12, 1, 3, 0))
    text = jsonfmt.dumps(jsonfmt.result_to_json(result))
    data = json.loads(text)
    assert tuple(data) == (*RESULT_KEYS, *RESULT_EXTRA_KEYS)
    assert data["status"] in ("ok", "ambiguous", "not_found")


@SETTINGS
@given(text=ANY_TEXT)
def test_normalize_is_idempotent(text: str) -> None:
    from crisisnav.normalize import compact, normalize

    once = normalize(text)
    assert normalize(once) == once
    assert compact(compact(once)) == compact(once)


# ------------------------------------------------------------------ schema-derived datasets

# Text the dataset allows: no control characters (validate refuses them), no bidi controls,
# nothing YAML cannot carry (U+FFFE/U+FFFF, surrogates).
_FORBIDDEN = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufffe\uffff"
SAFE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters=_FORBIDDEN),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() != "")

AREAS = [
    {"national": True},
    {"state": "OR"},
    {"state": "OR", "county": "Lane County"},
    {"state": "OR", "city": "Eugene"},
    {"state": "CO", "city": "Denver"},
    {"state": "IL", "county": "Sangamon County"},
]
PHONES = ["541-555-0100", "988", "741741", "+1 541 555 0101", "(541) 555-0102", "911"]
HOURS = [
    ["24/7"],
    ["mon-fri 08:00-17:00"],
    ["daily 14:00-23:00"],
    ["fri 22:00-02:00", "sat 10:00-12:00"],
]


def _id_strategy() -> st.SearchStrategy[str]:
    pattern = _schema()["$defs"]["resource"]["properties"]["id"]["pattern"]
    word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
    ids = st.lists(word, min_size=1, max_size=4).map("-".join).map(lambda s: "x" + s)
    return ids.filter(lambda s: re.fullmatch(pattern, s) is not None)


@st.composite
def resources(draw: st.DrawFn, rid: str) -> dict[str, Any]:
    status = draw(st.sampled_from(STATUSES))
    hours = draw(st.sampled_from(HOURS))
    r: dict[str, Any] = {
        "id": rid,
        "name": draw(SAFE_TEXT),
        "kind": draw(st.sampled_from(KINDS)),
        "police": draw(st.sampled_from(POLICE_LEVELS)),
        "dispatch": draw(st.sampled_from(DISPATCH_PATHS)),
        "serves": draw(
            st.lists(st.sampled_from(AREAS), min_size=1, max_size=3, unique_by=json.dumps)
        ),
        "contacts": [
            {"type": "phone", "value": v, "label": draw(st.none() | SAFE_TEXT)}
            for v in draw(st.lists(st.sampled_from(PHONES), min_size=1, max_size=3, unique=True))
        ],
        "hours": hours,
        "languages": draw(st.lists(st.sampled_from(["en", "es", "asl", "vi"]), unique=True)),
        "audiences": draw(st.lists(st.sampled_from(AUDIENCES), max_size=2, unique=True)),
        "status": status,
        "verified": draw(st.dates(date(2024, 1, 1), date(2026, 11, 1))).isoformat(),
        "sources": [f"https://example.org/{rid}"],
    }
    if hours != ["24/7"]:
        r["timezone"] = draw(
            st.sampled_from(["America/Los_Angeles", "America/Denver", "America/Chicago"])
        )
    if status in ("ended", "suspended") or draw(st.booleans()):
        r["status_since"] = draw(st.dates(date(2020, 1, 1), date(2024, 1, 1))).isoformat()
    for opt in ("police_note", "how_to_ask"):
        if draw(st.booleans()):
            r[opt] = draw(SAFE_TEXT)
    if draw(st.booleans()):
        r["caveats"] = draw(st.lists(SAFE_TEXT, min_size=1, max_size=3))
    if draw(st.booleans()):  # a Spanish translation: the same numbers, one caveat per caveat
        es: dict[str, Any] = {}
        if draw(st.booleans()):
            es["name"] = "ES " + r["name"]
        for opt in ("police_note", "how_to_ask"):
            if opt in r:
                es[opt] = "ES " + r[opt]
        if r.get("caveats"):
            es["caveats"] = ["ES " + c for c in r["caveats"]]
        if any(c["label"] for c in r["contacts"]):
            es["labels"] = [("ES " + c["label"]) if c["label"] else None for c in r["contacts"]]
        if es:
            r["es"] = es
    return r


@st.composite
def datasets(draw: st.DrawFn) -> list[dict[str, Any]]:
    ids = draw(st.lists(_id_strategy(), min_size=1, max_size=4, unique=True))
    return [draw(resources(i)) for i in ids]


def _yaml(entries: list[dict[str, Any]]) -> str:
    """YAML text for the entries: every value a JSON (double-quoted) scalar or flow list, which
    YAML reads back as written (quoted strings are never turned into numbers or booleans)."""
    lines = ["schema_version: 1", "resources:"]
    for e in entries:
        first = True
        for k, v in e.items():
            lines.append(
                ("  - " if first else "    ") + f"{k}: " + json.dumps(v, ensure_ascii=False)
            )
            first = False
    return "\n".join(lines) + "\n"


def _expected(e: dict[str, Any]) -> dict[str, Any]:
    out = {
        "police_note": None, "timezone": None, "audiences": [], "languages": [],
        "how_to_ask": None, "caveats": [], "status_since": None, "address": None,
    }  # fmt: skip
    out.update(e)
    out["contacts"] = [{"keyword": None, **c} for c in e["contacts"]]
    out["serves"] = [a if a.get("national") else {k: v for k, v in a.items()} for a in e["serves"]]
    return out


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prop-data")


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(entries=datasets())
def test_schema_datasets_round_trip_load_to_json(
    entries: list[dict[str, Any]], data_dir: Path
) -> None:
    from crisisnav import dataset, validate
    from crisisnav.export.flat import records

    path = data_dir / "ds.yaml"
    path.write_text(_yaml(entries), encoding="utf-8")
    errs = [p for p in validate.validate_file(path) if p.severity == "error"]
    assert errs == [], errs[:3]
    for use_cache in (False, True, True):  # cold, then written to the cache, then read from it
        ds = dataset.load(path, use_cache=use_cache)
        got = [{k: v for k, v in r.to_json().items() if k != "line"} for r in ds.resources]
        assert got == [_expected(e) for e in entries]
    starts = [i + 1 for i, ln in enumerate(_yaml(entries).splitlines()) if ln.startswith("  - ")]
    assert [r.line for r in dataset.load(path, use_cache=False).resources] == starts
    json.loads(json.dumps(records(ds)))


# ------------------------------------------------------------------ rendering anything


def _place() -> Any:
    from crisisnav import gazetteer

    return gazetteer.load().city_place("OR", "Eugene")


@SETTINGS
@given(
    name=ANY_TEXT, note=ANY_TEXT, label=ANY_TEXT, caveat=ANY_TEXT, source=ANY_TEXT, query=ANY_TEXT,
    police=st.sampled_from(POLICE_LEVELS), status=st.sampled_from(("active", "limited", "uncertain")),
)  # fmt: skip
def test_any_dataset_string_renders_in_every_format(
    name: str, note: str, label: str, caveat: str, source: str, query: str, police: str, status: str
) -> None:
    from crisisnav import rank
    from crisisnav.render import csvfmt, jsonfmt, markdown, plain, terminal
    from crisisnav.render.sheet_html import render_html
    from crisisnav.render.sheet_model import build_sheet
    from crisisnav.render.sheet_text import render_markdown, render_plain

    r = make_resource(
        name=name or "x",
        police=police,
        status=status,
        police_note=note,
        how_to_ask=note,
        caveats=(caveat,),
        contacts=(
            Contact(type="phone", value="541-555-0100", label=label),
            Contact(type="web", value=source),
        ),  # fmt: skip
        sources=(source,),
    )
    ds = Dataset(path="<prop>", schema_version=1, resources=(r,))
    result = rank.lookup(
        ds, Resolution(query=query, status="ok", place=_place()), at=datetime(2026, 12, 1, 3)
    )
    outputs = {
        "plain": plain.render(result, explain=True),
        "terminal": terminal.render(result, color=False, width=60, explain=True),
        "markdown": markdown.render(result, explain=True),
        "csv": csvfmt.render(result),
    }
    data = json.loads(jsonfmt.dumps(jsonfmt.result_to_json(result)))
    assert data["resources"][0]["caveats"] == [caveat]  # JSON keeps the data exact
    for fmt, text in outputs.items():
        assert "\x1b" not in text and "\x00" not in text and "\r" not in text, fmt
    sheet = build_sheet(result, printed=date(2026, 12, 1), source="prop")
    html = render_html(sheet)
    assert "<script" not in html.lower()
    render_markdown(sheet)
    render_plain(sheet)
    nf = LookupResult(resolution=Resolution(query=query, status="not_found"))
    for render in (plain.render, markdown.render):
        assert "\x1b" not in render(nf)
    json.loads(jsonfmt.dumps(jsonfmt.result_to_json(nf)))


@settings(max_examples=8, deadline=None)
@given(name=ANY_TEXT, caveat=ANY_TEXT)
def test_any_dataset_string_renders_as_pdf(name: str, caveat: str) -> None:
    from crisisnav import rank
    from crisisnav.render.sheet_model import build_sheet
    from crisisnav.render.sheet_pdf import render_pdf

    r = make_resource(name=name or "x", caveats=(caveat,), how_to_ask=caveat)
    ds = Dataset(path="<prop>", schema_version=1, resources=(r,))
    result = rank.lookup(ds, Resolution(query="q", status="ok", place=_place()))
    assert render_pdf(build_sheet(result, printed=date(2026, 12, 1), source="p")).startswith(
        b"%PDF"
    )


@needs_resolver
@settings(max_examples=30, deadline=None)
@given(
    lines=st.lists(st.binary(max_size=40).filter(lambda b: b"\n" not in b), min_size=1, max_size=12)
)
def test_any_bytes_batch_gives_one_result_per_line_in_order(lines: list[bytes]) -> None:
    """The batch policy (fileio.batch_queries): LF, CRLF and CR end a line; blank and # lines
    are not queries; every other line gets exactly its own result, in order."""
    import re

    from test_hardening_support import SMALL, invoke

    data = b"\n".join(lines) + b"\n"
    code, out, err = invoke(
        ["lookup", "--batch", "-", "--format", "jsonl", "--limit", "0", "--data", str(SMALL)],
        input=data,
    )
    assert code == 0, err
    results = [json.loads(x) for x in out.splitlines()]
    for res in results:
        assert tuple(res) == (*RESULT_KEYS, *RESULT_EXTRA_KEYS)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # a UTF-16 byte-order mark: the whole input is read as UTF-16 (tested elsewhere)
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    physical = re.split(b"\r\n|\r|\n", body)[:-1]
    expected: list[tuple[bytes, str | None]] = []
    for raw in physical:
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "replace").strip()
            if text and not text.startswith("#"):
                expected.append((raw, None))  # an undecodable line: its own error result
            continue
        if text and not text.startswith("#"):
            expected.append((raw, text))
    assert len(results) == len(expected), (physical, [r["query"] for r in results])
    for (raw, text), res in zip(expected, results, strict=True):
        if text is None:
            assert res["status"] == "not_found"
        elif "\x00" not in text:
            assert res["query"] == text, (raw, res["query"])  # in order: each line's own result
