"""Comparison of two sides at points sampled inside the declared domains: a symbolic proof,
the sides at float64 settled at 50 to 1200 digits where float64 fails them, and a
counterexample whenever they differ; the verdict of every equality a formula or a claim states.

Points are drawn inside each symbol's declared domain from a seeded generator; a sum with a
symbolic bound ``m`` is checked at several concrete sizes drawn from m's domain.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..catalog import BUDGETS, BudgetExceeded, time_limit, too_large
from ..emit import to_numpy
from ..read import (
    SymbolTable,
)
from ._boundary import beyond_kink, boundary_disagreement
from ._definedness import guards_fail, strip_guards
from ._matcompare import matrix_compare
from ._points import (
    abstract_nodes,
    concrete_sizes,
    flatten_indexed,
    free_indices,
    label,
    sample,
    values_of,
)
from ._probe import at_point, grid_refutation, where_text, wide_refutation
from ._results import CheckResult
from ._settle import (
    DIGITS,
    LADDER,
    MIN_SHARE,
    bind_sums,
    confirm,
    constant_difference,
    float_artifact,
    settle,
    stress,
)
from .prove import kink_disagreement, proof_form, prove_equal, try_prove

__all__ = ["compare", "TOLERANCES", "DEFAULT_POINTS", "MIN_POINTS"]

TOLERANCES = {"float64": 1e-9}
DEFAULT_POINTS = 64
MIN_POINTS = 8


def compare(lhs: sp.Expr, rhs: sp.Expr, table: SymbolTable, *, kind: str = "claim",
            seed: int = 0, points: int = DEFAULT_POINTS, prove: bool = True,
            constraints: tuple[sp.Basic, ...] = (), sizes: list[dict] | None = None
            ) -> CheckResult:
    """Decide whether lhs == rhs on the declared domains (and constraints): a proof, or
    numbers, or a refutation with a counterexample. Raises BudgetExceeded for a number too
    large to evaluate (a power tower), found before anything computes it."""
    huge = too_large(lhs, rhs, *constraints)
    if huge:
        raise BudgetExceeded(huge)
    arrays = any(not s.is_commutative for s in sp.Tuple(lhs, rhs).free_symbols)
    if not (lhs.is_commutative and rhs.is_commutative) or arrays:  # matrices and vectors
        # (also a number made of them: \|u\|_1 = \sum_i |u_i|, at drawn sizes and values)
        result = matrix_compare(lhs, rhs, table, kind=kind, seed=seed)
        if result.ok and prove and prove_equal(lhs, rhs):
            result.method, result.detail = "symbolic proof", "proved; " + result.detail
        return result
    decls = {d.pyname: d for d in table.decls.values()}
    both = sp.Tuple(lhs, rhs)  # not lhs - rhs, which may cancel to 0
    abstract = abstract_nodes(both)
    if abstract and both.has(sp.Sum, sp.Product):  # a series SymPy can sum (pi^2/6): compare
        try:                                           # the sums, under the simplify budget
            with time_limit(BUDGETS["simplify_seconds"], "summing a series"):
                done = [e.doit() for e in (lhs, rhs)]
        except (BudgetExceeded, TypeError, ValueError, NotImplementedError):
            done = []
        if done and not abstract_nodes(sp.Tuple(*done)):
            return compare(*done, table, kind=kind, seed=seed, points=points, prove=prove,
                           constraints=constraints, sizes=sizes)
    if abstract:  # nothing to evaluate numbers with: a proof or nothing
        if prove and prove_equal(lhs, rhs):
            return CheckResult(kind, True, "proved: the difference simplifies to 0 (no numeric "
                               f"check: {abstract} stay abstract)", "symbolic proof", seed=seed)
        return CheckResult(kind, False, f"not proved, and {abstract} cannot be evaluated "
                           "numerically: give them definitions", "undecided", seed=seed)
    rng = np.random.default_rng(seed)
    tol = TOLERANCES["float64"]
    total, worst = 0, (0.0, 0.0, None)  # (mixed error, rel error, counterexample)
    max_abs, drawn, kept = 0.0, 0, []
    partial = False  # a guard of a side as written fails at a sampled point: no proof
    lhs, rhs = bind_sums(lhs), bind_sums(rhs)
    both = sp.Tuple(lhs, rhs)  # bound sums
    for size in concrete_sizes(both, decls, rng) if sizes is None else sizes:
        size = {**size, **free_indices(both, decls, size, rng)}
        cons = tuple(c for c in (sp.sympify(c).xreplace(size) for c in constraints)
                     if c is not sp.true)
        if sp.false in cons:
            continue  # this size lies outside the constraints
        left, right = (e.subs(size).doit() if size else e for e in (lhs, rhs))
        (left, lb), (right, rb) = (flatten_indexed(e, decls, size) for e in (left, right))
        bases = {**lb, **rb}
        free = set().union(left.free_symbols, right.free_symbols,
                           *(c.free_symbols for c in cons))
        syms = sorted(free, key=lambda s: s.name)
        values = sample(syms, decls, bases, cons, rng, points)
        n = len(next(iter(values.values()))) if values else points
        drawn += n
        if n == 0:
            continue
        partial = partial or bool(guards_fail(sp.Tuple(left, right), syms, values, n,
                                              to_numpy).any())
        with np.errstate(all="ignore"):
            lv = values_of(left, syms, values, n)
            rv = values_of(right, syms, values, n)
        settled = settle(left, right, syms, values, lv, rv, tol)
        total += settled.agreed
        if settled.refute is not None:
            k, why, a, b = settled.refute
            return CheckResult(kind, False, f"refuted: {why} at {where_text(syms, values, k)}",
                               "numeric", total, None, None,
                               {"point": at_point(syms, values, k, decls, bases, size),
                                "lhs": a, "rhs": b}, seed, None)
        finite = np.isfinite(lv) & np.isfinite(rv)
        total += int(finite.sum())
        if not finite.any():
            continue
        kept.append((left, right, syms, values, finite, decls, bases, size))
        # every array below is masked to the finite points: a NaN must never win an argmax
        lv, rv = np.where(finite, lv, 0.0), np.where(finite, rv, 0.0)
        absdiff = np.abs(lv - rv)
        big = np.maximum(np.abs(lv), np.abs(rv))
        mixed = absdiff / np.maximum(1.0, big)
        rel = absdiff / np.maximum(big, 1e-300)
        for j in np.argsort(-mixed):  # largest first: float64 cancellation is no counterexample
            if mixed[j] <= tol or not float_artifact(left, right, syms, values, int(j), tol):
                break  # the largest left is within tolerance, or a true disagreement
            mixed[j] = rel[j] = absdiff[j] = 0.0
        k = int(np.argmax(mixed))
        max_abs = max(max_abs, float(absdiff.max()))
        if mixed[k] >= worst[0]:
            worst = (float(mixed[k]), float(rel[k]),
                     {"point": at_point(syms, values, k, decls, bases, size), "lhs": float(lv[k]),
                      "rhs": float(rv[k])})
    if kept and (off := _at_boundary(kept[0], constraints)) is not None:
        point, side, a, b = off
        return CheckResult(kind, False, f"refuted: the {side} side is undefined at "
                           f"{', '.join(f'{k} = {v}' for k, v in point.items())}, on the "
                           "boundary of where it is written defined, and the other is not",
                           "numeric", total, None, None,
                           {"point": point, "lhs": float(a) if a is not None else float("nan"),
                            "rhs": float(b) if b is not None else float("nan")}, seed, None)
    if kept and (off := _at_kink(kept[0], constraints)) is not None:
        point, a, b = off
        return CheckResult(kind, False, "refuted: the sides differ near a kink at "
                           f"{', '.join(f'{k} = {v:.10g}' for k, v in point.items())} (confirmed "
                           f"at {LADDER[0]} to {LADDER[-1]} digits)", "numeric", total, None,
                           None, {"point": point, "lhs": float(a), "rhs": float(b)}, seed, None)
    grid = grid_refutation(lhs, rhs, decls, kind, seed, tol) if not constraints and \
        sizes is None and not lhs.has(sp.Sum, sp.Product) and not rhs.has(sp.Sum, sp.Product) \
        else None
    if grid is not None:
        return grid
    if drawn == 0:
        return CheckResult(kind, False, "undecided: no admissible point (the assumptions or "
                           "constraints exclude every sampled point)", "undecided", 0,
                           seed=seed)
    share = total / max(drawn, 1)
    if total < MIN_POINTS:
        return CheckResult(kind, False, f"undecided: could evaluate at only {total} of {drawn} "
                           "points: both sides are undefined on most of the declared domain",
                           "undecided", total, seed=seed)
    if worst[0] > tol:
        refuted = CheckResult(kind, False, f"refuted: the sides differ by {worst[0]:.3g} "
                              f"(tolerance {tol:g})", "numeric", total, max_abs, worst[1],
                              worst[2], seed, worst[0] / tol)
        return _shrunk(refuted, lhs, rhs, table, decls, seed, points, constraints) \
            if sizes is None else refuted
    unit = tuple(d.sympy() for d in table.decls.values()
                 if d.domain.name == "(0,1)" and d.kind in ("scalar", "constant"))
    # a proof covers what float64 could not reach
    if share < MIN_SHARE and not (prove and not partial and try_prove(
            strip_guards(lhs), strip_guards(rhs), unit)[0]):
        return CheckResult(kind, False, f"undecided: holds numerically on part of the domain "
                           f"only: both sides undefined or beyond float64 at {drawn - total} of "
                           f"{drawn} sampled points (narrow the domain with --assume)",
                           "undecided", total,
                           max_abs, worst[1], None, seed, worst[0] / tol)
    lone = sorted(lhs.free_symbols | rhs.free_symbols, key=lambda s: s.name)
    if len(lone) == 1 and not constraints and sizes is None and lone[0].name in decls and \
            decls[lone[0].name].domain.name == "real" and (off := stress(lhs, rhs, lone[0], tol)):
        x, diff, a, b = off
        return CheckResult(kind, False, f"refuted: the sides differ by {diff:.3g} at the stress "
                           f"point {lone[0]} = {x:g} ({DIGITS} digits)", "numeric", total,
                           max_abs, diff, {"point": {str(label(lone[0], decls, {})): x},
                                           "lhs": a, "rhs": b}, seed, diff / tol)
    if lone and sizes is None and not sp.Tuple(lhs, rhs).has(sp.Sum, sp.Product) and \
            (wide := wide_refutation(lhs, rhs, lone, decls, constraints, kind, seed, tol)):
        return wide
    proved, why = try_prove(strip_guards(lhs), strip_guards(rhs), unit) if prove and \
        not partial else (False, "no proof asked" if not prove else
                          "a side as written is undefined at some sampled points")
    if not proved and prove and not constraints and (off := _at_excluded_kink(lhs, rhs, decls)):
        v, a, b = off
        return CheckResult(kind, False, f"refuted: the sides differ at the kink {v} = 0 "
                           "(exactly)", "numeric", total, max_abs, None,
                           {"point": {str(label(v, decls, {})): 0.0}, "lhs": float(a),
                            "rhs": float(b)}, seed, None)
    constant = not (lhs.free_symbols | rhs.free_symbols)  # decided at the top precision
    if not proved and constant and (off := constant_difference(lhs, rhs)):
        diff, a, b = off
        return CheckResult(kind, False, f"refuted: the sides differ by {float(diff):.3g} "
                           f"relative at {LADDER[-1]} digits", "numeric", total, max_abs,
                           float(diff), {"point": {}, "lhs": float(a), "rhs": float(b)}, seed,
                           None)
    if not proved and constant and _exactly_nonzero(lhs, rhs):
        return CheckResult(kind, False, "refuted: the difference is a nonzero number (exactly, "
                           f"below the {LADDER[-1]}-digit precision)", "numeric", total,
                           max_abs, None, None, seed, None)
    part = "" if total == drawn else f"; tested on {total} of {drawn} sampled points"
    confirmed = [0]
    if not proved:
        for left, right, syms, values, finite, decls_, bases, size in kept:
            off = confirm(left, right, syms, values, finite, confirmed)
            if off is not None:
                k, diff, a, b = off
                return CheckResult(kind, False, f"refuted: the sides differ by {diff:.3g} "
                                   f"relative at {DIGITS} digits", "numeric", total, max_abs,
                                   diff, {"point": at_point(syms, values, k, decls_, bases, size),
                                          "lhs": a, "rhs": b}, seed, None)
    if not proved and not confirmed[0]:  # "holds" needs agreement beyond float64
        return CheckResult(kind, False, "undecided: equal within the float64 tolerance at "
                           f"{total} points, but no point could be evaluated at {DIGITS} digits "
                           f"to confirm it (not proved: {why})", "undecided", total, max_abs,
                           worst[1], None, seed, worst[0] / tol)
    method = "symbolic proof" if proved else "numeric only"
    detail = ((f"proved {why}" if why else "proved: the difference simplifies to 0") if proved else
              f"numeric only: equal at {total} points, worst error {worst[0]:.2g}, confirmed "
              f"at {LADDER[-1] if constant else DIGITS} digits (not proved: {why})") + part
    return CheckResult(kind, True, detail, method, total, max_abs, worst[1], None, seed,
                       worst[0] / tol)



def _at_boundary(kept: tuple, constraints: tuple) -> tuple | None:
    """A guard's boundary where one side is undefined (see :mod:`._boundary`): (point by
    LaTeX names, which side, lhs, rhs), or None."""
    return _searched(boundary_disagreement, kept, constraints)


def _at_kink(kept: tuple, constraints: tuple) -> tuple | None:
    """A disagreement near a kink of a side (see :func:`._boundary.beyond_kink`): (point by
    LaTeX names, lhs, rhs), or None."""
    return _searched(beyond_kink, kept, constraints)


def _searched(search, kept: tuple, constraints: tuple) -> tuple | None:
    """``search`` from the first point where both sides were finite (the variables it does
    not move stay there), its point named by LaTeX names."""
    left, right, syms, values, finite, decls, bases, size = kept
    k = int(np.flatnonzero(finite)[0])
    base = {s: sp.Rational(repr(float(values[s][k]))) for s in syms}
    cons = tuple(sp.sympify(c).xreplace(size) for c in constraints)
    off = search(left, right, base, decls, cons)
    if off is None:
        return None
    point, *rest = off
    return ({str(label(s, decls, bases)): float(v) for s, v in point.items()}, *rest)


def _exactly_nonzero(lhs: sp.Expr, rhs: sp.Expr) -> bool:
    """True when SymPy knows the difference of two constants is not 0 (sigma(10^30) - 1)."""
    try:
        with time_limit(BUDGETS["simplify_seconds"], "a constant's sign"):
            return proof_form(strip_guards(lhs) - strip_guards(rhs)).is_zero is False
    except (BudgetExceeded, TypeError, ValueError, RecursionError, OverflowError):
        return False


#: domains that contain 0, where a kink at 0 is a point of the claim
_HAS_ZERO = ("real", "nonnegative", "[0,1]", "{0,1}")


def _at_excluded_kink(lhs: sp.Expr, rhs: sp.Expr, decls: dict) -> tuple | None:
    """(v, lhs, rhs) at v = 0, a kink a proof by cases excludes, when the sides differ there."""
    off = kink_disagreement(lhs, rhs)
    if off is None or off[0].name not in decls or \
            decls[off[0].name].domain.name not in _HAS_ZERO:
        return None
    return off


def _shrunk(refuted: CheckResult, lhs: sp.Expr, rhs: sp.Expr, table: SymbolTable, decls: dict,
            seed: int, points: int, constraints: tuple) -> CheckResult:
    """The same refutation at the smallest batch size that still fails (one sum bound)."""
    bounds = {s for e in sp.Tuple(lhs, rhs).atoms(sp.Sum, sp.Product) for _, lo, hi in e.limits
              for s in (lo.free_symbols | hi.free_symbols)}
    if len(bounds) != 1:
        return refuted
    (bound,) = bounds
    failing = refuted.counterexample["point"].get(str(bound))
    low = decls[bound.name].domain.low if bound.name in decls else None
    if failing is None or low is None:
        return refuted
    for size in range(max(low, 1), failing):
        smaller = compare(lhs, rhs, table, seed=seed, points=points, prove=False,
                          constraints=constraints, sizes=[{bound: sp.Integer(size)}])
        if not smaller.ok and smaller.counterexample:
            smaller.kind = refuted.kind
            smaller.detail += f" (shrunk from {bound} = {failing} to {size})"
            return smaller
    return refuted


