"""Textbook notation (issue 15): what symnn refuses, and that the message says what to write."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_table

from symnn import ParseError, parse_expression

V3 = {"kind": "vector", "shape": [3]}
M33 = {"kind": "matrix", "shape": [3, 3]}


def _refusal(latex: str, symbols: dict) -> str:
    with pytest.raises(ParseError) as info:
        parse_expression(latex, make_table(symbols))
    return info.value.message


def test_inverse_function_power_is_refused_with_both_readings():
    r"""\sin^{-1} x is refused: the message offers the reciprocal and the inverse function."""
    message = _refusal(r"\sin^{-1} x", {"x": "scalar"})
    assert "ambiguous" in message and r"\frac{1}{\sin(x)}" in message and r"\arcsin" in message


def test_non_integer_function_power_is_refused():
    r"""\sin^{1/2} x is refused with the bracketed form to write instead."""
    assert r"(\sin(x))^{...}" in _refusal(r"\sin^{1/2} x", {"x": "scalar"})


def test_bars_around_a_matrix_are_refused():
    r"""|A| of a matrix is refused: determinant or norm must be written out."""
    message = _refusal(r"|A|", {"A": M33})
    assert r"\det(A)" in message and r"\|A\|" in message


def test_matrix_row_alone_is_refused():
    """A_{1} of a matrix alone (a side that is a vector) is refused, naming row 1 and the
    element's two indices."""
    message = _refusal(r"A_{1}", {"A": M33})
    assert "row 1 of the matrix A" in message and "A_{1j}" in message


def test_matrix_element_with_arithmetic_needs_a_comma():
    """A_{i-1j} is refused: write A_{i-1,j}."""
    assert "with a comma" in _refusal(r"\sum_{i,j=2}^{3} A_{i-1j}", {"A": M33})


def test_vector_element_outside_its_size_is_refused():
    """w_4 of a vector of size 3 is refused; elements are numbered from 1."""
    assert "outside 1..3" in _refusal(r"w_4", {"w": V3})


def test_several_indices_over_a_set_are_refused():
    r"""\sum_{i,j \in S} is refused: one index per set sum."""
    assert "one index per set sum" in _refusal(r"\sum_{i,j \in S} x", {"S": "scalar",
                                                                       "x": "scalar"})


def test_cross_check_nan_sample_is_not_an_error():
    r"""A grammar cross-check sample outside a square root's domain does not raise a warning."""
    table = make_table({"a": "scalar", "b": "scalar", "c": "scalar"})
    assert parse_expression(r"a \frac{\sqrt{1 - b^c}}{1 - b^c}", table) is not None


def test_unbalanced_bar_is_refused():
    """A bar that is never closed is refused, naming both bar notations."""
    assert r"\|x\|" in _refusal(r"|x + 1", {"x": "scalar"})


@pytest.mark.parametrize(("claim", "holds"), [("f'(a) = 3a^2", True), ("f''(a) = 6a", True),
                                              ("f'(a) = 2a^2", False)])
def test_prime_of_a_where_function_is_its_derivative(claim, holds):
    """f'(a) with f defined by --where is the derivative at a; a planted wrong one is refuted."""
    from symnn.cli import check_claim

    assert check_claim(claim, where=["f(x) = x^3"], seconds=60).ok is holds


def test_sum_without_bounds_over_vectors_of_different_sizes_is_refused():
    r"""\sum_i x_i y_i with x of size 3 and y of size n is refused: write the bounds."""
    message = _refusal(r"\sum_i x_i y_i", {"x": V3, "y": {"kind": "vector", "shape": ["n"]},
                                            "n": "scalar"})
    assert "different sizes" in message and "_{i=1}^{n}" in message


def test_sum_without_bounds_over_no_element_is_refused():
    r"""\sum_i a (no element picked by i) is refused: write the bounds."""
    assert "_{i=1}^{n}" in _refusal(r"\sum_i a", {"a": "scalar"})


@pytest.mark.parametrize(("claim", "holds"), [
    (r"2 P_\textrm{start} = P_{\textrm{start}} + P_\textrm{start}", True),
    (r"P_\textrm{start} = P s t a r t", False),
])
def test_check_reads_an_unbraced_text_subscript_as_one_name(claim, holds):
    r"""In check, P_\textrm{start} is one name (as in verify), never P times s t a r t."""
    from symnn.cli import check_claim

    assert check_claim(claim, seconds=60).ok is holds


