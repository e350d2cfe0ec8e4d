"""Matrices and vectors drawn and evaluated (the RNN gates and cells, vector claims).

Sizes named in the declared shapes (``["n_a", "n_a + n_x"]``) are drawn between 1 and 4 at each
trial, every matrix and vector is drawn inside its domain, and both sides are evaluated with
NumPy: a product of non-commuting factors is a matrix product in the written order, ``\\star``
is elementwise, a transpose transposes, ``[u, v]`` stacks, sigma / tanh / exp / log act
elementwise. Shapes that do not fit are an error that names them.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable

import mpmath
import numpy as np
import sympy as sp

from ..emit import stable_sigmoid
from ..read import (
    NORM_ENTRYWISE,
    NORM_OPERATOR,
    Concat,
    Decl,
    Gradient,
    IndexArgMax,
    IndexArgMin,
    IndexMax,
    IndexMin,
    Norm,
    Row,
    hadamard,
    sigmoid,
)
from ._definedness import Defined

__all__ = ["as_number", "evaluate_arrays", "size_names", "array_shape", "ELEMENTWISE",
           "TRIALS", "LADDER", "draw", "at_precision"]

TRIALS = 24
#: Elementwise functions on arrays, in float64 (NumPy) and at high precision (mpmath).
ELEMENTWISE = {sigmoid: (stable_sigmoid, lambda x: 1 / (1 + mpmath.exp(-x))),
               sp.tanh: (np.tanh, mpmath.tanh), sp.exp: (np.exp, mpmath.exp),
               sp.log: (np.log, mpmath.log)}
#: comparisons in a definedness guard (of scalars: a norm, u^T v), evaluated at the draw
_COMPARE = {sp.StrictGreaterThan: operator.gt, sp.GreaterThan: operator.ge,
            sp.StrictLessThan: operator.lt, sp.LessThan: operator.le, sp.Eq: operator.eq,
            sp.Ne: operator.ne}
#: precisions at which a float64 disagreement is re-evaluated before it refutes
LADDER = (50, 320, 1200)


def _size(entry: str, sizes: dict[str, int]) -> int:
    """A shape entry: an integer, a size name, or names and integers joined by '+'."""
    total = 0
    for part in str(entry).split("+"):
        part = part.strip()
        total += int(part) if part.isdigit() else sizes[part]
    return total


def size_names(decls: Iterable[Decl]) -> list[str]:
    """The size names (n_a, n_x, ...) the declared shapes use, sorted."""
    return sorted({p.strip() for d in decls for e in d.shape for p in str(e).split("+")
                   if not p.strip().isdigit()})


def array_shape(decl: Decl, sizes: dict[str, int], columns: int = 1) -> tuple[int, ...]:
    """The NumPy shape of a declared matrix or vector at these sizes: a vector is a column, or
    ``columns`` of them (a batch)."""
    shape = tuple(_size(e, sizes) for e in decl.shape)
    return (shape[0], columns) if decl.kind == "vector" and shape else shape


def draw(syms: list, decls: dict, rng: np.random.Generator, least: int = 1
         ) -> tuple[dict, dict]:
    """(sizes, values): sizes between ``least`` (the largest index written as a number) and 4
    for the size names the symbols' shapes use, each symbol drawn inside its domain (a vector
    x and the label of an element x[i] are one draw), and a free index (the i of x_i, W_i)
    between 1 and the smallest drawn size."""
    names = size_names(decls[s.name] for s in syms if s.name in decls)
    sizes = {n: int(rng.integers(least, max(4, least) + 1)) for n in names}
    values: dict[sp.Symbol, object] = {}
    by_name: dict[str, object] = {}
    for s in syms:
        if s.name in by_name:
            values[s] = by_name[s.name]
            continue
        if s.name in sizes:  # a size written in the statement (a sum's bound n): as drawn
            values[s] = float(sizes[s.name])
            continue
        d = decls.get(s.name)
        if d is None:
            raise ValueError(f"no declaration for {s}")
        if d.kind == "index":
            values[s] = by_name[s.name] = float(rng.integers(1, min(sizes.values(),
                                                                    default=3) + 1))
            continue
        shape = array_shape(d, sizes)
        drawn = d.domain.sample(rng, int(np.prod(shape)) if shape else 1)
        values[s] = by_name[s.name] = drawn.reshape(shape) if shape else float(drawn[0])
    return sizes, values


def at_precision(values: dict) -> dict:
    """The drawn float values as mpmath numbers (object arrays), at the current precision."""
    return {s: np.vectorize(mpmath.mpf, otypes=[object])(v) if np.ndim(v) else mpmath.mpf(v)
            for s, v in values.items()}


def evaluate_arrays(expr: sp.Basic, values: dict[sp.Symbol, object], mp: bool | str = False
                    ) -> np.ndarray | float:
    """expr with matrices and vectors as NumPy arrays (vectors are columns); with ``mp``, on
    object arrays of mpmath numbers (``values`` from :func:`at_precision`) at mpmath's
    current precision; with ``mp="sym"``, on object arrays of SymPy expressions (exact: the
    gradient of a number with respect to a whole array differentiates it)."""
    if expr.is_Number:
        if mp == "sym":
            return expr
        if not mp:
            return float(expr)
        return mpmath.mpf(str(sp.Rational(expr))) if expr.is_Rational else mpmath.mpf(expr)
    if isinstance(expr, Gradient):
        return _gradient(expr, values, mp)
    if isinstance(expr, sp.Symbol):
        return values[expr]
    if isinstance(expr, sp.Indexed):  # an element, numbered from 1 as printed
        label = expr.base.label  # the vector's own symbol, or a commuting one of its name
        array = np.asarray(values[label] if label in values else
                           next(v for k, v in values.items() if k.name == label.name))
        at = [int(round(float(evaluate_arrays(i, values, mp)))) - 1 for i in expr.indices]
        if array.ndim == 2 and array.shape[1] == 1 and len(at) == 1:
            at.append(0)  # a vector is a column
        if any(a < 0 or a >= n for a, n in zip(at, array.shape, strict=False)):
            raise ValueError(f"{expr} is outside the drawn shape {array.shape}")
        element = array[tuple(at)]
        return element if mp else float(element)
    if isinstance(expr, sp.Sum | sp.Product):
        return _big_operator(expr, values, mp)
    if isinstance(expr, Defined) and mp == "sym":  # a derivative of the value as computed
        return evaluate_arrays(expr.args[0], values, mp)
    if isinstance(expr, Defined):  # the written side's guard (1 / |x|^2 needs |x| != 0)
        held = _holds(expr.args[1], values, mp)
        value = evaluate_arrays(expr.args[0], values, mp)
        return value if held else (mpmath.nan if mp else np.nan)
    if isinstance(expr, sp.Piecewise):  # \arg\max written out: the first piece that holds
        return next(evaluate_arrays(e, values, mp) for e, c in expr.args if _holds(c, values, mp))
    if isinstance(expr, IndexArgMax | IndexArgMin | IndexMax | IndexMin):  # at the drawn size
        return _extremum(expr, values, mp)
    args = [evaluate_arrays(a, values, mp) for a in expr.args]
    if isinstance(expr, sp.Max | sp.Min) and all(np.ndim(a) == 0 for a in args):
        return max(args) if isinstance(expr, sp.Max) else min(args)
    if isinstance(expr, Norm):
        arr = np.asarray(args[0], dtype=object if mp else float)
        order = sp.oo if expr.args[1] == sp.oo else args[1]
        if arr.ndim == 2 and min(arr.shape) > 1:  # a matrix: as its subscript says
            return _matrix_norm(arr, order, expr.args[2] if len(expr.args) == 3 else None, mp)
        return _norm(np.ravel(arr), order, mp)
    if isinstance(expr, Row):  # row i of a matrix, as a column
        i, rows = int(round(float(args[1]))) - 1, np.shape(args[0])[0]
        if not 0 <= i < rows:
            raise ValueError(f"{expr} is outside the drawn shape {np.shape(args[0])}")
        return np.asarray(args[0])[i, :].reshape(-1, 1)
    if isinstance(expr, sp.Abs) and np.ndim(args[0]) == 0:
        return abs(args[0])
    if isinstance(expr, sp.Add):
        return sum(args[1:], args[0])
    if isinstance(expr, sp.Mul):
        out: object = 1 if mp else 1.0  # an int: exact under SymPy and mpmath
        for a in args:
            both = np.ndim(out) == 2 and np.ndim(a) == 2
            out = out @ a if both else out * a
        nc = [a for a in expr.args if not a.is_commutative]
        row = (nc and isinstance(nc[0], sp.Transpose | sp.transpose)
               and (isinstance(nc[-1], Row) or isinstance(nc[-1], sp.Symbol)
                    and np.ndim(values.get(nc[-1], 0)) == 2 and np.shape(values[nc[-1]])[1] == 1))
        if row and np.shape(out) == (1, 1):  # u^T v: a number
            return out[0, 0] if mp else float(out[0, 0])
        return out
    if isinstance(expr, hadamard):
        out = args[0]
        for a in args[1:]:
            if np.shape(out) != np.shape(a):
                raise ValueError(f"elementwise product of shapes {np.shape(out)} and "
                                 f"{np.shape(a)}")
            out = out * a
        return out
    if isinstance(expr, Concat):
        return np.vstack([np.atleast_2d(a) for a in args])
    if isinstance(expr, sp.transpose | sp.Transpose):
        return np.transpose(args[0])
    if isinstance(expr, sp.Pow) and np.ndim(args[0]) == 0 and np.ndim(args[1]) == 0:
        # of scalars (sqrt of a norm, 1 / u^T v after reduction); float64: nan, never complex,
        # for a negative base (mpmath gives a complex value, which counts as undefined)
        return args[0] ** args[1] if mp else np.power(np.float64(args[0]), args[1])
    funcs = ELEMENTWISE.get(type(expr))
    if funcs is not None:
        func = type(expr) if mp == "sym" else funcs[1] if mp else funcs[0]
        return np.vectorize(func, otypes=[object])(args[0]) if mp and np.ndim(args[0]) \
            else func(args[0])
    raise ValueError(f"{type(expr).__name__} has no meaning on matrices here")




def _extremum(expr: sp.Basic, values: dict, mp: bool) -> object:
    """\\max_i / \\min_i / \\arg\\max_i / \\arg\\min_i of a body over its bounds at the draw;
    an index is the first among ties, numbered from the lower bound."""
    body, var, lo, hi = expr.args
    a, b = (int(round(float(evaluate_arrays(x, values, mp)))) for x in (lo, hi))
    found = [as_number(evaluate_arrays(body.xreplace({var: sp.Integer(k)}), values, mp))
             for k in range(a, b + 1)]
    if any(np.ndim(v) for v in found):
        raise ValueError(f"{type(expr).__name__} of an array: write it per element")
    pick = max if isinstance(expr, IndexArgMax | IndexMax) else min
    best = pick(range(len(found)), key=lambda j: found[j])
    if isinstance(expr, IndexMax | IndexMin):
        return found[best]
    return mpmath.mpf(a + best) if mp else float(a + best)


def _gradient(expr: Gradient, values: dict, mp: object) -> np.ndarray:
    """dL/dw for every entry of the drawn array w (the shape of w): L built exactly on
    symbols standing for w's entries (the other arrays at their drawn values, as exact
    binary fractions), differentiated by SymPy, then evaluated at the draw (float64, or at
    mpmath's current precision)."""
    body, w = expr.args
    drawn = np.asarray(values[w], dtype=object)
    entries = np.array([sp.Dummy(f"{w.name}_{k}", real=True) for k in range(drawn.size)],
                       dtype=object).reshape(drawn.shape)
    exact = {s: entries if s.name == w.name else _exact(v) for s, v in values.items()}
    number = as_number(evaluate_arrays(body, exact, "sym"))
    if np.ndim(number):
        raise ValueError(f"the gradient of an array of shape {np.shape(number)}: differentiate "
                         "a number")
    at = {e: _exact(v) for e, v in zip(entries.ravel(), drawn.ravel(), strict=True)}
    out = []
    digits = mpmath.mp.dps + 10 if mp else 20
    for e in entries.ravel():
        value = sp.diff(number, e).xreplace(at)
        if mp == "sym":
            out.append(value)
            continue
        value = value.evalf(digits)  # not a finite real (a pole, a complex value): undefined
        real = value.is_number and value.is_real and value.is_finite
        out.append((mpmath.mpf(value) if real else mpmath.nan) if mp else
                   (float(value) if real else np.nan))
    return np.array(out, dtype=object if mp else float).reshape(drawn.shape)


def _exact(v: object) -> object:
    """A drawn float (or mpmath number, or an array of them) as exact SymPy numbers."""
    if np.ndim(v):
        return np.vectorize(_exact, otypes=[object])(np.asarray(v, dtype=object))
    if isinstance(v, mpmath.mpf):
        sign, man, exp, _ = v._mpf_  # (-1)^sign man 2^exp, exactly
        return (-1) ** sign * sp.Integer(man) * sp.Integer(2) ** exp
    return sp.Rational(float(v))


def _holds(guard: sp.Basic, values: dict, mp: bool) -> bool:
    """Whether a definedness guard (comparisons of scalars joined by And / Or) holds."""
    if guard in (sp.true, sp.false):
        return guard is sp.true
    if isinstance(guard, sp.And | sp.Or):
        parts = (_holds(g, values, mp) for g in guard.args)
        return all(parts) if isinstance(guard, sp.And) else any(parts)
    compare = _COMPARE.get(type(guard))
    if compare is None:
        raise ValueError(f"{type(guard).__name__} has no meaning on matrices here")
    a, b = (as_number(evaluate_arrays(x, values, mp)) for x in guard.args)
    if np.ndim(a) or np.ndim(b):
        raise ValueError("a definedness condition on a matrix or vector")
    return bool(compare(a, b))


def _norm(vec: np.ndarray, order: object, mp: bool) -> object:
    """The p-norm (or the max norm, order oo) of a flat array of floats or mpmath numbers."""
    if order == sp.oo:
        return sp.Max(*(abs(v) for v in vec)) if mp == "sym" else max(abs(v) for v in vec)
    p = sp.sympify(order) if mp == "sym" else mpmath.mpf(order) if mp else float(order)
    zero = sp.Integer(0) if mp == "sym" else mpmath.mpf(0) if mp else 0.0
    total = sum((abs(v) ** p for v in vec), zero)
    return total ** (1 / p)


def _matrix_norm(arr: np.ndarray, order: object, how: object, mp: object) -> object:
    """``\\|A\\|_F`` (entries), ``\\|A\\|_1``, ``_2``, ``_\\infty`` (operator norms: largest
    column sum, largest singular value, largest row sum) of a drawn matrix; ValueError for a
    norm written without a subscript (spectral or Frobenius: said, never guessed)."""
    if how == NORM_ENTRYWISE:
        return _norm(np.ravel(arr), order, mp)
    if how != NORM_OPERATOR:
        raise ValueError("the norm of a matrix written without a subscript is ambiguous: "
                         "write \\|A\\|_2 (spectral) or \\|A\\|_F (Frobenius)")
    if mp == "sym":
        raise ValueError("an operator norm of a matrix is evaluated numerically only")
    p = float("inf") if order == sp.oo else float(order)
    if p == 2:
        if mp:
            return max(mpmath.svd_r(mpmath.matrix(arr.tolist()), compute_uv=False))
        return float(np.linalg.norm(arr, 2))
    if p in (1.0, float("inf")):
        sums = [sum(abs(v) for v in line) for line in (arr.T if p == 1 else arr)]
        return max(sums)
    raise ValueError(f"the operator {order}-norm of a matrix is not computed: write "
                     "\\|A\\|_1, \\|A\\|_2, \\|A\\|_\\infty or \\|A\\|_F")


def _big_operator(expr: sp.Sum | sp.Product, values: dict[sp.Symbol, object], mp: bool
                  ) -> object:
    """A sum or product over integer bounds (evaluated at the drawn values) of its body."""
    body: sp.Expr = expr.function
    for k, lo, hi in reversed(expr.limits):  # the innermost limit is the first
        a, b = (int(round(float(evaluate_arrays(x, values, mp)))) for x in (lo, hi))
        terms = [body.xreplace({k: sp.Integer(i)}) for i in range(a, b + 1)]
        body = sp.Add(*terms, evaluate=False) if isinstance(expr, sp.Sum) else \
            sp.Mul(*terms, evaluate=False)
    return evaluate_arrays(body, values, mp)


def as_number(v: object) -> object:
    """A 1 x 1 result as a number (u^T v evaluated as a matrix product)."""
    return np.asarray(v)[0, 0] if np.shape(v) == (1, 1) else v
