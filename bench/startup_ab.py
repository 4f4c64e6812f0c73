"""Warm `lookup "Eugene, OR"` before and after a change, against a bare Typer app, in one run.

    python bench/startup_ab.py [--before REV] [--runs 40]

The tree at REV (default HEAD~1) is checked out into a temporary git worktree; the three
commands (a bare Typer hello app, crisisnav from REV, crisisnav from this checkout, both as
`python -m crisisnav` with PYTHONPATH set to their src/) are run interleaved, each with its own
warmed private cache directory and stdout piped. Interleaving puts every command under the same
load, so the ratios stay comparable on a shared machine where bench/startup.py's absolute
numbers drift. Prints the median and the minimum of each and the ratios to hello (target 1.3).
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from startup import HELLO  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default="HEAD~1")
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--query", default="Eugene, OR")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cnav-ab-"))
    before = tmp / "before"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(before), args.before],
        check=True,
    )
    try:
        hello = tmp / "hello.py"
        hello.write_text(HELLO, encoding="utf-8")
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # both sides use their compiled modules

        def crisisnav(src: Path, name: str) -> tuple[list[str], dict[str, str]]:
            cache = tmp / f"cache-{name}"
            cache.mkdir()
            e = dict(env, PYTHONPATH=str(src), CRISISNAV_CACHE_DIR=str(cache))
            return [sys.executable, "-m", "crisisnav", "lookup", args.query], e

        cmds = {
            "hello": ([sys.executable, str(hello)], env),
            "before": crisisnav(before / "src", "before"),
            "after": crisisnav(ROOT / "src", "after"),
        }
        for cmd, e in cmds.values():  # warm: caches, compiled modules
            for _ in range(3):
                subprocess.run(cmd, env=e, capture_output=True, check=True)
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for _ in range(args.runs):
            for name, (cmd, e) in cmds.items():
                start = time.perf_counter()
                subprocess.run(cmd, env=e, capture_output=True, check=True)
                times[name].append((time.perf_counter() - start) * 1000)
        print(
            f"warm lookup {args.query!r}, {args.runs} interleaved runs each; before = {args.before}"
        )
        for name, v in times.items():
            print(f"  {name:7} median {statistics.median(v):6.1f} ms   min {min(v):6.1f} ms")
        h_med, h_min = statistics.median(times["hello"]), min(times["hello"])
        for name in ("before", "after"):
            v = times[name]
            print(
                f"ratio {name:6} / hello: median {statistics.median(v) / h_med:.2f}, "
                f"min {min(v) / h_min:.2f}   (target <= 1.30)"
            )
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], check=False
        )
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
