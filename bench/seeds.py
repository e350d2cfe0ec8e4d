"""No false refutation: the true catalog ends as its files expect for many sampling seeds.

Run: python bench/seeds.py [N] [--start S] [--workers W]   (default: seeds 0 .. 999, 2 processes)
Prints every seed and formula that did not end as expected (there should be none), and the time.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time

from symnn.catalog import CatalogError, load_catalog
from symnn.check import verify_formula

CATALOG = [f for f in load_catalog() if not isinstance(f, CatalogError)]


def run(seed: int) -> list[str]:
    """The formulas that did not end as expected with this seed, with why."""
    bad = []
    for formula in CATALOG:
        r = verify_formula(formula, seed=seed)
        if not r.as_expected:
            why = r.error or "; ".join(c.detail for c in r.checks if not c.ok)
            bad.append(f"seed {seed}: {formula.id}: {r.status}: {why[:300]}")
    return bad


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--start", type=int, default=0, help="the first seed")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    start = time.perf_counter()
    failures: list[str] = []
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        for k, bad in enumerate(pool.imap_unordered(
                run, range(args.start, args.start + args.n), chunksize=4), 1):
            failures += bad
            for line in bad:
                print(" ", line, flush=True)
            if k % 50 == 0:
                print(f"  {k} seeds, {len(failures)} false refutations, "
                      f"{time.perf_counter() - start:.0f} s", flush=True)
    took = time.perf_counter() - start
    print(f"{args.n} seeds from {args.start} x {len(CATALOG)} formulas: {len(failures)} not "
          "as expected; "
          f"{took:.0f} s ({took / args.n:.2f} s per seed with {args.workers} workers)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
