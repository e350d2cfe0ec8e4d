"""Numerical derivatives with an error estimate, every perturbation in one vectorized call.

* Complex step, f'(x) = Im f(x + ih) / h, where f is analytic: no subtraction, so no step-size
  trade-off; the error is rounding only.
* Central differences with one Richardson level elsewhere (Max, Abs, Piecewise, ...), with a
  per-element estimate |R - D(h/2)| plus the rounding term eps |f| / h, and the two one-sided
  differences, so a kink inside the step is recognised instead of reported as a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

__all__ = ["NumericDerivative", "is_analytic", "complex_step", "richardson", "NON_ANALYTIC"]

EPS = float(np.finfo(float).eps)
#: Nodes that break analyticity (complex step would be wrong or undefined through them).
NON_ANALYTIC = (sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.sign, sp.floor, sp.ceiling,
                sp.Piecewise)
#: Complex step: Im f(x + ih)/h has truncation error h^2 f'''/6, negligible at this h.
COMPLEX_STEP = 1e-30
#: Central differences: relative step, a compromise between truncation and rounding for D(h)
#: and D(h/2) combined by one Richardson step (order 4).
CENTRAL_STEP = 1e-3
#: One-sided differences that disagree by more than this many error estimates mark a kink.
KINK_FACTOR = 100.0


@dataclass
class NumericDerivative:
    """Derivative values and their error estimates, shape (points,), and which points sit at a
    kink (where ``lower``/``upper`` bound the one-sided derivatives)."""

    value: np.ndarray
    error: np.ndarray
    method: str
    kink: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def is_analytic(expr: sp.Expr) -> bool:
    """True when no node of expr breaks complex differentiability."""
    return not expr.has(*NON_ANALYTIC)


def complex_step(f: Callable[..., np.ndarray], args: list[np.ndarray], j: int
                 ) -> NumericDerivative:
    """d f / d args[j] at every point, by complex step; f must accept complex arrays."""
    x = np.asarray(args[j], dtype=float)
    h = COMPLEX_STEP * np.maximum(1.0, np.abs(x))
    shifted = list(args)
    shifted[j] = x + 1j * h
    with np.errstate(all="ignore"):
        fx = np.asarray(f(*shifted), dtype=complex)
        real = np.broadcast_to(np.asarray(f(*args)), x.shape)
    # where f is not real-valued at x (log of a negative, ...) the complex extension would
    # still give a number: such points are outside the domain, not derivatives
    outside = ~np.isfinite(real) | np.iscomplex(real)
    value = np.where(outside, np.nan, np.broadcast_to(fx.imag / h, x.shape)).astype(float)
    error = 4 * EPS * np.abs(value) + 1e-300  # rounding only: a few ulps of the derivative
    none = np.zeros(x.shape, dtype=bool)
    return NumericDerivative(value, error, "complex step", none, value, value)


def richardson(f: Callable[..., np.ndarray], args: list[np.ndarray], j: int
               ) -> NumericDerivative:
    """d f / d args[j] by central differences at h and h/2 combined by Richardson, and again at
    h/8 and h/16; the error estimate is the larger of the Richardson correction and the gap
    between the two extrapolations (near a singularity, where curvature is high, the first
    alone underestimates). All nine evaluations are stacked in one call."""
    x = np.asarray(args[j], dtype=float)
    h = CENTRAL_STEP * np.maximum(1.0, np.abs(x))
    offsets = np.array([0.0, 1.0, -1.0, 0.5, -0.5, 0.125, -0.125, 0.0625, -0.0625])
    n = len(offsets)
    stacked = [np.broadcast_to(a, x.shape)[None, :] * np.ones((n, 1)) for a in args]
    stacked[j] = x[None, :] + offsets[:, None] * h[None, :]
    with np.errstate(all="ignore"):  # points outside the domain give NaN, judged by callers
        fv = np.broadcast_to(np.asarray(f(*stacked), dtype=float), (n, x.size))
        f0 = fv[0]

        def extrapolated(k: int, step: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            coarse = (fv[k] - fv[k + 1]) / (2 * step)
            fine = (fv[k + 2] - fv[k + 3]) / step
            return (4 * fine - coarse) / 3, fine

        value, d2 = extrapolated(1, h)
        second, _ = extrapolated(5, h / 8)
        rounding = EPS * np.maximum(np.abs(f0), 1e-300) / (h / 16)
        error = np.maximum(np.abs(value - d2), np.abs(value - second)) + 4 * rounding
        plus, minus = (fv[3] - f0) / (h / 2), (f0 - fv[4]) / (h / 2)
        lower, upper = np.minimum(plus, minus), np.maximum(plus, minus)
        kink = np.abs(plus - minus) > KINK_FACTOR * (error + np.abs(value) * 1e-6) + 1e-9
    return NumericDerivative(value, error, "central differences + Richardson", kink, lower,
                             upper)