@pytest.mark.parametrize(("claim", "assume", "holds"), [
    (r"\frac{(n+1)!}{n!} = n + 1", ["n integer >= 1"], True),
    (r"\frac{(n+1)!}{n!} = n", ["n integer >= 1"], False),
    (r"\prod_{i=1}^{3} (1 + x_i) = (1+x_1)(1+x_2)(1+x_3)", [], True),
    (r"\prod_{i=1}^{3} (1 + x_i) = (1+x_1)(1+x_2)", [], False),
])
def test_factorials_and_products_are_checked_numerically(claim, assume, holds):
    """Factorials of integer symbols and products over elements are evaluated (no internal
    error); a planted wrong one is refuted."""
    from symnn.cli import check_claim

    assert check_claim(claim, assume=assume, seconds=60).ok is holds


_SOFTMAX = Path(__file__).parent.parent / "formulas" / "30-softmax.toml"


@pytest.mark.parametrize(("rhs", "status"), [
    (r"\hat{y}_j", "verified"),
    (r"\frac{e^{z_j}}{\sum_{k=1}^{4} e^{z_k}}", "verified"),
    (r"\frac{e^{z_j}}{\sum_{k=1}^{3} e^{z_k}}", "refuted"),
])
def test_derivative_with_respect_to_an_element_of_a_sum(rhs, status):
    r"""d/dz_j log sum_k e^{z_k} is the softmax (the k = j term); a planted wrong bound is
    refuted."""
    from symnn.catalog import load_formula
    from symnn.check import verify_formula

    text = _SOFTMAX.read_text(encoding="utf-8").replace(
        r"\hat{y}_j', note", rhs + "', note")
    assert verify_formula(load_formula(_SOFTMAX, text)).status == status


def test_derivative_by_an_element_of_a_whole_vector_expression_is_refused():
    r"""d/dx_k of \|x\|^2 (the whole vector) is refused with the element form to write,
    never read as 0."""
    message = _refusal(r"\frac{\partial}{\partial x_k} \|x\|^2", {"x": V3, "k": "index"})
    assert r"\sum_i ... x_i ..." in message


def test_subscript_on_a_group_other_than_plus_is_refused():
    """(x)_2 is refused: only the positive part (x)_+ is a subscript on a group."""
    assert "(x)_+" in _refusal(r"(x)_2", {"x": "scalar"})


def test_angle_brackets_of_a_vector_and_a_scalar_are_refused():
    r"""\langle u, a \rangle with u a vector and a a scalar is refused, not read as a product."""
    assert "both must be vectors" in _refusal(r"\langle u, a \rangle", {"u": V3, "a": "scalar"})


def test_angle_brackets_need_two_arguments():
    r"""\langle u, v, w \rangle is refused."""
    assert "two arguments" in _refusal(r"\langle u, v, w \rangle", {"u": V3, "v": V3, "w": V3})


def test_two_chooses_in_one_group_are_refused():
    r"""{a \choose b \choose c} is refused with \binom to write instead."""
    assert r"\binom" in _refusal(r"{a \choose b \choose c}", {"a": "scalar", "b": "scalar",
                                                               "c": "scalar"})


@pytest.mark.parametrize("claim", [
    r"u^T v = u^T v",
    r"\frac{\langle u, v \rangle}{\|u\|_2 \|v\|_2} = \frac{u^T v}{\|u\| \|v\|}",
    r"1 + u^T v = u^T v + 1",
])
def test_a_vector_written_twice_keeps_its_place_in_each_product(claim):
    """A vector used on both sides is ordered by where each occurrence stands (never v u^T)."""
    import sympy as sp

    from symnn.catalog import symbol_table
    from symnn.read import parse_statement

    table = symbol_table({"u": {"kind": "vector", "shape": [3]},
                          "v": {"kind": "vector", "shape": [3]}})
    st = parse_statement(claim, table)
    for side in (st.lhs, st.rhs):
        orders = [[str(a) for a in m.args_cnc()[1]] for m in sp.preorder_traversal(side)
                  if isinstance(m, sp.Mul) and len(m.args_cnc()[1]) == 2]
        assert orders and all(o == ["transpose(u)", "v"] for o in orders), (side, orders)


@pytest.mark.parametrize(("latex", "meaning"), [
    (r"\sin 2x", "sin(2*x)"),
    (r"\cos 2\theta", "cos(2*theta)"),
    (r"\log 2x", "log(2*x)"),
    (r"\sin 2x \cos x", "sin(2*x)*cos(x)"),
    (r"\log 2 + x", "x + log(2)"),
    (r"\sin x \cos x", "sin(x)*cos(x)"),
])
def test_an_unbracketed_argument_takes_the_names_after_its_coefficient(latex, meaning):
    r"""\sin 2x is sin(2x) as textbooks print it, never sin(2) x; another function ends it."""
    from symnn.read import SymbolTable, parse_expression

    assert str(parse_expression(latex, SymbolTable(auto=True))) == meaning


