"""Vector notation after the grammar: ``|w|`` / ``||w||`` of a vector is its norm, ``u \\cdot v``
of two vectors their dot product; ``|A|`` of a matrix is refused (determinant or norm?); a
row ``W_i`` of a matrix is read only where a vector is expected (a product, a transpose, a
norm, a sum with vectors)."""

from __future__ import annotations

import sympy as sp

from ._latex import ParseError
from ._notation import Norm, Row
from .symbols import SymbolTable

__all__ = ["vector_notation"]


def _kinds(expr: sp.Basic, table: SymbolTable) -> set[str]:
    by_name = {d.pyname: d.kind for d in table.decls.values()}
    return {by_name.get(s.name, "scalar") for s in expr.free_symbols
            if isinstance(s, sp.Symbol) and not s.is_commutative}


def _is_vector(e: sp.Basic, table: SymbolTable) -> bool:
    if isinstance(e, Row):
        return True
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
    expr = expr.replace(lambda e: isinstance(e, sp.Mul), dot)
    if expr.has(Row):
        shapes = _Shapes(table, src)
        if shapes.of(expr) is not None:  # a vector-valued side made of rows: not read
            raise shapes.refuse(expr, "here the whole side is a vector")
    return expr


_ROW_MISUSE = ("{row} is row {i} of the matrix {m} (a vector): it is read only in a product "
               "with a vector or matrix ({m}_{i}^T x, {m}_{i} x), a transpose, a norm "
               "(\\|{m}_{i} - x\\|) or a sum with a vector of its size; {what}. For an element "
               "write two indices ({m}_{{{i}{j}}}); a column of {m} is not read this way (write "
               "its elements {m}_{{{j}{i}}})")


class _Shapes:
    """Shapes (rows, columns) of the array parts of a reading with rows ``W_i`` in it; None
    for a number. A row where no vector fits is a ParseError (never a silent broadcast)."""

    def __init__(self, table: SymbolTable, src: str) -> None:
        self.decls = {d.pyname: d for d in table.decls.values()}
        self.src = src

    def refuse(self, e: sp.Basic, what: str) -> ParseError:
        row = next(iter(sorted(e.atoms(Row), key=str)))
        m, i = row.args
        latex = self.decls[m.name].latex if m.name in self.decls else str(m)
        return ParseError(_ROW_MISUSE.format(row=f"{latex}_{{{i}}}", i=i, m=latex, what=what,
                                             j="k" if str(i) == "j" else "j"),
                          self.src, 0)

    def of(self, e: sp.Basic) -> tuple | None:
        if isinstance(e, Row):
            d = self.decls.get(e.args[0].name)
            return (d.shape[1], "1") if d is not None and len(d.shape) == 2 else ("?", "1")
        if isinstance(e, sp.Symbol):
            d = self.decls.get(e.name)
            if e.is_commutative or d is None:
                return None
            return (d.shape[0], "1") if d.kind == "vector" else tuple(d.shape)
        if e.is_commutative and not e.has(Row):
            return None
        if isinstance(e, sp.Transpose | sp.transpose):
            shape = self.of(e.args[0])
            return None if shape is None else (shape[1], shape[0])
        if isinstance(e, Norm):
            if self.of(e.args[0]) is None:
                raise self.refuse(e, "here it is inside the norm of a number")
            return None
        if isinstance(e, sp.Add):
            shapes = {self.of(a) for a in e.args}
            if len(shapes) > 1:
                raise self.refuse(e, "here it is added to "
                                  + ("a number" if None in shapes else "an array of another size"))
            return shapes.pop()
        if isinstance(e, sp.Mul):
            return self.product(e)
        if isinstance(e, sp.Sum):
            return self.of(e.function)
        if isinstance(e, sp.Pow) and self.of(e.args[0]) is not None:
            raise self.refuse(e, "here it is raised to a power (its squared norm is "
                              "\\|x\\|^2, its dot product with itself x^T x)")
        if not e.has(Row):
            return ("?", "?")  # another array node (hadamard, [u, v]): its shape is not needed
        for a in e.args:  # a function of the row (exp, a power, sigma): not a vector's place
            if isinstance(a, sp.Basic) and self.of(a) is not None:
                raise self.refuse(e, f"here it is the argument of {type(e).__name__}, which "
                                  f"takes a number")
        return None  # a function of numbers

    def product(self, e: sp.Mul) -> tuple | None:
        """A matrix product in the written order; a 1 x 1 result is a number (u^T v)."""
        shape = None
        for a in e.args:
            part = self.of(a)
            if part is None:
                continue
            if shape is not None and "?" not in (shape[1], part[0]) and \
                    str(shape[1]) != str(part[0]):
                raise self.refuse(e, f"here a product of shapes {shape[0]} x {shape[1]} and "
                                  f"{part[0]} x {part[1]} does not fit")
            shape = part if shape is None else (shape[0], part[1])
        if shape is not None and tuple(map(str, shape)) == ("1", "1"):
            return None
        return shape
