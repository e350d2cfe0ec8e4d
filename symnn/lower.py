"""SymPy -> vectorized NumPy functions through ``lambdify``, with stable forms of symnn's nodes.

Before lowering, exact rewrites (a table: pattern -> stable form) replace the textbook forms
that overflow or cancel in float64: log(sigmoid(x)) -> -softplus(-x), log(1 - sigmoid(x)) ->
-softplus(x), log(1 + exp(x)) -> softplus(x), 1 - sigmoid(x) -> sigmoid(-x). The kernels accept
complex input, so the complex-step derivative runs through the same code.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy as sp

from ._notation import sigmoid, softplus
from ._symbols import check_pyname

__all__ = ["KERNELS", "STABLE_REWRITES", "stabilize", "to_numpy", "stable_sigmoid",
           "stable_softplus"]


def stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) for x >= 0 and exp(x) / (1 + exp(x)) below: exp never overflows in
    the branch used and nothing cancels, so the tails keep full relative accuracy (the form
    (1 + tanh(x/2))/2 loses it for x < 0: 2e-4 relative at x = -30). Written per branch so it
    stays analytic for complex x near the real axis (complex step)."""
    x = np.asarray(x)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        positive = 1.0 / (1.0 + np.exp(-x))
        e = np.exp(x)
        negative = e / (1.0 + e)
    return np.where(np.real(x) >= 0, positive, negative)


def stable_softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), written per branch so it stays analytic
    for complex x near the real axis (complex step)."""
    x = np.asarray(x)
    with np.errstate(over="ignore", invalid="ignore"):
        positive = x + np.log1p(np.exp(-x))
        negative = np.log1p(np.exp(x))
    return np.where(np.real(x) > 0, positive, negative)


#: Implementations of symnn's own function nodes, by the name lambdify prints.
KERNELS: dict[str, Callable[..., np.ndarray]] = {
    "sigmoid": stable_sigmoid,
    "softplus": stable_softplus,
}


def _is_one_minus_sigmoid(e: sp.Basic) -> bool:
    return (isinstance(e, sp.Add) and len(e.args) == 2 and sp.S.One in e.args
            and any(isinstance(-t, sigmoid) for t in e.args))


def _sigmoid_arg(e: sp.Add) -> sp.Expr:
    return next((-t).args[0] for t in e.args if isinstance(-t, sigmoid))


def _is_log_one_plus_exp(e: sp.Basic) -> bool:
    inner = e.args[0] if isinstance(e, sp.log) else None
    return (isinstance(inner, sp.Add) and len(inner.args) == 2 and sp.S.One in inner.args
            and any(isinstance(t, sp.exp) for t in inner.args))


#: Exact rewrites to stable forms: (name, matches, replacement), applied in order.
STABLE_REWRITES = (
    ("log(sigmoid(x)) -> -softplus(-x)",
     lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sigmoid),
     lambda e: -softplus(-e.args[0].args[0])),
    ("log(1 - sigmoid(x)) -> -softplus(x)",
     lambda e: isinstance(e, sp.log) and _is_one_minus_sigmoid(e.args[0]),
     lambda e: -softplus(_sigmoid_arg(e.args[0]))),
    ("log(1 + exp(x)) -> softplus(x)", _is_log_one_plus_exp,
     lambda e: softplus(next(t for t in e.args[0].args if isinstance(t, sp.exp)).args[0])),
    ("1 - sigmoid(x) -> sigmoid(-x)", _is_one_minus_sigmoid,
     lambda e: sigmoid(-_sigmoid_arg(e))),
)


def stabilize(expr: sp.Expr) -> sp.Expr:
    """Apply the stable rewrites (each an identity) wherever they match."""
    for _, matches, replace in STABLE_REWRITES:
        expr = expr.replace(matches, replace)
    return expr


def to_numpy(expr: sp.Expr, symbols: list[sp.Symbol], stable: bool = True
             ) -> Callable[..., np.ndarray]:
    """A NumPy function of ``symbols`` (positional, broadcasting) computing ``expr``.

    Symbol names reach generated code, so each must be a safe identifier.
    """
    for s in symbols:
        check_pyname(s.name)
    if expr.has(sp.zoo, sp.nan):
        raise ValueError(f"cannot evaluate {expr}: it is undefined (complex infinity or nan)")
    undefined = expr.atoms(sp.core.function.AppliedUndef)
    if undefined:
        names = ", ".join(sorted(str(f.func) for f in undefined))
        raise ValueError(f"cannot evaluate undefined function(s) {names}: give a definition")
    return sp.lambdify(symbols, stabilize(expr) if stable else expr,
                       modules=[KERNELS, "numpy"], cse=True)
