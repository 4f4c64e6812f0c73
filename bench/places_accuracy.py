"""Accuracy of the places resolver on tests/data/places_queries.yaml, split by form, with the
number of confident-wrong answers, beside a naive baseline scored on the same set in the same run.

Naive baseline (the issue's): an exact 5-digit ZIP, else rapidfuzz process.extractOne with
WRatio over every "City, ST" label; it answers `ok` when the score reaches --cutoff, else
`not_found`; it never asks.

Scoring per case: correct when the status is the expected one (or one of them) and, for `ok`,
the place is the expected one; for `ambiguous`, the expected places are among the candidates.
Confident wrong: the answer was `ok` but the expected status was not `ok` or the place differs.

    python bench/places_accuracy.py [--cutoff 80]
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
from crisisnav.resolve import resolve, resolve_many

QUERIES = Path(__file__).resolve().parent.parent / "tests" / "data" / "places_queries.yaml"


def place_id(p: Place) -> str:
    if p.kind == "zip":
        return f"zip:{p.zip}"
    if p.kind == "state":
        return f"state:{p.state}"
    return f"{p.kind}:{p.name}, {p.state}"


def judge(case: dict[str, Any], r: Resolution) -> tuple[bool, bool]:
    """(correct, confident_wrong)."""
    want = case["status"] if isinstance(case["status"], list) else [case["status"]]
    correct = r.status in want
    if correct and r.status == "ok":
        correct = r.place is not None and place_id(r.place) == case.get("place")
    if correct and r.status == "ambiguous" and case.get("includes"):
        correct = set(case["includes"]) <= {place_id(c) for c in r.candidates}
    wrong = r.status == "ok" and not correct
    return correct, wrong


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
            query[:1000], self.labels, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=self.cutoff
        )
        if not best:
            return Resolution(query=query, status="not_found")
        return Resolution(query=query, status="ok", place=self.gaz.place(self.ids[best[2]], best[1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cutoff", type=float, default=80.0, help="baseline's score cutoff")
    args = ap.parse_args()
    cases: list[dict[str, Any]] = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
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

    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])  # n, ours ok, ours wrong, naive ok, naive wrong
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
    print(f"{len(cases)} queries from {QUERIES.name}; index load {t_load * 1000:.0f} ms")
    print(f"{'form':28} {'n':>4} {'ours ok%':>9} {'ours wrong':>10} {'naive ok%':>10} {'naive wrong':>11}")
    for form in sorted(stats, key=lambda f: (f == "ALL", f)):
        n, a, w, na, nw = stats[form]
        print(f"{form:28} {n:4d} {100 * a / n:9.1f} {w:10d} {100 * na / n:10.1f} {nw:11d}")
    print(
        f"time per query: ours {1000 * t_ours / len(cases):.3f} ms (batch path), "
        f"naive {1000 * t_naive / len(cases):.3f} ms; ratio naive/ours {t_naive / max(t_ours, 1e-9):.1f}x"
    )
    if failures:
        print("\nours, not as expected:")
        for case, r in failures:
            got = place_id(r.place) if r.place else ", ".join(place_id(c) for c in r.candidates[:3])
            print(f"  [{case['form']}] {case['q'][:50]!r}: want {case['status']} {case.get('place') or ''} -> {r.status} {got}")


if __name__ == "__main__":
    main()
