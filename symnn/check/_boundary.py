"""Where a written side stops being defined: the boundaries of its guards, solved.

Sampling never lands on ``x = 5``, where ``\\frac{x^2-25}{x-5}`` is undefined while ``x + 5``
is 10, nor inside ``|x - 0.4| < 0.01`` where a log's argument is negative. Each guard of a side
as written (a denominator not 0, a log's argument > 0, a root's base >= 0, see
:mod:`._definedness`) is solved for each of its variables on the real line (the others at an
admissible sampled point), and both sides are evaluated exactly at every root and just beside
it: where one side is undefined and the other a finite real, the claim is refuted there.
"""

from __future__ import annotations

import sympy as sp

from ..catalog import BUDGETS, BudgetExceeded, time_limit
from ._definedness import Defined
from ._settle import mp_value, persists

__all__ = ["boundary_disagreement", "critical_points", "beyond_kink"]

#: roots of one guard looked at, at most; offsets beside each root (inside a narrow bump)
_MAX_ROOTS = 8
_BESIDE = (sp.Integer(0), sp.Rational(1, 10**9), -sp.Rational(1, 10**9))


def _fresh(points: list[dict], seen: set, constraints: tuple):
    """The points not looked at yet (recorded in ``seen``) that meet every constraint."""
    for point in points:
        key = tuple(sorted((s.name, v) for s, v in point.items()))
        if key in seen:
            continue
        seen.add(key)
        if all(bool(c.xreplace(point)) is True for c in constraints
               if not (c.free_symbols - set(point))):
            yield point


def _relations(guard: sp.Basic) -> list[sp.Basic]:
    if isinstance(guard, sp.And | sp.Or):
        return [r for a in guard.args for r in _relations(a)]
    return [guard] if isinstance(guard, sp.core.relational.Relational) else []


def _in_domain(v: sp.Expr, decl) -> bool:
    """Whether the exact number v lies in the declared domain (an integer domain: an integer
    at or above its least value)."""
    if decl is None or not v.is_real:
        return decl is None and bool(v.is_real)
    d = decl.domain
    if d.integer:
        return bool(v.is_integer) and (d.low is None or bool(v >= d.low)) and (
            d.name != "{0,1}" or v in (0, 1))
    tests = {"real": lambda: True, "positive": lambda: v > 0, "nonnegative": lambda: v >= 0,
             "negative": lambda: v < 0, "nonzero": lambda: v != 0,
             "(0,1)": lambda: (v > 0) & (v < 1), "[0,1]": lambda: (v >= 0) & (v <= 1)}
    test = tests.get(d.name)
    return bool(test()) if test is not None else False


def _candidates(rel: sp.Basic, base: dict, decls: dict, away: bool = False) -> list[dict]:
    """Exact points on the boundary of one guard (and beside it), one variable moved; with
    ``away``, also at distances from it relative to the root (a kink of max(g, 10^5) at
    g = 10^5: the sides differ only beyond it)."""
    f = rel.lhs - rel.rhs if isinstance(rel, sp.core.relational.Relational) else rel
    out = []
    for var in sorted(f.free_symbols, key=lambda s: s.name):
        if not isinstance(var, sp.Symbol) or var.name not in decls:
            continue
        others = {s: v for s, v in base.items() if s != var}
        g = f.xreplace(others)
        if g.free_symbols != {var}:
            continue
        try:
            with time_limit(BUDGETS["simplify_seconds"], "a guard's boundary"):
                roots = sp.solveset(g, var, sp.S.Reals)
            if not isinstance(roots, sp.FiniteSet):  # periodic: the roots near the point
                with time_limit(BUDGETS["simplify_seconds"], "a guard's boundary"):
                    roots = roots.intersect(sp.Interval(-20, 20))
        except (BudgetExceeded, TypeError, ValueError, NotImplementedError, RecursionError):
            continue
        if not isinstance(roots, sp.FiniteSet) or len(roots) > 4 * _MAX_ROOTS:
            continue
        for r in sorted(roots, key=lambda r: (abs(float(r)), float(r))):
            scale = max(abs(sp.nsimplify(r)), sp.Rational(1, 10**12)) if away else 0
            for step in _BESIDE + (tuple(k * scale for k in _AWAY) if away else ()):
                v = r + step
                if _in_domain(v, decls.get(var.name)):
                    out.append({**others, var: v})
    return out


