"""Derivative claims (``\\frac{d}{dx} f = g``, ``\\partial``, ``\\nabla_x``) typed into ``symnn
check``: the stated side is checked as a gradient of f (complex step or Richardson, stress
points up to |x| = 1e3 and 1e-8, high-precision settling), then the equality is proved or
compared as any claim. The gradient check's refutation wins; a proof needs both.
"""

from __future__ import annotations

import sympy as sp

from ..derive import Definitions, evaluate
from ..read import SymbolTable
from ._gradcheck import check_gradient
from ._results import CheckResult

__all__ = ["derivative_side", "check_derivative_claim"]


def derivative_side(lhs: sp.Expr, rhs: sp.Expr) -> tuple[sp.Expr, sp.Symbol, sp.Expr] | None:
    """(f', wrt, stated) when one side as read is a derivative in one variable: f' is the
    derivative with its last order peeled (f itself for a first derivative)."""
    for side, other in ((lhs, rhs), (rhs, lhs)):
        if isinstance(side, sp.Derivative) and len(side.variable_count) == 1:
            (var, n), = side.variable_count
            inner = side.expr if n == 1 else sp.Derivative(side.expr, (var, n - 1))
            return inner, var, other
    return None


def check_derivative_claim(parts: tuple[sp.Expr, sp.Symbol, sp.Expr], equality: CheckResult
                           | None, defs: Definitions, table: SymbolTable, *, seed: int = 0,
                           points: int = 64, constraints: tuple = ()) -> CheckResult:
    """The gradient check of a derivative claim, combined with its equality check (None with
    ``--gradient``: the gradient check alone)."""
    inner, wrt, stated = parts
    grad = check_gradient(evaluate(inner, defs), wrt, evaluate(stated, defs), table,
                          seed=seed, points=points, constraints=constraints)
    grad.kind = "claim (gradient)"
    if equality is None or grad.verdict in ("refuted", "undecided"):
        return grad
    equality.detail += f"; gradient check: {grad.detail}"
    return equality
