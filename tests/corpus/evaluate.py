"""Numeric value of a symnn reading at a corpus sample point (for tests/test_notation_corpus.py)."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from symnn.read import (
    PROOF_FORMS,
    Gradient,
    IndexArgMax,
    IndexArgMin,
    IndexMax,
    IndexMin,
    Norm,
    Row,
    hadamard,
)

#: Corpus domains -> symnn domains.
DOMAINS = {"real": "real", "(0,inf)": "positive", "[0,inf)": "nonnegative", "(0,1)": "(0,1)",
           "{0,1}": "{0,1}", "integer >= 1": "integer >= 1", "spd": "real"}


def _element(values: dict[str, np.ndarray], base: sp.Basic, idx: tuple) -> sp.Expr:
    arr = np.asarray(values[str(base)])
    if not all(i.is_Integer for i in idx):
        raise ValueError(f"element {base}{list(idx)} keeps a symbolic index")
    at = tuple(int(i) - 1 for i in idx)
    if len(at) != arr.ndim or any(a < 0 or a >= n for a, n in zip(at, arr.shape, strict=False)):
        raise ValueError(f"element {base}{list(idx)} outside shape {arr.shape}")
    return sp.Float(float(arr[at]))


def _expand_sums(expr: sp.Basic) -> sp.Basic:
    """Sums and products with integer bounds written out term by term (innermost first)."""
    def one(e: sp.Basic) -> sp.Basic:
        body, limits = e.function, list(e.limits)
        var, lo, hi = limits.pop()
        inner = type(e)(body, *limits) if limits else body
        if not (lo.is_Integer and hi.is_Integer):
            raise ValueError(f"{e} has symbolic bounds")
        terms = [_expand_sums(inner.xreplace({var: sp.Integer(k)}))
                 for k in range(int(lo), int(hi) + 1)]
        return sp.Add(*terms) if isinstance(e, sp.Sum) else sp.Mul(*terms)
    return expr.replace(lambda e: isinstance(e, sp.Sum | sp.Product), one)


def _numeric(expr: sp.Basic, arrays: dict) -> object:
    """Evaluate an expression whose leaves are numbers and arrays (``arrays``: symbol -> array)."""
    if expr in arrays:
        return arrays[expr]
    if expr.is_Number or expr is sp.E or expr is sp.pi or isinstance(expr, sp.NumberSymbol):
        return float(expr)
    if isinstance(expr, Gradient):  # central differences, entry by entry (independent of symnn)
        body, w = expr.args
        base = np.asarray(arrays[w], dtype=float)
        out = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            h = 1e-6 * max(1.0, abs(base[idx]))
            values = []
            for step in (h, -h):
                moved = base.copy()
                moved[idx] += step
                values.append(float(np.asarray(_numeric(body, {**arrays, w: moved})).real
                                    .reshape(())))
            out[idx] = (values[0] - values[1]) / (2 * h)
        return out
    if isinstance(expr, Norm):
        v, p = np.abs(np.asarray(_numeric(expr.args[0], arrays))), float(expr.args[1])
        return float(np.max(v)) if math.isinf(p) else float(np.sum(v ** p) ** (1 / p))
    if isinstance(expr, IndexArgMax | IndexArgMin | IndexMax | IndexMin):  # u^T v bodies
        body, var, lo, hi = expr.args
        found = [float(np.asarray(_numeric(body.xreplace({var: sp.Integer(k)}), arrays)
                                  ).reshape(())) for k in range(int(lo), int(hi) + 1)]
        pick = max if isinstance(expr, IndexArgMax | IndexMax) else min
        best = pick(range(len(found)), key=lambda j: found[j])
        return found[best] if isinstance(expr, IndexMax | IndexMin) else float(int(lo) + best)
    if isinstance(expr, sp.Piecewise):  # \arg\max written out: the first piece that holds
        return next(_numeric(e, arrays) for e, c in expr.args if _truth(c, arrays))
    args = [_numeric(a, arrays) for a in expr.args]
    if isinstance(expr, Row):  # row i (from 1) of a matrix, as a column
        return np.asarray(args[0])[int(round(float(args[1]))) - 1, :].reshape(-1, 1)
    if isinstance(expr, sp.Add):
        return sum(args[1:], args[0])
    if isinstance(expr, sp.Mul | sp.MatMul):
        out: object = 1.0
        for a in args:
            out = out @ a if np.ndim(out) == 2 and np.ndim(a) == 2 else out * a
        return out
    if isinstance(expr, hadamard):
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if isinstance(expr, sp.Transpose | sp.transpose):
        return np.transpose(args[0])
    if isinstance(expr, sp.Pow | sp.MatPow) and np.shape(args[0]) == (1, 1):
        args[0] = float(np.asarray(args[0])[0, 0])  # u^T u is a number: sqrt(x^T x)
    if isinstance(expr, sp.Pow | sp.MatPow) and np.ndim(args[0]) == 2:
        if args[1] == -1:
            return np.linalg.inv(args[0])
        return np.linalg.matrix_power(args[0], int(args[1]))
    if all(np.ndim(a) == 0 for a in args):
        value = expr.func(*[sp.Float(a) for a in args]).evalf(30)
        if not value.is_number:
            raise ValueError(f"{type(expr).__name__} has no numeric value here")
        return complex(value).real if complex(value).imag == 0 else complex(value)
    if np.ndim(args[0]) == 2 and len(args) == 1:  # elementwise
        return np.vectorize(lambda x: float(expr.func(sp.Float(x)).evalf(30)))(args[0])
    raise ValueError(f"{type(expr).__name__} has no meaning on these arguments")


def _truth(cond: sp.Basic, arrays: dict) -> bool:
    """A condition of numbers and arrays (comparisons joined by And / Or) at the point."""
    if cond in (sp.true, sp.false):
        return cond is sp.true
    if isinstance(cond, sp.And | sp.Or):
        parts = [_truth(c, arrays) for c in cond.args]
        return all(parts) if isinstance(cond, sp.And) else any(parts)
    a, b = (float(np.asarray(_numeric(x, arrays)).reshape(())) for x in cond.args)
    return bool(type(cond)(sp.Float(a), sp.Float(b)))


def value_of(expr: sp.Expr, table, values: dict[str, object]) -> float:
    """``expr`` at the point ``values`` (by symnn pyname): a float (a 1x1 result unwrapped)."""
    for node, form in PROOF_FORMS.items():
        expr = expr.replace(lambda e, n=node: isinstance(e, n), lambda e, f=form: f(*e.args))
    expr = expr.replace(lambda e: isinstance(e, sp.Derivative | sp.Subs), lambda e: e.doit())
    decls = {d.pyname: d for d in table.decls.values()}
    scalars, arrays = {}, {}
    for sym in expr.free_symbols:
        if not isinstance(sym, sp.Symbol) or sym.name not in values:
            continue
        d = decls.get(sym.name)
        if d is not None and d.kind in ("vector", "matrix"):
            arr = np.asarray(values[sym.name], dtype=float)
            arrays[sym] = arr.reshape(-1, 1) if arr.ndim == 1 else arr
        else:
            v = values[sym.name]
            scalars[sym] = sp.Integer(v) if float(v).is_integer() and (
                d is None or d.domain.integer or d.kind == "index") else sp.Float(v)
    expr = _expand_sums(expr.xreplace(scalars))
    expr = expr.replace(lambda e: isinstance(e, sp.Indexed),
                        lambda e: _element(values, e.base.label, e.indices))
    left = [s for s in expr.free_symbols if isinstance(s, sp.Symbol) and s not in arrays]
    if left:
        raise ValueError(f"names left without a value: {sorted(map(str, left))}")
    out = np.asarray(_numeric(expr, arrays))
    if out.size != 1:
        raise ValueError(f"the reading is an array of shape {out.shape}, not a number")
    return complex(out.reshape(())).real if np.iscomplexobj(out) else float(out.reshape(()))
