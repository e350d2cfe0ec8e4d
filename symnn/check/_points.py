"""Sample points: values inside each symbol's domain and the joint constraints, concrete sizes
for symbolic sum bounds, and the labels a counterexample shows."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..derive import DeriveError
from ..emit import to_numpy
from ..read import DOMAINS, ArgMax, Count, Decl, Etc, Expectation, Norm, SetMax, SetSum

__all__ = ["values_of", "domain_of", "concrete_sizes", "abstract_nodes", "free_indices",
           "flatten_indexed", "sample", "label"]

_SIZES_PER_BOUND = 3


def domain_of(sym: sp.Symbol, decls: dict[str, Decl]) -> Decl | None:
    return decls.get(sym.name)


def concrete_sizes(expr: sp.Expr, decls: dict[str, Decl], rng: np.random.Generator):
    """Assignments of concrete values to the integer symbols that bound sums."""
    bounds = set()
    for s in expr.atoms(sp.Sum, sp.Product):
        for _, lo, hi in s.limits:
            bounds |= (lo.free_symbols | hi.free_symbols)
    if not bounds:
        return [{}]
    out = []
    for _ in range(_SIZES_PER_BOUND):
        assign = {}
        for b in sorted(bounds, key=lambda s: s.name):
            d = domain_of(b, decls)
            if d is None or not d.domain.integer:
                raise DeriveError(f"the sum bound {b} must be declared as an integer")
            assign[b] = sp.Integer(int(min(d.domain.sample(rng, 1)[0], 12)))
        out.append(assign)
    return out


def abstract_nodes(expr: sp.Expr) -> str:
    """Names of the parts of expr that have no numeric meaning (undefined functions, ...)."""
    found = {str(f.func) for f in expr.atoms(sp.core.function.AppliedUndef)}
    found |= {type(n).__name__ for n in expr.atoms(Expectation, SetSum, SetMax, ArgMax, Norm,
                                    Etc, Count)}
    found |= {"an unevaluated derivative" for _ in expr.atoms(sp.Derivative)}
    found |= {"an infinite sum or product" for e in expr.atoms(sp.Sum, sp.Product)
              if any(b.has(sp.oo, -sp.oo, sp.zoo) for _, *bounds in e.limits for b in bounds)}
    return ", ".join(sorted(found))


def free_indices(expr: sp.Expr, decls: dict[str, Decl], sizes: dict, rng) -> dict:
    """Concrete values for free index variables (the i of x_i), inside every sampled size."""
    free = [s for s in expr.free_symbols if (d := decls.get(s.name)) is not None
            and d.kind == "index"]
    if not free:
        return {}
    top = min([int(v) for v in sizes.values()] or [3])
    return {s: sp.Integer(int(rng.integers(1, top + 1))) for s in free}


def _outside(ix: sp.Indexed, decls: dict[str, Decl], size: dict) -> str | None:
    """Why element ix lies outside its declared vector or matrix at these sizes, or None."""
    decl = decls.get(str(ix.base.label))
    if decl is None or len(decl.shape) != len(ix.indices):
        return None
    known = {str(k): int(v) for k, v in size.items()}
    for i, dim in zip(ix.indices, decl.shape, strict=True):
        top = int(dim) if str(dim).isdigit() else known.get(str(dim))
        if int(i) < 1 or top is not None and int(i) > top:
            at = "" if top is None or str(dim).isdigit() else f" ({dim} = {top} here)"
            where = ",".join(str(int(j)) for j in ix.indices)
            return f"{decl.latex}_{{{where}}} is outside 1..{dim}{at}: elements are numbered " \
                f"from 1 to the declared size"
    return None


def flatten_indexed(expr: sp.Expr, decls: dict[str, Decl] | None = None,
                    size: dict | None = None) -> tuple[sp.Expr, dict[sp.Symbol, str]]:
    """Replace x[3] by a symbol x__3; return the map symbol -> base name. With the
    declarations, an element outside its declared size (x_0, x_{n+1}) is an error."""
    expr = expr.replace(  # sums and products with integer bounds, written out
        lambda e: isinstance(e, sp.Sum | sp.Product) and all(
            lo.is_Integer and hi.is_Integer for _, lo, hi in e.limits),
        lambda e: e.doit())
    mapping, bases = {}, {}
    for ix in expr.atoms(sp.Indexed):
        if not all(i.is_Integer for i in ix.indices):
            raise DeriveError(f"{ix} keeps a symbolic index after expanding the sums")
        why = None if decls is None else _outside(ix, decls, size or {})
        if why is not None:
            raise DeriveError(why)
        name = f"{ix.base.label}__" + "_".join(str(int(i)).replace("-", "m") for i in ix.indices)
        sym = sp.Symbol(name, real=True)
        mapping[ix], bases[sym] = sym, str(ix.base.label)
    return expr.xreplace(mapping), bases


def sample(syms: list, decls: dict[str, Decl], bases: dict, constraints: tuple,
            rng: np.random.Generator, points: int) -> dict:
    """Values for each symbol inside its domain, kept only where every constraint holds."""
    draw = points * (8 if constraints else 1)
    values = {}
    for s in syms:
        d = domain_of(s, decls) or domain_of(sp.Symbol(bases.get(s, "")), decls)
        if d is None and s not in bases:
            raise DeriveError(f"no domain for {s}: declare it")
        values[s] = (d.domain if d is not None else DOMAINS["real"]).sample(rng, draw)
    if constraints:
        with np.errstate(all="ignore"):
            keep = np.broadcast_to(to_numpy(sp.And(*constraints), syms)(*values.values()),
                                   (draw,))
        values = {s: v[keep][:points] for s, v in values.items()}
    return values


def label(sym: sp.Symbol, decls: dict[str, Decl], bases: dict[sp.Symbol, str]) -> str:
    d = decls.get(sym.name)
    if d is not None:
        return d.latex
    base = decls.get(bases.get(sym, ""))
    if base is not None:
        return f"{base.latex}_{{{sym.name.rsplit('__', 1)[1]}}}"
    return sym.name


_LOWERED: dict[tuple, object] = {}


def lowered(expr: sp.Expr, syms: list) -> object:
    """to_numpy(expr, syms), made once per expression and symbols (the comparison evaluates
    the same sides at its sampled, grid, wide and stress points; lambdify is the slow part)."""
    key = (expr, tuple(syms))
    if key not in _LOWERED:
        if len(_LOWERED) > 4096:
            _LOWERED.clear()
        _LOWERED[key] = to_numpy(expr, syms)
    return _LOWERED[key]


def values_of(expr: sp.Expr, syms: list, values: dict, n: int) -> np.ndarray:
    """expr at the n sampled points as float64 (NaN where undefined). A function that the
    NumPy lowering only computes on scalars (math.erf, binomial) is applied point by point."""
    f = lowered(expr, syms)
    args = list(values.values())
    with np.errstate(all="ignore"):
        try:
            out = f(*args)
        except TypeError:  # a scalar-only function met an array
            out = np.vectorize(f, otypes=[float])(*args) if args else f()
    out = np.asarray(out)
    if np.iscomplexobj(out):  # a principal complex value (a cube root of -8) is not a real one
        out = np.where(np.abs(out.imag) <= 1e-12 * np.maximum(1.0, np.abs(out.real)),
                       out.real, np.nan)
    return np.broadcast_to(out, (n,)).astype(float)