@pytest.mark.parametrize(("latex", "meaning"), [
    (r"\frac12", "1/2"),
    (r"\tfrac12 x", "x/2"),
    (r"x^23", "3*x**2"),
    (r"\sqrt2 x", "sqrt(2)*x"),
    (r"x^{23}", "x**23"),
    (r"\frac{1}{12}", "1/12"),
])
def test_an_unbraced_digit_argument_is_one_digit_as_in_tex(latex, meaning):
    r"""\frac12 is 1/2 and x^23 is x^2 3, as TeX typesets them (never 12 over what follows)."""
    from symnn.read import SymbolTable, parse_expression

    assert str(parse_expression(latex, SymbolTable(auto=True))) == meaning


@pytest.mark.parametrize(("claim", "code"), [
    (r"\frac{\partial^2}{\partial x \partial y} (x^2 y) = 2x", 0),
    (r"\frac{\partial^2}{\partial x\,\partial y} (x^2 y) = 2y", 1),
    (r"\frac{\partial^3}{\partial x^2 \partial y} (x^2 y) = 2", 0),
    (r"\frac{\partial^2}{\partial x \partial y \partial z} (x y z) = 1", 2),
])
def test_mixed_partials_read_each_variable_and_check_the_order(claim, code):
    r"""\partial x \partial y in a denominator differentiates once in each; the counts must add
    up to the numerator's order (else the claim is unreadable, exit 2)."""
    from symnn.cli import main

    assert main(["check", claim]) == code


def test_subscript_of_several_letters_on_a_vector_is_refused():
    """x_{ij} of a vector is refused (two indices), never read as element i*j."""
    assert "takes 1 index, got 2" in _refusal(r"\sum_{i,j=1}^{3} x_{ij}", {"x": V3})


def test_a_matrix_element_with_three_indices_is_refused():
    """y_{ij}^{(t)} of a matrix is refused, saying how two indices are written."""
    message = _refusal(r"y_{ij}^{(t)}", {"y": M33, "i": "index", "j": "index", "t": "index"})
    assert "got 3" in message and r"y^{<t,t'>}" in message


def test_a_layer_superscript_on_a_declared_vector_is_not_an_element():
    r"""b^{[l]} of a declared vector b is refused (undeclared name), never element l of b."""
    assert r"b^{[l]}" in _refusal(r"b^{[l]}", {"b": V3, "l": "index"})


_ATTENTION = Path(__file__).parent.parent / "formulas" / "32-attention-weights.toml"


def _attention_checks(old: str, new: str) -> list:
    """The attention file's check results with one planted change of its text."""
    from symnn.catalog import load_formula
    from symnn.check import verify_formula

    text = _ATTENTION.read_text(encoding="utf-8")
    assert old in text
    return verify_formula(load_formula(_ATTENTION, text.replace(old, new, 1))).checks


def test_attention_weights_pass_every_check():
    r"""The attention weights \alpha^{<t,t'>} pass the reference (a stable softmax), the sum to
    1, the derivative claim and their declared domain (0, 1)."""
    checks = _attention_checks("", "")
    assert len(checks) == 5 and all(c.ok for c in checks), checks


@pytest.mark.parametrize(("old", "new", "failing"), [
    (r"\frac{\exp(e^{<t,t'>})}", r"\frac{\exp(2e^{<t,t'>})}", "reference"),
    (r"\exp\left(e^{<t,s>} - \max_{s} e^{<t,s>}\right)", r"\exp\left(e^{<t,s>}\right)",
     "reference"),
    (r"\sum_{t'=1}^{T_x} \alpha^{<t,t'>} = 1", r"\sum_{t'=2}^{T_x} \alpha^{<t,t'>} = 1", "claim"),
    (r"= \alpha^{<t,t'>}\left(1 - \alpha^{<t,t'>}\right)", r"= \alpha^{<t,t'>}", "claim"),
])
def test_attention_weights_checks_fail_on_a_planted_error(old, new, failing):
    """Each check of the attention file fails when an error is planted in what it checks (the
    printed formula, the reference's max shift, the sum's range, the derivative)."""
    checks = _attention_checks(old, new)
    assert any(c.kind == failing and not c.ok for c in checks), checks


