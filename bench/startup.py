"""Start-up cost of a warm `crisisnav lookup "Eugene, OR"` (piped, so plain text) against a bare
Typer hello-world app in the same venv, both measured in this one run (DESIGN.md, Targets:
ratio <= 1.3).

    python bench/startup.py [--runs 40] [--query "Eugene, OR"]

Method: one private cache directory, warmed first (gazetteer index + dataset JSON); then the
two commands are run alternately, each with stdout piped, and the median wall time of each
is reported with the ratio (and, since a shared machine makes wall time noisy, the median
CPU time of each as a second view). It also lists any heavy module (yaml, rapidfuzz, zipcodes, rich,
fpdf, phonenumbers) that the warm lookup imports, from `python -X importtime`.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELLO = """import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")


if __name__ == "__main__":
    app()
"""
HEAVY = ("yaml", "rapidfuzz", "zipcodes", "rich", "fpdf", "phonenumbers")


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds user+sys) of one run with stdout piped."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(
            f"command failed ({proc.returncode}): {cmd}\n{proc.stderr.decode(errors='replace')}"
        )
    return elapsed, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def heavy_imports(cmd: list[str], env: dict[str, str]) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *cmd[1:]] if cmd[0] == sys.executable else cmd,
        env=dict(env, PYTHONPROFILEIMPORTTIME="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    found = set()
    for line in proc.stderr.decode(errors="replace").splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        name = line.rsplit("|", 1)[1].strip()
        top = name.split(".")[0]
        if top in HEAVY:
            found.add(top)
    return sorted(found)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--query", default="Eugene, OR")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="crisisnav-bench-"))
    try:
        hello = tmp / "hello.py"
        hello.write_text(HELLO, encoding="utf-8")
        env = dict(os.environ, CRISISNAV_CACHE_DIR=str(tmp / "cache"))
        env.pop("CRISISNAV_DATA", None)
        # An installed package has its byte code cached (pip compiles it); a shell that sets
        # PYTHONDONTWRITEBYTECODE would make every run recompile crisisnav from source while the
        # bare app's framework is already compiled, so both are measured with caching on.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        script = Path(sys.executable).with_name("crisisnav")
        lookup = [str(script)] if script.exists() else [sys.executable, "-m", "crisisnav"]
        lookup = [*lookup, "lookup", args.query]
        bare = [sys.executable, str(hello)]
        for _ in range(3):  # warm the cache and the OS file cache
            timed(lookup, env)
            timed(bare, env)
        t_lookup: list[tuple[float, float]] = []
        t_bare: list[tuple[float, float]] = []
        for _ in range(args.runs):
            t_bare.append(timed(bare, env))
            t_lookup.append(timed(lookup, env))
        m_lookup = statistics.median(t for t, _ in t_lookup)
        m_bare = statistics.median(t for t, _ in t_bare)
        c_lookup = statistics.median(c for _, c in t_lookup)
        c_bare = statistics.median(c for _, c in t_bare)
        py_lookup = [sys.executable, "-m", "crisisnav", "lookup", args.query]
        heavy = heavy_imports(py_lookup, env)
        print(f"command: {' '.join(lookup)}   (stdout piped -> plain; warm cache)")
        print(f"runs: {args.runs} each, alternating")
        print(f"bare typer hello  median {m_bare * 1000:7.1f} ms")
        print(f"crisisnav lookup  median {m_lookup * 1000:7.1f} ms")
        print(f"ratio lookup/hello (wall): {m_lookup / m_bare:.2f}  (target <= 1.30)")
        print(
            f"CPU user+sys medians: hello {c_bare * 1000:.1f} ms, lookup {c_lookup * 1000:.1f} ms, "
            f"ratio {c_lookup / c_bare:.2f} (less sensitive to other load on the machine)"
        )
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"heavy modules imported by the warm lookup: {', '.join(heavy) or 'none'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
