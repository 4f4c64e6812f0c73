"""Batch resolution speed: 10,000 messy queries generated from the gazetteer (typos, case,
abbreviations, ZIPs, ZIP+4, counties, states, junk) through resolve_many, with the naive
baseline's rate (rapidfuzz WRatio over "City, ST" + exact ZIPs) measured on a sample in the
same run, and the peak memory of the process after the batch (ru_maxrss).

Also reports how often each answer agrees with the place a query was generated from: `ok` to
the source place, `ambiguous` (a question), `ok` to another place ("confident different": a
typo can turn one real name into another, so this is an upper bound on wrong answers).

    python bench/places_batch.py [--n 10000] [--seed 7] [--naive-sample 300]
Targets (DESIGN.md): >= 5,000 queries/s; peak memory < 150 MB.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crisisnav.gazetteer import Gazetteer, load  # noqa: E402
from crisisnav.normalize import STATES  # noqa: E402
from crisisnav.resolve import resolve_many  # noqa: E402
from places_accuracy import Naive, place_id  # noqa: E402

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    if op == 0:  # deletion
        return word[:i] + word[i + 1 :]
    if op == 1:  # adjacent swap
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == 2:  # substitution
        return word[:i] + rng.choice(LETTERS) + word[i + 1 :]
    return word[:i] + rng.choice(LETTERS) + word[i:]  # insertion


def generate(gaz: Gazetteer, n: int, seed: int) -> list[tuple[str, str, str | None]]:
    """(form, query, expected place id or None)."""
    rng = random.Random(seed)
    cities = [p for p in range(len(gaz)) if gaz.kind(p) == "city" and gaz.state(p) in STATES]
    big = [p for p in cities if gaz.zips(p) >= 10]
    counties = [
        p for p in range(len(gaz)) if gaz.kind(p) == "county" and gaz.name(p).endswith(" County")
    ]
    zips = gaz.zip_codes()
    weights = [gaz.zips(p) for p in cities]
    out: list[tuple[str, str, str | None]] = []
    while len(out) < n:
        r = rng.random()
        city = rng.choices(cities, weights)[0] if rng.random() < 0.5 else rng.choice(cities)
        name, st = gaz.name(city), gaz.state(city)
        cid = place_id(gaz.place(city))
        if r < 0.15:
            out.append(("City, ST", f"{name}, {st}", cid))
        elif r < 0.25:
            out.append(("city st lower", f"{name.lower()} {st.lower()}", cid))
        elif r < 0.30:
            out.append(("CITY STATENAME", f"{name.upper()} {STATES[st].upper()}", cid))
        elif r < 0.50:
            out.append(("typo with state", f"{typo(rng, name)}, {st}", cid))
        elif r < 0.58:
            b = rng.choice(big)
            out.append(
                ("typo, big city, no state", typo(rng, gaz.name(b)).lower(), place_id(gaz.place(b)))
            )
        elif r < 0.62:
            b = rng.choice(big)
            out.append(("big city, no state", gaz.name(b), place_id(gaz.place(b))))
        elif r < 0.77:
            z = rng.choice(zips)
            out.append(("ZIP", z, f"zip:{z}"))
        elif r < 0.82:
            z = rng.choice(zips)
            out.append(("ZIP+4", f"{z}-{rng.randrange(10000):04d}", f"zip:{z}"))
        elif r < 0.88:
            c = rng.choice(counties)
            out.append(("X County, ST", f"{gaz.name(c)}, {gaz.state(c)}", place_id(gaz.place(c))))
        elif r < 0.93:
            c = rng.choice(counties)
            base = gaz.name(c)[: -len(" County")]
            out.append(("X Co ST", f"{base} Co {gaz.state(c)}", place_id(gaz.place(c))))
        elif r < 0.97:
            s = rng.choice(sorted(STATES))
            out.append(("state", rng.choice([STATES[s], s, STATES[s].lower()]), f"state:{s}"))
        else:
            junk = "".join(rng.choice(LETTERS + "  ") for _ in range(rng.randrange(3, 14)))
            out.append(("junk", junk, None))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--naive-sample", type=int, default=300)
    args = ap.parse_args()
    # build the cached index in another process first, so this one measures the warm batch path
    subprocess.run(
        [sys.executable, "-c", "from crisisnav.gazetteer import load; load()"], check=True
    )
    t0 = time.perf_counter()
    gaz = load()
    t_load = time.perf_counter() - t0
    cases = generate(gaz, args.n, args.seed)
    queries = [q for _, q, _ in cases]
    t0 = time.perf_counter()
    results = resolve_many(queries)
    t_batch = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    rate = len(queries) / t_batch

    naive = Naive(80.0)
    sample = queries[: args.naive_sample]
    t0 = time.perf_counter()
    naive_results = [naive(q) for q in sample]
    t_naive = time.perf_counter() - t0
    naive_rate = len(sample) / t_naive

    def tally(pairs: list[tuple[tuple[str, str, str | None], object]]) -> Counter[str]:
        c: Counter[str] = Counter()
        for (_form, _q, want), r in pairs:
            status = r.status  # type: ignore[attr-defined]
            place = r.place  # type: ignore[attr-defined]
            if want is None:
                c["ok-different" if status == "ok" else "no answer (junk)"] += 1
            elif status == "ok":
                c["ok-source" if place_id(place) == want else "ok-different"] += 1
            else:
                c[status] += 1
        return c

    ours = tally(list(zip(cases, results, strict=True)))
    theirs = tally(list(zip(cases[: len(sample)], naive_results, strict=True)))
    ours_sample = tally(list(zip(cases[: len(sample)], results[: len(sample)], strict=True)))
    print(f"{len(queries)} messy queries (seed {args.seed}); index load {t_load * 1000:.0f} ms")
    print(f"batch: {t_batch:.2f} s = {rate:,.0f} queries/s   target >= 5,000")
    print(
        f"naive baseline on the first {len(sample)}: {naive_rate:,.0f} queries/s ({1000 / naive_rate:.1f} ms/query)"
    )
    print(f"speed ratio ours/naive: {rate / naive_rate:.0f}x")
    print(f"peak memory (ru_maxrss) after the batch: {peak_mb:.0f} MB   target < 150 MB")
    print("answers vs the source place, all queries (ours):", dict(sorted(ours.items())))
    print(
        f"same first {len(sample)} queries: ours",
        dict(sorted(ours_sample.items())),
        "naive",
        dict(sorted(theirs.items())),
    )
    forms = Counter(f for f, _, _ in cases)
    print("forms:", dict(sorted(forms.items())))


if __name__ == "__main__":
    main()
