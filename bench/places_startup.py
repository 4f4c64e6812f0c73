"""Start-up cost of `crisisnav places "eugene or"` against a bare Typer hello app, same venv.

Measures, in one run:
- first run after install: a fresh, empty cache directory (the gazetteer index is built);
- warm runs: the cache filled; medians over many alternating runs of both programs.
Target (DESIGN.md): warm places <= 1.3x the hello app; first run < 3 s.

Byte-code caching is switched on for the measured processes (PYTHONDONTWRITEBYTECODE is
removed from their environment), as a pip-installed package has its .pyc files.

    python bench/places_startup.py [--runs 40]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELLO = """
import typer

app = typer.Typer()


@app.command()
def hello(name: str) -> None:
    typer.echo(f"hello {name}")


app()
"""


def _time(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(
            f"{cmd} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}"
        )
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--query", default="eugene or")
    args = ap.parse_args()
    py = sys.executable
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO)
        env["CRISISNAV_CACHE_DIR"] = str(Path(tmp) / "cache")
        places = [py, "-m", "crisisnav", "places", args.query]
        hello_cmd = [py, str(hello), "world"]
        # byte-code for both, as after an install, before the first-run measurement
        subprocess.run([py, "-m", "compileall", "-q", str(hello)], env=env, check=False)
        import crisisnav

        subprocess.run(
            [py, "-m", "compileall", "-q", str(Path(crisisnav.__file__).parent)],
            env=env,
            check=False,
        )
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        first = _time(places, env)  # empty cache: builds the index
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        first_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        for _ in range(3):  # warm both
            _time(places, env)
            _time(hello_cmd, env)
        t_places: list[float] = []
        t_hello: list[float] = []
        for _ in range(args.runs):
            t_hello.append(_time(hello_cmd, env))
            t_places.append(_time(places, env))
        mh, mp = statistics.median(t_hello), statistics.median(t_places)
        print(
            f"first run after install (empty cache): {first * 1000:.0f} ms wall, "
            f"{first_cpu * 1000:.0f} ms CPU (user+sys)   target < 3000 ms"
        )
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"typer hello median over {args.runs}: {mh * 1000:.1f} ms")
        print(f"crisisnav places {args.query!r} median over {args.runs}: {mp * 1000:.1f} ms")
        print(f"ratio places / hello: {mp / mh:.2f}   target <= 1.30")


if __name__ == "__main__":
    main()
