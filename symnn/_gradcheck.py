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

from ._numdiff import EPS, complex_step, is_analytic, richardson
from ._points import abstract_nodes, label, sample
from ._results import CheckResult
from ._symbols import SymbolTable
from .lower import to_numpy

__all__ = ["check_gradient", "GRADIENT_FACTOR", "STRESS_VALUES"]

#: Disagreement is declared beyond this many combined error estimates.
GRADIENT_FACTOR = 100.0
#: Values each real variable also takes (one at a time): saturated gates, extreme logits, scales.
STRESS_VALUES = (30.0, -30.0, 50.0, -50.0, 1e-8, -1e-8, 1e3, -1e3)
_MP_DIGITS = 50
_MP_KERNELS = {"sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)),
               "softplus": lambda x: mpmath.log(1 + mpmath.exp(x))}
#: How many disagreeing points are re-evaluated at 50 digits before a verdict.
_MP_RECHECKS = 64


def _with_stress(values: dict, wrt: sp.Symbol, decls: dict) -> dict:
    """Append points where the differentiation variable takes each stress value (if real)."""
    decl = decls.get(wrt.name)
    if decl is None or decl.domain.name not in ("real", "nonzero"):
        return values
    n = len(STRESS_VALUES)
    out = {s: np.concatenate([v, v[:n] if len(v) >= n else np.resize(v, n)])
           for s, v in values.items()}
    out[wrt][-n:] = STRESS_VALUES
    return out


def _exact_agrees(of: sp.Expr, stated: sp.Expr, syms: list, wrt: sp.Symbol,
                  point: list[float]) -> tuple[bool, float, float]:
    """At 50 digits: do the stated gradient and the numerical derivative of ``of`` agree?"""
    with mpmath.workdps(_MP_DIGITS):
        f = sp.lambdify(syms, of, modules=[_MP_KERNELS, "mpmath"])
        g = sp.lambdify(syms, stated, modules=[_MP_KERNELS, "mpmath"])
        j = syms.index(wrt)
        args = [mpmath.mpf(v) for v in point]

        def along(t: mpmath.mpf) -> mpmath.mpf:
            return f(*args[:j], t, *args[j + 1:])

        exact = mpmath.diff(along, args[j])
        claimed = g(*args)
        scale = max(abs(exact), abs(claimed), mpmath.mpf(1e-30))
        return abs(exact - claimed) / scale < mpmath.mpf(10) ** (-20), float(exact), float(
            claimed)


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
    values = _with_stress(sample(syms, decls, {}, constraints, rng, points), wrt, decls)
    args = [values[s] for s in syms]
    j = syms.index(wrt)
    f = to_numpy(of, syms)
    num = complex_step(f, args, j) if is_analytic(of) else richardson(f, args, j)
    with np.errstate(all="ignore"):
        g = np.broadcast_to(to_numpy(stated, syms)(*args), num.value.shape).astype(float)
    finite = np.isfinite(g) & np.isfinite(num.value) & np.isfinite(num.error)
    tolerance = GRADIENT_FACTOR * (num.error + 4 * EPS * np.abs(g)) + 1e-300
    in_kink = num.kink & (g >= num.lower - tolerance) & (g <= num.upper + tolerance)
    margin = np.where(finite & ~in_kink, np.abs(g - num.value) / tolerance, 0.0)
    rel = np.where(finite, np.abs(g - num.value) / np.maximum(np.abs(num.value), 1e-300), 0.0)
    notes = []
    conditioned = 0
    for k in np.argsort(-margin)[:_MP_RECHECKS]:  # settle the worst points exactly
        if margin[k] <= 1:
            break
        if not is_analytic(of):
            continue
        agree, _, _ = _exact_agrees(of, stated, syms, wrt, [float(a[k]) for a in args])
        if agree:
            margin[k], rel[k] = 0.0, 0.0
            conditioned += 1
    if conditioned:
        notes.append(f"{conditioned} point(s) badly conditioned in float64 where 50-digit "
                     "arithmetic agrees")
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
                           total, float(np.max(np.where(finite, np.abs(g - num.value), 0))),
                           float(rel[worst]), {"point": point, "lhs": float(g[worst]),
                                               "rhs": float(num.value[worst])}, seed)
    return CheckResult(kind, total >= 8, f"agrees with {num.method} at {total} points "
                       f"(worst margin {float(margin.max()):.2g} of the error estimate){extra}",
                       num.method, total,
                       float(np.max(np.where(finite, np.abs(g - num.value), 0), initial=0)),
                       float(rel.max(initial=0)), None, seed)
