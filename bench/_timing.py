"""Round-robin timing shared by the benchmarks: every kernel runs in every round, so a slow
moment of the shared machine hits all of them, and the median per call is kept."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_times(kernels: dict[str, Callable[[], object]], rounds: int,
                 calls: int) -> dict[str, float]:
    """Median seconds per call of each kernel over ``rounds`` rounds of ``calls`` calls."""
    times: dict[str, list[float]] = {k: [] for k in kernels}
    for _ in range(rounds):
        for name, fn in kernels.items():
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            times[name].append((time.perf_counter() - start) / calls)
    return {k: statistics.median(v) for k, v in times.items()}
