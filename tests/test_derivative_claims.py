"""Derivative claims typed into ``symnn check`` run through the gradient checker (issue 14)."""

from __future__ import annotations

import sympy as sp

from symnn.check import check_gradient
from symnn.cli import check_claim, main
from symnn.read import DOMAINS, Decl, SymbolTable


def _code(*argv: str) -> int:
    return main(["check", *argv])


def test_a_true_derivative_claim_reports_the_gradient_check():
    """d/dx log(1 + e^x) = sigma(x) is proved and its report names the complex-step check."""
    result = check_claim(r"\frac{d}{dx}\log(1+e^{x}) = \sigma(x)", seed=0, seconds=60)
    assert result.verdict == "proved" and "gradient check: agrees with complex step" in \
        result.detail


def test_the_softplus_threshold_derivative_is_refuted():
    """PyTorch's softplus gradient switched to 1 at x >= 20 is refuted (exit 1)."""
    assert _code(r"\frac{d}{dx}\log(1+e^{x}) = \begin{cases} \sigma(x) & x < 20 \\ 1 & "
                 r"x \ge 20 \end{cases}") == 1


def test_a_partial_derivative_off_by_a_small_constant_is_refuted_by_the_gradient_check():
    """d/dx (xy) = y + 10^{-13} is refuted by the gradient checker itself."""
    result = check_claim(r"\frac{\partial}{\partial x} (x y) = y + 10^{-13}", seed=0,
                         seconds=60)
    assert result.verdict == "refuted" and result.kind == "claim (gradient)"


def test_gradient_flag_runs_the_gradient_check_alone():
    """symnn check --gradient on a true derivative claim: holds numerically (exit 0)."""
    result = check_claim(r"\nabla_x \tanh(x) = 1 - \tanh^{2}(x)", gradient=True, seed=0,
                         seconds=60)
    assert result.verdict == "holds numerically"


def test_gradient_flag_on_a_wrong_second_derivative_refutes():
    """d^2/dx^2 x^3 = 6x + 1 under --gradient is refuted (one order peeled, then compared)."""
    assert _code("--gradient", r"\frac{d^2}{dx^2} x^{3} = 6x + 1") == 1


def test_gradient_flag_without_a_derivative_side_is_unreadable():
    """--gradient on a plain equation is an error (exit 2), not a verdict."""
    assert _code("--gradient", r"x + x = 2x") == 2


def test_a_gradient_check_with_too_few_defined_points_is_undecided_not_refuted():
    """A derivative compared at fewer than 8 points (log of a negative) is undecided."""
    table = SymbolTable(auto=True)
    table.declare(Decl("x", "scalar", DOMAINS["negative"], "x"))
    x = table.get("x").sympy()
    result = check_gradient(sp.log(x), x, 1 / x, table, seed=0)
    assert result.verdict == "undecided"