_SOFTMAX_WHERE = r"p_i = \frac{e^{z_i}}{\sum_{j=1}^{n} e^{z_j}}"


@pytest.mark.parametrize(("claim", "where", "assume", "holds"), [
    (r"\sum_{k=1}^{n} p_k = 1", [_SOFTMAX_WHERE], ["n integer >= 1"], True),
    (r"\sum_{k=1}^{n} p_k = 2", [_SOFTMAX_WHERE], ["n integer >= 1"], False),
    (r"p_k = \frac{e^{z_k}}{\sum_{j=1}^{n} e^{z_j}}", [_SOFTMAX_WHERE], ["n integer >= 1"], True),
    (r"p_k = \frac{e^{z_i}}{\sum_{j=1}^{n} e^{z_j}}", [_SOFTMAX_WHERE], ["n integer >= 1"], False),
    (r"\sum_{k=1}^{n} p_k = 1", [r"p_i = \frac{e^{z_i}}{\sum_j e^{z_j}}"],
     [r"z \in \mathbb{R}^n"], True),
    (r"R_{k-1} = r_{k-1} + \gamma r_k", [r"R_k = r_k + \gamma r_{k+1}"], [], True),
    (r"R_{k-1} = r_{k-1} + \gamma r_{k+1}", [r"R_k = r_k + \gamma r_{k+1}"], [], False),
])
def test_an_element_definition_feeds_claims_at_any_index(claim, where, assume, holds):
    """--where 'p_i = ...' defines every element of p: p_k and R_{k-1} in the claim are read
    through it (a planted wrong claim is refuted)."""
    from symnn.cli import check_claim

    assert check_claim(claim, assume=assume, where=where, seconds=60).ok is holds


def test_a_recursive_element_definition_is_refused():
    """--where 'R_k = r_k + gamma R_{k+1}' (a recursion) is refused with what to write."""
    from symnn.cli import main

    assert main(["check", r"R_{k-1} = r_{k-1} + \gamma R_k", "--where",
                 r"R_k = r_k + \gamma R_{k+1}"]) == 2


def test_check_warns_of_letters_read_as_a_product():
    """check says it read `dw` as d w (a guess), and how to declare it as one name."""
    from symnn.cli import check_claim

    result = check_claim(r"dw = d w", seconds=60)
    assert result.ok and any("`dw`" in w and "--assume 'dw real'" in w for w in result.warnings)


@pytest.mark.parametrize(("claim", "assume", "holds"), [
    (r"dw = d w", ["dw real"], False),
    (r"2 dw = dw + dw", ["dw real"], True),
])
def test_a_declared_multi_letter_name_is_one_name(claim, assume, holds):
    """With --assume 'dw real', dw is one name: dw = d w is refuted."""
    from symnn.cli import check_claim

    result = check_claim(claim, assume=assume, seconds=60)
    assert result.ok is holds and not result.warnings


@pytest.mark.parametrize(("claim", "where", "code"), [
    (r"\frac{\partial^2 f}{\partial x \partial y} = 2x", r"f(x,y) = x^2 y", 0),
    (r"\frac{\partial^2 f}{\partial x \partial y} = 2y", r"f(x,y) = x^2 y", 1),
    (r"\frac{\partial^2 f}{\partial x \partial y} = 2x", r"f(a,b) = a^2 b", 2),
])
def test_a_function_named_alone_in_a_derivative_takes_its_parameters(claim, where, code):
    """With --where 'f(x,y) = ...', \\partial^2 f/\\partial x \\partial y reads f as f(x, y) (a
    planted wrong one is refuted); with f(a, b) it is unreadable, saying to write f(x, y)."""
    from symnn.cli import main

    assert main(["check", claim, "--where", where]) == code


def test_a_function_named_alone_with_other_parameters_says_what_to_write(capsys):
    """The refusal of \\partial f / \\partial x with f(a, b) names f(x, y)."""
    from symnn.cli import main

    main(["check", r"\frac{\partial^2 f}{\partial x \partial y} = 2x", "--where",
          r"f(a,b) = a^2 b"])
    assert "f(x, y)" in capsys.readouterr().err


def test_softmax_element_of_a_declared_vector():
    r"""\operatorname{softmax}(w)_2 is e^{w_2} over the sum of e^{w_j}, j = 1..3."""
    import sympy as sp

    w = sp.IndexedBase("w", real=True)
    got = parse_expression(r"\operatorname{softmax}(w)_2", make_table({"w": V3}))
    assert got.doit() == sp.exp(w[2]) / (sp.exp(w[1]) + sp.exp(w[2]) + sp.exp(w[3]))


