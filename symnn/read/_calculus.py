"""Calculus the grammar reads wrong, built directly: derivative fractions (``\\frac{d}{dx}``,
``\\frac{\\partial L}{\\partial w}``), ``\\nabla``, and the big operators ``\\sum``/``\\prod``."""

from __future__ import annotations

import sympy as sp

from . import _grammar
from ._identifiers import canonical_name, is_identifier_start, scan_identifier
from ._latex import ParseError
from ._mask import Masker
from ._notation import NAME_COMMANDS, Gradient, Row, SetSum
from .symbols import pyname_of

__all__ = ["Calculus", "picked"]



def picked(e: sp.Basic) -> list[tuple[str, tuple]]:
    """(array name, indices) of each element ``x[i]`` and row ``Row(W, i)`` in e."""
    return [(str(x.base.label), x.indices) for x in e.atoms(sp.Indexed)] + \
        [(r.args[0].name, r.args[1:]) for r in e.atoms(Row)]

class Calculus(Masker):
    """Derivative fractions, \\nabla, \\sum and \\prod."""

    # -- fractions and derivatives ------------------------------------------------------
    def differential(self, lo: int, hi: int) -> tuple[str, int] | None:
        """If tokens[lo:hi] start with d, \\partial or \\mathrm{d}: (kind, index after it)."""
        t = self.tok(lo)
        if t is None or lo >= hi:
            return None
        if t.text == r"\partial":
            return "partial", lo + 1
        if t.kind == "letter" and t.text == "d" and self.table.get("d") is None:
            return "d", lo + 1
        if t.text in NAME_COMMANDS and self.is_char(lo + 1, "{") and self.braces[lo + 1] == lo + 3 \
                and self.toks[lo + 2].text == "d":
            return "d", lo + 4
        return None

    def fraction(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        nlo, nhi, nxt = self.group(k + 1)
        dlo, dhi, nxt = self.group(nxt)
        num, den = self.differential(nlo, nhi), self.differential(dlo, dhi)
        if num is None or den is None:
            out.append((rf"\frac{{{self.sub_mask(nlo, nhi)}}}{{{self.sub_mask(dlo, dhi)}}}",
                        self.toks[k].pos))
            return nxt
        order, body = 1, num[1]
        sup = self.superscript(body, nhi)
        if sup is not None:
            if not sup[0].isdigit():
                raise self.error("the order of a derivative must be a number", body)
            order, body = int(sup[0]), sup[1]
        variables = self._variables(den[1], dhi, order)
        if body < nhi:  # \frac{\partial L}{\partial w}
            self.diff_vars = [v for v, _ in variables]  # a bare f must take these
            try:
                target = self.parse(body, nhi)
            finally:
                self.diff_vars = []
        else:  # operator form \frac{d}{dz} (...): applies to the rest of the term
            end = self.term_end(nxt, hi)
            if end == nxt:
                raise self.error("this derivative operator applies to nothing", k)
            target, nxt = self.parse(nxt, end), end
        for var, _ in variables:
            if isinstance(var, sp.Indexed) and any(
                    getattr(a, "name", None) == str(var.base.label) and not a.is_commutative
                    for a in self.unmasked(target).atoms(sp.Symbol)):
                raise self.error(f"a derivative with respect to an element of {var.base.label} "
                                 f"of an expression of the whole vector is not read yet: write "
                                 f"the expression with elements (\\sum_i ... {var.base.label}_i "
                                 "...)", k)
        out.append((self.hole(self.derivative(target, variables, k), k), self.toks[k].pos))
        return nxt

    def derivative(self, target: sp.Expr, variables: list[tuple[sp.Basic, int]], k: int
                   ) -> sp.Expr:
        """d target / d variables; with respect to a whole declared vector or matrix (one
        variable, first order), the :class:`Gradient` array."""
        arrays = [v for v, _ in variables if isinstance(v, sp.Symbol) and not v.is_commutative]
        if not arrays:
            return sp.Derivative(target, *variables)
        if len(variables) > 1 or variables[0][1] != 1:
            raise self.error(f"a second or mixed derivative with respect to the whole vector or "
                             f"matrix {arrays[0]} (a Hessian) is not read: differentiate with "
                             f"respect to elements, \\frac{{\\partial^2 L}}{{\\partial "
                             f"{arrays[0]}_i \\partial {arrays[0]}_j}}", k)
        return Gradient(target, arrays[0])

    def _variables(self, lo: int, hi: int, order: int) -> list[tuple[sp.Basic, int]]:
        """The variables of a derivative's denominator with their counts: ``\\partial x^2`` is
        (x, 2); ``\\partial x \\, \\partial y`` (a mixed partial) is (x, 1), (y, 1). The counts
        must add up to the order written on the numerator."""
        variables: list[tuple[sp.Basic, int]] = []
        while True:
            lo = self.skip_dropped(lo)
            if lo >= hi or not is_identifier_start(self.toks[lo]):
                raise self.error("expected the variable of differentiation here", lo)
            scanned = scan_identifier(self.toks, lo, hi, self.braces, self.src)
            decos, count = scanned.decorations, 1
            if order > 1 and decos and decos[-1].kind == "^" and decos[-1].text.isdigit():
                decos, count = decos[:-1], int(decos[-1].text)
            var = self.resolve_value(scanned, decos, lo)
            if not isinstance(var, sp.Symbol | sp.Indexed):
                raise self.error("one can differentiate only with respect to a variable", lo)
            variables.append((var, count))
            after = self.skip_dropped(scanned.end)
            if after >= hi:
                break
            more = self.differential(after, hi)
            if more is None:
                raise self.error("unexpected text after the variable of differentiation", after)
            lo = more[1]
        if sum(c for _, c in variables) != order:
            raise self.error(f"the denominator differentiates {sum(c for _, c in variables)} "
                             f"time(s), the numerator says {order}", lo)
        return variables

    def nabla(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        """``\\nabla_w F``: the gradient of the rest of the term with respect to w."""
        if not self.is_char(k + 1, "_"):
            raise self.error("write the variable of the gradient: \\nabla_w", k)
        lo, end, nxt = self.group(k + 2)
        scanned = scan_identifier(self.toks, lo, end, self.braces, self.src)
        var = self.resolve_value(scanned, scanned.decorations, lo)
        body_end = self.term_end(nxt, hi)
        if body_end == nxt:
            raise self.error("this gradient applies to nothing", k)
        out.append((self.hole(self.derivative(self.parse(nxt, body_end), [(var, 1)], k), k),
                    self.toks[k].pos))
        return body_end

    def implied_bound(self, op: str, variables: list, body: sp.Expr, k: int) -> sp.Expr:
        """The size of the declared vectors and matrices that the indices pick elements of."""
        sizes, elements = set(), picked(self.unmasked(body))
        by_name = {d.pyname: d for d in self.table.decls.values()}
        for var in variables:
            for label, indices in elements:
                decl = by_name.get(label)
                for pos, i in enumerate(indices):
                    if i == var and decl is not None and pos < len(decl.shape):
                        size = str(decl.shape[pos])
                        sizes.add(sp.Integer(size) if size.isdigit() else
                                  self._size_symbol(size, k))
        if len(sizes) != 1:
            raise self.error(f"{op} needs bounds such as _{{i=1}}^{{n}}" + (
                " (its index picks elements of different sizes)" if sizes else
                " (its index picks no element of a declared vector with a size)"), k)
        return sizes.pop()

    def unmasked(self, e: sp.Basic, depth: int = 0) -> sp.Basic:
        """e with its placeholders replaced by what they stand for, recursively."""
        found = {s: self.holes[int(m.group(1))] for s in e.free_symbols
                 if (m := _grammar._HOLE.match(s.name))}
        if not found or depth > 50:
            return e
        return self.unmasked(e.xreplace(found), depth + 1)

    def _size_symbol(self, size: str, k: int) -> sp.Expr:
        try:
            decl = self.table.get(canonical_name(size))
        except ParseError:
            decl = None
        if decl is None:
            raise self.error(f"the sum's bound would be the size {size!r}; declare it or write "
                             f"the bounds, e.g. _{{i=1}}^{{{size}}}", k)
        self.names.add(size)
        return decl.sympy()

    # -- sums, products, cases, norms ---------------------------------------------------
    def index_variable(self, name: str) -> sp.Symbol:
        """The symbol a \\sum or \\max_i binds: a declared index or scalar, else an integer."""
        decl = self.table.get(name)
        self.names.add(name)
        return decl.sympy() if decl is not None and decl.kind in ("index", "scalar") \
            else sp.Symbol(pyname_of(name), integer=True)

    def parse_bound(self, bound: dict[str, sp.Symbol], lo: int, hi: int) -> sp.Expr:
        """tokens[lo:hi] read with the names of ``bound`` bound to their symbols."""
        saved = {name: self.bound.get(name) for name in bound}
        self.bound.update(bound)
        try:
            return self.parse(lo, hi)
        finally:
            for name, old in saved.items():
                if old is None:
                    self.bound.pop(name)
                else:
                    self.bound[name] = old

    def big_operator(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        """``\\sum_{i=1}^{m} body`` (body: the rest of the term); ``\\sum_{s \\in S}``."""
        op = self.toks[k].text
        nxt = self.skip_dropped(k + 1)
        if not self.is_char(nxt, "_"):
            raise self.error(f"{op} needs a subscript naming its index", k)
        lo, end, nxt = self.group(nxt + 1)
        upper = None
        sup = self.superscript(self.skip_dropped(nxt), hi)
        if sup is not None:
            upper, nxt = (sup[2], sup[3]), sup[1]
        eq = [j for j in range(lo, end) if self.toks[j].text in ("=", r"\in")]
        var_end = eq[0] if eq else end
        if var_end == lo or not is_identifier_start(self.toks[lo]):
            raise self.error("expected the summation index here", lo)
        names = []
        for a, b in self.split_commas(lo, var_end):  # \sum_{i,j=1}^{n}: one sum per index
            scanned = scan_identifier(self.toks, a, b, self.braces, self.src)
            if scanned.end != b:
                raise self.error("expected one index name here, e.g. \\sum_{i,j=1}^{n}", a)
            names.append(scanned.name())
        if len(names) > 1 and eq and self.toks[eq[0]].text == r"\in":
            raise self.error("one index per set sum: write \\sum_{i \\in S}\\sum_{j \\in S}", k)
        variables = [self.index_variable(name) for name in names]
        var = variables[0]
        body_end = self.term_end(nxt, hi)
        body = self.parse_bound(dict(zip(names, variables, strict=True)), nxt, body_end)
        if eq and self.toks[eq[0]].text == r"\in":
            if op != r"\sum" or upper is not None:
                raise self.error("only \\sum ranges over a set", k)
            result = SetSum(body, var, self.parse(eq[0] + 1, end))
        else:
            if not eq and upper is None:  # \sum_i x_i: over the elements of a declared vector
                limits = [(v, 1, self.implied_bound(op, [v], body, k)) for v in variables]
            elif not eq or upper is None:
                raise self.error(f"{op} needs bounds such as _{{i=1}}^{{m}}", k)
            else:
                low, high = self.parse(eq[0] + 1, end), self.parse(*upper)
                limits = [(v, low, high) for v in variables]
            result = (sp.Sum if op == r"\sum" else sp.Product)(body, *reversed(limits))
        out.append((self.hole(result, k), self.toks[k].pos))
        return body_end
