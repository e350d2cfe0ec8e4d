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
    """The sum of the terms (an array, or a tuple of factors) in one new output array, computed
    in blocks of rows so the one scratch block stays in cache; small factors multiply first."""
    parts = [t if isinstance(t, tuple) else (t,) for t in terms]
    shape = numpy.broadcast_shapes(*(numpy.shape(f) for p in parts for f in p))
    dtype = numpy.result_type(*(f for p in parts for f in p))
    parts.sort(key=lambda p: -max(numpy.size(f) for f in p))
    out = numpy.empty(shape, dtype)
    rows = shape[0] if shape else 1
    step = max(1, 2**19 // dtype.itemsize // max(1, math.prod(shape[1:])))
    scratch = numpy.empty((min(step, rows), *shape[1:]), dtype)
    for start in range(0, rows, step):
        block = slice(start, start + step)
        target = out[block] if shape else out
        for i, p in enumerate(parts):
            fs = [f[block] if numpy.ndim(f) == len(shape) and shape and numpy.shape(f)[0] == rows
                  and rows > 1 else f for f in p]
            big = [f for f in fs if numpy.shape(f) == target.shape]
            small = functools.reduce(numpy.multiply, [f for f in fs if not any(
                f is b for b in big)], 1)
            if i and not big:
                numpy.add(target, small, out=target)
                continue
            into = scratch[:target.shape[0]] if i and shape else target
            if big:
                numpy.multiply(big[0], small, out=into)
            else:
                numpy.copyto(into, small)
            for f in big[1:]:
                numpy.multiply(into, f, out=into)
            if i:
                numpy.add(target, into, out=target)
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
