"""NumPy batch kernels without full-size temporaries: how a step is printed when its form allows.

Two rules (a table, tried in order): a sum over the batch of a product of two per-sample arrays
is an ``einsum`` (the product is never stored); a per-sample sum of terms is written into one
output buffer, a full-size product going through one scratch array (``_fused``). Other steps
print as they are. Both helpers keep the inputs' dtype: float32 in, float32 out.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

__all__ = ["FUSED_HELPERS", "fused_body"]

#: Helpers a fused NumPy module defines when its code calls them (name -> source).
FUSED_HELPERS = {
    "_sum_product": '''def _sum_product(a, b, axes, shape):
    """The sum over axes of a * b (same shape), the product never stored."""
    idx = list(range(numpy.ndim(a)))
    kept = [i for i in idx if i not in axes]
    return numpy.reshape(numpy.einsum(a, idx, b, idx, kept), shape)
''',
    "_fused": '''def _fused(*terms):
    """The sum of the terms (an array, or a tuple of factors) in one new output array. Factors
    smaller than a row block (per-feature ones) are multiplied once; the rest goes in blocks of
    rows, a product into the output block or into one scratch block that stays in cache."""
    parts = [t if isinstance(t, tuple) else (t,) for t in terms]
    shape = numpy.broadcast_shapes(*(numpy.shape(f) for p in parts for f in p))
    dtype = numpy.result_type(*(f for p in parts for f in p))
    out = numpy.empty(shape, dtype)
    rows = shape[0] if shape else 1
    if rows < 2:
        out[...] = sum(functools.reduce(numpy.multiply, p) for p in parts)
        return out
    big, const = [], None
    for p in parts:
        per_row = [f for f in p if numpy.ndim(f) == len(shape) and numpy.shape(f)[0] == rows]
        rest = [f for f in p if not any(f is r for r in per_row)]
        small = functools.reduce(numpy.multiply, rest) if rest else None
        if per_row:
            big.append((per_row, small))
        else:
            const = small if const is None else const + small
    step = max(1, 2**19 // dtype.itemsize // max(1, math.prod(shape[1:])))
    scratch = numpy.empty((min(step, rows), *shape[1:]), dtype) if len(big) > 1 else None
    for start in range(0, rows, step):
        block = slice(start, start + step)
        target = out[block]
        for i, (per_row, small) in enumerate(big):
            into = scratch[:target.shape[0]] if i else target
            if small is None and len(per_row) == 1:
                numpy.copyto(into, per_row[0][block])
            elif small is None:
                numpy.multiply(per_row[0][block], per_row[1][block], out=into)
            else:
                numpy.multiply(per_row[0][block], small, out=into)
            for f in per_row[1 if small is not None else 2:]:
                numpy.multiply(into, f[block], out=into)
            if i:
                numpy.add(target, into, out=target)
        if const is not None:
            numpy.add(target, const, out=target)
    if not big:
        out[...] = const
    return out
''',
}


def _factors(term: sp.Expr) -> list[sp.Expr]:
    """A product's factors, a square as two; anything else is one factor."""
    if isinstance(term, sp.Pow) and term.exp == 2 and term.base.is_Symbol:
        return [term.base, term.base]
    return list(term.args) if isinstance(term, sp.Mul) else [term]


def _sum_of_product(expr: sp.Expr, elem: set[sp.Symbol], kind: str, pr: Callable) -> str | None:
    if kind != "sum":
        return None
    factors = _factors(expr)
    big = [f for f in factors if f in elem]
    rest = [f for f in factors if f not in elem]
    if len(big) != 2 or any(f.free_symbols & elem for f in rest):
        return None
    body = f"_sum_product({pr(big[0])}, {pr(big[1])}, axes, shape)"
    return body if not rest else f"{pr(sp.Mul(*rest))}*{body}"


def _sum_of_terms(expr: sp.Expr, elem: set[sp.Symbol], kind: str, pr: Callable) -> str | None:
    if kind != "elem" or not isinstance(expr, sp.Add):
        return None
    if not any(len([f for f in _factors(t) if not f.is_number]) > 1 and t.free_symbols & elem
               for t in expr.args):  # no term is a product stored whole: plain is one pass
        return None
    terms = []
    for t in expr.args:
        fs = _factors(t)
        terms.append(pr(fs[0]) if len(fs) == 1 else "(" + ", ".join(pr(f) for f in fs) + ")")
    return f"_fused({', '.join(terms)})"


#: Fused forms of a step, tried in order: (name, printer returning None when it does not apply).
FUSED_FORMS = (
    ("sum over the batch of a product -> einsum", _sum_of_product),
    ("per-sample sum of terms -> one output buffer", _sum_of_terms),
)


def fused_body(expr: sp.Expr, kind: str, elem: set[sp.Symbol], pr: Callable) -> str | None:
    """The fused source of one step (``pr`` prints an expression), or None if no rule fits."""
    for _, form in FUSED_FORMS:
        body = form(expr, elem, kind, pr)
        if body is not None:
            return body
    return None
