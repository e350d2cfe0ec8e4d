"""The reader: the golden corpus, and one test per notation rule of the strict layer."""

from __future__ import annotations

import pytest
import sympy as sp
from conftest import make_table
from golden import CORPUS

from symnn import ParseError, parse_expression, parse_statement
from symnn.read._notation import sigmoid
from symnn.read.symbols import SymbolTable


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_golden_corpus_reads_to_the_expected_sympy(case):
    """Each golden formula reads to exactly the recorded SymPy result."""
    table = make_table(case.symbols)
    names = {}
    for latex, decl in table.decls.items():
        names[latex] = decl.sympy()
    for key in case.symbols:  # look up by the spelling used in the corpus, too
        from symnn.read._identifiers import canonical_name

        names[key] = table.decls[canonical_name(key)].sympy()
    expected = case.expected(names)
    st = parse_statement(case.latex, table)
    got = (st.lhs, st.rel, st.rhs) if isinstance(expected, tuple) else st.rhs
    assert got == expected, f"{case.latex}\n got      {got}\n expected {expected}"


def test_golden_corpus_is_large_enough():
    """The corpus holds the catalog's formulas and at least 30 more."""
    extra = [c for c in CORPUS if not c.id.startswith("catalog-")]
    assert len(extra) >= 30


def test_leftarrow_is_an_assignment_not_a_relation():
    """w \\leftarrow w - 1 is an update rule, never <= times letters."""
    st = parse_statement(r"w \leftarrow w - 1", make_table({"w": "scalar"}))
    assert st.rel == "assign" and not st.rhs.atoms(sp.core.relational.Relational)


def test_gamma_is_a_symbol_not_euler_gamma():
    """\\gamma and \\Gamma_u are declared names, never EulerGamma or the gamma function."""
    e = parse_expression(r"\gamma x + \Gamma_u", make_table({r"\gamma": "scalar", "x": "scalar",
                                                              r"\Gamma_u": "scalar"}))
    assert not e.has(sp.EulerGamma) and not e.atoms(sp.gamma)


def test_log_is_the_natural_log():
    """\\log x is ln x, and its derivative is 1/x."""
    e = parse_expression(r"\log x", make_table({"x": "scalar"}))
    x = next(iter(e.free_symbols))
    assert e == sp.log(x) and sp.diff(e, x) == 1 / x


def test_uppercase_names_are_not_lowercased():
    """N and n stay two symbols."""
    e = parse_expression("N - n", make_table({"N": "scalar", "n": "scalar"}))
    assert e != 0 and len(e.free_symbols) == 2


def test_sigma_applied_is_the_logistic_function():
    """\\sigma(Wx+b) is the logistic function of a sum, not a product."""
    e = parse_expression(r"\sigma(w x + b)", make_table({"w": "scalar", "x": "scalar",
                                                         "b": "scalar"}))
    assert isinstance(e, sigmoid)


def test_index_superscripts_are_names_not_powers():
    """x^{[i]} and x^{< t >} are names; they never become powers."""
    e = parse_expression(r"x^{[i]} + x^{< t >}", make_table({"x^{[i]}": "scalar",
                                                             "x^{< t >}": "scalar"}))
    assert not e.atoms(sp.Pow) and len(e.free_symbols) == 2


def test_undeclared_index_superscript_is_an_error():
    """An undeclared x^{[l]} is an error naming it, not a power of x."""
    with pytest.raises(ParseError) as err:
        parse_expression(r"x^{[l]}", make_table({"x": "scalar"}))
    assert "x^{[l]}" in err.value.message


def test_undeclared_symbol_is_an_error_with_its_position():
    """An undeclared name is reported with the position of its first use."""
    with pytest.raises(ParseError) as err:
        parse_expression(r"w + q", make_table({"w": "scalar"}))
    assert err.value.names == ("q",) and err.value.pos == 4


def test_derivative_of_defined_names_keeps_the_dependency():
    """\\frac{\\partial L}{\\partial w} with L(w) declared differentiates L(w), not a constant."""
    e = parse_expression(r"\frac{\partial L}{\partial w}",
                         make_table({"w": "scalar", "L": {"kind": "function", "args": ["w"]}}))
    w = next(iter(e.free_symbols))
    assert isinstance(e, sp.Derivative) and e.expr == sp.Function("L")(w)


def test_e_power_is_euler_number_but_e_can_be_declared():
    """e^{x} is exp(x) unless e is declared as a name of the formula."""
    assert parse_expression("e^{x}", make_table({"x": "scalar"})).has(sp.exp)
    declared = parse_expression("e^{x}", make_table({"x": "scalar", "e": "scalar"}))
    assert not declared.has(sp.exp) and not declared.has(sp.E)


