"""High-precision settling of an equality: definedness at sampled points, overflow, and the
50-digit confirmation that every "holds" without a proof must pass.

A point is *defined* for a side when the side's value there is a finite real number at
``DIGITS`` significant digits (mpmath through SymPy's evalf, at the exact rational point the
float sample stands for). Floats in a claim are read as the decimals they print as.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..emit import to_numpy

__all__ = ["admissible_grid", "beyond_precision", "grid_values", "DIGITS", "CONFIRM_POINTS",
           "Settled", "bind_sums", "constant_difference",
           "exact", "grid_stress", "mp_value", "persists", "LADDER", "settle", "confirm",
           "MIN_SHARE", "stress"]

DIGITS = 50
#: exact rational points at which a "holds" without a proof is confirmed
CONFIRM_POINTS = 6
#: re-evaluated points (where float64 gave inf or nan) per size
_SETTLE_LIMIT = 16
#: a claim tested on a smaller share of its sampled domain is undecided: below one half, with
#: room for the sampling noise of 64 points (one standard deviation is about 0.06)
MIN_SHARE = 0.6
#: relative difference at DIGITS digits above which two sides differ
_BOUND = sp.Float(10) ** (-(DIGITS - 10))


def bind_sums(expr: sp.Expr) -> sp.Expr:
    """Make a sum's body use its own index (the reader may leave an auto-declared real i)."""
    def rebind(s: sp.Expr) -> sp.Expr:
        limits = list(s.limits)
        body = s.function
        for k, (v, lo, hi) in enumerate(limits):
            iv = v if v.is_integer else sp.Symbol(v.name, integer=True)
            body = body.xreplace({f: iv for f in body.free_symbols if f.name == v.name})
            limits[k] = (iv, lo, hi)
        return s.func(body, *limits)
    return expr.replace(lambda e: isinstance(e, (sp.Sum, sp.Product)), rebind)


def exact(expr: sp.Expr) -> sp.Expr:
    """expr with every Float replaced by the decimal it prints as."""
    return expr.xreplace({f: sp.Rational(str(f)) for f in expr.atoms(sp.Float)})


def _parts(expr: sp.Expr):
    """The powers and function applications of expr, outside the branches of a Piecewise (an
    untaken branch may be undefined)."""
    if isinstance(expr, sp.Piecewise) or not expr.args:
        return
    if isinstance(expr, (sp.Pow, sp.Function)):
        yield expr
    for a in expr.args:
        yield from _parts(a)


#: periodic functions, meaningless at an angle with no digit after the point at the precision
_PERIODIC = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)


def beyond_precision(expr: sp.Expr, point: dict, digits: int = DIGITS) -> bool:
    """True when a periodic function's angle at the point is so large (beyond 10^(digits-10))
    that ``digits`` digits leave none of its fraction: its value there is no evidence."""
    bound = sp.Float(10) ** (digits - 10)
    for node in expr.atoms(*_PERIODIC):
        try:
            angle = sp.N(node.args[0].xreplace(point), 15)
        except (TypeError, ValueError, ZeroDivisionError, RecursionError, NotImplementedError):
            continue
        if angle.is_number and angle.is_finite is not False and abs(angle) > bound:
            return True
    return False


def mp_value(expr: sp.Expr, point: dict, digits: int = DIGITS) -> sp.Expr | None:
    """expr at the point to DIGITS digits; None when it, or one of its powers or function
    applications, is not a finite real there (log x - log y at x, y < 0 is undefined, although
    the principal complex values cancel), or when a periodic function's angle is beyond the
    precision (see :func:`beyond_precision`)."""
    if beyond_precision(expr, point, digits):
        return None
    for part in _parts(expr):
        if part is not expr and _value(part, point, digits) is None:
            return None
    return _value(expr, point, digits)


#: precisions at which a disagreement is re-evaluated before it refutes: terms as large as
#: 1e868 (cosh(1000)^2 - sinh(1000)^2) cancel only at several hundred digits
LADDER = (DIGITS, 320, 1200)


def _carried(point: dict, digits: int) -> dict:
    """The point's Floats carried at ``digits`` (+10 guard) digits: the same binary values."""
    return {s: sp.Float(v, digits + 10) if isinstance(v, sp.Float) else v
            for s, v in point.items()}


