"""Verify many formulas: from the cache when it holds them, else in forked children under the
time and memory budgets, several at a time; results in the formulas' order whatever order the
children end in."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from ..catalog import BUDGETS, BudgetExceeded, Formula, run_isolated_many
from ._cache import ResultCache
from ._results import FormulaResult
from .verify import verify_formula

__all__ = ["verify_all", "available_cores", "expected_cost"]

#: Rough CPU seconds of one check by kind (an mdp check by kind:role), measured on the catalog
#: (issue 16). Only the order in which children start depends on it: the slowest first, so that
#: a slow formula does not start last and run alone on one core while the others idle.
CHECK_COST = {"backward": 0.8, "mdp:q-learning": 1.2, "windows": 0.4, "gradient": 0.1,
              "claim": 0.15, "cell-backward": 0.15, "bptt": 0.1, "expectation": 0.1,
              "variance": 0.1, "descent": 0.1, "reference": 0.05}
DEFAULT_CHECK_COST = 0.03


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def expected_cost(formula: Formula) -> float:
    """A formula's expected verification time (CHECK_COST summed over its and its variants'
    checks), to start the slowest first."""
    checks = [*formula.checks, *(c for v in formula.variants for c in v.checks)]
    return sum(CHECK_COST.get(f"{c.kind}:{c.role}", CHECK_COST.get(c.kind, DEFAULT_CHECK_COST))
               for c in checks)


def _failed(formula: Formula, exc: BudgetExceeded) -> FormulaResult:
    return FormulaResult(id=formula.id, title_en=formula.title_en, title_fr=formula.title_fr,
                         status="error", as_expected=False, error=str(exc))


def verify_all(formulas: Sequence[Formula], seed: int = 0, *,
               seconds: float = BUDGETS["formula_seconds"], workers: int | None = None,
               cache: ResultCache | None = None,
               done: Callable[[FormulaResult, bool], None] | None = None,
               verify: Callable[[Formula, int], FormulaResult] = verify_formula,
               ) -> list[FormulaResult]:
    """Each formula's FormulaResult, in the order given. ``cache`` None: no cache. ``done``
    is called as each formula ends, with whether it came from the cache."""
    results: list[FormulaResult | None] = [None] * len(formulas)
    keys = [cache.key(f.path, seed) if cache else None for f in formulas]
    todo = []
    for i, f in enumerate(formulas):
        hit = cache.get(keys[i]) if cache else None
        if hit is not None and hit.id == f.id:
            results[i] = hit
            if done:
                done(hit, True)
        else:
            todo.append(i)
    todo.sort(key=lambda i: -expected_cost(formulas[i]))  # slowest first; results keep order
    jobs = [(verify, (formulas[i], seed)) for i in todo]
    whats = [f"verification of {formulas[i].id}" for i in todo]
    for j, value in run_isolated_many(jobs, workers=workers or available_cores(),
                                      seconds=seconds, whats=whats):
        i = todo[j]
        result = _failed(formulas[i], value) if isinstance(value, BudgetExceeded) else value
        results[i] = result
        if cache:
            cache.put(keys[i], result)
        if done:
            done(result, False)
    return [r for r in results if r is not None]
