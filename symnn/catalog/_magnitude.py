"""Numbers too large to evaluate, found by their size before anything computes them.

A check evaluates in float64 (|x| < 10^308). A number-only part of an expression — a power
tower ``10^{10^{10}}``, a factorial ``(10^{999}-1)!``, a 400-digit integer — is measured here in
the log domain with mpmath (``log10 |value|``, never the value itself), so ``too_large`` answers
within milliseconds whatever the number, and the check refuses it with a message instead of
running to its time limit or crashing inside lambdify.
"""

from __future__ import annotations

import mpmath
import sympy as sp

__all__ = ["MAX_LOG10", "too_large"]

#: log10 of the largest magnitude a check evaluates (float64 overflows past 1.8e308).
MAX_LOG10 = 308.0
_LOG10_E = mpmath.log10(mpmath.e)


class _Huge(Exception):
    """A number-only part whose log10 magnitude is past the bound (or cannot be bounded)."""


def _log10(expr: sp.Expr) -> mpmath.mpf:
    """An estimate of log10 |expr| for a number-only expression, in the log domain."""
    if expr.is_Integer or expr.is_Rational:
        p, q = abs(int(expr.p)), int(expr.q)
        if p == 0:
            return mpmath.mpf("-inf")
        return mpmath.log10(mpmath.mpf(p)) - mpmath.log10(q)
    if expr.is_Float:
        return mpmath.log10(abs(mpmath.mpf(expr._mpf_))) if expr else mpmath.mpf("-inf")
    if isinstance(expr, sp.Pow):
        base, exp = _log10(expr.base), expr.exp
        if _log10(exp) > 15:  # an exponent past 10^15: huge or tiny, never evaluable exactly
            if base == 0:
                return mpmath.mpf(0)
            raise _Huge
        return base * _value(exp)
    if isinstance(expr, sp.factorial | sp.gamma):
        n = _value(expr.args[0])
        if abs(n) > 10**15:
            raise _Huge
        shift = 1 if isinstance(expr, sp.factorial) else 0
        return mpmath.loggamma(n + shift).real / mpmath.ln(10)
    if isinstance(expr, sp.exp):
        return _value(expr.args[0]) * _LOG10_E
    if isinstance(expr, sp.Mul):
        return mpmath.fsum(_log10(a) for a in expr.args)
    if isinstance(expr, sp.Add):
        return max(_log10(a) for a in expr.args) + mpmath.log10(len(expr.args))
    for a in expr.args:  # other functions (log, sin, ...) do not grow faster than their input
        _check(a)
    return mpmath.mpf(0)


def _value(expr: sp.Expr) -> mpmath.mpf:
    """The value of a number-only expression small enough to hold (|log10| <= 10^15)."""
    size = _log10(expr)
    if size > 15:
        raise _Huge
    try:
        return mpmath.mpf(sp.Float(expr, 30)._mpf_)
    except (TypeError, ValueError, AttributeError):
        return mpmath.mpf(10) ** size


def _check(expr: sp.Basic) -> None:
    if isinstance(expr, sp.Expr) and not expr.free_symbols and expr.is_number:
        try:
            size = _log10(expr)
        except _Huge:
            raise _Huge(expr, "") from None
        if size > MAX_LOG10:
            raise _Huge(expr, f" (about 10^{mpmath.nstr(size, 6)})")
        return
    for a in expr.args:
        _check(a)


def too_large(*exprs: sp.Basic) -> str | None:
    """None when every number-only part of ``exprs`` is within float64; else the reason."""
    for expr in exprs:
        try:
            _check(expr)
        except _Huge as exc:
            part, size = exc.args if len(exc.args) == 2 else (expr, "")
            text = sp.sstr(part, order="none")
            text = text if len(text) <= 40 else f"{text[:30]}...({len(text)} characters)"
            return (f"the number {text}{size} is larger than 10^{MAX_LOG10:g}: too large for "
                    "a numeric check (it is not computed)")
        except (TypeError, ValueError, ArithmeticError):
            continue  # cannot be measured: left to the check, under its time budget
    return None
