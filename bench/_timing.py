"""Round-robin timing shared by the benchmarks: every kernel runs in every round, so a slow
moment of the shared machine hits all of them; the median and the fastest round per call are
kept (another process can only add time, so the fastest round is the least disturbed)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def round_times(kernels: dict[str, Callable[[], object]], rounds: int,
                calls: int) -> dict[str, list[float]]:
    """Seconds per call of each kernel in each of ``rounds`` rounds of ``calls`` calls."""
    times: dict[str, list[float]] = {k: [] for k in kernels}
    for _ in range(rounds):
        for name, fn in kernels.items():
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            times[name].append((time.perf_counter() - start) / calls)
    return times


def median_times(kernels: dict[str, Callable[[], object]], rounds: int,
                 calls: int) -> dict[str, float]:
    """Median seconds per call of each kernel over ``rounds`` rounds of ``calls`` calls."""
    return {k: statistics.median(v) for k, v in round_times(kernels, rounds, calls).items()}


def median_and_min(kernels: dict[str, Callable[[], object]], rounds: int,
                   calls: int) -> tuple[dict[str, float], dict[str, float]]:
    """(median, fastest round) seconds per call of each kernel."""
    times = round_times(kernels, rounds, calls)
    return ({k: statistics.median(v) for k, v in times.items()},
            {k: min(v) for k, v in times.items()})
