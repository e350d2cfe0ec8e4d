"""Named functions lower to NumPy (issue 15): erf, erfc, Gamma, log-Gamma, n!, binomial and
products evaluate elementwise on arrays (real and complex), agreeing with mpmath."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from symnn.cli import check_claim
from symnn.emit import to_numpy

X, N, K = sp.symbols("x n k")
RNG_SEED = 7

#: expression -> its mpmath reference at (x, n, k)
CASES = {
    "erf": (sp.erf(X), lambda x, n, k: mpmath.erf(x)),
    "erfc": (sp.erfc(X), lambda x, n, k: mpmath.erfc(x)),
    "gamma": (sp.gamma(X), lambda x, n, k: mpmath.gamma(x)),
    "loggamma": (sp.loggamma(X), lambda x, n, k: mpmath.loggamma(x)),
    "factorial": (sp.factorial(N), lambda x, n, k: mpmath.factorial(n)),
    "binomial": (sp.binomial(N, K), lambda x, n, k: mpmath.binomial(n, k)),
    "product": (sp.Product(X + K, (K, 1, N)),
                lambda x, n, k: mpmath.fprod(x + i for i in range(1, int(n) + 1))),
}


def _points() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(RNG_SEED)
    return (rng.uniform(0.1, 4.0, 6), rng.integers(0, 9, 6).astype(float),
            rng.integers(0, 6, 6).astype(float))


def worst_error(kernel, reference) -> float:
    """The largest relative error of kernel against reference at the sampled array points."""
    x, n, k = _points()
    got = np.broadcast_to(kernel(x, n, k), x.shape)
    want = [float(reference(a, b, c)) for a, b, c in zip(x, n, k, strict=True)]
    return max(abs(g - w) / max(abs(w), 1e-300) for g, w in zip(got, want, strict=True))


@pytest.mark.parametrize("name", sorted(CASES))
def test_named_function_lowers_to_an_elementwise_numpy_kernel(name):
    """The lowered kernel evaluates on arrays and agrees with mpmath to 1e-12."""
    expr, reference = CASES[name]
    assert worst_error(to_numpy(expr, [X, N, K]), reference) < 1e-12


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_planted_wrong_kernel_is_caught_by_the_comparison(name):
    """The same comparison fails on a planted wrong kernel (1 % off at its largest value)."""
    expr, reference = CASES[name]
    good = to_numpy(expr, [X, N, K])

    def planted(x, n, k):
        out = np.array(np.broadcast_to(good(x, n, k), x.shape), dtype=float)
        out[np.argmax(np.abs(out))] *= 1.01
        return out
    assert worst_error(planted, reference) > 1e-4


@pytest.mark.parametrize("name", ["erf", "erfc", "gamma", "loggamma"])
def test_named_function_kernel_accepts_complex_input_for_the_complex_step(name):
    """A complex step through the kernel gives the derivative mpmath gives."""
    expr, reference = CASES[name]
    f, x, h = to_numpy(expr, [X, N, K]), 0.8, 1e-20
    step = np.imag(f(np.array([x + 1j * h]), 1.0, 1.0))[0] / h
    assert step == pytest.approx(float(mpmath.diff(lambda t: reference(t, 0, 0), x)), rel=1e-10)


def test_binomial_kernel_is_zero_above_n_not_nan():
    """C(5, 7) = 0 in the kernel (the Gamma-ratio form SymPy prints gives nan)."""
    assert to_numpy(sp.binomial(N, K), [N, K])(np.array([5.0]), np.array([7.0]))[0] == 0.0


def test_factorial_of_a_negative_integer_is_nan_and_a_large_one_inf():
    """(-1)! is a pole (nan) and 200! overflows float64 (inf), as in SymPy (zoo, a huge number)."""
    out = to_numpy(sp.factorial(N), [N])(np.array([-1.0, 200.0]))
    assert math.isnan(out[0]) and out[1] == math.inf


def test_product_with_a_symbolic_bound_lowers_with_the_bound_an_array():
    """prod_{k=1}^{n} k = n! with n an array of integers, and a common term keeps its k free."""
    n = np.array([0.0, 3.0, 5.0])
    assert to_numpy(sp.Product(K, (K, 1, N)), [N])(n).tolist() == [1.0, 6.0, 120.0]
    mixed = sp.Product(X + K, (K, 1, N)) * sp.exp(X + K)  # X + K inside and outside
    want = float((mixed.subs({X: 0.5, N: 3, K: 2})).doit())
    assert to_numpy(mixed, [X, N, K])(0.5, 3.0, 2.0) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("claim, assume", [
    (r"\operatorname{erf}(-x) = \operatorname{erf}(x)", []),
    (r"\operatorname{erfc}(x) = 1 + \operatorname{erf}(x)", []),
    (r"\Gamma(x + 1) = \Gamma(x)", ["x > 0"]),
    (r"(n+1)! = n \cdot n!", ["n integer >= 1"]),
    (r"\binom{n}{k} = \binom{n}{k+1}", ["n integer >= 1", "k integer >= 1", "k < n"]),
    (r"\prod_{k=1}^{n} k = n^{2}", ["n integer >= 1"]),
])
def test_a_wrong_identity_of_a_named_function_is_refuted(claim, assume):
    """A planted wrong identity of each named function is refuted, not left undecided."""
    assert check_claim(claim, assume, seed=0, seconds=60).verdict == "refuted"
