"""How long `symnn verify` of the shipped catalog takes, as ratios to
`python -c 'import sympy, numpy'` measured in the same run (so a busy machine slows both).

    python bench/verify_speed.py [--jobs N] [--rounds R]

cold: an empty verification cache (every formula verified, in parallel on the cores);
warm: the cache filled by the cold run; serial: one job, no cache (the old behaviour).
Goals (issue 16): cold <= 8x, warm <= 3x the import.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def _seconds(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None, help="symnn verify --jobs")
    parser.add_argument("--rounds", type=int, default=1, help="cold/warm pairs to time")
    parser.add_argument("--serial", action="store_true", help="also time --jobs 1 --no-cache")
    args = parser.parse_args()
    py = sys.executable
    verify = [py, "-m", "symnn", "verify"] + ([f"--jobs={args.jobs}"] if args.jobs else [])
    imports, cold, warm = [], [], []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "SYMNN_CACHE_DIR": cache}
            imports.append(_seconds([py, "-c", "import sympy, numpy"], env))
            cold.append(_seconds(verify, env))
            warm.append(_seconds(verify, env))
            imports.append(_seconds([py, "-c", "import sympy, numpy"], env))
    base = statistics.median(imports)
    rows = [("import sympy, numpy", base), ("verify cold (empty cache)", statistics.median(cold)),
            ("verify warm (cache filled)", statistics.median(warm))]
    if args.serial:
        rows.append(("verify --jobs 1 --no-cache", _seconds(
            [py, "-m", "symnn", "verify", "--jobs=1", "--no-cache"], dict(os.environ))))
    print(f"cores available: {len(os.sched_getaffinity(0))}")
    for name, sec in rows:
        print(f"{name:30s} {sec:7.2f} s  {sec / base:6.1f}x import")
    print("goals: cold <= 8x, warm <= 3x")


if __name__ == "__main__":
    main()
