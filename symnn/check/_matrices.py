"""Numeric comparison of statements over matrices and vectors (the RNN gates and cells).

Sizes named in the declared shapes (``["n_a", "n_a + n_x"]``) are drawn between 1 and 4 at each
trial, every matrix and vector is drawn inside its domain, and both sides are evaluated with
NumPy: a product of non-commuting factors is a matrix product in the written order, ``\\star``
is elementwise, a transpose transposes, ``[u, v]`` stacks, sigma / tanh / exp / log act
elementwise. Shapes that do not fit are an error that names them.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import sympy as sp

from ..emit import stable_sigmoid
from ..read import Concat, Decl, Norm, SymbolTable, hadamard, sigmoid
from ._results import CheckResult

__all__ = ["matrix_compare", "evaluate_arrays", "size_names", "array_shape", "ELEMENTWISE",
           "TRIALS"]

TRIALS = 24
#: Elementwise functions on arrays.
ELEMENTWISE = {sigmoid: stable_sigmoid, sp.tanh: np.tanh, sp.exp: np.exp, sp.log: np.log,
               sp.transpose: np.transpose}


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


def evaluate_arrays(expr: sp.Basic, values: dict[sp.Symbol, object]) -> np.ndarray | float:
    """expr with matrices and vectors as NumPy arrays (vectors are columns)."""
    if expr.is_Number:
        return float(expr)
    if isinstance(expr, sp.Symbol):
        return values[expr]
    if isinstance(expr, sp.Indexed):  # an element, numbered from 1 as printed
        label = expr.base.label  # the vector's own symbol, or a commuting one of its name
        array = np.asarray(values[label] if label in values else
                           next(v for k, v in values.items() if k.name == label.name))
        at = [int(round(float(evaluate_arrays(i, values)))) - 1 for i in expr.indices]
        if array.ndim == 2 and array.shape[1] == 1 and len(at) == 1:
            at.append(0)  # a vector is a column
        if any(a < 0 or a >= n for a, n in zip(at, array.shape, strict=False)):
            raise ValueError(f"{expr} is outside the drawn shape {array.shape}")
        return float(array[tuple(at)])
    if isinstance(expr, sp.Sum | sp.Product):
        return _big_operator(expr, values)
    args = [evaluate_arrays(a, values) for a in expr.args]
    if isinstance(expr, Norm):
        order = np.inf if expr.args[1] == sp.oo else float(args[1])
        return float(np.linalg.norm(np.ravel(args[0]), ord=order))
    if isinstance(expr, sp.Abs) and np.ndim(args[0]) == 0:
        return abs(args[0])
    if isinstance(expr, sp.Add):
        return sum(args[1:], args[0])
    if isinstance(expr, sp.Mul):
        out: object = 1.0
        for a in args:
            both = np.ndim(out) == 2 and np.ndim(a) == 2
            out = out @ a if both else out * a
        nc = [a for a in expr.args if not a.is_commutative]
        row = (nc and isinstance(nc[0], sp.Transpose | sp.transpose)
               and isinstance(nc[-1], sp.Symbol) and np.ndim(values.get(nc[-1], 0)) == 2
               and np.shape(values[nc[-1]])[1] == 1)
        return float(out[0, 0]) if row and np.shape(out) == (1, 1) else out  # u^T v: a number
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
    if isinstance(expr, sp.Pow) and np.ndim(args[0]) == 0 and np.ndim(args[1]) == 0:
        return args[0] ** args[1]  # of scalars (sqrt of a norm, 1 / u^T v after reduction)
    if isinstance(expr, sp.Pow) and expr.exp.is_integer and np.ndim(args[0]) == 0:
        return args[0] ** args[1]
    func = ELEMENTWISE.get(type(expr))
    if func is not None:
        return func(args[0])
    raise ValueError(f"{type(expr).__name__} has no meaning on matrices here")


def _big_operator(expr: sp.Sum | sp.Product, values: dict[sp.Symbol, object]) -> float:
    """A sum or product over integer bounds (evaluated at the drawn values) of its body."""
    body: sp.Expr = expr.function
    for k, lo, hi in reversed(expr.limits):  # the innermost limit is the first
        a, b = (int(round(float(evaluate_arrays(x, values)))) for x in (lo, hi))
        terms = [body.xreplace({k: sp.Integer(i)}) for i in range(a, b + 1)]
        body = sp.Add(*terms, evaluate=False) if isinstance(expr, sp.Sum) else \
            sp.Mul(*terms, evaluate=False)
    return evaluate_arrays(body, values)


def matrix_compare(lhs: sp.Expr, rhs: sp.Expr, table: SymbolTable, *, kind: str = "claim",
                   seed: int = 0) -> CheckResult:
    """lhs == rhs at TRIALS draws of sizes and values; a counterexample names the sizes."""
    rng = np.random.default_rng(seed)
    decls = {d.pyname: d for d in table.decls.values()}
    syms = sorted((s for s in lhs.free_symbols | rhs.free_symbols if isinstance(s, sp.Symbol)),
                  key=lambda s: s.name)  # elements x[i] are drawn with their vector x
    names = size_names(decls[s.name] for s in syms if s.name in decls)
    worst, counterexample = 0.0, None
    for _ in range(TRIALS):
        sizes = {n: int(rng.integers(1, 5)) for n in names}
        values: dict[sp.Symbol, object] = {}
        by_name: dict[str, object] = {}  # x and the label of x[i] are one draw
        for s in syms:
            if s.name in by_name:
                values[s] = by_name[s.name]
                continue
            d = decls.get(s.name)
            if d is None:
                raise ValueError(f"no declaration for {s}")
            shape = array_shape(d, sizes)
            n = int(np.prod(shape)) if shape else 1
            drawn = d.domain.sample(rng, n)
            values[s] = by_name[s.name] = drawn.reshape(shape) if shape else float(drawn[0])
        with np.errstate(all="ignore"):
            a, b = (v if np.shape(v) != (1, 1) else float(np.asarray(v)[0, 0])
                    for v in (evaluate_arrays(lhs, values), evaluate_arrays(rhs, values)))
        if np.shape(a) != np.shape(b):
            raise ValueError(f"the sides have shapes {np.shape(a)} and {np.shape(b)} at sizes "
                             f"{sizes}")
        gap = np.abs(np.asarray(a) - np.asarray(b)) / np.maximum(
            1.0, np.maximum(np.abs(a), np.abs(b)))
        # undefined on both sides: not compared; on one side only: never within tolerance
        both = ~np.isfinite(np.asarray(a, dtype=float)) & ~np.isfinite(np.asarray(b, dtype=float))
        gap = np.where(both, 0.0, np.where(np.isfinite(gap), gap, np.inf))
        largest = float(np.max(gap))
        if largest > max(worst, 1e-9):  # the counterexample is the worst one
            i = np.unravel_index(int(np.argmax(gap)), np.shape(gap))
            counterexample = {"point": {k: float(v) for k, v in sizes.items()},
                              "lhs": float(np.asarray(a)[i]), "rhs": float(np.asarray(b)[i]),
                              "case": f"sizes {sizes}, component {tuple(map(int, i))}"}
        worst = max(worst, largest)
    ok = counterexample is None
    detail = (f"{TRIALS} draws of sizes (1..4) and values; worst mixed error {worst:.1e}"
              if ok else f"refuted: the sides differ by {worst:.3g} (tolerance 1e-09)")
    return CheckResult(kind, ok, detail, "numeric (matrices)", TRIALS, max_rel_error=worst,
                       counterexample=counterexample, seed=seed, margin=worst / 1e-9)
