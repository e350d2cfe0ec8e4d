"""Vectorized kernels of the special functions SymPy's NumPy printer maps to ``math.*``.

``lambdify`` prints ``erf(x)``, ``gamma(x)``, ``factorial(n)`` ... as calls of the ``math``
module, which take one Python float: on an array they fail ("only 0-dimensional arrays can be
converted to Python scalars"). :data:`SPECIAL` gives each one an elementwise implementation:
``math`` on real input (a pole is nan, an overflow inf, as SymPy's zoo / oo), ``mpmath`` on
complex input (the complex-step derivative goes through the same kernel). ``binomial`` and
``Product`` get printed forms of their own (:class:`SpecialPrinter`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import mpmath
import numpy as np
from sympy.printing.numpy import NumPyPrinter

__all__ = ["SPECIAL", "SpecialPrinter", "product_over", "MAX_PRODUCT_TERMS"]

#: more factors than this in one ``\prod`` is refused, not looped over
MAX_PRODUCT_TERMS = 1_000_000


def _binomial(n: float, k: float) -> float:
    """C(n, k) for real n and k: 0 outside 0 <= k <= n for integers, Gamma ratios otherwise."""
    if n == round(n) and k == round(k):
        if n >= 0:
            return float(math.comb(int(n), int(k))) if 0 <= k <= n else 0.0
        return float((-1) ** int(k) * math.comb(int(k - n - 1), int(k))) if k >= 0 else 0.0
    return math.gamma(n + 1) / (math.gamma(k + 1) * math.gamma(n - k + 1))


def _factorial(v: float) -> float:
    if v == round(v) and v < 0:
        return math.nan  # n! of a negative integer: a pole of Gamma(n + 1)
    return math.gamma(v + 1.0)


#: name lambdify prints -> (real implementation, complex implementation)
_TABLE: dict[str, tuple[Callable[..., float], Callable[..., complex]]] = {
    "erf": (math.erf, mpmath.erf),
    "erfc": (math.erfc, mpmath.erfc),
    "gamma": (math.gamma, mpmath.gamma),
    "lgamma": (math.lgamma, mpmath.loggamma),
    "factorial": (_factorial, lambda z: mpmath.gamma(z + 1)),
    "binomial": (_binomial, mpmath.binomial),
}


def _guarded(fn: Callable[..., float]) -> Callable[..., float]:
    """fn, with a pole (ValueError) as nan and an overflow as inf."""
    def call(*args: float) -> float:
        try:
            return fn(*args)
        except ValueError:
            return math.nan
        except OverflowError:
            return math.inf
    return call


def _elementwise(real: Callable[..., float], cplx: Callable[..., complex]
                 ) -> Callable[..., np.ndarray]:
    """One kernel: broadcasting over its arguments, float64 (or complex128) out."""
    on_real = np.frompyfunc(_guarded(real), 2 if real is _binomial else 1, 1)
    on_complex = np.frompyfunc(_guarded(lambda *z: complex(cplx(*z))), on_real.nin, 1)

    def kernel(*args: np.ndarray) -> np.ndarray:
        arrays = [np.asarray(a) for a in args]
        if any(np.iscomplexobj(a) for a in arrays):
            return np.asarray(on_complex(*(a.astype(complex) for a in arrays)), dtype=complex)
        out = on_real(*(a.astype(float) for a in arrays))
        return np.asarray(out, dtype=float)[()]
    return kernel


#: the special-function kernels, by the name lambdify prints
SPECIAL: dict[str, Callable[..., np.ndarray]] = {
    name: _elementwise(real, cplx) for name, (real, cplx) in _TABLE.items()}


def product_over(body: Callable[[int], np.ndarray], lo: np.ndarray, hi: np.ndarray
                 ) -> np.ndarray:
    """prod_{k=lo}^{hi} body(k), elementwise over arrays of integer bounds (empty: 1)."""
    lo, hi = np.asarray(np.real(lo)), np.asarray(np.real(hi))
    if not (np.all(lo == np.round(lo)) and np.all(hi == np.round(hi))):
        raise ValueError("a product's bounds must be integers")
    if lo.size == 0:
        return np.ones(np.broadcast(lo, hi).shape)
    first, last = int(lo.min()), int(hi.max())
    if last - first >= MAX_PRODUCT_TERMS:
        raise ValueError(f"a product of {last - first + 1} factors is too long to evaluate")
    result: np.ndarray | float = 1.0
    for k in range(first, last + 1):
        inside = (lo <= k) & (k <= hi)
        result = result * np.where(inside, body(k), 1.0)
    return result


class SpecialPrinter(NumPyPrinter):
    """lambdify's NumPy printer, with binomial(n, k) and Product(body, (k, lo, hi)) printed as
    calls of their kernels instead of Gamma ratios (nan at n < k) and an error."""

    def _print_Integer(self, e: object) -> str:
        """An integer beyond int64 as the float it rounds to (a Python int that large is an
        object array to NumPy, which its ufuncs refuse); beyond float64, inf."""
        if abs(e.p) < 2 ** 63:
            return super()._print_Integer(e)
        try:
            return repr(float(e.p))
        except OverflowError:
            return "numpy.inf" if e.p > 0 else "(-numpy.inf)"

    def _print_DiracDelta(self, e: object) -> str:
        """DiracDelta(x) (and its derivatives) is 0 for x != 0, undefined (nan) at 0."""
        arg = self._print(e.args[0])
        return f"numpy.where(numpy.equal({arg}, 0), numpy.nan, 0.0)"

    def _print_binomial(self, e: object) -> str:
        return f"binomial({self._print(e.args[0])}, {self._print(e.args[1])})"

    def _print_Product(self, e: object) -> str:
        source = self._print(e.function)
        for k, lo, hi in reversed(e.limits):  # the innermost limit is the first
            source = (f"product_over(lambda {self._print(k)}: {source}, "
                      f"{self._print(lo)}, {self._print(hi)})")
        return source