@pytest.mark.parametrize(("claim", "holds"), [
    (r"\operatorname{softmax}(z)_2 = \frac{e^{z_2}}{e^{z_1} + e^{z_2} + e^{z_3}}", True),
    (r"\operatorname{softmax}(z)_2 = \frac{e^{z_2}}{e^{z_1} + e^{z_2}}", False),
])
def test_softmax_element_is_checked_numerically(claim, holds):
    """softmax(z)_2 of a vector of size 3 holds against its written form; a planted wrong
    denominator is refuted."""
    from symnn.cli import check_claim

    assert check_claim(claim, assume=[r"z \in \mathbb{R}^3"], seconds=60).ok is holds


@pytest.mark.parametrize("latex", [r"\operatorname{softmax}(z)", r"\operatorname{softmax}(a)_1",
                                   r"\operatorname{softmax}(z)_4"])
def test_softmax_of_anything_else_is_refused(latex):
    """softmax without an index, of a scalar, or outside the size is refused (what to write)."""
    message = _refusal(latex, {"z": V3, "a": "scalar"})
    assert r"\frac{e^{z_i}}{\sum_j e^{z_j}}" in message or "outside 1..3" in message


@pytest.mark.parametrize(("claim", "holds"), [
    (r"\max_i x_i = \max(x_1, x_2, x_3, x_4)", True),
    (r"\max_i x_i + \log\sum_{i}\exp\left(x_i - \max_j x_j\right) = \log\sum_i e^{x_i}", True),
    (r"\max_i x_i = x_1", False),
    (r"\min_i x_i = -\max_i (-x_i)", True),
])
def test_max_over_an_index_is_checked_numerically(claim, holds):
    r"""\max_i x_i over a vector of size 4: the log-sum-exp trick holds, max = x_1 is refuted."""
    from symnn.cli import check_claim

    assert check_claim(claim, assume=[r"x \in \mathbb{R}^4"], seconds=60).ok is holds


def _read(latex: str, symbols: dict):
    return parse_expression(latex, make_table(symbols))


@pytest.mark.parametrize("written", [
    r"||u||_1", r"\mid\mid u \mid\mid_1", r"\|u\|_1", r"\lVert u \rVert_1"])
def test_every_way_to_write_a_one_norm_reads_the_same(written):
    """||u||_1, \\mid\\mid u \\mid\\mid_1 and \\lVert u \\rVert_1 all read as \\|u\\|_1."""
    import sympy as sp

    from symnn.read import NORM_OPERATOR, Norm

    u = sp.Symbol("u", commutative=False)
    assert _read(written, {"u": V3}) == Norm(u, 1, NORM_OPERATOR)


def test_a_frobenius_subscript_is_the_two_norm_of_the_entries():
    """\\|W\\|_F of a matrix reads as the 2-norm of its entries, not an undeclared F."""
    import sympy as sp

    from symnn.read import NORM_ENTRYWISE, Norm

    assert _read(r"\|W\|_F^2", {"W": M33}) == \
        Norm(sp.Symbol("W", commutative=False), 2, NORM_ENTRYWISE) ** 2


def test_a_blank_textrm_is_a_space():
    """\\textrm{ } between two norms is a space: the product of the two norms."""
    import sympy as sp

    from symnn.read import Norm

    u, v = (sp.Symbol(n, commutative=False) for n in "uv")
    assert _read(r"||u||\textrm{ }||v||", {"u": V3, "v": V3}) == Norm(u, 2) * Norm(v, 2)


def test_case_rows_read_with_leqslant_and_their_trailing_commas():
    """\\leqslant, 'x \\le -3,' and \\text{otherwise,} read as the plain case conditions."""
    import sympy as sp

    x = sp.Symbol("x", real=True)
    got = _read(r"\begin{cases} 0 & \text{if~} x \leqslant -3, \\ x & \text{otherwise,}"
                r"\end{cases}", {"x": "scalar"})
    assert got == sp.Piecewise((0, x <= -3), (x, True))


def test_max_of_a_matrix_product_is_refused_not_an_internal_error():
    """\\max(0, x W + b) over vectors is refused with a message to write it per element."""
    assert "per element" in _refusal(r"\max(0, W x + b)", {"x": V3, "W": M33, "b": V3})