def persists(left: sp.Expr, right: sp.Expr, point: dict,
             differ: Callable[[sp.Expr, sp.Expr, sp.Expr], bool]) -> tuple | None:
    """(lhs, rhs) at the highest precision of LADDER when ``differ(a, b, bound)`` holds at every
    precision (bound: the relative error bound of that precision); None when the sides agree
    at some precision or are undefined."""
    seen = []
    for digits in LADDER:
        at = _carried(point, digits)
        a, b = mp_value(left, at, digits), mp_value(right, at, digits)
        if a is None or b is None or not differ(a, b, sp.Float(10, digits) ** (10 - digits)):
            return None
        seen.append((a, b))
    return (a, b) if _stable(*seen[-2:]) else None


#: relative change between the two highest precisions of LADDER above which a side's value is
#: meaningless (sin of an argument of 10^443000 digits): no counterexample, no pass
STABLE = 1e-10


def _stable(lower: tuple, top: tuple) -> bool:
    """Each side's value at the two highest precisions agrees within STABLE."""
    return all(_mixed(x, y) <= STABLE for x, y in zip(lower, top, strict=True))


def _value(expr: sp.Expr, point: dict, digits: int = DIGITS) -> sp.Expr | None:
    try:
        v = sp.N(expr.xreplace(point), digits + 10)
    except (TypeError, ValueError, ZeroDivisionError, RecursionError, NotImplementedError):
        return None
    if v.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not v.is_number:
        return None
    re, im = v.as_real_imag()
    if not (re.is_Number and im.is_Number) or \
            abs(im) > sp.Float(10, digits) ** (10 - digits) * max(1, abs(re)):
        return None
    return re


def _point(syms: list, values: dict, k: int) -> dict:
    # the float sample exactly, as a DIGITS-digit Float: a Rational with a 2^52 denominator
    # makes SymPy try exact roots at construction
    return {s: sp.Float(float(v[k]), DIGITS + 10) if not float(v[k]).is_integer()
            else sp.Integer(int(v[k])) for s, v in zip(syms, values.values(), strict=True)}


@dataclass
class Settled:
    """What the re-evaluation at the undefined or overflowing float points found."""

    refute: tuple[int, str, float, float] | None = None  # (point index, reason, lhs, rhs)
    agreed: int = 0  # overflowed in float64, defined and equal at high precision: tested


def settle(left: sp.Expr, right: sp.Expr, syms: list, values: dict, lv: np.ndarray,
           rv: np.ndarray, tol: float) -> Settled:
    """Re-evaluate at DIGITS digits where float64 did not give two finite values (at most
    _SETTLE_LIMIT of them, one side finite first): one side defined and the other not is a
    refutation there; both defined and equal counts as tested (``agreed``); anything else,
    and every point beyond the limit, stays untested, outside the share of the domain tested."""
    out = Settled()
    fl, fr = np.isfinite(lv), np.isfinite(rv)
    bad = np.flatnonzero(~(fl & fr))
    bad = bad[np.argsort(fl[bad] == fr[bad], kind="stable")]  # one side finite: first
    left, right = exact(left), exact(right)
    for n, k in enumerate(bad):
        if n >= _SETTLE_LIMIT:  # the rest were not re-evaluated: none of them counts as tested
            break
        point = _point(syms, values, k)
        if any(beyond_precision(e, point, LADDER[-1]) for e in (left, right)):
            continue  # an angle beyond every precision: untested, neither way
        a, b = mp_value(left, point), mp_value(right, point)
        if (a is None) != (b is None):  # 1 - sigma(766) is 0 at 50 digits: more before refuting
            a, b = _defined_higher(left, right, point, a, b)
        if a is None and b is None:
            continue  # undefined on both sides: untested (not counted in the share tested)
        if a is None or b is None:
            side = "left" if a is None else "right"
            out.refute = (int(k), f"{side} side undefined",
                          float("nan") if a is None else float(a),
                          float("nan") if b is None else float(b))
            return out
        elif abs(a - b) / max(1, abs(a), abs(b)) > tol:
            high = _at_top(left, right, point)
            if high is None:
                continue  # undefined or not stable at the top precisions: untested
            if _mixed(*high) > tol:
                out.refute = (int(k), "the sides differ (re-evaluated at "
                              f"{DIGITS} to {LADDER[-1]} digits where float64 overflowed)",
                              float(high[0]), float(high[1]))
                return out
            out.agreed += 1
        else:
            out.agreed += 1
    return out


