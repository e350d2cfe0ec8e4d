"""Vector notation after the grammar: ``|w|`` / ``||w||`` of a vector is its norm, ``u \\cdot v``
of two vectors their dot product; ``|A|`` of a matrix is refused (determinant or norm?)."""

from __future__ import annotations

import sympy as sp

from ._latex import ParseError
from ._notation import Norm
from .symbols import SymbolTable

__all__ = ["vector_notation"]


def _kinds(expr: sp.Basic, table: SymbolTable) -> set[str]:
    by_name = {d.pyname: d.kind for d in table.decls.values()}
    return {by_name.get(s.name, "scalar") for s in expr.free_symbols
            if isinstance(s, sp.Symbol) and not s.is_commutative}


def _is_vector(e: sp.Basic, table: SymbolTable) -> bool:
    decl = next((d for d in table.decls.values() if d.pyname == getattr(e, "name", None)), None)
    return isinstance(e, sp.Symbol) and decl is not None and decl.kind == "vector" and \
        not e.is_commutative


def vector_notation(expr: sp.Expr, table: SymbolTable, src: str) -> sp.Expr:
    """Bars around a vector become its 2-norm; a product of exactly two plain vectors (``u
    \\cdot v``, ``u v``) becomes ``u^T v``; bars around a matrix are an error."""
    def bars(e: sp.Abs) -> sp.Expr:
        inner = e.args[0]
        if inner.is_commutative:
            return e
        if "matrix" in _kinds(inner, table):
            raise ParseError("|A| of a matrix is ambiguous: write \\det(A) for the determinant "
                             "or \\|A\\| for its norm", src, 0)
        return Norm(inner, sp.Integer(2))

    def dot(e: sp.Mul) -> sp.Expr:
        scalars, arrays = e.args_cnc()
        if len(arrays) == 2 and all(_is_vector(a, table) for a in arrays):
            return sp.Mul(*scalars) * sp.transpose(arrays[0]) * arrays[1]
        return e

    expr = expr.replace(lambda e: isinstance(e, sp.Subs) and tuple(e.variables) == tuple(e.point),
                        lambda e: e.expr)  # f'(x) at its own parameter
    expr = expr.replace(lambda e: isinstance(e, sp.Abs), bars)
    return expr.replace(lambda e: isinstance(e, sp.Mul), dot)
