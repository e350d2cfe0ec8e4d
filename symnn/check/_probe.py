"""Probes of an equality at simple points: definedness refutations that random samples miss,
and the labels of a counterexample point."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..emit import to_numpy
from ._definedness import guards_fail
from ._points import label, values_of
from ._results import CheckResult
from ._settle import DIGITS, grid_stress, grid_values, settle

__all__ = ["at_point", "grid_refutation", "where_text"]


def grid_refutation(lhs, rhs, decls, kind, seed, tol) -> CheckResult | None:
    """A definedness refutation at simple points (0, +-1/2, +-1, +-2) of unrestricted reals,
    which random samples miss: (x^2 - 1)/(x - 1) at x = 1, x^a x^b at x = -1, a = b = 1/2."""
    syms = sorted(lhs.free_symbols | rhs.free_symbols, key=lambda s: s.name)
    if any(s.name not in decls or decls[s.name].domain.name != "real" for s in syms):
        return None
    values = grid_values(syms)
    if values is None:
        return None
    n = len(next(iter(values.values())))
    if sp.Tuple(lhs, rhs).has(sp.Heaviside, sp.DiracDelta, sp.Piecewise, sp.sign, sp.Max, sp.Min,
                              sp.Abs):
        # a kink at a grid point is a convention, not a definedness failure; a written guard
        # failing on one side only is (|x|/|x| at x = 0)
        one = guards_fail(lhs, syms, values, n, to_numpy) != guards_fail(rhs, syms, values, n,
                                                                          to_numpy)
        if not one.any():
            return None
        values = {s: v[one] for s, v in values.items()}
        n = int(one.sum())
    with np.errstate(all="ignore"):
        lv = values_of(lhs, syms, values, n)
        rv = values_of(rhs, syms, values, n)
    settled = settle(lhs, rhs, syms, values, lv, rv, tol)
    if settled.refute is None:
        return None
    k, why, a, b = settled.refute
    return CheckResult(kind, False, f"refuted: {why} at {where_text(syms, values, k)}", "numeric",
                       0, None, None, {"point": at_point(syms, values, k, decls, {}, {}), "lhs": a,
                                        "rhs": b}, seed, None)


def at_point(syms, values, k, decls, bases, size) -> dict:
    point = {str(label(s, decls, bases)): float(v[k]) for s, v in values.items()}
    point.update({str(b): int(v) for b, v in size.items()})
    return point


def where_text(syms, values, k) -> str:
    return ", ".join(f"{s} = {float(v[k]):.6g}" for s, v in values.items())


def wide_refutation(lhs, rhs, syms, decls, constraints, kind, seed, tol) -> CheckResult | None:
    """A value refutation of a claim in several symbols at the wide grid (simple values, |x| up
    to 1e3, small integers), confirmed at every precision of the ladder."""
    off = grid_stress(lhs, rhs, syms, decls, constraints, tol, values_of)
    if off is None:
        return None
    point, diff, a, b = off
    where = ", ".join(f"{s} = {v:g}" for s, v in point.items())
    return CheckResult(kind, False, f"refuted: the sides differ by {diff:.3g} at the simple "
                       f"point {where} ({DIGITS}+ digits)", "numeric", 0, None, diff,
                       {"point": point, "lhs": a, "rhs": b}, seed, diff / tol)
