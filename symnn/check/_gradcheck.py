"""Gradient checks: a stated (or derived) derivative against a numerical derivative of the
function itself, with the tolerance taken from the numerical method's error estimate.

The verdict for each point is the margin |g - d| / (K (err_num + err_sym)): beyond 1, the
point disagrees. At a disagreeing point the function and the gradient are re-evaluated with
mpmath at 50 digits, which separates a wrong derivative from a float formula that is merely
badly conditioned there. At a kink (one-sided differences disagree) the stated value must lie
between the one-sided derivatives, and the convention is reported instead of a failure.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from ..emit import to_numpy
from ..read import SymbolTable
from ._numdiff import EPS, complex_step, is_analytic, richardson
from ._points import abstract_nodes, label, sample
from ._results import CheckResult

__all__ = ["check_gradient", "check_descent", "GRADIENT_FACTOR", "STRESS_VALUES"]

#: Disagreement is declared beyond this many combined error estimates.
GRADIENT_FACTOR = 100.0
#: Values each real variable also takes (one at a time): saturated gates, extreme logits, scales.
STRESS_VALUES = (30.0, -30.0, 50.0, -50.0, 1e-8, -1e-8, 1e3, -1e3)
_MP_DIGITS = (50, 320, 1200)
_MP_KERNELS = {"sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)),
               "softplus": lambda x: mpmath.log(1 + mpmath.exp(x))}
#: How many disagreeing points are re-evaluated at 50 digits before a verdict.
_MP_RECHECKS = 64


def _with_stress(values: dict, wrt: sp.Symbol, decls: dict, constraints: tuple = ()) -> dict:
    """Append points where the differentiation variable takes each stress value (if real),
    those that meet every constraint (a stress point outside them is no point of the claim)."""
    decl = decls.get(wrt.name)
    n = len(STRESS_VALUES)
    if decl is None or decl.domain.name not in ("real", "nonzero") or not values or \
            not len(next(iter(values.values()))):
        return values
    out = {s: np.concatenate([v, v[:n] if len(v) >= n else np.resize(v, n)])
           for s, v in values.items()}
    out[wrt][-n:] = STRESS_VALUES
    if constraints:
        keep = np.ones(len(out[wrt]), dtype=bool)
        for c in constraints:
            syms = sorted(c.free_symbols, key=lambda s: s.name)
            with np.errstate(all="ignore"):
                held = to_numpy(c, syms)(*(out[s] for s in syms)) if syms else bool(c)
            keep &= np.broadcast_to(np.asarray(held, dtype=bool), keep.shape)
        out = {s: v[keep] for s, v in out.items()}
    return out


def _exact_agrees(of: sp.Expr, stated: sp.Expr, syms: list, wrt: sp.Symbol,
                  point: list[float]) -> str:
    """In high precision, do the stated gradient and the derivative of ``of`` agree? Tried at
    50 digits, then more (a formula such as sigmoid(466) - 1 cancels 200 digits): "agree",
    "differ" (at every precision), or "outside" (the function is not real at this point)."""
    verdict = "differ"
    for digits in _MP_DIGITS:
        verdict = _agree_at(of, stated, syms, wrt, point, digits)
        if verdict != "differ":
            break
    return verdict


def _agree_at(of: sp.Expr, stated: sp.Expr, syms: list, wrt: sp.Symbol, point: list[float],
              digits: int) -> str:
    with mpmath.workdps(digits):
        f = sp.lambdify(syms, of, modules=[_MP_KERNELS, "mpmath"])
        g = sp.lambdify(syms, stated, modules=[_MP_KERNELS, "mpmath"])
        j = syms.index(wrt)
        args = [mpmath.mpf(v) for v in point]

        def along(t: mpmath.mpf) -> mpmath.mpf:
            return f(*args[:j], t, *args[j + 1:])

        try:
            exact, claimed = mpmath.diff(along, args[j]), g(*args)
        except (ValueError, ZeroDivisionError):
            return "outside"
        if isinstance(exact, mpmath.mpc) or isinstance(claimed, mpmath.mpc):
            return "outside"  # the function is not real here: a point outside its domain
        # relative agreement, or both below what 50 digits resolve next to the function value
        # (mpmath.diff differences f, so its absolute error scales with |f|)
        floor = mpmath.mpf(10) ** (10 - digits) * max(1, abs(f(*args)))
        gap = abs(exact - claimed)
        close = gap <= mpmath.mpf(10) ** (-20) * max(abs(exact), abs(claimed)) + floor
        return "agree" if close else "differ"


def check_gradient(of: sp.Expr, wrt: sp.Symbol, stated: sp.Expr, table: SymbolTable, *,
                   seed: int = 0, points: int = 64, constraints: tuple = ()) -> CheckResult:
    """Is ``stated`` the derivative of ``of`` with respect to ``wrt`` on the declared domains?"""
    kind = "gradient"
    abstract = abstract_nodes(sp.Tuple(of, stated))
    if abstract or of.has(sp.Sum, sp.Indexed):
        what = abstract or "sums over a batch"
        return CheckResult(kind, False, f"cannot differentiate numerically through {what}",
                           "undecided", seed=seed)
    decls = {d.pyname: d for d in table.decls.values()}
    rng = np.random.default_rng(seed)
    syms = sorted(of.free_symbols | stated.free_symbols | {wrt}, key=lambda s: s.name)
    values = _with_stress(sample(syms, decls, {}, constraints, rng, points), wrt, decls,
                          constraints)
    if not values or not len(next(iter(values.values()))):
        return CheckResult(kind, False, "undecided: no admissible point (the constraints "
                           "exclude every sampled point): nothing was tested", "undecided",
                           seed=seed)
    args = [values[s] for s in syms]
    j = syms.index(wrt)
    f = to_numpy(of, syms)
    num = complex_step(f, args, j) if is_analytic(of) else richardson(f, args, j)
    with np.errstate(all="ignore"):  # NaN at points outside the domain, masked by `finite`
        g = np.broadcast_to(to_numpy(stated, syms)(*args), num.value.shape).astype(float)
        finite = np.isfinite(g) & np.isfinite(num.value) & np.isfinite(num.error)
        tolerance = GRADIENT_FACTOR * (num.error + 4 * EPS * np.abs(g)) + 1e-300
        in_kink = num.kink & (g >= num.lower - tolerance) & (g <= num.upper + tolerance)
        gap = np.abs(g - num.value)
        margin = np.where(finite & ~in_kink, gap / tolerance, 0.0)
        # kink points are judged by the one-sided bounds, not by a relative error
        rel = np.where(finite & ~in_kink, gap / np.maximum(np.abs(num.value), 1e-300), 0.0)
    notes = []
    conditioned = 0
    for k in np.argsort(-margin)[:_MP_RECHECKS]:  # settle the worst points exactly
        if margin[k] <= 1:
            break
        if not is_analytic(of):
            continue
        verdict = _exact_agrees(of, stated, syms, wrt, [float(a[k]) for a in args])
        if verdict == "differ":
            break  # confirmed in exact arithmetic: this (the worst remaining) point refutes
        margin[k], rel[k] = 0.0, 0.0
        conditioned += verdict == "agree"
        finite[k] &= verdict == "agree"
    if conditioned:
        notes.append(f"{conditioned} point(s) badly conditioned in float64 where "
                     "high-precision arithmetic agrees")
    if in_kink.any():
        notes.append(f"{int(in_kink.sum())} point(s) at a kink: the stated value lies between "
                     "the one-sided derivatives (a convention there, not a failure)")
    total = int(finite.sum())
    worst = int(np.argmax(margin))
    extra = f"; {'; '.join(notes)}" if notes else ""
    if margin[worst] > 1:
        point = {label(s, decls, {}): float(a[worst]) for s, a in zip(syms, args, strict=True)}
        return CheckResult(kind, False, f"refuted: the stated derivative is {margin[worst]:.3g} "
                           f"times beyond the {num.method} error estimate{extra}", num.method,
                           total, float(np.max(np.where(finite, gap, 0))),
                           float(rel[worst]), {"point": point, "lhs": float(g[worst]),
                                               "rhs": float(num.value[worst])}, seed,
                           float(margin[worst]))
    if total < 8:  # too few points to say anything: never a pass, never a refutation
        return CheckResult(kind, False, f"undecided: the derivative could be compared at only "
                           f"{total} points (undefined or outside the domain elsewhere)",
                           "undecided", total, seed=seed)
    return CheckResult(kind, True, f"agrees with {num.method} at {total} points "
                       f"(worst margin {float(margin.max()):.2g} of the error estimate){extra}",
                       num.method, total,
                       float(np.max(np.where(finite, gap, 0), initial=0)),
                       float(rel.max(initial=0)), None, seed, float(margin.max(initial=0)))


def check_descent(of: sp.Expr, wrt: sp.Symbol, update: sp.Expr, step: sp.Symbol,
                  table: SymbolTable, *, seed: int = 0, points: int = 64,
                  constraints: tuple = ()) -> CheckResult:
    """Does ``wrt <- update`` decrease ``of`` for a small positive ``step`` where the gradient
    is not 0? The step at each point is 1e-4 / max(1, |g|), small enough for first order."""
    kind = "descent"
    decls = {d.pyname: d for d in table.decls.values()}
    rng = np.random.default_rng(seed)
    grad = sp.diff(of, wrt)
    syms = sorted(of.free_symbols | update.free_symbols | grad.free_symbols | {wrt, step},
                  key=lambda s: s.name)
    values = sample(syms, decls, {}, constraints, rng, points)
    points = len(next(iter(values.values()))) if values else 0
    if points == 0:
        return CheckResult(kind, False, "undecided: no admissible point (the constraints "
                           "exclude every sampled point): nothing was tested", "undecided",
                           seed=seed)
    with np.errstate(all="ignore"):
        g = np.broadcast_to(to_numpy(grad, syms)(*values.values()), (points,)).astype(float)
        values[step] = 1e-4 / np.maximum(1.0, np.abs(g))
        before = np.broadcast_to(to_numpy(of, syms)(*values.values()), (points,)).astype(float)
        moved = dict(values)
        moved[wrt] = np.broadcast_to(to_numpy(update, syms)(*values.values()), (points,))
        after = np.broadcast_to(to_numpy(of, syms)(*moved.values()), (points,)).astype(float)
        # a point decides only if the expected first-order decrease beats float rounding
        expected = values[step] * g * g
        decisive = (np.isfinite(before) & np.isfinite(after) & np.isfinite(g)
                    & (expected > 1e3 * EPS * np.maximum(1.0, np.abs(before))))
        rises = decisive & (after >= before)
    total = int(decisive.sum())
    if rises.any():
        k = int(np.argmax(np.where(rises, after - before, -np.inf)))
        point = {label(s, decls, {}): float(v[k]) for s, v in values.items()}
        return CheckResult(kind, False, "refuted: the update increases the objective at "
                           f" {int(rises.sum())} of {total} points", "numeric",
                           total, float(after[k] - before[k]), None,
                           {"point": point, "lhs": float(after[k]), "rhs": float(before[k])},
                           seed)
    if total < 8:  # a gradient 0 (or undefined) almost everywhere: nothing to descend
        return CheckResult(kind, False, f"undecided: the gradient is 0 or undefined at all but "
                           f"{total} of {points} sampled points: nothing was tested",
                           "undecided", total, seed=seed)
    return CheckResult(kind, True, f"the update decreases the objective at all {total} "
                       "points where the gradient is not 0", "numeric", total, seed=seed)
