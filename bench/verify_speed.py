"""How long `symnn verify` of the shipped catalog takes, as ratios to
`python -c 'import sympy, numpy'` measured in the same run (so a busy machine slows both).

    python bench/verify_speed.py [--jobs N] [--rounds R]

cold: an empty verification cache (every formula verified, in parallel on the cores);
warm: the cache filled by the cold run; serial: one job, no cache (the old behaviour). Each
row also prints the CPU seconds used (the command and its children): on a shared machine the
wall ratio follows the other users' load, the CPU time much less.
Goals (issue 16): cold <= 8x, warm <= 3x the import. To time another checkout, run this from
that checkout's folder: ``python -m symnn`` imports symnn from the current folder first,
whatever PYTHONPATH says.
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

CPU: list[float] = []  # CPU seconds (user + system, the command and its children) per run


def _seconds(cmd: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
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
    cpu: dict[str, list[float]] = {"import": [], "cold": [], "warm": []}
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "SYMNN_CACHE_DIR": cache}
            for name, times, cmd in (("import", imports, [py, "-c", "import sympy, numpy"]),
                                     ("cold", cold, verify), ("warm", warm, verify),
                                     ("import", imports, [py, "-c", "import sympy, numpy"])):
                times.append(_seconds(cmd, env))
                cpu[name].append(CPU[-1])
    base = statistics.median(imports)
    rows = [("import sympy, numpy", base, statistics.median(cpu["import"])),
            ("verify cold (empty cache)", statistics.median(cold), statistics.median(cpu["cold"])),
            ("verify warm (cache filled)", statistics.median(warm), statistics.median(cpu["warm"]))]
    if args.serial:
        sec = _seconds([py, "-m", "symnn", "verify", "--jobs=1", "--no-cache"], dict(os.environ))
        rows.append(("verify --jobs 1 --no-cache", sec, CPU[-1]))
    print(f"cores available: {len(os.sched_getaffinity(0))}; load average "
          f"{os.getloadavg()[0]:.1f} (wall ratios grow with the other users' load; CPU less)")
    for name, sec, used in rows:
        print(f"{name:30s} {sec:7.2f} s  {sec / base:6.1f}x import   CPU {used:6.2f} s")
    print("goals: cold <= 8x, warm <= 3x")


if __name__ == "__main__":
    main()
