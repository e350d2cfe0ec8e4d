"""Property checks: inequalities and ranges (``\\le``, ``\\ge``, ``<``, ``>``, chains, ``\\in
[a, b]``) at sampled and simple points, violations confirmed at 50 digits.

A property is refuted at a point where it fails at DIGITS digits by more than the precision's
bound, or where one side is defined and the other is not; undecided where both sides are
undefined on most of the sampled domain; otherwise it holds numerically (no proof is tried).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..catalog import BUDGETS, BudgetExceeded, time_limit
from ..read import SymbolTable
from ._points import abstract_nodes, label, sample, values_of
from ._results import CheckResult
from ._settle import (
    _BOUND,
    DIGITS,
    MIN_SHARE,
    admissible_grid,
    bind_sums,
    exact,
    mp_value,
    persists,
    settle,
)

__all__ = ["check_property"]

#: relation class -> (does lhs - rhs violate it beyond the precision's bound b?, the word,
#: strict?). Within the bound nothing is decided numerically: a strict relation is violated
#: there only when the sides are exactly equal at the point (sigma(10^6) < 1 holds, although
#: it is 1 to every precision a machine can afford)
_RELATIONS = {
    sp.LessThan: (lambda d, b: d > b, "<=", False),
    sp.StrictLessThan: (lambda d, b: d > b, "<", True),
    sp.GreaterThan: (lambda d, b: d < -b, ">=", False),
    sp.StrictGreaterThan: (lambda d, b: d < -b, ">", True),
}
_MP_CANDIDATES = 16
_MIN_POINTS = 8


def check_property(relations: list[sp.Basic], table: SymbolTable, *, kind: str = "property",
                   seed: int = 0, points: int = 64, constraints: tuple = ()) -> CheckResult:
    """Check every relation of a chain on the declared domains (and constraints)."""
    decls = {d.pyname: d for d in table.decls.values()}
    if sp.false in relations:
        return CheckResult(kind, False, "refuted: SymPy decides a comparison is false for every "
                           "admissible value", "symbolic proof", seed=seed)
    rels = [r.func(bind_sums(r.lhs), bind_sums(r.rhs)) for r in relations if r is not sp.true]
    if not rels:
        return CheckResult(kind, True, "proved: SymPy decides every comparison from the "
                           "domains", "symbolic proof", seed=seed)
    if (nodes := abstract_nodes(sp.Tuple(*[a for r in rels for a in (r.lhs, r.rhs)]))):
        return CheckResult(kind, False, f"undecided: {nodes} cannot be evaluated numerically",
                           "undecided", seed=seed)
    rng = np.random.default_rng(seed)
    syms = sorted(set().union(*(r.free_symbols for r in rels),
                              *(c.free_symbols for c in constraints)), key=lambda s: s.name)
    values = sample(syms, decls, {}, constraints, rng, points)
    n = len(next(iter(values.values()))) if values else points
    if n == 0:
        return CheckResult(kind, False, "undecided: no admissible point (the assumptions or "
                           "constraints exclude every sampled point)", "undecided", seed=seed)
    grid = admissible_grid(syms, decls, constraints, wide=True)
    tested = n
    for rel in rels:
        for vals, random in ((values, True), (grid, False)):
            if vals is None:
                continue
            m = len(next(iter(vals.values()))) if vals else 1
            out = _violation(rel, syms, vals, m, decls, kind, seed)
            if isinstance(out, CheckResult):
                return out
            if random:
                tested = min(tested, n - out)
    if tested < _MIN_POINTS or tested / n < MIN_SHARE:
        return CheckResult(kind, False, f"undecided: holds numerically on part of the domain "
                           f"only: both sides undefined at {n - tested} of {n} sampled points "
                           "(narrow the domain with --assume)", "undecided", tested, seed=seed)
    words = " and ".join(f"{r.lhs} {_RELATIONS[type(r)][1]} {r.rhs}" for r in rels)
    part = "" if tested == n else f"; tested on {tested} of {n} sampled points"
    return CheckResult(kind, True, f"numeric only: {words} at {tested} points and simple points, "
                       f"violations checked at {DIGITS} digits (no proof tried){part}",
                       "numeric only", tested, seed=seed)


def _violation(rel, syms, values, n, decls, kind, seed) -> CheckResult | int:
    """A refutation, or the number of points where both sides are undefined."""
    violates, word, strict = _RELATIONS[type(rel)]
    args = list(values.values())
    with np.errstate(all="ignore"):
        lv = values_of(rel.lhs, syms, values, n)
        rv = values_of(rel.rhs, syms, values, n)
    settled = settle(rel.lhs, rel.rhs, syms, values, lv, rv, float("inf"))
    if settled.refute is not None:
        k, why, a, b = settled.refute
        return _refuted(kind, f"{why}", syms, values, k, decls, a, b, seed)
    ok = np.isfinite(lv) & np.isfinite(rv)
    with np.errstate(all="ignore"):
        diff = np.where(ok, lv - rv, 0.0)
        scale = np.maximum(1.0, np.maximum(np.abs(lv), np.abs(rv)))
        score = np.where(ok, diff / np.where(ok, scale, 1.0), 0.0)
    if word.startswith(">"):
        score = -score
    score = np.where(ok, score, -np.inf)  # an undefined point never comes first
    lhs, rhs = exact(rel.lhs), exact(rel.rhs)

    def at_high(k: int) -> CheckResult | bool | None:
        """Point k at DIGITS digits: a refutation, True when both sides are defined and the
        relation holds, None when a side is undefined there."""
        point = {s: sp.Float(float(v[k]), DIGITS + 10) for s, v in zip(syms, args, strict=True)}
        a, b = mp_value(lhs, point), mp_value(rhs, point)
        if a is None or b is None:
            return None
        if violates(a - b, _BOUND * max(1, abs(a), abs(b))) and (high := persists(
                lhs, rhs, point, lambda a, b, bound: bool(violates(
                    a - b, bound * max(1, abs(a), abs(b)))))) is not None:
            a, b = high
            return _refuted(kind, f"{word} fails by {sp.N(abs(a - b), 3)} at {DIGITS} digits",
                            syms, values, k, decls, float(a), float(b), seed)
        if strict and abs(a - b) <= _BOUND * max(1, abs(a), abs(b)) and \
                _exactly_equal(lhs, rhs, point):
            return _refuted(kind, f"{word} fails: the sides are exactly equal", syms, values, k,
                            decls, float(a), float(b), seed)
        return True

    for k in np.argsort(-score, kind="stable")[:_MP_CANDIDATES]:
        if not ok[k]:
            break
        if isinstance(out := at_high(int(k)), CheckResult):
            return out
    undefined = int(np.sum(~ok))
    for k in np.flatnonzero(~ok)[:_MP_CANDIDATES]:  # overflowed in float64 (e^{1000}): judge
        out = at_high(int(k))                         # them at high precision, never skip them
        if isinstance(out, CheckResult):
            return out
        undefined -= out is True
    return undefined


def _exactly_equal(lhs: sp.Expr, rhs: sp.Expr, point: dict) -> bool:
    """Whether SymPy decides the sides equal at the point taken as exact rationals (a strict
    inequality's violation, which no finite precision shows)."""
    exact_point = {s: sp.Rational(str(v)) for s, v in point.items()}
    try:
        with time_limit(BUDGETS["simplify_seconds"], "an exact comparison"):
            return bool((lhs - rhs).xreplace(exact_point).is_zero)
    except (BudgetExceeded, TypeError, ValueError, ZeroDivisionError, RecursionError):
        return False


def _refuted(kind, why, syms, values, k, decls, a, b, seed) -> CheckResult:
    point = {str(label(s, decls, {})): float(v[k]) for s, v in values.items()}
    at = ", ".join(f"{s} = {v:.10g}" for s, v in point.items())
    return CheckResult(kind, False, f"refuted: {why} at {at}", "numeric", 0, None, None,
                       {"point": point, "lhs": a, "rhs": b}, seed, None)
