"""Malformed environments are unreadable, never read as something else (issue 14)."""

from __future__ import annotations

import pytest
import sympy as sp

from symnn.cli import main
from symnn.read import ParseError, SymbolTable, parse_statement

CASES = r"y = \begin{cases} x & x > 0 \\ 0 & x \le 0 \end{"


@pytest.mark.parametrize("closing", ["case", "matrix"])
def test_the_reader_refuses_cases_closed_by_another_environment(closing):
    """\\begin{cases} ... \\end{case} (or \\end{matrix}) is a ParseError in the reader."""
    with pytest.raises(ParseError, match="closed by"):
        parse_statement(CASES + closing + "}", SymbolTable(auto=True))


def test_the_reader_reads_cases_closed_properly():
    """The same cases closed by \\end{cases} read (the planted mismatch above is the error)."""
    assert parse_statement(CASES + "cases}", SymbolTable(auto=True)).rhs.has(sp.Piecewise)


@pytest.mark.parametrize("closing", ["case", "matrix"])
def test_symnn_check_calls_a_mismatched_environment_unreadable(closing):
    """symnn check exits 2 on \\end{case} or \\end{matrix} closing cases."""
    claim = r"\max(x, 0) = \begin{cases} x & x > 0 \\ 0 & x \le 0 \end{" + closing + "}"
    assert main(["check", claim]) == 2


def test_symnn_check_reads_the_well_formed_cases():
    """The well-formed claim is proved (exit 0)."""
    assert main(["check", r"\max(x, 0) = \begin{cases} x & x > 0 \\ 0 & x \le 0 \end{cases}"]) \
        == 0
