"""Definitions, derivatives that respect them, and symbolic proofs of equality.

A formula's definitions give its abstract names a meaning (``a = \\sigma(z)``, ``z = w x + b``,
``L(z, y) = -[y \\log a + ...]``). ``\\frac{\\partial E}{\\partial v}`` is evaluated by expanding
E through the definitions *down to v* (v itself is held), differentiating, then expanding the
rest: the chain rule as the cheatsheet writes it, with intermediate variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from ._backward import BatchDerivation, batch_context, derive_batch
from ._budget import BUDGETS, BudgetExceeded, time_limit
from ._latex import ParseError
from ._notation import PROOF_FORMS
from ._symbols import SymbolTable
from ._tape import Tape, TapeError, make_tape
from .catalog import Check, Formula
from .parse import Statement, parse_expression, parse_statement

__all__ = ["Definitions", "DeriveError", "read_definitions", "expand", "evaluate", "fold",
           "prove_equal", "try_prove", "simplified", "derivations", "Derivation",
           "definition_groups", "gradient_parts", "batch_derivation", "BatchDerivation",
           "with_statement", "gradient_checks", "cell_tape", "Tape", "corrected_definitions",
           "PROOF_BUDGET_OPS"]

#: Expressions larger than this (sympy count_ops) are not handed to simplify: no proof attempt.
PROOF_BUDGET_OPS = 600


class DeriveError(ValueError):
    """A derivation that cannot be carried out faithfully (missing dependency, cycle, ...)."""


@dataclass
class Definitions:
    """Symbol definitions ``name -> expr`` and function definitions ``f -> (params, body)``."""

    symbols: dict[sp.Basic, sp.Expr] = field(default_factory=dict)
    functions: dict[type, tuple[tuple[sp.Symbol, ...], sp.Expr]] = field(default_factory=dict)
    sources: dict[sp.Basic, str] = field(default_factory=dict)


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
        lhs = st.lhs
        if isinstance(lhs, sp.Symbol | sp.Indexed):
            key: sp.Basic = lhs
            defs.symbols[lhs] = st.rhs
        elif isinstance(lhs, sp.core.function.AppliedUndef) and all(
                isinstance(a, sp.Symbol) for a in lhs.args):
            key = lhs.func
            defs.functions[lhs.func] = (tuple(lhs.args), st.rhs)
        else:
            raise ParseError("the left side of a definition must be a name or f(x, ...)",
                             text, 0)
        if key in defs.sources:
            raise DeriveError(f"{key} is defined twice: {defs.sources[key]!r} and {text!r}")
        defs.sources[key] = text
    if base is not None:
        defs = Definitions({**base.symbols, **defs.symbols}, {**base.functions, **defs.functions},
                           {**base.sources, **defs.sources})
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
        body = defs.symbols[key] if key in defs.symbols else defs.functions[key][1]
        found = {s for s in body.free_symbols if s in defs.symbols}
        found |= {f.func for f in body.atoms(sp.core.function.AppliedUndef)
                  if f.func in defs.functions}
        found |= {i for i in body.atoms(sp.Indexed) if i in defs.symbols}
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

    for key in [*defs.symbols, *defs.functions]:
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
        if expr == before:
            return expr
    return expr


def _depends(expr: sp.Expr, var: sp.Basic) -> bool:
    return expr.has(var) if isinstance(var, sp.Indexed) else var in expr.free_symbols or (
        isinstance(var, sp.Symbol) and any(var in i.free_symbols for i in expr.atoms(sp.Indexed)))


def evaluate(expr: sp.Expr, defs: Definitions) -> sp.Expr:
    """Evaluate every derivative through the definitions, then expand everything."""
    def one(d: sp.Derivative) -> sp.Expr:
        out = evaluate(d.expr, defs) if d.expr.has(sp.Derivative) else d.expr
        for var, n in d.variable_count:
            held = expand(out, defs, stop=frozenset({var}))
            if not _depends(held, var):
                raise DeriveError(f"d({d.expr})/d({var}): {d.expr} does not depend on {var}; "
                                  "a definition is missing")
            out = sp.diff(held, (var, n))
        return out

    result = expr.replace(lambda e: isinstance(e, sp.Derivative), one)
    return expand(result, defs)


def with_statement(st: Statement, defs: Definitions) -> Definitions:
    """The statement ``f(x) = body`` also defines f for the claims, unless already defined."""
    lhs = st.lhs
    if st.rel != "eq" or lhs is None:
        return defs
    out = Definitions(dict(defs.symbols), dict(defs.functions), dict(defs.sources))
    if isinstance(lhs, sp.core.function.AppliedUndef) and lhs.func not in defs.functions and all(
            isinstance(a, sp.Symbol) for a in lhs.args):
        out.functions[lhs.func] = (tuple(lhs.args), st.rhs)
    elif isinstance(lhs, sp.Symbol) and lhs not in defs.symbols:
        out.symbols[lhs] = st.rhs
    return out


def proof_form(expr: sp.Expr) -> sp.Expr:
    """symnn's own nodes (sigmoid, ...) written with sympy's elementary functions."""
    for func, form in PROOF_FORMS.items():
        expr = expr.replace(lambda e, f=func: isinstance(e, f), lambda e, g=form: g(*e.args))
    return expr


_PROOFS: dict[tuple, tuple[bool, str]] = {}


def try_prove(a: sp.Expr, b: sp.Expr, unit: tuple[sp.Symbol, ...] = ()) -> tuple[bool, str]:
    """(True, how) when a - b simplifies to 0; otherwise (False, why not): *not proved*, never
    *refuted*. Each attempt runs under the simplify budget. ``unit`` lists symbols known to lie
    in (0, 1), which a proof by cases may use. A proof does not depend on the sampling seed, so
    results are kept, except a budget that ran out (another run, with more time, may prove)."""
    key = (a, b, unit)
    if key not in _PROOFS:
        result = _try_prove(a, b, unit)
        if "exceeded" in result[1]:
            return result
        _PROOFS[key] = result
    return _PROOFS[key]


try_prove.cache_clear = _PROOFS.clear  # type: ignore[attr-defined]


def _try_prove(a: sp.Expr, b: sp.Expr, unit: tuple[sp.Symbol, ...]) -> tuple[bool, str]:
    diff = proof_form(a - b)
    if diff == 0:
        return True, ""
    if diff.has(sp.Sum, sp.Product):
        return False, "sums with a symbolic bound are not simplified"
    if sp.count_ops(diff) > PROOF_BUDGET_OPS:
        return False, f"expression larger than {PROOF_BUDGET_OPS} operations"
    seconds = BUDGETS["simplify_seconds"]
    for attempt in (sp.expand, sp.cancel, _simplify, _piecewise_simplify, _by_cases(unit)):
        try:
            with time_limit(seconds, "simplify"):
                result = attempt(diff)
                if result == 0:
                    return True, getattr(attempt, "how", "")
        except BudgetExceeded as exc:
            return False, str(exc)
        except (TypeError, ValueError, NotImplementedError, RecursionError):
            continue
    return False, "simplify did not reach 0"


def _by_cases(unit: tuple[sp.Symbol, ...]):
    """A proof by cases on the sign of the one variable a kink depends on (ReLU' = 1 for z > 0,
    0 for z < 0); the kink itself is excluded, and said so. Symbols in (0, 1) are written
    1/(1 + q) with q > 0, so that epsilon - 1 < 0 is known."""
    def attempt(diff: sp.Expr) -> sp.Expr:
        kinks = diff.atoms(sp.Heaviside, sp.Max, sp.Min, sp.Abs, sp.Piecewise)
        variables = set().union(*(k.free_symbols for k in kinks)) - set(unit) if kinks else set()
        if len(variables) != 1:
            return diff
        (v,) = variables
        body = diff.xreplace({u: 1 / (1 + sp.Dummy(positive=True)) for u in unit})
        p = sp.Dummy("p", positive=True)
        cases = [sp.simplify(sp.piecewise_fold(body.xreplace({v: s}))) for s in (p, -p)]
        attempt.how = f"by cases {v} > 0 and {v} < 0 (the kink {v} = 0 excluded)"
        return sp.S.Zero if all(c == 0 for c in cases) else diff

    attempt.how = ""
    return attempt


def prove_equal(a: sp.Expr, b: sp.Expr) -> bool:
    """True when a - b simplifies to 0; False means *not proved*, never *refuted*."""
    return try_prove(a, b)[0]


_SIMPLIFIED: dict[sp.Expr, sp.Expr] = {}


def simplified(expr: sp.Expr) -> sp.Expr:
    """expr simplified under the simplify budget (unchanged when the budget runs out; that
    outcome is not kept, so a later call with more time may do better)."""
    if sp.count_ops(expr) > PROOF_BUDGET_OPS:
        return expr
    if expr not in _SIMPLIFIED:
        try:
            with time_limit(BUDGETS["simplify_seconds"], "simplify"):
                _SIMPLIFIED[expr] = sp.factor_terms(sp.simplify(expr))
        except BudgetExceeded:
            return expr
        except (TypeError, ValueError, NotImplementedError, RecursionError):
            _SIMPLIFIED[expr] = expr
    return _SIMPLIFIED[expr]


def _simplify(e: sp.Expr) -> sp.Expr:
    return sp.simplify(e.rewrite(sp.exp))


def _piecewise_simplify(e: sp.Expr) -> sp.Expr:
    return sp.simplify(sp.piecewise_fold(e.rewrite(sp.Piecewise)))


@dataclass(frozen=True)
class Derivation:
    """One derived gradient: d(of)/d(wrt) under a set of definitions, raw and folded."""

    label: str
    of: str
    wrt: sp.Symbol
    gradient: sp.Expr
    folded: sp.Expr

    def latex(self) -> str:
        return (f"\\frac{{\\partial}}{{\\partial {sp.latex(self.wrt)}}} {self.of} = "
                f"{sp.latex(self.folded)}")


def definition_groups(formula: Formula) -> list[tuple[str, Definitions, tuple, tuple]]:
    """(label, definitions, checks, constraints) for the formula ("") and each variant."""
    base = read_definitions(formula.definitions, formula.table)
    return [("", base, formula.checks, formula.constraints)] + [
        (v.name, read_definitions(v.definitions, formula.table, base=base), v.checks,
         formula.constraints + v.constraints) for v in formula.variants]


def corrected_definitions(formula: Formula, printed: Definitions | None = None) -> Definitions:
    """The definitions of an erratum's corrected form: the printed ones, with those of
    ``erratum.definitions`` in their place."""
    printed = printed or read_definitions(formula.definitions, formula.table)
    if not formula.corrected_definitions:
        return printed
    return read_definitions(formula.corrected_definitions, formula.table, base=printed)


def gradient_parts(check: Check, formula: Formula, defs: Definitions
                   ) -> tuple[sp.Expr, sp.Symbol, sp.Expr]:
    """For a gradient check: the function (definitions applied), the variable, and symnn's own
    simplified derivative."""
    decl = formula.table.get(check.wrt)
    if decl is None or decl.kind not in ("scalar", "constant"):
        raise DeriveError(f"wrt = {check.wrt!r} must be a declared scalar")
    wrt = decl.sympy()
    of = evaluate(parse_expression(check.of, formula.table), defs)
    return of, wrt, simplified(sp.diff(of, wrt))


def gradient_checks(formula: Formula, base_only: bool = False):
    """For each gradient check of the formula (and of its variants unless ``base_only``):
    (label, definitions, check, function, variable, symnn's derivative, constraints), with the
    statement g(z) = ... defining g, as the checker reads it."""
    st = parse_statement(formula.latex, formula.table)
    groups = definition_groups(formula)
    for label, defs, checks, constraints in groups[:1] if base_only else groups:
        defs = with_statement(st, defs)
        for check in checks:
            if check.kind == "gradient":
                yield (label, defs, check, *gradient_parts(check, formula, defs), constraints)


def derivations(formula: Formula) -> list[Derivation]:
    """The gradients a formula's gradient checks ask for, derived by symnn, for the formula and
    each of its variants."""
    return [Derivation(label, check.of, wrt, gradient, fold(gradient, defs))
            for label, defs, check, _, wrt, gradient, _ in gradient_checks(formula)]


_BATCH_CACHE: dict[tuple, BatchDerivation] = {}


def batch_derivation(formula: Formula) -> BatchDerivation:
    """The backward pass of a formula with a [program] table, for symbolic m (cached: the
    checks and ``symnn derive`` share it)."""
    key = (formula.path, formula.latex, formula.definitions, formula.program,
           repr(sorted(formula.table.decls.items())))
    if key not in _BATCH_CACHE:
        defs = read_definitions(formula.definitions, formula.table)
        rhs = parse_statement(formula.latex, formula.table).rhs
        _BATCH_CACHE[key] = derive_batch(batch_context(formula, defs.symbols, rhs,
                                                       expand(rhs, defs)))
    return _BATCH_CACHE[key]


_TAPE_CACHE: dict[tuple, Tape] = {}


def cell_tape(formula: Formula, st: Statement | None = None, rules: dict | None = None,
              defs: Definitions | None = None) -> Tape:
    """The forward and backward tapes of one step of a formula with a [cell] table, for the
    statement ``st`` under ``defs`` (default: an erratum's corrected form and definitions, else
    the printed ones), with the adjoint rules ``rules`` (default: :data:`symnn._tape.ADJOINTS`;
    tapes made with other rules are not cached)."""
    if formula.cell is None:
        raise DeriveError(f"{formula.id} has no [cell] table")
    if st is None:
        fixed = formula.expect == "refuted"
        st = parse_statement(formula.corrected if fixed else formula.latex, formula.table)
        defs = defs or (corrected_definitions(formula) if fixed else None)
    defs = defs or read_definitions(formula.definitions, formula.table)
    if rules is not None:
        return _make_cell_tape(formula, st, defs, rules)
    key = (formula.path, sp.srepr(st.lhs), sp.srepr(st.rhs), tuple(sorted(defs.sources.values())),
           formula.cell)
    if key not in _TAPE_CACHE:
        _TAPE_CACHE[key] = _make_cell_tape(formula, st, defs, None)
    return _TAPE_CACHE[key]


def _make_cell_tape(formula: Formula, st: Statement, defs: Definitions,
                    rules: dict | None) -> Tape:
    spec = formula.cell

    def sym(name: str) -> sp.Symbol:
        return formula.table.get(name).sympy()

    outputs = [(sym(o), st.rhs if sym(o) == st.lhs else None) for o, _ in spec.carry]
    if st.lhs not in [o for o, _ in outputs]:
        raise DeriveError(f"{st.lhs} (the statement's left side) is not a carried output of "
                          "[cell]")
    matrices = {d.sympy() for d in formula.table.decls.values() if d.kind == "matrix"}
    # a parameter one form of the formula reads and another does not (the printed LSTM's
    # relevance gate) is left out of the form that does not; one read nowhere is an error
    printed = read_definitions(formula.definitions, formula.table)
    every = [printed, corrected_definitions(formula, printed)]
    read = {s for d in every for e in d.symbols.values() for s in e.free_symbols}
    read |= st.rhs.free_symbols
    try:
        return make_tape(outputs, defs.symbols, tuple(sym(i) for i in spec.inputs),
                         tuple(sym(i) for _, i in spec.carry),
                         tuple(sym(p) for p in spec.parameters), matrices, rules,
                         optional={sym(p) for p in spec.parameters} & read)
    except TapeError as exc:
        raise DeriveError(f"{formula.id}: {exc}") from exc
