"""Where a side of a claim is defined AS WRITTEN: SymPy simplifies on construction
(``e^{\\ln x}`` becomes ``x``, ``\\log x - \\log x`` becomes 0), so the guards of the written form
(log argument > 0, even-root base >= 0, denominator != 0, ...) are gathered from a reading
without evaluation and carried along the evaluated side as :class:`Defined`.

``Defined(expr, guard)`` is expr where guard holds and undefined (NaN) elsewhere, in NumPy
(``numpy.where``) and at high precision (evalf gives nan).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp

__all__ = ["Defined", "guard_of", "guarded", "guards_fail", "strip_guards", "written_guards"]


class Defined(sp.Function):
    """expr where guard holds, undefined elsewhere."""

    nargs = 2

    @classmethod
    def eval(cls, expr, guard):
        if guard is sp.true:
            return expr
        if guard is sp.false:
            return sp.nan
        return None

    def _eval_is_commutative(self):
        return self.args[0].is_commutative

    def _eval_is_real(self):
        return None

    def _eval_evalf(self, prec):
        expr, guard = self.args
        if guard is sp.true:
            return expr.evalf(prec)
        return sp.nan if guard is sp.false else None

    def _numpycode(self, printer) -> str:
        expr, guard = self.args
        return (f"numpy.where({printer.doprint(guard)}, {printer.doprint(expr)}, "
                "numpy.nan)")

    _pythoncode = _numpycode


def _log_guard(e: sp.Expr) -> list:
    return [e.args[0] > 0]


def _pow_guard(e: sp.Pow) -> list:
    base, exp = e.args
    if base is sp.E or base.is_positive:
        return []
    out = []
    if exp.is_integer is not True:  # a fractional, real or symbolic power
        if exp.is_Rational and exp.q % 2 == 1:  # odd root: defined for a negative base
            pass
        elif not exp.is_number:  # x^a: a negative base needs an integer exponent
            out.append(sp.Or(base > 0, sp.Eq(sp.floor(exp), exp)))
        elif exp.is_nonnegative:
            out.append(base >= 0)
        else:
            out.append(base > 0)
    if exp.is_negative and not out:
        out.append(sp.Ne(base, 0))
    return out


#: function class -> the guards its written application needs
_RULES = {
    sp.log: _log_guard,
    sp.asin: lambda e: [e.args[0] >= -1, e.args[0] <= 1],
    sp.acos: lambda e: [e.args[0] >= -1, e.args[0] <= 1],
    sp.atanh: lambda e: [e.args[0] > -1, e.args[0] < 1],
    sp.acosh: lambda e: [e.args[0] >= 1],
    # the poles of the written tan, cot, sec, csc (tan(x) cos(x) = sin(x) fails at pi/2)
    sp.tan: lambda e: [sp.Ne(sp.cos(e.args[0]), 0)],
    sp.sec: lambda e: [sp.Ne(sp.cos(e.args[0]), 0)],
    sp.cot: lambda e: [sp.Ne(sp.sin(e.args[0]), 0)],
    sp.csc: lambda e: [sp.Ne(sp.sin(e.args[0]), 0)],
    sp.Pow: _pow_guard,
}


#: nodes whose insides are not guarded here: untaken branches, bound variables
_OPAQUE = (sp.Piecewise, sp.Sum, sp.Product, sp.Integral, sp.Lambda)


def _walk(expr: sp.Basic):
    """Nodes of expr outside the branches of a Piecewise (an untaken branch may be undefined)."""
    if isinstance(expr, _OPAQUE) or not isinstance(expr, sp.Basic):
        return
    yield expr
    for a in expr.args:
        yield from _walk(a)


def guard_of(raw: sp.Basic) -> sp.Basic:
    """The conjunction of the definedness guards of an expression read without evaluation."""
    conds = []
    for node in _walk(raw):
        rule = next((r for cls, r in _RULES.items() if isinstance(node, cls)), None)
        if rule is None or not all(a.is_commutative for a in node.args):
            continue  # over matrices (sqrt of u^T v): the matrix comparison judges definedness
        for c in rule(node):
            with sp.evaluate(True):
                c = c.func(*[sp.sympify(a).doit() for a in c.args])
            if c is not sp.true and c not in conds:
                conds.append(c)
    return sp.And(*conds) if conds else sp.true


def guarded(side: sp.Expr, guard: sp.Basic) -> sp.Expr:
    """The side, undefined where its guard fails."""
    return side if guard is sp.true else Defined(side, guard)


def strip_guards(expr: sp.Expr) -> sp.Expr:
    """expr without its Defined wrappers (what a proof works on)."""
    return expr.replace(lambda e: isinstance(e, Defined), lambda e: e.args[0])


def guards_fail(expr: sp.Expr, syms: list, values: dict, n: int, lower) -> np.ndarray:
    """Boolean mask of the points where a guard of expr fails."""
    fail = np.zeros(n, dtype=bool)
    for d in expr.atoms(Defined):
        with np.errstate(all="ignore"):
            ok = np.broadcast_to(lower(d.args[1], syms)(*values.values()), (n,))
        fail |= ~ok.astype(bool)
    return fail



def written_guards(read: Callable[[], Any]) -> Any:
    """What ``read()`` gives without SymPy's evaluation on construction (the written form, for
    its guards only), or None when the reader cannot read it that way."""
    try:
        with sp.evaluate(False):
            return read()
    except Exception:
        return None
