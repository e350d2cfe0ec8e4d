"""Sums over a batch in a canonical form, for any batch size m.

A formula over a batch x_1 ... x_m is written here *per sample*: an indexed name at the sample's
own index (``x_i``) becomes an elementwise symbol ``x``, and a sum over the batch becomes a
moment ``Moment(body)`` whose body is again per sample. :func:`linear` makes moments canonical
(sums split, factors that do not vary over the batch pulled out, Moment(1) = m), and
:func:`relations` reads the forward reductions (mu = Moment(x)/m, ...) as rewrites of raw
moments (Moment(x) -> m mu, Moment(x**2) -> m (sigma^2 + mu^2)), so that two expressions
in moments compare by ``simplify``.

:func:`delta_sums` is the normaliser for SymPy's own derivative of an indexed sum:
``diff(Sum(dy[i] y_i, (i, 1, m)), x[p])`` holds ``KroneckerDelta(i, p)`` inside nested sums,
which SymPy 1.14's ``Sum.doit()`` cannot evaluate (it crashes in gosper/hypersimp).
"""

from __future__ import annotations

import sympy as sp

__all__ = ["Moment", "batch_form", "linear", "relations", "delta_sums", "split_terms",
           "per_sample"]


class Moment(sp.Function):
    """The sum over the batch of a per-sample expression (printed as a sum over j)."""

    nargs = 1

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        return r"\sum_{j=1}^{m} " + printer.parenthesize(self.args[0], 1000)


def batch_form(expr: sp.Expr, indices: set[sp.Symbol], size: sp.Symbol,
               names: dict[str, sp.Symbol]) -> sp.Expr:
    """Indexed names at a batch index -> elementwise symbols (``names``: base name -> symbol);
    sums over 1..m -> Moment. Anything else indexed is an error (ValueError)."""
    def convert(e: sp.Basic) -> sp.Basic:
        if isinstance(e, sp.Indexed):
            if len(e.indices) != 1 or e.indices[0] not in indices or str(e.base) not in names:
                raise ValueError(f"{e}: only names indexed by the batch index are per-sample")
            return names[str(e.base)]
        if isinstance(e, sp.Sum):
            if len(e.limits) != 1 or tuple(e.limits[0][1:]) != (1, size):
                raise ValueError(f"{e}: a batch sum is one sum from 1 to {size}")
            return Moment(convert(e.function))
        if not e.args:
            return e
        return e.func(*[convert(a) for a in e.args])

    return convert(expr)


def per_sample(expr: sp.Expr, elem: set[sp.Symbol]) -> bool:
    """Whether expr varies over the batch (an elementwise symbol outside every moment)."""
    held = expr.xreplace({mom: sp.Dummy() for mom in expr.atoms(Moment)})
    return bool(held.free_symbols & elem)


def split_terms(expr: sp.Expr, elem: set[sp.Symbol]) -> list[tuple[sp.Expr, sp.Expr]]:
    """expr (expanded) as [(coefficient, per-sample part)], grouped by per-sample part."""
    groups: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(sp.expand(expr)):
        coeff, part = [], []
        for f in sp.Mul.make_args(term):
            (part if per_sample(f, elem) else coeff).append(f)
        key = sp.Mul(*part)
        groups[key] = groups.get(key, sp.S.Zero) + sp.Mul(*coeff)
    return [(c, p) for p, c in groups.items() if c != 0]


def linear(expr: sp.Expr, elem: set[sp.Symbol], size: sp.Symbol) -> sp.Expr:
    """Moments made canonical: bodies expanded, split, constant factors pulled out."""
    def one(mom: Moment) -> sp.Expr:
        body = linear(mom.args[0], elem, size)
        return sp.Add(*[c * (size if p == 1 else Moment(p)) for c, p in split_terms(body, elem)])

    return expr.replace(lambda e: isinstance(e, Moment), one)


def relations(reductions: list[tuple[sp.Symbol, sp.Expr]], elem: set[sp.Symbol],
              size: sp.Symbol) -> dict[sp.Expr, sp.Expr]:
    """Raw-moment rewrites from forward reductions ``name = expr in moments``, in order: each
    reduction is solved for the one raw moment it introduces (mu = Moment(x)/m gives
    Moment(x) -> m mu). A reduction that introduces none is skipped."""
    rules: dict[sp.Expr, sp.Expr] = {}
    for name, expr in reductions:
        lin = sp.expand(linear(expr, elem, size).xreplace(rules))
        new = sorted(lin.atoms(Moment) - set(rules), key=sp.count_ops, reverse=True)
        if not new:
            continue
        solved = sp.solve(sp.Eq(name, lin), new[0], dict=True)
        if len(solved) == 1:
            rules[new[0]] = sp.expand(solved[0][new[0]])
            rules = {k: sp.expand(v.xreplace({new[0]: rules[new[0]]})) for k, v in rules.items()}
    return rules


def delta_sums(expr: sp.Expr, here: sp.Symbol, size: sp.Symbol,
               names: dict[str, sp.Symbol]) -> sp.Expr:
    """SymPy's indexed derivative (sums of Kronecker deltas) in moment form, at sample ``here``.

    Bottom-up, each Sum's body is expanded; a term holding KroneckerDelta(k, here) is the term
    at k = here (1 <= here <= m, so the Piecewise SymPy would add is dropped); the others
    become a moment of their per-sample part.
    """
    elem = set(names.values())

    def at(e: sp.Expr, var: sp.Symbol) -> sp.Expr:
        return e.replace(lambda t: isinstance(t, sp.Indexed) and t.indices == (var,),
                         lambda t: names[str(t.base)])

    def one(s: sp.Sum) -> sp.Expr:
        if len(s.limits) != 1 or tuple(s.limits[0][1:]) != (1, size):
            raise ValueError(f"{s}: a batch sum is one sum from 1 to {size}")
        body, var = s.function, s.limits[0][0]
        out = sp.S.Zero
        for term in sp.Add.make_args(sp.expand(body)):
            if term.has(sp.KroneckerDelta(var, here)):
                out += term.xreplace({var: here}).xreplace({sp.KroneckerDelta(here, here): 1})
            elif var not in term.free_symbols:
                out += size * term
            else:
                inside = [f for f in sp.Mul.make_args(term) if var in f.free_symbols]
                rest = [f for f in sp.Mul.make_args(term) if var not in f.free_symbols]
                out += sp.Mul(*rest) * Moment(at(sp.Mul(*inside), var))
        return out

    for _ in range(64):
        sums = [s for s in expr.atoms(sp.Sum) if not s.function.has(sp.Sum)]
        if not sums:
            break
        expr = expr.xreplace({s: one(s) for s in sums})
    return linear(at(expr, here), elem, size)