@pytest.mark.parametrize("claim, code", [
    (r"\sqrt{x^\top x} = \|x\|", 0), (r"\sqrt{x^\top x} = \|x\|_1", 1),
    (r"\|x\|_1 = \sum_i |x_i|", 0), (r"\|x\|_1 = \sum_i x_i", 1),
    (r"\frac{1}{x^\top x} = \frac{1}{\|x\|^2}", 0), (r"\frac{1}{x^\top x} = \frac{2}{\|x\|^2}", 1),
])
def test_norms_of_a_declared_vector_are_checked_at_drawn_values(claim, code):
    """Norms, u^T u and sums over elements are compared at drawn vectors; planted errors refute."""
    from symnn.cli import main

    assert main(["check", claim, "--assume", r"x \in \mathbb{R}^n"]) == code


def test_a_vector_counterexample_carries_the_drawn_values(capsys):
    """A refuted vector claim prints the drawn vector, so the counterexample reproduces."""
    from symnn.cli import main

    assert main(["check", r"\|x\|_1 = \sum_i x_i", "--assume", r"x \in \mathbb{R}^3"]) == 1
    assert "\n    x = [[" in capsys.readouterr().out


_SQUARE = [f"{m} \\in \\mathbb{{R}}^{{n \\times n}}" for m in "ABCD"]


@pytest.mark.parametrize("claim, code", [
    (r"(A B + C) D = D (A B + C)", 1), (r"(A B + C) D = A B D + C D", 0),
    (r"(A + B)(C) = A C + B C", 0), (r"(A + B)(C) = C A + C B", 1),
])
def test_a_bracketed_matrix_sum_keeps_its_written_place_in_a_product(claim, code):
    """(A B + C) D is read in that order (it was read as D (A B + C): a false claim proved)."""
    from symnn.cli import main

    assert main(["check", claim, *(f"--assume={a}" for a in _SQUARE)]) == code


def test_a_vector_after_a_bracketed_sum_stays_after_it():
    """(A y + z) x^T is the outer product in that order, not x^T (A y + z)."""
    import sympy as sp

    table = {"A": M33, "y": V3, "z": V3, "x": V3}
    got = _read(r"(A y + z) x^T", table)
    A, y, z, x = (sp.Symbol(n, commutative=False) for n in "Ayzx")
    assert got == (A * y + z) * sp.transpose(x)


def test_the_gradient_with_respect_to_a_whole_vector_is_read():
    """\\nabla_x L and \\frac{\\partial L}{\\partial x} of a vector read as Gradient(L, x)."""
    import sympy as sp

    from symnn.read import Gradient, Norm

    x = sp.Symbol("x", commutative=False)
    want = Gradient(Norm(x, 2) ** 2 / 2, x)
    assert _read(r"\nabla_x \frac{1}{2}\|x\|^2", {"x": V3}) == want
    assert _read(r"\frac{\partial}{\partial x} \frac{1}{2}\|x\|^2", {"x": V3}) == want


def test_a_hessian_with_respect_to_a_whole_vector_is_refused():
    """\\frac{\\partial^2 L}{\\partial x^2} of a vector x is refused with the element form."""
    assert "Hessian" in _refusal(r"\frac{\partial^2 \|x\|^2}{\partial x^2}", {"x": V3})


_VECTORS = [r"x \in \mathbb{R}^n", r"a \in \mathbb{R}^n", r"y \in \mathbb{R}^m",
            r"W \in \mathbb{R}^{m \times n}", r"A \in \mathbb{R}^{n \times n}"]


@pytest.mark.parametrize("claim, code", [
    (r"\nabla_x \frac{1}{2}\|x\|^2 = x", 0), (r"\nabla_x \|x\|^2 = x", 1),
    (r"\nabla_x (a^T x) = a", 0), (r"\nabla_x (a^T x) = 2a", 1),
    (r"\nabla_x \|x\| = \frac{x}{\|x\|}", 0), (r"\nabla_x \|x\| = x", 1),
    (r"\nabla_x \sum_i \log(1 + e^{x_i}) = \sigma(x)", 0),
    (r"\nabla_x \sum_i \log(1 + e^{x_i}) = \sigma(2x)", 1),
    (r"\frac{\partial}{\partial x} \frac{1}{2} x^T A x = \frac{1}{2}(A + A^T) x", 0),
    (r"\frac{\partial}{\partial x} \frac{1}{2} x^T A x = A x", 1),
    (r"\nabla_W \frac{1}{2}\|W x - y\|^2 = (W x - y) x^T", 0),
    (r"\nabla_W \frac{1}{2}\|W x - y\|^2 = (W x + y) x^T", 1),
])
def test_gradients_with_respect_to_whole_arrays_are_checked(claim, code):
    """Textbook vector and matrix gradients hold; each planted error is refuted."""
    from symnn.cli import main

    assert main(["check", claim, *(f"--assume={a}" for a in _VECTORS)]) == code


