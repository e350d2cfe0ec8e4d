"""Sides defined where they are as written, disagreements confirmed at growing precision, wide
and integer grids, internal errors kept apart from verdicts (issue 14, second pass)."""

from __future__ import annotations

import pytest
import sympy as sp

from symnn.catalog import InternalError, run_isolated
from symnn.check._definedness import guard_of
from symnn.cli import main
from symnn.read import SymbolTable, parse_statement


def _code(*argv: str) -> int:
    return main(["check", *argv])


@pytest.mark.parametrize("claim", [
    r"e^{\ln x} = x", r"\sqrt{x}\sqrt{x} = x", r"(\sqrt{x})^{4} = x^{2}",
    r"\log(x) - \log(x) = 0", r"\log\left(1 + e^{\log(e^{x} - 1)}\right) = x",
    r"\sqrt{\log x}\sqrt{\log x} = \log x"])
def test_a_side_simplified_on_reading_keeps_the_domain_it_is_written_on(claim):
    """A side whose written form is undefined where the other side is defined is refuted."""
    assert _code(claim) == 1


@pytest.mark.parametrize("claim", [r"e^{\ln x} = x", r"\sqrt{x}\sqrt{x} = x",
                                   r"\log(x) - \log(x) = 0"])
def test_the_same_claims_on_the_domain_they_are_written_for_are_proved(claim):
    """With x > 0 (the planted error above removed) each of those claims holds (exit 0)."""
    assert _code(claim, "--assume", "x > 0") == 0


def test_guards_of_the_written_form_name_log_roots_and_denominators():
    """The guards read without evaluation: log argument > 0, root base >= 0, denominator != 0."""
    table = SymbolTable(auto=True)
    with sp.evaluate(False):
        read = parse_statement(r"\log(x) + \sqrt{y} + \frac{1}{z - 1} = 0", table)
    x, y, z = (sp.Symbol(n, real=True) for n in "xyz")
    assert set(guard_of(read.lhs).args) == {x > 0, y >= 0, sp.Ne(z - 1, 0)}


def test_both_sides_undefined_on_half_the_line_stays_undecided():
    """\\sqrt{x}\\sqrt{x} = (\\sqrt{x})^2: both undefined for x < 0, so exit 3, not proved."""
    assert _code(r"\sqrt{x}\sqrt{x} = (\sqrt{x})^{2}") == 3


def test_catastrophic_cancellation_at_a_stress_point_is_not_a_refutation():
    """\\cosh^2 x - \\sinh^2 x = 1 holds: at x = 1000 the terms (1e868) cancel at 1200 digits."""
    assert _code(r"\cosh^{2}(x) - \sinh^{2}(x) = 1") == 0


def test_a_planted_offset_survives_the_growing_precision():
    """\\cosh^2 x - \\sinh^2 x = 1 + 10^{-30} is refuted (the offset persists at every rung)."""
    assert _code(r"\cosh^{2}(x) - \sinh^{2}(x) = 1 + 10^{-30}") == 1


def test_bernoulli_inequality_is_refuted_below_minus_two_for_odd_n():
    """(1 + x)^n >= 1 + nx for every real x is refuted on the wide grid (x < -2, n odd)."""
    assert _code(r"(1 + x)^{n} \ge 1 + nx", "--assume", "n integer >= 1") == 1


def test_bernoulli_inequality_for_x_at_least_minus_one_holds():
    """With x >= -1 (its true domain) the same inequality holds (exit 0)."""
    assert _code(r"(1 + x)^{n} \ge 1 + nx", "--assume", "n integer >= 1",
                 "--assume", "x >= -1") == 0


def test_a_multi_symbol_identity_off_at_large_values_is_refuted_on_the_wide_grid():
    """(a+b)^2 = a^2 + b^2 + 2ab + 10^{-20} a^4 is refuted (visible only at |a| ~ 1e3)."""
    assert _code(r"(a+b)^{2} = a^{2} + b^{2} + 2ab + 10^{-20} a^{4}") == 1


