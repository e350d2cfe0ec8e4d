"""SymPy -> vectorized NumPy functions through ``lambdify``, with stable forms of symnn's nodes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy as sp

from ._symbols import check_pyname

__all__ = ["KERNELS", "to_numpy", "stable_sigmoid"]


def stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) as 0.5 (1 + tanh(x / 2)): no overflow for any finite x."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


#: Implementations of symnn's own function nodes, by the name lambdify prints.
KERNELS: dict[str, Callable[..., np.ndarray]] = {
    "sigmoid": stable_sigmoid,
}


def to_numpy(expr: sp.Expr, symbols: list[sp.Symbol]) -> Callable[..., np.ndarray]:
    """A NumPy function of ``symbols`` (positional, broadcasting) computing ``expr``.

    Symbol names reach generated code, so each must be a safe identifier.
    """
    for s in symbols:
        check_pyname(s.name)
    undefined = expr.atoms(sp.core.function.AppliedUndef)
    if undefined:
        names = ", ".join(sorted(str(f.func) for f in undefined))
        raise ValueError(f"cannot evaluate undefined function(s) {names}: give a definition")
    return sp.lambdify(symbols, expr, modules=[KERNELS, "numpy"], cse=True)