MND = {"kind": "matrix", "shape": ["N", "D"]}
VD = {"kind": "vector", "shape": ["D"]}
IDX = {"kind": "index"}


def _row(name: str, i: str):
    import sympy as sp

    from symnn.read import Row

    return Row(sp.Symbol(name, commutative=False), sp.Symbol(i, integer=True, positive=True))


@pytest.mark.parametrize(("latex", "want"), [
    (r"\theta_t^T e", lambda sp, e: sp.transpose(_row("theta", "t")) * e),
    (r"\theta_t^{\mathrm{T}} e", lambda sp, e: sp.transpose(_row("theta", "t")) * e),
    (r"\theta_t e", lambda sp, e: sp.transpose(_row("theta", "t")) * e),
    (r"e^\top \theta_t", lambda sp, e: sp.transpose(e) * _row("theta", "t")),
    (r"\|\theta_t - \theta_n\|^2",
     lambda sp, e: __import__("symnn").read.Norm(_row("theta", "t") - _row("theta", "n"), 2) ** 2),
])
def test_one_index_on_a_matrix_where_a_vector_is_expected_is_a_row(latex, want):
    """theta_t of a matrix theta is row t as a column vector in a product with a vector, a
    transpose or a norm (GloVe, word2vec, k-means)."""
    import sympy as sp

    e = sp.Symbol("e", commutative=False)
    got = _read(latex, {r"\theta": MND, "e": VD, "t": IDX, "n": IDX})
    assert got == want(sp, e)


def test_one_index_on_a_vector_is_still_its_element():
    """x_i of a declared vector stays its element x[i] (rows are only for matrices)."""
    import sympy as sp

    got = _read(r"x_i", {"x": VD, "i": IDX})
    assert got == sp.IndexedBase("x", real=True)[sp.Symbol("i", integer=True, positive=True)]


@pytest.mark.parametrize("latex", [r"\theta_t + 1", r"\exp(\theta_t)", r"\theta_t^2",
                                   r"\theta_t^T w"])
def test_a_row_where_a_number_is_expected_is_refused(latex):
    """A row added to a number, inside exp, squared, or in a product of the wrong size is
    refused with the element form to write, never broadcast."""
    message = _refusal(latex, {r"\theta": MND, "w": {"kind": "vector", "shape": ["N"]},
                               "t": IDX})
    assert r"row t of the matrix \theta" in message and r"\theta_{tj}" in message


@pytest.mark.parametrize(("claim", "code"), [
    (r"\|X_i - X_k\|^2 = X_i^T X_i - 2 X_i^T X_k + X_k^T X_k", 0),
    (r"\|X_i - X_k\|^2 = X_i^T X_i - X_i^T X_k + X_k^T X_k", 1),
    (r"X_i^T w = \sum_{j=1}^{m} X_{ij} w_j", 0),
    (r"X_i w = \sum_{j=1}^{m} X_{ij} w_j + 1", 1),
])
def test_rows_of_a_matrix_are_checked_at_drawn_sizes(claim, code):
    """Claims over rows X_i of a declared n x m matrix are compared at drawn sizes, rows and
    values; a planted wrong expansion is refuted."""
    from symnn.cli import main

    assert main(["check", claim, "--assume", r"X \in \mathbb{R}^{n \times m}",
                 "--assume", r"w \in \mathbb{R}^m"]) == code


@pytest.mark.parametrize("written", [r"x^{\mathrm{T}} y", r"x^\mathrm{T} y", r"x^{\textrm{T}} y",
                                     r"x^{\rm T} y", r"x^{\mathsf{T}} y", r"x^\top y"])
def test_every_transpose_mark_reads_the_same(written):
    """^{\\mathrm{T}} (Bishop), ^{\\rm T}, ^{\\mathsf{T}} and ^\\top all read as x^T y."""
    import sympy as sp

    x, y = (sp.Symbol(n, commutative=False) for n in "xy")
    assert _read(written, {"x": V3, "y": V3}) == sp.transpose(x) * y


def test_argmax_over_an_index_is_the_first_largest():
    """\\arg\\max_k y_k over a vector of size 3 is the 1-based index of the largest element,
    the first among ties."""
    import sympy as sp

    y = sp.IndexedBase("y", real=True)
    want = sp.Piecewise((1, sp.And(y[1] >= y[2], y[1] >= y[3])),
                        (2, sp.And(y[2] > y[1], y[2] >= y[3])), (3, True))
    assert _read(r"\arg\max_k y_k", {"y": V3}) == want


