"""Mutants of an expression, for showing that the checks refute wrong formulas.

Each operator makes one small, typical error: a flipped sign, a dropped term or factor (an
epsilon, a 1/m), a constant off by 1e-3 relative, an exponent off by one, two symbols swapped.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

import sympy as sp

__all__ = ["mutants", "OPERATORS"]

OPERATORS = ("flip sign", "drop term", "drop factor", "constant x (1 + 1e-3)", "exponent + 1",
             "swap symbols")
_MAX_SWAPS = 6


def _replace_at(expr: sp.Basic, path: tuple[int, ...], new: sp.Basic) -> sp.Basic:
    if not path:
        return new
    args = list(expr.args)
    args[path[0]] = _replace_at(args[path[0]], path[1:], new)
    return expr.func(*args)


def _nodes(expr: sp.Basic, path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...],
                                                                         sp.Basic]]:
    yield path, expr
    if isinstance(expr, sp.Indexed | sp.Symbol):
        return
    for k, arg in enumerate(expr.args):
        if isinstance(arg, sp.Basic) and not isinstance(arg, sp.Tuple):
            yield from _nodes(arg, (*path, k))


def mutants(expr: sp.Expr) -> Iterator[tuple[str, sp.Expr]]:
    """(description, mutant) pairs, each differing from ``expr`` by one typical error."""
    for path, node in _nodes(expr):
        where = str(node)[:40]
        if isinstance(node, sp.Add):
            for k, term in enumerate(node.args):
                rest = [a for j, a in enumerate(node.args) if j != k]
                yield f"flip sign of {term} in {where}", _replace_at(
                    expr, path, sp.Add(*rest, -term))
                yield f"drop term {term} of {where}", _replace_at(expr, path, sp.Add(*rest))
        if isinstance(node, sp.Mul) and len(node.args) > 1:
            for k, factor in enumerate(node.args):
                if factor == -1:
                    continue
                rest = [a for j, a in enumerate(node.args) if j != k]
                yield f"drop factor {factor} of {where}", _replace_at(expr, path, sp.Mul(*rest))
        if isinstance(node, sp.Number) and node != 0 and path:
            yield f"constant {node} x (1 + 1e-3)", _replace_at(
                expr, path, node * sp.Rational(1001, 1000))
        if isinstance(node, sp.Pow):
            yield f"exponent of {where} + 1", _replace_at(
                expr, path, sp.Pow(node.base, node.exp + 1))
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    for a, b in list(combinations(symbols, 2))[:_MAX_SWAPS]:
        yield f"swap {a} and {b}", expr.xreplace({a: b, b: a})
