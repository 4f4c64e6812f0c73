"""Benchmark: one-page PDF sheets for the 100 biggest US cities in one batch (target: < 30 s).

    /work/venv/bin/python bench/sheet_batch.py                 # the real CLI, as a subprocess
    /work/venv/bin/python bench/sheet_batch.py --in-process    # sheets only (no resolver, no start-up)
    options: --n 100  --format pdf|html  --data PATH  --keep DIR

The cities are `gazetteer.load().top_cities(n)` (the gazetteer ranks cities by ZIP-code count,
its stand-in for population). The CLI mode writes them as "City, ST" lines, runs
`python -m crisisnav sheet --batch FILE --out-dir DIR --format pdf` and times the whole run
(process start-up, dataset load, resolving, ranking, rendering, writing). Afterwards, outside
the timing, every PDF written is read back with pypdf to check it has exactly one page.
Prints what it measured; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def _queries(n: int) -> list[str]:
    from crisisnav import gazetteer

    return [f"{p.name}, {p.state}" for p in gazetteer.load().top_cities(n)]


def run_cli(
    queries: list[str], out_dir: Path, fmt: str, data: str | None
) -> tuple[float, int, str]:
    src = out_dir.parent / "cities.txt"
    src.write_text("\n".join(queries) + "\n", encoding="utf-8")
    cmd = [
        sys.executable,
        "-m",
        "crisisnav",
        "sheet",
        "--batch",
        str(src),
        "--out-dir",
        str(out_dir),
        "--format",
        fmt,
    ]
    if data:
        cmd += ["--data", data]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t0
    print("command:", " ".join(cmd[1:]))
    return elapsed, proc.returncode, proc.stderr


def run_in_process(n: int, out_dir: Path, fmt: str, data: str | None) -> tuple[float, int, str]:
    from crisisnav import dataset, gazetteer
    from crisisnav.commands.sheet import SheetOptions, make_sheet, render
    from crisisnav.models import Resolution
    from crisisnav.render.sheet_model import slug

    t0 = time.perf_counter()
    ds = dataset.load(data)
    places = gazetteer.load().top_cities(n)
    opts = SheetOptions()
    today = date.today()
    seen: set[str] = set()
    for p in places:
        res = Resolution(query=p.name, status="ok", place=p)
        name = slug(p)
        k = 2
        while name in seen:
            name, k = f"{slug(p)}-{k}", k + 1
        seen.add(name)
        (out_dir / f"{name}.{fmt}").write_bytes(
            render(make_sheet(ds, res, opts, printed=today), fmt, "letter")
        )
    return time.perf_counter() - t0, 0, ""


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--format", default="pdf", choices=("pdf", "html"))
    ap.add_argument("--data", default=None)
    ap.add_argument(
        "--keep", default=None, help="write the sheets here (must not exist) instead of a temp dir"
    )
    ap.add_argument("--in-process", action="store_true")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="crisisnav-bench-") as tmp:
        out_dir = Path(args.keep) if args.keep else Path(tmp) / "sheets"
        out_dir.mkdir(parents=True, exist_ok=False)
        if args.in_process:
            elapsed, code, stderr = run_in_process(args.n, out_dir, args.format, args.data)
            mode = "in-process (render + write only)"
        else:
            queries = _queries(args.n)
            elapsed, code, stderr = run_cli(queries, out_dir, args.format, args.data)
            mode = "CLI subprocess (start-up + resolve + rank + render + write)"
        files = sorted(out_dir.glob(f"*.{args.format}"))
        one_page = 0
        if args.format == "pdf":
            from pypdf import PdfReader

            one_page = sum(
                1 for f in files if len(PdfReader(io.BytesIO(f.read_bytes())).pages) == 1
            )
        total_bytes = sum(f.stat().st_size for f in files)
        print(f"mode: {mode}")
        print(f"places asked: {args.n}; files written: {len(files)}; exit code: {code}")
        if args.format == "pdf":
            print(f"PDFs with exactly one page: {one_page}/{len(files)}")
        print(f"total size: {total_bytes / 1e6:.1f} MB")
        print(
            f"wall time: {elapsed:.2f} s ({elapsed / max(len(files), 1) * 1000:.0f} ms per file); target < 30 s"
        )
        if stderr.strip():
            print("stderr (last lines):")
            for line in stderr.strip().splitlines()[-8:]:
                print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
