"""Definitions and derivatives that respect them.

A formula's definitions give its abstract names a meaning (``a = \\sigma(z)``, ``z = w x + b``,
``L(z, y) = -[y \\log a + ...]``). ``\\frac{\\partial E}{\\partial v}`` is evaluated by expanding
E through the definitions *down to v* (v itself is held), differentiating, then expanding the
rest: the chain rule as the cheatsheet writes it, with intermediate variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from ..read import ParseError, Statement, SymbolTable, parse_statement

__all__ = ["Definitions", "DeriveError", "read_definitions", "expand", "evaluate", "fold",
           "with_statement"]


class DeriveError(ValueError):
    """A derivation that cannot be carried out faithfully (missing dependency, cycle, ...)."""


@dataclass
class Definitions:
    """Symbol definitions ``name -> expr`` and function definitions ``f -> (params, body)``."""

    symbols: dict[sp.Basic, sp.Expr] = field(default_factory=dict)
    functions: dict[type, tuple[tuple[sp.Symbol, ...], sp.Expr]] = field(default_factory=dict)
    sources: dict[sp.Basic, str] = field(default_factory=dict)
    #: ``p_i = body``: every element of p, at any index (``p_k``, ``R_{k-1}``): base -> (i, body)
    elements: dict[sp.IndexedBase, tuple[tuple[sp.Symbol, ...], sp.Expr]] = field(
        default_factory=dict)


def _element_params(lhs: sp.Basic) -> tuple[sp.Symbol, ...] | None:
    """The index symbols of ``p_i`` / ``A_{ij}`` (distinct symbols), or None (``x_2``, a name)."""
    if not isinstance(lhs, sp.Indexed):
        return None
    params = tuple(lhs.indices)
    if all(isinstance(i, sp.Symbol) for i in params) and len(set(params)) == len(params):
        return params
    return None


def _bound_renamed(body: sp.Expr) -> sp.Expr:
    """body with the indices its sums and products bind renamed apart (no capture when an
    element definition is applied at an index of the same name)."""
    def fresh(e: sp.Expr) -> sp.Expr:
        rename = {lim[0]: sp.Dummy(lim[0].name, integer=True) for lim in e.limits}
        return e.xreplace(rename)
    return body.replace(lambda e: isinstance(e, sp.Sum | sp.Product), fresh)


def _define(defs: Definitions, lhs: sp.Basic, rhs: sp.Expr) -> sp.Basic | None:
    """Record ``lhs = rhs`` as an element, name or function definition; its key, or None."""
    params = _element_params(lhs)
    if params is not None:  # also kept as written, for batch programs and cell tapes
        defs.elements[lhs.base] = (params, _bound_renamed(rhs))
        defs.symbols[lhs] = rhs
        return lhs.base
    if isinstance(lhs, sp.Symbol | sp.Indexed):
        defs.symbols[lhs] = rhs
        return lhs
    if isinstance(lhs, sp.core.function.AppliedUndef) and all(
            isinstance(a, sp.Symbol) for a in lhs.args):
        defs.functions[lhs.func] = (tuple(lhs.args), rhs)
        return lhs.func
    return None


def read_definitions(latex: list[str] | tuple[str, ...], table: SymbolTable,
                     base: Definitions | None = None) -> Definitions:
    """Parse each ``lhs = rhs`` definition; the lhs is a name or ``f(params)``.

    With ``base``, these definitions are added to a copy of it and replace base definitions of
    the same names (a variant of a formula: another activation, another loss).
    """
    defs = Definitions()
    for text in latex:
        st = parse_statement(text, table)
        if st.rel is None or st.lhs is None:
            raise ParseError("a definition needs '=' (name = expression)", text, 0)
        key = st.lhs.base if _element_params(st.lhs) is not None else st.lhs
        if key in defs.sources or getattr(key, "func", None) in defs.sources:
            raise DeriveError(f"{key} is defined twice: {defs.sources.get(key)!r} and {text!r}")
        key = _define(defs, st.lhs, st.rhs)
        if key is None:
            raise ParseError("the left side of a definition must be a name, an element p_i or "
                             "f(x, ...)", text, 0)
        defs.sources[key] = text
    if base is not None:
        new = [text for key, text in defs.sources.items() if key not in base.sources]
        if new:  # a variant that adds a name would give the statement a meaning the file lacks
            raise DeriveError(f"{new[0]!r} defines a name the file's own definitions do not: "
                              "a variant (or an erratum) replaces definitions, it adds none; "
                              "define the name in the file's definitions too")
        defs = Definitions({**base.symbols, **defs.symbols}, {**base.functions, **defs.functions},
                           {**base.sources, **defs.sources}, {**base.elements, **defs.elements})
    _check_acyclic(defs)
    return defs


def fold(expr: sp.Expr, defs: Definitions) -> sp.Expr:
    """Write expr with the defined names where their expansions appear (x (sigmoid(w x + b) - y)
    becomes x (a - y)): the readable form of a derived result. Largest expansions first."""
    names = sorted(defs.symbols, key=lambda k: -sp.count_ops(expand(defs.symbols[k], defs)))
    for name in names:
        expr = expr.xreplace({expand(defs.symbols[name], defs): name})
    return expr


def _check_acyclic(defs: Definitions) -> None:
    def deps(key: sp.Basic) -> set[sp.Basic]:
        body = defs.symbols[key] if key in defs.symbols else (
            defs.elements[key][1] if key in defs.elements else defs.functions[key][1])
        found = {s for s in body.free_symbols if s in defs.symbols}
        found |= {f.func for f in body.atoms(sp.core.function.AppliedUndef)
                  if f.func in defs.functions}
        found |= {i for i in body.atoms(sp.Indexed) if i in defs.symbols}
        found |= {i.base for i in body.atoms(sp.Indexed) if i.base in defs.elements}
        if key in defs.functions:
            found -= set(defs.functions[key][0])
        return found

    state: dict[sp.Basic, int] = {}

    def visit(key: sp.Basic, path: list[str]) -> None:
        if state.get(key) == 2:
            return
        if state.get(key) == 1:
            raise DeriveError("definition cycle: " + " -> ".join([*path, str(key)]))
        state[key] = 1
        for d in deps(key):
            visit(d, [*path, str(key)])
        state[key] = 2

    for key in [*defs.symbols, *defs.functions, *defs.elements]:
        visit(key, [])


def expand(expr: sp.Expr, defs: Definitions, stop: frozenset = frozenset()) -> sp.Expr:
    """Apply the definitions until none applies, holding the names in ``stop``."""
    symbol_map = {k: v for k, v in defs.symbols.items() if k not in stop}
    limit = len(defs.symbols) + len(defs.functions) + 1
    for _ in range(limit):
        before = expr
        for func, (params, body) in defs.functions.items():
            expr = expr.replace(lambda e, f=func: isinstance(e, sp.Basic) and e.func == f,
                                lambda e, p=params, b=body: b.xreplace(dict(zip(p, e.args,
                                                                             strict=True))))
        expr = expr.xreplace(symbol_map)
        if defs.elements:
            expr = _apply_elements(expr, defs, stop)
        if expr == before:
            return expr
    return expr


def _apply_elements(expr: sp.Expr, defs: Definitions, stop: frozenset) -> sp.Expr:
    """Each element p[k] of an element-defined p is its body at i = k (``R_{k-1}`` too); the
    elements of a base held in ``stop`` stay."""
    held = {s.base for s in stop if isinstance(s, sp.Indexed)}

    def at(e: sp.Indexed) -> sp.Expr:
        params, body = defs.elements[e.base]
        if len(e.indices) != len(params):
            raise DeriveError(f"{e} has {len(e.indices)} indices; its definition {len(params)}")
        return body.xreplace(dict(zip(params, e.indices, strict=True)))
    return expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base in defs.elements
                        and e.base not in held and e not in defs.symbols, at)


def _depends(expr: sp.Expr, var: sp.Basic) -> bool:
    if isinstance(var, sp.Indexed):  # x_j and a sum over x_k: the k = j term depends on x_j
        return expr.has(var) or any(i.base == var.base for i in expr.atoms(sp.Indexed))
    return var in expr.free_symbols or (
        isinstance(var, sp.Symbol) and any(var in i.free_symbols for i in expr.atoms(sp.Indexed)))


def evaluate(expr: sp.Expr, defs: Definitions) -> sp.Expr:
    """Evaluate every derivative through the definitions, then expand everything."""
    def one(d: sp.Derivative) -> sp.Expr:
        out = evaluate(d.expr, defs) if d.expr.has(sp.Derivative) else d.expr
        for var, n in d.variable_count:
            held = expand(out, defs, stop=frozenset({var}))
            if not _depends(held, var):
                hint = "a definition is missing"
                if isinstance(d.expr, sp.core.function.AppliedUndef) and \
                        d.expr.func in defs.functions:  # f(a, b) named alone as f
                    hint = (f"write {d.expr.func} applied to the variables of differentiation, "
                            f"e.g. {d.expr.func}({', '.join(str(v) for v, _ in d.variable_count)}"
                            f"{', ...' if len(d.expr.args) > len(d.variable_count) else ''})")
                raise DeriveError(f"d({d.expr})/d({var}): {d.expr} does not depend on {var}; "
                                  f"{hint}")
            out = sp.diff(held, (var, n))
        return out

    result = expand(expr.replace(lambda e: isinstance(e, sp.Derivative), one), defs)
    # f'(x) reads as Subs(f'(_x0), _x0, x): once f' is known, put x in (an unevaluated Subs
    # is a value no numeric check can compute)
    result = result.replace(lambda e: isinstance(e, sp.Subs) and not e.expr.has(sp.Derivative),
                            lambda e: e.doit())
    _fully_defined(result, defs)
    return result


def _fully_defined(expr: sp.Basic, defs: Definitions) -> None:
    """DeriveError when a defined name is still in ``expr`` in a form its definition does not
    give: the whole of a vector defined by element (``g_j = ...``, then ``g``), an element of
    a name defined whole (``g = ...``, then ``g_j``). Such a name would be drawn at random and
    a true statement refuted: a defined name is used wherever it appears, or refused."""
    by_element = {str(b.label): text for b, text in
                  ((b, defs.sources.get(b, "")) for b in defs.elements)}
    whole = {k.name: defs.sources.get(k, "") for k in defs.symbols if isinstance(k, sp.Symbol)}
    if not (by_element or whole):
        return
    for s in expr.free_symbols:
        if isinstance(s, sp.Symbol) and s.name in by_element:
            raise DeriveError(f"{s} is used whole, but it is defined element by element "
                              f"({by_element[s.name]!r}): symnn does not build the whole "
                              f"{s} from it; write the claim on its elements, or define {s} "
                              "whole")
    for e in expr.atoms(sp.Indexed):
        name = str(e.base.label)
        if name in whole and e not in defs.symbols:
            raise DeriveError(f"{e} is an element of {name}, which is defined whole "
                              f"({whole[name]!r}): symnn does not take elements of that "
                              f"definition; define the element ({name}_i = ...) instead")


def with_statement(st: Statement, defs: Definitions) -> Definitions:
    """The statement ``f(x) = body`` (or ``p_i = body``, every element of p) also defines f (p)
    for the claims, unless already defined."""
    lhs = st.lhs
    if st.rel != "eq" or lhs is None:
        return defs
    out = Definitions(dict(defs.symbols), dict(defs.functions), dict(defs.sources),
                      dict(defs.elements))
    if isinstance(lhs, sp.core.function.AppliedUndef) and lhs.func not in defs.functions and all(
            isinstance(a, sp.Symbol) for a in lhs.args):
        out.functions[lhs.func] = (tuple(lhs.args), st.rhs)
    elif isinstance(lhs, sp.Symbol) and lhs not in defs.symbols:
        out.symbols[lhs] = st.rhs
    elif _element_params(lhs) is not None and lhs.base not in defs.elements and not any(
            isinstance(k, sp.Indexed) and k.base == lhs.base for k in defs.symbols):
        out.elements[lhs.base] = (_element_params(lhs), _bound_renamed(st.rhs))
        try:
            _check_acyclic(out)
        except DeriveError:
            return defs  # the statement p_i = ... p_{i+1} ... is no definition
    return out