def float_artifact(left: sp.Expr, right: sp.Expr, syms: list, values: dict, k: int,
                   tol: float) -> bool:
    """True when a float64 disagreement at ``point`` vanishes at high precision (cancellation
    in float64, such as (cosh x - sinh x)(cosh x + sinh x) at x = 14): not a counterexample."""
    left, right, point = exact(left), exact(right), _point(syms, values, k)
    seen = []
    for digits in LADDER:
        at = _carried(point, digits)
        a, b = mp_value(left, at, digits), mp_value(right, at, digits)
        if a is None or b is None:
            return False
        if _mixed(a, b) <= tol:
            return True
        seen.append((a, b))
    return not _stable(*seen[-2:])  # values that still move: no counterexample


def _at_top(left: sp.Expr, right: sp.Expr, point: dict) -> tuple | None:
    """Both sides at the highest precision of LADDER, or None when one is undefined there or
    a side's value still moves between the two highest precisions (not stable)."""
    seen = []
    for digits in LADDER[-2:]:
        at = _carried(point, digits)
        a, b = mp_value(left, at, digits), mp_value(right, at, digits)
        if a is None or b is None:
            return None
        seen.append((a, b))
    return seen[-1] if _stable(*seen) else None


def constant_difference(left: sp.Expr, right: sp.Expr) -> tuple | None:
    """(relative difference, lhs, rhs) of two constants at the highest precision of LADDER when
    they differ beyond it (sqrt 2 against sqrt 2 + 10^{-40}); None when they agree there, or a
    side is undefined or not stable between the two highest precisions."""
    high = _at_top(exact(left), exact(right), {})
    if high is None:
        return None
    diff = _mixed(*high)
    return (diff, *high) if diff > sp.Float(10, LADDER[-1]) ** (10 - LADDER[-1]) else None


def _defined_higher(left: sp.Expr, right: sp.Expr, point: dict, a, b) -> tuple:
    """The sides at the higher precisions of LADDER while exactly one stays undefined (a side
    may be undefined at 50 digits only, where its argument rounds to a pole)."""
    for digits in LADDER[1:]:
        at = _carried(point, digits)
        if a is None:
            a = mp_value(left, at, digits)
        else:
            b = mp_value(right, at, digits)
        if a is not None and b is not None:
            break
    return a, b


def confirm(left: sp.Expr, right: sp.Expr, syms: list, values: dict, ok: np.ndarray,
            evaluated: list[int] | None = None) -> tuple[int, float, float, float] | None:
    """At up to CONFIRM_POINTS defined sample points, the sides at DIGITS digits: the first
    (index, relative difference, lhs, rhs) beyond the precision's bound, or None. The number
    of points actually evaluated at DIGITS digits is added to ``evaluated[0]``: none means
    nothing was confirmed."""
    left, right = exact(left), exact(right)
    for k in np.flatnonzero(ok)[:CONFIRM_POINTS]:
        point = _point(syms, values, k)
        a, b = mp_value(left, point), mp_value(right, point)
        if a is None or b is None:
            continue
        if evaluated is not None:
            evaluated[0] += 1
        diff = abs(a - b) / max(1, abs(a), abs(b))
        if diff > _BOUND and (high := persists(left, right, point, _beyond)) is not None:
            a, b = high
            return int(k), float(_mixed(a, b)), float(a), float(b)
    return None


