"""`python -m crisisnav` and the `crisisnav` console script.

The CLI is imported inside run(), so a Ctrl-C that lands while Python is still importing Typer
exits 130 with one line, like a Ctrl-C anywhere else, never with a traceback.
"""

from __future__ import annotations

import sys


def run() -> None:
    try:
        from crisisnav.cli import main

        main()
    except KeyboardInterrupt:
        try:
            sys.stderr.write("crisisnav: interrupted\n")
        except (OSError, ValueError):
            pass
        raise SystemExit(130) from None


if __name__ == "__main__":
    run()