def test_argmin_over_rows_is_read():
    """\\arg\\min_j \\|x_n - \\mu_j\\|^2 (k-means) takes j over the rows of mu."""
    from symnn.read import IndexArgMin

    got = _read(r"\arg\min_j \|x_n - \mu_j\|^2",
                {"x": MND, r"\mu": {"kind": "matrix", "shape": ["K", "D"]}, "n": IDX,
                 "K": {"kind": "scalar", "domain": "integer >= 1"}})
    assert isinstance(got, IndexArgMin) and str(got.args[3]) == "K"


def test_arg_alone_is_refused():
    """\\arg without \\max or \\min is refused with what to write."""
    assert r"\arg\max_i" in _refusal(r"\arg x", {"x": "scalar"})


@pytest.mark.parametrize(("claim", "assume", "code"), [
    (r"\arg\max_k z_k = \arg\min_k (-z_k)", [r"z \in \mathbb{R}^3"], 0),
    (r"\arg\max_k z_k = \arg\min_k z_k", [r"z \in \mathbb{R}^3"], 1),
    (r"\arg\min_j \|x_n - \mu_j\|^2 = \arg\max_j (2 x_n^T \mu_j - \mu_j^T \mu_j)",
     [r"x \in \mathbb{R}^{N \times D}", r"\mu \in \mathbb{R}^{K \times D}"], 0),
    (r"\arg\min_j \|x_n - \mu_j\|^2 = \arg\max_j x_n^T \mu_j",
     [r"x \in \mathbb{R}^{N \times D}", r"\mu \in \mathbb{R}^{K \times D}"], 1),
])
def test_argmax_claims_are_checked_numerically(claim, assume, code):
    """argmax = argmin of the negation holds; the k-means assignment by the expanded distance
    holds, and by the dot product alone (a planted error) is refuted."""
    from symnn.cli import main

    assert main(["check", claim, *(a for x in assume for a in ("--assume", x))]) == code


def test_double_superscript_is_refused():
    """x^{2}^{3} is refused, as TeX refuses it, with the two forms to write instead."""
    message = _refusal("x^{2}^{3}", {"x": "scalar"})
    assert "double superscript: write {x^{2}}^{3} or x^{6}" in message


def test_double_subscript_is_refused():
    """x_1_2 is refused as a double subscript."""
    assert "double subscript" in _refusal("x_1_2", {"x_{12}": "scalar"})


def test_double_superscript_inside_a_script_is_refused():
    """e^{x^2^3} is refused: the check reaches into script arguments."""
    assert "double superscript" in _refusal("e^{x^2^3}", {"x": "scalar"})


def test_braced_power_of_a_power_still_reads():
    """{x^2}^3 is read as (x^2)^3."""
    e = parse_expression("{x^2}^3", make_table({"x": "scalar"}))
    assert e == next(iter(e.free_symbols)) ** 6


def test_softmax_element_zero_is_refused():
    r"""\operatorname{softmax}(z)_0 of z in R^n is refused: elements are numbered from 1."""
    message = _refusal(r"\operatorname{softmax}(z)_0", {"z": {"kind": "vector", "shape": ["n"]},
                                                         "n": "index"})
    assert "index 0 is outside 1..n" in message


@pytest.mark.parametrize("claim, code", [
    (r"\phi(3) = 9", 0), (r"\phi(3) = 10", 1), (r"G(2, 5) = 10", 0), (r"G(2, 5) = 7", 1)])
def test_a_where_definition_makes_any_name_a_function(claim, code):
    """--where '\\phi(z) = z^2' or 'G(a, b) = a b' defines a function of any name (was: only f,
    g, h, L; the others were 'dropped by the grammar'); planted values are refuted."""
    from symnn.cli import main

    where = r"\phi(z) = z^2" if "phi" in claim else "G(a, b) = a b"
    assert main(["check", claim, "--where", where]) == code


@pytest.mark.parametrize("claim", [r"\sigma x = \sigma(x)", r"\sigma(2x) = \sigma 2x",
                                   r"\sigma^2 + x = \sigma(x)"])
def test_a_function_name_used_both_applied_and_as_a_name_is_refused(claim):
    """\\sigma 2x = \\sigma(2x) read \\sigma(2x) as sigma times 2x (a silent misreading): now
    refused, saying to write \\sigma(x) or declare the name."""
    from symnn.read import SymbolTable, parse_statement

    with pytest.raises(ParseError, match="used both as a function"):
        parse_statement(claim, SymbolTable(auto=True))