def _mixed(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    return abs(a - b) / max(1, abs(a), abs(b))


def _beyond(a: sp.Expr, b: sp.Expr, bound: sp.Expr) -> bool:
    return bool(_mixed(a, b) > bound)


#: simple values where textbook identities break (0, +-1, square roots of negatives)
_GRID = (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0)


def grid_values(syms: list, max_syms: int = 3) -> dict | None:
    """Every combination of the simple grid values for up to ``max_syms`` real symbols."""
    if not syms or len(syms) > max_syms:
        return None
    mesh = np.meshgrid(*[np.array(_GRID)] * len(syms), indexing="ij")
    return {s: m.ravel() for s, m in zip(syms, mesh, strict=True)}


#: wide values of an unrestricted real beyond the random samples' reach (|x| <= 50)
_WIDE = (-1e3, -30.0, -4.0, -3.0, 3.0, 30.0, 1e3)
#: simple values of the other domains a grid covers
_DOMAIN_GRID = {"positive": (1e-3, 0.5, 1.0, 2.0, 3.0, 30.0, 1e3),
                "nonnegative": (0.0, 0.5, 1.0, 2.0, 30.0, 1e3),
                "negative": (-1e3, -30.0, -2.0, -1.0, -0.5, -1e-3),
                "nonzero": (-1e3, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 1e3),
                "(0,1)": (1e-3, 0.25, 0.5, 0.75, 0.999), "[0,1]": (0.0, 0.5, 1.0),
                "{0,1}": (0.0, 1.0)}
_GRID_CAP = 4096


def _grid_of(decl, wide: bool) -> tuple | None:
    d = decl.domain
    if d.name == "real":
        return _GRID + _WIDE if wide else _GRID
    if d.integer and d.name not in _DOMAIN_GRID:
        low = -3 if d.low is None else d.low
        return tuple(float(v) for v in (low, low + 1, low + 2, low + 3, low + 6, low + 11))
    return _DOMAIN_GRID.get(d.name) if wide else None


def admissible_grid(syms: list, decls: dict, constraints: tuple, wide: bool = False
                    ) -> dict | None:
    """The simple grid for unrestricted real symbols (with ``wide``: also |x| up to 1e3 and
    simple values of integer and other declared domains), kept where every constraint holds."""
    if not syms or any(s.name not in decls for s in syms):
        return None
    axes = [_grid_of(decls[s.name], wide) for s in syms]
    if any(a is None for a in axes):
        return None
    if wide and np.prod([len(a) for a in axes]) > _GRID_CAP:
        axes = [a if decls[s.name].domain.name != "real" else _GRID
                for s, a in zip(syms, axes, strict=True)]
        if np.prod([len(a) for a in axes]) > _GRID_CAP:
            return None
    if not wide and len(syms) > 3:
        return None
    mesh = np.meshgrid(*[np.array(a, dtype=float) for a in axes], indexing="ij")
    values = {s: m.ravel() for s, m in zip(syms, mesh, strict=True)}
    if not constraints:
        return values
    n = len(next(iter(values.values())))
    with np.errstate(all="ignore"):
        keep = np.broadcast_to(to_numpy(sp.And(*constraints), syms)(*values.values()), (n,))
    values = {s: v[keep.astype(bool)] for s, v in values.items()}
    return values if keep.any() else None


#: stress values of a lone unrestricted real (thresholds such as softplus' x >= 20, overflow)
STRESS = (20.5, -20.5, 30.0, -30.0, 50.0, -50.0, 1e3, -1e3, 1e-8, -1e-8)


def stress(left: sp.Expr, right: sp.Expr, sym: sp.Symbol, tol: float
           ) -> tuple[float, float, float, float] | None:
    """(value, mixed error, lhs, rhs) at the first stress value where both sides are defined at
    DIGITS digits and differ by more than tol; None when they agree at all of them."""
    left, right = exact(left), exact(right)
    for x in STRESS:
        point = {sym: sp.Float(x, DIGITS + 10)}
        a, b = mp_value(left, point), mp_value(right, point)
        if a is None or b is None:
            continue
        diff = abs(a - b) / max(1, abs(a), abs(b))
        if diff > tol and (high := persists(
                left, right, point, lambda a, b, bound: bool(_mixed(a, b) > tol))) is not None:
            a, b = high
            return x, float(_mixed(a, b)), float(a), float(b)
    return None


def grid_stress(left: sp.Expr, right: sp.Expr, syms: list, decls: dict, constraints: tuple,
                tol: float, values_of: Callable) -> tuple[dict, float, float, float] | None:
    """(point, mixed error, lhs, rhs) at the wide grid point (simple values, |x| up to 1e3,
    small integers) of several symbols where the sides differ most beyond tol and keep
    differing at every precision of LADDER; None when no grid point refutes."""
    grid = admissible_grid(syms, decls, constraints, wide=True)
    if grid is None:
        return None
    n = len(next(iter(grid.values())))
    lv, rv = values_of(left, syms, grid, n), values_of(right, syms, grid, n)
    ok = np.isfinite(lv) & np.isfinite(rv)
    for step in sp.Tuple(left, right).atoms(sp.Heaviside, sp.DiracDelta):
        # a derivative at its kink (ReLU'(0) = 1/2 or 0) is a convention, not a counterexample
        with np.errstate(all="ignore"):
            ok &= np.broadcast_to(values_of(step.args[0], syms, grid, n), (n,)) != 0
    with np.errstate(all="ignore"):
        mixed = np.where(ok, np.abs(lv - rv) / np.maximum(1.0, np.maximum(np.abs(lv),
                                                                          np.abs(rv))), -1.0)
    left, right = exact(left), exact(right)
    for k in np.argsort(-mixed, kind="stable")[:8]:
        if mixed[k] <= tol:
            break
        point = _point(syms, grid, k)
        high = persists(left, right, point, lambda a, b, bound: bool(_mixed(a, b) > tol))
        if high is not None:
            return ({str(s): float(v[k]) for s, v in grid.items()}, float(_mixed(*high)),
                    float(high[0]), float(high[1]))
    return None
