"""Declarations are claims: the declared domain of a name the formula defines.

A formula file may declare ``y = { domain = "positive" }`` and define ``y = -x^2 - 1``. The
reading never uses that declaration (``Formula.table`` makes every defined name a plain real),
so here it is checked like any other claim: the definition's value lies in the declared domain
at the points of the free names' domains (and the constraints), a violation confirmed at high
precision refutes the file, a proof settles it where SymPy finds one.
"""

from __future__ import annotations

import sympy as sp

from ..catalog import Formula
from ..derive import Definitions, evaluate
from ..read import Decl, SymbolTable
from ._boundary import critical_points
from ._points import label
from ._propcheck import INTERVALS, check_matrix_property, domain_relations
from ._property import check_property
from ._results import CheckResult
from .compare import compare

__all__ = ["declared_domain_checks", "domain_claim"]


def _value(decl: Decl, formula: Formula, defs: Definitions) -> sp.Expr | None:
    """The defined value of a declared name under ``defs`` (an element definition gives the
    element at its own indices), or None where these definitions do not define it."""
    sym = formula.table.decls[decl.latex].sympy()
    if sym in defs.symbols:
        return evaluate(sym, defs)
    for base, (params, _) in defs.elements.items():
        if str(base.label) == decl.pyname:
            return evaluate(base[params], defs)
    return None


def _clipped(value: sp.Expr, lo: object, hi: object) -> sp.Expr:
    out = value if lo is None else sp.Max(value, lo)
    return out if hi is None else sp.Min(out, hi)


def _scalar_checks(value: sp.Expr, decl: Decl, table: SymbolTable, constraints: tuple,
                   seed: int, kind: str) -> list[CheckResult]:
    """The domain of a number: ranges as inequalities (with Indexed elements, as ``v`` equal to
    its clip into the closed range), integers as ``floor(v) = v``, nonzero as ``|sgn v| = 1``."""
    name = decl.domain.name
    out: list[CheckResult] = []
    if name in INTERVALS:
        if value.has(sp.Indexed):
            lo, hi = INTERVALS[name][:2]
            out.append(compare(value, _clipped(value, lo, hi), table, kind=kind, seed=seed,
                               constraints=constraints))
        else:
            rels = [r.func(r.lhs, r.rhs) for r in domain_relations(value, decl) or []]
            result = check_property(rels, table, kind=kind, seed=seed, constraints=constraints)
            if result.ok:  # a dip below the bound narrower than the sampling: at the extrema
                result = _at_extrema(value, rels, table, constraints, kind, seed) or result
            out.append(result)
    if decl.domain.integer:
        out.append(compare(sp.floor(value), value, table, kind=kind, seed=seed,
                           constraints=constraints))
        if decl.domain.low is not None:
            out.append(compare(sp.Max(value, decl.domain.low), value, table, kind=kind,
                               seed=seed, constraints=constraints))
    if name == "nonzero":
        out.append(compare(sp.Abs(sp.sign(value)), sp.Integer(1), table, kind=kind, seed=seed,
                           constraints=constraints))
    return out


def _at_extrema(value: sp.Expr, rels: list, table: SymbolTable, constraints: tuple,
                kind: str, seed: int) -> CheckResult | None:
    """A refutation where the value, at one of its critical points (exact), breaks a relation
    (y = (x - 0.3)^2 - 10^{-10} declared nonnegative, negative only near 0.3), else None."""
    decls = {d.pyname: d for d in table.decls.values()}
    for point in critical_points(value, {}, decls):
        if not all(bool(c.xreplace(point)) is True for c in constraints
                   if not (c.free_symbols - set(point))):
            continue
        for rel in rels:
            if isinstance(rel, sp.logic.boolalg.BooleanAtom):
                continue
            held = rel.xreplace(point)
            if held is sp.false:
                at = {str(label(s, decls, {})): float(v) for s, v in point.items()}
                return CheckResult(kind, False, f"refuted: {rel} fails at an extremum of the "
                                   f"value, {', '.join(f'{k} = {v:.10g}' for k, v in at.items())}"
                                   " (exactly)", "numeric", 0, None, None,
                                   {"point": at, "lhs": float(rel.lhs.xreplace(point)),
                                    "rhs": float(rel.rhs.xreplace(point))}, seed, None)
    return None


def declared_domain_checks(formula: Formula, defs: Definitions, constraints: tuple,
                           seed: int, head: str | None = None) -> list[CheckResult]:
    """One result per defined name whose declared domain is not all reals: does its definition
    (``defs``, the statement's included) lie in it? The one of ``head`` (the Python name the
    statement defines) decides the statement; the others support it."""
    out = _domain_checks(formula, defs, constraints, seed)
    for decl, result in out:
        result.decides = f"the declared domain of {decl.pyname}"
        result.decisive = decl.pyname == head
    return [r for _, r in out]


def _domain_checks(formula: Formula, defs: Definitions, constraints: tuple,
                   seed: int) -> list[tuple[Decl, CheckResult]]:
    out: list[tuple[Decl, CheckResult]] = []
    for decl in formula.defined.values():
        if decl.domain.name == "real":
            continue
        value = _value(decl, formula, defs)
        if value is None:
            continue
        kind = f"domain: {decl.pyname} {decl.domain.name}"  # the code name: plain text on a page
        arrays = any(not s.is_commutative for s in value.free_symbols)  # ||A||_2: a number
        if not value.is_commutative or arrays or decl.kind in ("vector", "matrix") and \
                not value.has(sp.Indexed):
            why = ("the constraints are not applied to drawn vectors and matrices"
                   if constraints else "" if decl.domain.name in INTERVALS and
                   not decl.domain.integer else  # {0,1} is not the interval [0,1]
                   f"the domain {decl.domain.name} of a vector or matrix is not checked "
                   "(declare it real, or a range)")
            if why:  # never a refutation at draws the file excludes
                out.append((decl, CheckResult(kind, False, f"undecided: {why}", "undecided",
                                              seed=seed)))
                continue
            result = check_matrix_property(value, f"{decl.pyname} in {decl.domain.name}",
                                           formula.table, seed=seed,
                                           interval=INTERVALS[decl.domain.name], kind=kind)
            out.append((decl, result))
            continue
        result = domain_claim(value, decl, formula.table, constraints, seed, kind)
        result.detail = (f"the declared domain of {decl.pyname} ({decl.domain.name}) is a claim "
                         f"about its definition: {result.detail}")
        out.append((decl, result))
    return out


def domain_claim(value: sp.Expr, decl: Decl, table: SymbolTable, constraints: tuple, seed: int,
                 kind: str) -> CheckResult:
    """Does the number ``value`` lie in ``decl``'s domain? The first failing part, else the
    least certain one."""
    parts = _scalar_checks(value, decl, table, constraints, seed, kind)
    return next((r for r in parts if not r.ok), None) or next(
        (r for r in parts if r.verdict != "proved"), parts[0])
