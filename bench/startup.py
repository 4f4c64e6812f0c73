"""Start-up cost of a warm `crisisnav lookup "Eugene, OR"` (piped, so plain text) against a bare
Typer hello-world app in the same venv, both measured in this one run (DESIGN.md, Targets:
ratio <= 1.3).

    python bench/startup.py [--runs 40] [--query "Eugene, OR"]

Method: one private cache directory, warmed first (gazetteer index + dataset JSON); then the
two commands are run alternately, each with stdout piped, and the median wall time of each
is reported with the ratio. It also lists any heavy module (yaml, rapidfuzz, zipcodes, rich,
fpdf, phonenumbers) that the warm lookup imports, from `python -X importtime`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELLO = '''import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")


if __name__ == "__main__":
    app()
'''
HEAVY = ("yaml", "rapidfuzz", "zipcodes", "rich", "fpdf", "phonenumbers")


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {cmd}\n{proc.stderr.decode(errors='replace')}")
    return elapsed


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
        script = Path(sys.executable).with_name("crisisnav")
        lookup = [str(script)] if script.exists() else [sys.executable, "-m", "crisisnav"]
        lookup = [*lookup, "lookup", args.query]
        bare = [sys.executable, str(hello)]
        for _ in range(3):  # warm the cache and the OS file cache
            timed(lookup, env)
            timed(bare, env)
        t_lookup: list[float] = []
        t_bare: list[float] = []
        for _ in range(args.runs):
            t_bare.append(timed(bare, env))
            t_lookup.append(timed(lookup, env))
        m_lookup = statistics.median(t_lookup)
        m_bare = statistics.median(t_bare)
        py_lookup = [sys.executable, "-m", "crisisnav", "lookup", args.query]
        heavy = heavy_imports(py_lookup, env)
        print(f"command: {' '.join(lookup)}   (stdout piped -> plain; warm cache)")
        print(f"runs: {args.runs} each, alternating")
        print(f"bare typer hello  median {m_bare * 1000:7.1f} ms")
        print(f"crisisnav lookup  median {m_lookup * 1000:7.1f} ms")
        print(f"ratio lookup/hello: {m_lookup / m_bare:.2f}  (target <= 1.30)")
        print(f"heavy modules imported by the warm lookup: {', '.join(heavy) or 'none'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
