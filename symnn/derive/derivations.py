"""What a formula derives: gradients (raw, simplified and folded back into its names), the
batch-norm backward pass, and the tapes of a recurrent cell."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..catalog import BUDGETS, BudgetExceeded, Check, Formula, time_limit
from ..read import Statement, parse_expression, parse_statement
from ._backward import BatchDerivation, batch_context, derive_batch
from ._tape import Tape, TapeError, make_tape
from .definitions import (
    Definitions,
    DeriveError,
    evaluate,
    expand,
    fold,
    read_definitions,
    with_statement,
)

__all__ = ["simplified", "derivations", "Derivation", "definition_groups", "gradient_parts",
           "batch_derivation", "BatchDerivation", "gradient_checks", "cell_tape", "Tape",
           "corrected_definitions", "PROOF_BUDGET_OPS"]

#: Expressions larger than this (sympy count_ops) are not handed to simplify: no proof attempt.
PROOF_BUDGET_OPS = 600


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


def gradient_parts(check: Check, formula: Formula, defs: Definitions, simplify: bool = True
                   ) -> tuple[sp.Expr, sp.Symbol, sp.Expr]:
    """For a gradient check: the function (definitions applied), the variable, and symnn's own
    derivative, simplified for display unless ``simplify`` is False (verification: simplify
    is slow and the checks judge the derivative by its values, not its form)."""
    decl = formula.table.get(check.wrt)
    if decl is None or decl.kind not in ("scalar", "constant"):
        raise DeriveError(f"wrt = {check.wrt!r} must be a declared scalar")
    wrt = decl.sympy()
    of = evaluate(parse_expression(check.of, formula.table), defs)
    derived = sp.diff(of, wrt)
    return of, wrt, simplified(derived) if simplify else derived


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