def test_sum_over_indexed_body_uses_indexed_elements():
    """x_i under \\sum_{i=1}^m is the element x[i], so the sum does not collapse to m x_i."""
    e = parse_expression(r"\sum_{i=1}^m x_i", make_table({"x": "vector", "m": "scalar"}))
    assert e.atoms(sp.Indexed) and isinstance(e, sp.Sum)


def test_mixed_number_and_fraction_is_a_product():
    """2\\frac{a}{b} is 2a/b, and 2\\frac{1}{2} is 1, never the mixed number 5/2."""
    assert parse_expression(r"2\frac{1}{2}", SymbolTable()) == 1


def test_crosscheck_agrees_on_catalog_arithmetic():
    """SymPy's own parser reads the masked text of an ordinary formula the same way."""
    st = parse_statement(r"N=\frac{W-F+2P}{S}+1", make_table(
        {"N": "scalar", "W": "scalar", "F": "scalar", "P": "scalar", "S": "scalar"}))
    assert st.crosscheck == "agree"


_MATRICES = {"W_c": {"kind": "matrix", "shape": ["n_a", "n_a + n_x"]},
             "W": {"kind": "matrix", "shape": ["n_a", "n_x"]},
             "U": {"kind": "matrix", "shape": ["n_a", "n_a"]},
             "a": {"kind": "vector", "shape": ["n_a"]}, "x": {"kind": "vector", "shape": ["n_x"]},
             "b": {"kind": "vector", "shape": ["n_a"]},
             r"\Gamma_r": {"kind": "vector", "shape": ["n_a"]}}


def test_brackets_with_a_comma_stack_vectors_in_written_order():
    """W_c[Gamma_r * a, x] is W_c times the stacked vector, in that order."""
    from symnn.read._notation import Concat, hadamard

    table = make_table(_MATRICES)
    w, g, a, x = (table.decls[k].sympy() for k in ("W_{c}", r"\Gamma_{r}", "a", "x"))
    got = parse_expression(r"W_c[\Gamma_r\star a, x]", table)
    assert got == w * Concat(hadamard(g, a), x)
    assert got != Concat(hadamard(g, a), x) * w


def test_matrix_products_keep_their_order_with_many_placeholders():
    """With more than ten placeholders (their names then sort out of order) W x stays W x."""
    table = make_table(_MATRICES)
    w, x, u, a = (table.decls[k].sympy() for k in ("W", "x", "U", "a"))
    got = parse_expression(r"\tanh(Wx + Ua + b) + Ua + Wx + Ua + Wx + Ua", table)
    assert got.has(w * x) and got.has(u * a) and not got.has(x * w) and not got.has(a * u)


def test_unbracketed_argument_takes_the_names_after_a_name():
    r"""\sin xy is sin(xy), as \sin 2xy is sin(2xy), never sin(x) y."""
    table = make_table({"x": "scalar", "y": "scalar"})
    assert parse_expression(r"\sin xy", table) == parse_expression(r"\sin(xy)", table)


def test_unbracketed_argument_after_a_constant_takes_the_names():
    r"""\log \pi x is log(pi x), never log(pi) x."""
    table = make_table({"x": "scalar"})
    assert parse_expression(r"\log \pi x", table) == parse_expression(r"\log(\pi x)", table)


def test_a_space_ends_an_unbracketed_argument():
    r"""\sin x \, y is sin(x) y: the written space separates the argument from y."""
    table = make_table({"x": "scalar", "y": "scalar"})
    assert parse_expression(r"\sin x \, y", table) == parse_expression(r"\sin(x) y", table)


def test_another_function_ends_an_unbracketed_argument():
    r"""\sin x \cos y is sin(x) cos(y)."""
    table = make_table({"x": "scalar", "y": "scalar"})
    assert parse_expression(r"\sin x \cos y", table) == \
        parse_expression(r"\sin(x) \cos(y)", table)


def test_upright_e_is_eulers_number_when_italic_e_is_declared():
    r"""\mathrm{e} is Euler's number even when e is a declared name."""
    e = parse_expression(r"\mathrm{e}^x", make_table({"e": "scalar", "x": "scalar"}))
    assert e == sp.exp(next(iter(e.free_symbols)))


def test_italic_e_stays_the_declared_name():
    r"""A declared e, and \mathit{e}, stay the declared name."""
    e = parse_expression(r"\mathit{e} + e", make_table({"e": "scalar"}))
    assert not e.has(sp.E) and len(e.free_symbols) == 1


def test_a_call_followed_by_names_as_an_unbracketed_argument_is_refused():
    r"""\log p(x) q(x) is refused with both readings: log(p(x) q(x)) or log(p(x)) q(x)."""
    table = make_table({"x": "scalar", "p": {"kind": "function", "args": ["x"]},
                        "q": {"kind": "function", "args": ["x"]}})
    with pytest.raises(ParseError, match=r"ambiguous: write \\log\(p\(x\) q\(x\)\) or"):
        parse_expression(r"\log p(x) q(x)", table)