def test_binomial_of_an_integer_sample_is_evaluated():
    """\\binom{n}{2} = n(n+1)/2 is refuted (binomial on integer samples, no internal error)."""
    assert _code(r"\binom{n}{2} = \frac{n(n+1)}{2}", "--assume", "n integer >= 2") == 1


def test_binomial_identity_holds():
    """\\binom{n}{2} = n(n-1)/2 holds (the refutation above is the planted sign)."""
    assert _code(r"\binom{n}{2} = \frac{n(n-1)}{2}", "--assume", "n integer >= 2") == 0


def test_stirling_lower_bound_reads_a_bare_e_as_eulers_number():
    """sqrt(2 pi n)(n/e)^n <= n! holds with e Euler's number (no assumption names e)."""
    assert _code(r"\sqrt{2\pi n}\left(\frac{n}{e}\right)^{n} \le n!",
                 "--assume", "n integer >= 1") == 0


def test_stirling_with_a_planted_factor_is_refuted():
    """sqrt(3 pi n)(n/e)^n <= n! fails at n = 1 (2 instead of 3 under the root)."""
    assert _code(r"\sqrt{3\pi n}\left(\frac{n}{e}\right)^{n} \le n!",
                 "--assume", "n integer >= 1") == 1


def _boom() -> None:
    raise KeyError("planted")


def test_an_internal_error_in_the_child_is_an_internal_error_not_a_verdict():
    """An exception inside the isolated check raises InternalError (exit 2), not undecided."""
    with pytest.raises(InternalError, match="planted"):
        run_isolated(_boom, seconds=30, what="the check")


def test_a_later_narrowing_rebinds_an_earlier_joint_assumption():
    """--assume 'z > 1' then 'z < 0' leaves no admissible point: exit 3, no internal error."""
    assert _code(r"\sigma(-z) = 1 - \sigma(z)", "--assume", "z > 1", "--assume", "z < 0") == 3


def test_an_ascii_comparison_in_assume_is_read():
    """--assume 'x >= -1' narrows x (ASCII >=), so sqrt(1 + x) >= 0 holds (exit 0)."""
    assert _code(r"\sqrt{1 + x} \ge 0", "--assume", "x >= -1") == 0


def test_without_the_assumption_the_root_is_undefined_somewhere():
    """sqrt(1 + x) >= 0 without the assumption is refuted where the root is undefined."""
    assert _code(r"\sqrt{1 + x} \ge 0") == 1


def test_n_integer_at_least_0_is_an_integer_domain():
    """--assume 'n integer >= 0' makes n a nonnegative integer (the binomial sum holds)."""
    assert _code(r"\sum_{k=0}^{n} \binom{n}{k} = 2^{n}", "--assume", "n integer >= 0") == 0


def test_the_binomial_sum_with_a_planted_factor_is_refuted():
    """sum_k binom(n, k) = 2^{n+1} is refuted under the same assumption."""
    assert _code(r"\sum_{k=0}^{n} \binom{n}{k} = 2^{n+1}", "--assume", "n integer >= 0") == 1


def test_integer_never_reads_as_a_product_of_letters():
    """A second condition 'n integer >= 1' on a narrowed n is refused (exit 2), not misread."""
    assert _code(r"n^{2} \ge n", "--assume", "n > 0", "--assume", "n integer >= 1") == 2


def _settled(right_offset: float):
    import numpy as np

    from symnn.check._settle import settle
    from symnn.read import sigmoid
    x = sp.Symbol("x", real=True)
    left, right = sp.log(1 - sigmoid(x)), -x - sp.log(1 + sp.exp(-x)) + right_offset
    values = {x: np.array([766.0])}
    return settle(left, right, [x], values, np.array([-np.inf]), np.array([-766.0]), 1e-9)


def test_a_side_undefined_only_at_50_digits_is_re_evaluated_higher():
    """log(1 - sigma(766)) rounds to log 0 at 50 digits but is defined: no refutation there."""
    assert _settled(0).refute is None


def test_the_same_point_with_a_planted_offset_refutes():
    """With the right side off by 1 the re-evaluated sides differ: refuted."""
    assert _settled(1).refute is not None
