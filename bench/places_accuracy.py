"""Accuracy of the places resolver on tests/data/places_queries.yaml, split by form, with the
number of confident-wrong answers, beside a naive baseline scored on the same set in the same run.

Naive baseline (the issue's): an exact 5-digit ZIP, else rapidfuzz process.extractOne with
WRatio over every "City, ST" label; it answers `ok` when the score reaches --cutoff, else
`not_found`; it never asks.

Scoring per case: correct when the status is the expected one (or one of them) and, for `ok`,
the place is the expected one; for `ambiguous`, the expected places are among the candidates.
Confident wrong: the answer was `ok` but the expected status was not `ok` or the place differs.

    python bench/places_accuracy.py [--cutoff 80] [--set queries|named]

--set named scores tests/data/places_named.yaml (issue 11: neighborhoods, boroughs, census-
designated places and proper names, from published lists): a case is right when the answer is
`ok` in the named state and the place lies in the expected county (or has the expected name;
with exact_name the name shown must be exactly it); confident wrong when the answer is `ok`
somewhere else. A question (ambiguous) or not_found is neither.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from crisisnav.gazetteer import load
from crisisnav.models import Place, Resolution
from crisisnav.normalize import compact, normalize
from crisisnav.resolve import resolve, resolve_many

QUERIES = Path(__file__).resolve().parent.parent / "tests" / "data" / "places_queries.yaml"
NAMED = QUERIES.with_name("places_named.yaml")


def place_id(p: Place) -> str:
    if p.kind == "zip":
        return f"zip:{p.zip}"
    if p.kind == "state":
        return f"state:{p.state}"
    return f"{p.kind}:{p.name}, {p.state}"


def judge(case: dict[str, Any], r: Resolution) -> tuple[bool, bool]:
    """(correct, confident_wrong)."""
    if "county" in case or "name" in case:
        return judge_named(case, r)
    want = case["status"] if isinstance(case["status"], list) else [case["status"]]
    correct = r.status in want
    if correct and r.status == "ok":
        correct = r.place is not None and place_id(r.place) == case.get("place")
    if correct and r.status == "ambiguous" and case.get("includes"):
        correct = set(case["includes"]) <= {place_id(c) for c in r.candidates}
    wrong = r.status == "ok" and not correct
    return correct, wrong


def judge_named(case: dict[str, Any], r: Resolution) -> tuple[bool, bool]:
    """A places_named.yaml case: (right, confident_wrong)."""
    if r.status != "ok" or r.place is None:
        return False, False
    p = r.place
    right = p.state == case["state"]
    if right and "county" in case:
        right = case["county"] in p.counties or p.name == case["county"]
    if right and "name" in case:
        if case.get("exact_name"):
            right = p.name == case["name"]
        else:
            right = compact(normalize(p.name)) == compact(normalize(case["name"]))
    return right, not right


class Naive:
    """rapidfuzz WRatio over "City, ST" plus exact ZIPs."""

    def __init__(self, cutoff: float) -> None:
        gaz = load()
        self.gaz = gaz
        self.cutoff = cutoff
        self.ids = [pid for pid in range(len(gaz)) if gaz.kind(pid) == "city"]
        self.labels = [f"{gaz.name(pid)}, {gaz.state(pid)}" for pid in self.ids]

    def __call__(self, query: str) -> Resolution:
        from rapidfuzz import fuzz, process, utils

        m = re.search(r"\b(\d{5})\b", query)
        if m:
            zp = self.gaz.zip_place(m.group(1))
            if zp is not None:
                return Resolution(query=query, status="ok", place=zp)
        best = process.extractOne(
            query[:1000],
            self.labels,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=self.cutoff,
        )
        if not best:
            return Resolution(query=query, status="not_found")
        return Resolution(
            query=query, status="ok", place=self.gaz.place(self.ids[best[2]], best[1])
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cutoff", type=float, default=80.0, help="baseline's score cutoff")
    ap.add_argument(
        "--set", choices=("queries", "named"), default="queries", help="which query set"
    )
    args = ap.parse_args()
    source = NAMED if args.set == "named" else QUERIES
    cases: list[dict[str, Any]] = yaml.safe_load(source.read_text(encoding="utf-8"))
    queries = [c["q"] for c in cases]
    t0 = time.perf_counter()
    load()
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = resolve_many(queries)
    t_ours = time.perf_counter() - t0
    singles = [resolve(q) for q in queries]
    assert singles == ours, "resolve() and resolve_many() disagree"
    naive = Naive(args.cutoff)
    t0 = time.perf_counter()
    theirs = [naive(q) for q in queries]
    t_naive = time.perf_counter() - t0

    namesakes = via_city = (
        0  # confident wrong to a place named exactly as asked; right via the city
    )
    stats: dict[str, list[int]] = defaultdict(
        lambda: [0, 0, 0, 0, 0]
    )  # n, ours ok, ours wrong, naive ok, naive wrong
    failures = []
    for case, r, b in zip(cases, ours, theirs, strict=True):
        form = case["form"]
        c1, w1 = judge(case, r)
        c2, w2 = judge(case, b)
        for key in (form, "ALL"):
            s = stats[key]
            s[0] += 1
            s[1] += c1
            s[2] += w1
            s[3] += c2
            s[4] += w2
        if not c1:
            failures.append((case, r))
        if (
            w1
            and r.place is not None
            and normalize(r.place.name) == normalize(case["q"].rsplit(",", 1)[0])
        ):
            namesakes += 1
        if c1 and r.message and r.message.startswith("no place named"):
            via_city += 1
    print(f"{len(cases)} queries from {source.name}; index load {t_load * 1000:.0f} ms")
    print(
        f"{'form':28} {'n':>4} {'ours ok%':>9} {'ours wrong':>10} {'naive ok%':>10} {'naive wrong':>11}"
    )
    for form in sorted(stats, key=lambda f: (f == "ALL", f)):
        n, a, w, na, nw = stats[form]
        print(f"{form:28} {n:4d} {100 * a / n:9.1f} {w:10d} {100 * na / n:10.1f} {nw:11d}")
    if args.set == "named":
        print(
            f"of the confident-wrong answers, {namesakes} are a real place named exactly as asked in the state asked"
        )
        print(
            f"of the right answers, {via_city} are the city or borough named after the comma (the neighborhood itself is not held)"
        )
    print(
        f"time per query: ours {1000 * t_ours / len(cases):.3f} ms (batch path), "
        f"naive {1000 * t_naive / len(cases):.3f} ms; ratio naive/ours {t_naive / max(t_ours, 1e-9):.1f}x"
    )
    if failures:
        print("\nours, not as expected:")
        for case, r in failures:
            got = place_id(r.place) if r.place else ", ".join(place_id(c) for c in r.candidates[:3])
            want = case.get("place") or case.get("county") or case.get("name") or ""
            print(
                f"  [{case['form']}] {case['q'][:50]!r}: want {case['status']} {want} -> {r.status} {got}"
            )


if __name__ == "__main__":
    main()