#: distances from a kink, relative to where it is
_AWAY = (sp.Rational(1, 2), -sp.Rational(1, 2), sp.Integer(1), -sp.Integer(1), sp.Integer(10),
         sp.Rational(1, 1000), -sp.Rational(1, 1000))

#: where a written function bends: Max and Min where two arguments meet, |a|, sgn(a) and the
#: step at a = 0
_KINKS = {
    sp.Max: lambda e: [a - b for i, a in enumerate(e.args) for b in e.args[i + 1:]],
    sp.Min: lambda e: [a - b for i, a in enumerate(e.args) for b in e.args[i + 1:]],
    sp.Abs: lambda e: [e.args[0]], sp.sign: lambda e: [e.args[0]],
    sp.Heaviside: lambda e: [e.args[0]],
}


def beyond_kink(lhs: sp.Expr, rhs: sp.Expr, base: dict, decls: dict,
                      constraints: tuple) -> tuple[dict, object, object] | None:
    """(point, lhs, rhs) near a kink of either side (solved exactly, then points at and
    beside it, and away from it relative to its place) where both sides are defined and
    differ beyond the precision at every precision of the ladder, or None. Sampling at
    |x| <= 1000 misses ``\\min(g, 10^5) = g``; the kink at 10^5 does not."""
    seen: set = set()
    for node in sp.Tuple(lhs, rhs).atoms(*_KINKS):
        if not node.is_commutative:
            continue
        for f in _KINKS[type(node)](node)[:_MAX_ROOTS]:
            for point in _fresh(_candidates(f, base, decls, away=True), seen, constraints):
                if f.xreplace(point) == 0:
                    continue  # at the kink itself a value is a convention (the step at 0)
                if mp_value(lhs, point) is None or mp_value(rhs, point) is None:
                    continue
                off = persists(lhs, rhs, point, lambda a, b, bound: bool(
                    abs(a - b) > bound * max(1, abs(a), abs(b))))
                if off is not None:
                    return point, off[0], off[1]
    return None


def critical_points(f: sp.Expr, base: dict, decls: dict) -> list[dict]:
    """Exact points where every partial derivative of f vanishes (its extrema: the centre of
    a small disk where a guard fails, the bottom of a dip below a declared bound), inside the
    declared domains, the other variables at ``base``; [] when SymPy finds none in time."""
    variables = sorted((s for s in f.free_symbols if isinstance(s, sp.Symbol)
                        and s.name in decls), key=lambda s: s.name)
    if not variables or len(variables) > 4 or f.has(sp.Indexed, sp.Sum, sp.Product) or any(
            not s.is_commutative for s in f.free_symbols):
        return []
    try:
        with time_limit(BUDGETS["simplify_seconds"], "critical points"):
            found = sp.solve([sp.diff(f, v) for v in variables], variables, dict=True)
    except BudgetExceeded:
        return []
    except Exception:  # a search: SymPy's solvers fail in many ways, and no point found is
        return []      # no verdict (the sampled and proved ones stand)
    out = []
    for sol in found[:_MAX_ROOTS]:
        if set(sol) != set(variables) or not all(
                _in_domain(v, decls.get(s.name)) for s, v in sol.items()):
            continue
        out.append({**{s: v for s, v in base.items() if s not in sol}, **sol})
    return out


def boundary_disagreement(lhs: sp.Expr, rhs: sp.Expr, base: dict, decls: dict,
                          constraints: tuple) -> tuple[dict, str, object, object] | None:
    """(point, which side is undefined, lhs value, rhs value) at a guard's boundary where one
    side is undefined and the other a finite real, or None. ``base``: an admissible point
    (symbol -> exact number) for the variables not moved."""
    guards = [d.args[1] for d in sp.Tuple(lhs, rhs).atoms(Defined)]
    if not guards:
        return None
    seen: set = set()
    for guard in guards:
        for rel in _relations(guard):
            points = _candidates(rel, base, decls) + critical_points(rel.lhs - rel.rhs, base,
                                                                     decls)
            for point in _fresh(points, seen, constraints):
                a, b = mp_value(lhs, point), mp_value(rhs, point)
                if (a is None) != (b is None):
                    return point, "left" if a is None else "right", a, b
    return None
