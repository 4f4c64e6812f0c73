"""Rebuild src/crisisnav/data/gazetteer-index.bin, the places index shipped in the package.

Run it after changing gazetteer.py, normalize.py or data/aliases.yaml, or after moving to a new
zipcodes release; tests/test_places_shipped_index.py fails until you do. At run time the shipped
index is used only when its key matches what is installed; otherwise crisisnav builds its own.
"""

from __future__ import annotations

import time

from crisisnav import gazetteer_store as gazetteer


def main() -> None:
    start = time.perf_counter()
    size = gazetteer.write_shipped_index()
    took = time.perf_counter() - start
    print(f"wrote {gazetteer.SHIPPED_INDEX} ({size:,} bytes) in {took:.1f} s")
    print(f"key: {gazetteer.shipped_key()[:120]}...")


if __name__ == "__main__":
    main()
