"""Hostile input: random token soup and mutated catalog formulas never crash the reader."""

from __future__ import annotations

import time

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symnn import ParseError, parse_statement
from symnn.catalog import load_catalog
from symnn.read._latex import MAX_DEPTH
from symnn.read.symbols import SymbolTable

PIECES = [*"xyzab12+-*/^_{}()[]|=!,.' &<>", r"\frac", r"\sqrt", r"\sum", r"\partial",
          r"\sigma", r"\leftarrow", r"\left(", r"\right)", r"\Big[", r"\Big]", r"\textrm{max}",
          r"\log", r"\boxed", r"\hat", r"\cdot", r"\odot", r"\max", r"\nabla",
          r"\begin{cases}", r"\end{cases}", r"\\", r"\|", r"\underset", r"\mathbb{E}", "e^",
          r"\gamma", r"\Gamma_u", "d", r"\mathrm{d}", "^{[l]}", "^{(i)}", "^{< t >}", "^T",
          r"\lfloor", r"\rfloor", "\x00", "\u00e9"]
CATALOG_LATEX = [f.latex for f in load_catalog()]


def _read_or_refuse(text: str) -> None:
    start = time.perf_counter()
    try:
        parse_statement(text, SymbolTable(auto=True))
    except ParseError as err:
        assert err.message
    assert time.perf_counter() - start < 5.0


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join))
def test_token_soup_reads_or_is_a_clean_parse_error(text):
    """Random LaTeX pieces give a result or a ParseError with a message, within 5 s."""
    _read_or_refuse(text)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.sampled_from(CATALOG_LATEX), st.integers(0, 400), st.sampled_from(PIECES),
       st.booleans())
def test_mutated_catalog_formula_reads_or_is_a_clean_parse_error(latex, pos, piece, delete):
    """A catalog formula with one piece inserted or one character deleted never crashes."""
    pos %= len(latex)
    text = latex[:pos] + latex[pos + 1:] if delete else latex[:pos] + piece + latex[pos:]
    _read_or_refuse(text)


def test_deep_nesting_is_refused_or_read_quickly():
    """\\frac nested 200 levels deep is handled within the time budget."""
    _read_or_refuse(r"\frac{1}{" * 200 + "x" + "}" * 200)


def test_exponent_tower_is_read_without_computing_it():
    """10^{10^{10^{10}}} is read, quickly, as a power: the number is never computed."""
    start = time.perf_counter()
    st_ = parse_statement("x = 10^{10^{10^{10}}}", SymbolTable(auto=True))
    assert isinstance(st_.rhs, sp.Pow) and time.perf_counter() - start < 5.0


def test_numbers_take_powers():
    """2^{n} and 10^{-3} are powers of numbers."""
    e = parse_statement("2^{n} + 10^{-3}", SymbolTable(auto=True)).rhs
    n = next(iter(e.free_symbols))
    assert e == 2**n + sp.Rational(1, 1000)


def test_nesting_deeper_than_the_cap_is_a_clean_error():
    """300 nested parentheses are refused at once with the position of the first too deep."""
    start = time.perf_counter()
    with pytest.raises(ParseError) as err:
        parse_statement("(" * 300 + "x" + ")" * 300, SymbolTable(auto=True))
    assert "nested deeper" in err.value.message and err.value.pos == MAX_DEPTH
    assert time.perf_counter() - start < 1.0


def test_one_megabyte_input_is_refused_quickly():
    """A 1 MB input is refused by its length before any parsing."""
    start = time.perf_counter()
    with pytest.raises(ParseError, match="limit"):
        parse_statement("x+" * 500_000, SymbolTable(auto=True))
    assert time.perf_counter() - start < 1.0


def test_invalid_utf8_from_the_command_line_is_a_clean_error():
    """Bytes that are not UTF-8 (as argv delivers them) give a ParseError naming the character."""
    text = b"x = \xff".decode("utf-8", "surrogateescape")
    with pytest.raises(ParseError, match="unexpected character") as err:
        parse_statement(text, SymbolTable(auto=True))
    assert err.value.pos == 4


def test_fractions_nested_past_the_cap_are_refused_not_a_recursion_error():
    """\\frac nested 60 deep is refused by the depth cap, not 'maximum recursion depth'."""
    with pytest.raises(ParseError, match="nested deeper"):
        parse_statement(r"\frac{1}{" * 60 + "x" + "}" * 60 + " = x", SymbolTable(auto=True))
