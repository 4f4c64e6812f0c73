"""Benchmark: `validate` on a generated 5,000-entry dataset vs a bare yaml.safe_load of the same file.

Usage: python bench/validate_bench.py [--entries 5000] [--repeat 3]

Prints, from one run on this machine: the best wall time of validate_file (in process), of
`crisisnav validate FILE` as a subprocess, and of yaml.safe_load (C loader when present); the
ratios; and the peak memory (max RSS) of the validate subprocess. Targets (DESIGN.md): validate
under 3 s, peak memory under 150 MB. The generated entries are FAKE (555-01xx numbers,
example.org sources) and are written to a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

KINDS = ["mobile-team", "community-responder", "crisis-line", "text-line", "chat", "warmline",
         "peer-line", "walk-in", "peer-respite", "directory", "co-responder", "police-cit"]  # fmt: skip
POLICE = ["none", "possible", "co-responder", "police"]
DISPATCH = ["direct", "via-988", "via-non-emergency", "via-911"]
AREAS = [
    "{national: true}",
    "{state: OR}",
    "{state: OR, county: Lane County}",
    "{state: OR, city: Eugene}",
    "{state: CA, county: Los Angeles County}",
    "{state: NY, city: New York}",
    "{state: TX, county: Harris County}",
    "{state: GA}",
]
HOURS = ['["24/7"]', '["mon-fri 08:00-17:00"]', '["daily 14:00-23:00"]',
         '["sat,sun 10:00-18:00", "fri 22:00-02:00"]']  # fmt: skip


def generate(n: int) -> str:
    out = [
        "# yaml-language-server: $schema=schema.json",
        "# GENERATED BENCHMARK DATA - FAKE ENTRIES",
        "schema_version: 1",
        "resources:",
    ]
    for i in range(n):
        hours = HOURS[i % len(HOURS)]
        out += [
            f"  - id: bench-entry-{i}",
            f"    name: Bench Entry {i}",
            f"    kind: {KINDS[i % len(KINDS)]}",
            f"    police: {POLICE[i % len(POLICE)]}",
            "    police_note: A sentence about when police can get involved.",
            f"    dispatch: {DISPATCH[i % len(DISPATCH)]}",
            "    serves:",
            f"      - {AREAS[i % len(AREAS)]}",
            "    contacts:",
            f'      - {{type: phone, value: "541-555-01{i % 100:02d}", label: Main line}}',
            '      - {type: text, value: "741741", keyword: HOME}',
            f'      - {{type: web, value: "https://example.org/bench/{i}"}}',
            f"    hours: {hours}",
        ]
        if hours != '["24/7"]':
            out.append("    timezone: America/Los_Angeles")
        out += [
            "    audiences: [youth]" if i % 5 == 0 else "    audiences: []",
            "    languages: [en, es]",
            "    how_to_ask: Ask for the crisis team.",
            "    caveats: [Adults only.]",
            "    status: active",
            "    verified: 2026-11-01",
            f'    sources: ["https://example.org/source/{i}"]',
        ]
    return "\n".join(out) + "\n"


_HELPER = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True)
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
if proc.returncode != 0:
    sys.stderr.write(proc.stdout.decode()[:500] + proc.stderr.decode()[:500])
    sys.exit(1)
print(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss)
"""


def best(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall time and best CPU time (this process) over repeat runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import yaml

    from crisisnav.validate import validate_file

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "resources.yaml"
        # one cache dir for this run: the in-process runs below warm the gazetteer cache, so the
        # measured subprocesses (the only children, hence the only ones in RUSAGE_CHILDREN) are warm
        os.environ["CRISISNAV_CACHE_DIR"] = str(Path(tmp) / "cache")
        path.write_text(generate(args.entries), encoding="utf-8")
        size_mb = path.stat().st_size / 1e6

        problems = validate_file(path)
        errs = [p for p in problems if p.severity == "error"]
        if errs:
            print(f"generated data has errors, e.g. {errs[0]}", file=sys.stderr)
            return 1

        def bare() -> None:
            with open(path, encoding="utf-8") as fh:
                yaml.load(fh, Loader=loader)  # noqa: S506 - CSafeLoader/SafeLoader only

        t_bare, cpu_bare = best(bare, args.repeat)
        t_validate, cpu_validate = best(lambda: validate_file(path), args.repeat)

        env = dict(os.environ)
        cmd = [sys.executable, "-m", "crisisnav", "validate", str(path)]
        # Each run is started by a tiny helper process: on Linux a child's ru_maxrss includes the
        # RSS of the process that forked it, and this one holds a parsed 5,000-entry file.
        helper = [sys.executable, "-c", _HELPER, *cmd]
        t_cli = cpu_cli = 1e9
        peak_kb = 0
        for _ in range(args.repeat):
            proc = subprocess.run(helper, capture_output=True, text=True, env=env)
            if proc.returncode != 0:
                print(proc.stdout[:500], proc.stderr[:500], file=sys.stderr)
                return 1
            wall, cpu, maxrss = proc.stdout.split()[-3:]
            t_cli, cpu_cli = min(t_cli, float(wall)), min(cpu_cli, float(cpu))
            peak_kb = max(peak_kb, int(maxrss))

    print(f"dataset: {args.entries} entries, {size_mb:.1f} MB; best of {args.repeat}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    print("                                  wall      cpu      ratio to yaml.load (wall / cpu)")
    print(f"yaml.load ({loader.__name__}):     {t_bare:7.3f} s {cpu_bare:7.3f} s")
    print(f"validate_file (in process):     {t_validate:7.3f} s {cpu_validate:7.3f} s  "
          f"{t_validate / t_bare:.2f}x / {cpu_validate / cpu_bare:.2f}x")  # fmt: skip
    print(f"crisisnav validate (subprocess): {t_cli:6.3f} s {cpu_cli:7.3f} s  "
          f"{t_cli / t_bare:.2f}x / {cpu_cli / cpu_bare:.2f}x (includes start-up)")  # fmt: skip
    print(f"peak RSS of the validate subprocess: {peak_kb / 1024:.0f} MB")
    ok = t_cli < 3.0 and peak_kb / 1024 < 150
    print(f"target (< 3 s, < 150 MB): {'met' if ok else 'NOT met'}")
    return 0 if ok else 2


if __name__ == "__main__":
    raise SystemExit(main())
