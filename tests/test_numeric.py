"""Numerical kernels and derivatives: stable at the extremes, accurate, honest error estimates."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp

from symnn.check._gradcheck import check_gradient
from symnn.check._numdiff import complex_step, richardson
from symnn.emit import stabilize, stable_sigmoid, stable_softplus, to_numpy
from symnn.read._notation import sigmoid, softplus
from symnn.read.symbols import SymbolTable

EXTREMES = np.array([-800.0, -50.0, -30.0, -1e-8, 0.0, 1e-8, 30.0, 50.0, 800.0])


def _mp(f, xs):
    with mpmath.workdps(50):
        return np.array([float(f(mpmath.mpf(x))) for x in xs])


def test_sigmoid_kernel_matches_mpmath_at_the_extremes():
    """sigmoid(z) for |z| up to 800: no NaN or overflow, within 4 ulps-ish of mpmath."""
    got = stable_sigmoid(EXTREMES)
    ref = _mp(lambda t: 1 / (1 + mpmath.exp(-t)), EXTREMES)
    assert np.all(np.isfinite(got))
    tiny = ref > 0  # sigmoid(-800) underflows to 0 in float64, as it must
    assert np.max(np.abs(got - ref)[tiny] / ref[tiny]) < 1e-15 and got[0] == 0.0


def test_softplus_kernel_matches_mpmath_at_the_extremes():
    """softplus(z) = log(1 + e^z) for |z| up to 800: finite and within 1e-15 relative."""
    got = stable_softplus(EXTREMES)
    ref = _mp(lambda t: mpmath.log(1 + mpmath.exp(t)), EXTREMES)
    assert np.all(np.isfinite(got))
    assert np.max(np.abs(got - ref) / np.maximum(np.abs(ref), 1e-300)) < 1e-15


def test_cross_entropy_of_logits_is_finite_at_the_extremes():
    """-[y log sigmoid(z) + (1-y) log(1 - sigmoid(z))] lowers to softplus: finite at z = +-800."""
    z, y = sp.symbols("z y", real=True)
    loss = -(y * sp.log(sigmoid(z)) + (1 - y) * sp.log(1 - sigmoid(z)))
    assert stabilize(loss).has(softplus)
    f = to_numpy(loss, [z, y])
    values = f(EXTREMES, np.where(EXTREMES > 0, 0.0, 1.0))
    ref = _mp(lambda t: mpmath.log(1 + mpmath.exp(abs(t))), EXTREMES)
    assert np.all(np.isfinite(values)) and np.allclose(values, ref, rtol=1e-14)


def test_textbook_cross_entropy_without_rewrites_overflows():
    """Without the stable rewrites the same loss is infinite or NaN at z = 800: they matter."""
    z, y = sp.symbols("z y", real=True)
    loss = -(y * sp.log(sigmoid(z)) + (1 - y) * sp.log(1 - sigmoid(z)))
    with np.errstate(all="ignore"):
        values = to_numpy(loss, [z, y], stable=False)(np.array([800.0]), np.array([0.0]))
    assert not np.all(np.isfinite(values))


def test_complex_step_derivative_of_sigmoid_is_exact_to_rounding():
    """Complex step gives sigmoid' within 1e-15 relative of the 50-digit value."""
    x = np.linspace(-20, 20, 41)
    d = complex_step(stable_sigmoid, [x], 0)
    ref = _mp(lambda t: mpmath.exp(-t) / (1 + mpmath.exp(-t)) ** 2, x)
    assert np.max(np.abs(d.value - ref) / ref) < 1e-14


def test_richardson_error_estimate_bounds_the_actual_error():
    """On a smooth function the Richardson estimate is at least the true error."""
    x = np.linspace(-3, 3, 25)
    d = richardson(np.sin, [x], 0)
    assert np.all(np.abs(d.value - np.cos(x)) <= d.error + 1e-15)


def test_richardson_flags_a_kink_inside_the_step():
    """|x| at x = 0: the one-sided derivatives are -1 and 1, and the point is marked a kink."""
    d = richardson(np.abs, [np.array([0.0, 2.0])], 0)
    assert d.kink[0] and not d.kink[1]
    assert d.lower[0] == pytest.approx(-1) and d.upper[0] == pytest.approx(1)


def test_gradient_off_by_one_millionth_is_refuted_by_complex_step():
    """A stated sigmoid' scaled by 1 + 1e-6 fails by orders of magnitude beyond the estimate."""
    z = sp.Symbol("z", real=True)
    table = SymbolTable(auto=True)
    table.auto_declare("z")
    stated = sigmoid(z) * (1 - sigmoid(z)) * sp.Rational(1000001, 1000000)
    r = check_gradient(sigmoid(z), z, stated, table)
    assert not r.ok and r.method == "complex step" and "times beyond" in r.detail


def test_true_gradient_passes_with_stress_points():
    """sigmoid' = sigmoid (1 - sigmoid) passes, stress points z = +-30, +-50 included."""
    z = sp.Symbol("z", real=True)
    table = SymbolTable(auto=True)
    table.auto_declare("z")
    r = check_gradient(sigmoid(z), z, sigmoid(z) * (1 - sigmoid(z)), table)
    assert r.ok and r.points >= 64
