"""A formula's checks, run by kind (a table: ``_CHECKERS``), on its printed form, its variants
and its corrected form; the formula's status from what they find. Equalities go through
:func:`.compare.compare`.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from ..catalog import CHECK_KINDS, Formula
from ..derive import (
    Definitions,
    DeriveError,
    batch_derivation,
    cell_tape,
    corrected_definitions,
    definition_groups,
    evaluate,
    fold,
    gradient_parts,
    read_definitions,
    with_statement,
)
from ..emit import cell_module
from ..read import (
    ParseError,
    Statement,
    parse_condition,
    parse_expression,
    parse_statement,
)
from ._cellcheck import check_bptt, check_cell_step
from ._decides import IDENTICAL, Scope, head_name, scope_of, statement_form
from ._declared import declared_domain_checks
from ._definedness import guard_of, guarded, written_guards
from ._enumerate import check_moment, check_windows
from ._gradcheck import check_descent, check_gradient
from ._kernelcheck import check_backward, check_kernels, kernel_module
from ._mdp import ROLES, check_mdp
from ._propcheck import property_check
from ._results import CheckResult, FormulaResult
from .compare import DEFAULT_POINTS, TOLERANCES, compare

__all__ = ["CheckResult", "FormulaResult", "compare", "check_gradient", "verify_formula",
           "run_checks", "check_statement",
           "TOLERANCES", "DEFAULT_POINTS"]


def _sides(st: Statement, defs: Definitions, table=None) -> tuple[sp.Expr, sp.Expr]:
    """Both sides, definitions applied, each undefined where its written form is (SymPy
    simplifies on construction: ``\\frac{x^2-25}{x-5}`` keeps its guard x != 5)."""
    raw = _written_statement(st, table)
    if raw is None:
        return evaluate(st.lhs, defs), evaluate(st.rhs, defs)
    return (_guarded(st.lhs, raw.lhs, defs, table), _guarded(st.rhs, raw.rhs, defs, table))


def _written_statement(st: Statement, table) -> Statement | None:
    """The statement read without evaluation (for its guards), or None."""
    raw = written_guards(lambda: parse_statement(st.source, table)) if table else None
    return None if raw is None or raw.lhs is None else raw


def _guarded(expr: sp.Expr, written: sp.Expr, defs: Definitions, table) -> sp.Expr:
    """expr with its definitions, undefined where it or a definition it reaches is as written
    (``r = \\frac{x^2-25}{x-5}``: every side naming r is undefined at x = 5)."""
    guard = sp.And(guard_of(written), *_definition_guards(expr, defs, table))
    return guarded(evaluate(expr, defs), evaluate(guard, defs))


def _definition_guards(expr: sp.Expr, defs: Definitions, table) -> list[sp.Basic]:
    """The written guards of the name definitions ``expr`` reaches (through other names)."""
    found, todo, seen = [], [s for s in expr.free_symbols if s in defs.symbols], set()
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        text = defs.sources.get(key)
        raw = written_guards(lambda t=text: parse_statement(t, table).rhs) if text else None
        if raw is not None:
            found.append(guard_of(raw))
        todo += [s for s in defs.symbols[key].free_symbols if s in defs.symbols]
    return found


def _written(latex: str, table) -> sp.Expr | None:
    raw = written_guards(lambda: parse_expression(latex, table))
    return raw if isinstance(raw, sp.Expr) else None


def _constraints(formula: Formula, defs: Definitions) -> tuple[sp.Basic, ...]:
    """The file's constraints, a defined name in them replaced by its definition (a condition
    on it is a condition on its value, never on a random draw of the name)."""
    return tuple(evaluate(parse_condition(c, formula.table), defs) for c in formula.constraints)


def _guards_differ(st: Statement, check, formula: Formula) -> bool:
    """Whether the two sides a check compares are defined on different sets as written
    (``e^{\\log u} = u``: the left side needs u > 0), though identical once read."""
    table = formula.table
    try:
        if check.kind == "reference":
            raw = _written_statement(st, table)
            pair = (raw and raw.rhs, _written(check.latex, table))
        else:
            text = check.latex if check.kind == "claim" else st.source
            raw = written_guards(lambda: parse_statement(text, table))
            pair = (raw and raw.lhs, raw and raw.rhs)
    except (ParseError, ValueError):
        return False
    if any(p is None for p in pair):
        return False
    return guard_of(pair[0]) != guard_of(pair[1])


def _check_parse(st, check, formula, defs, seed):
    return CheckResult("parse", st.crosscheck != "disagree",
                       f"read strictly; sympy's own parser: {st.crosscheck}", "parse")


def _check_equality(st, check, formula, defs, seed):
    if st.rel != "eq":
        raise ParseError("an equality check needs an equation; the statement is an update "
                         "rule (use a reference check)", formula.latex, 0)
    return compare(*_sides(st, defs, formula.table), formula.table, kind="equality", seed=seed,
                   constraints=_constraints(formula, defs))


def _check_reference(st, check, formula, defs, seed):
    ref = parse_expression(check.latex, formula.table)
    raw = _written_statement(st, formula.table)  # the right side alone, as _sides gives it
    rhs = evaluate(st.rhs, defs) if raw is None else _guarded(st.rhs, raw.rhs, defs,
                                                              formula.table)
    written = _written(check.latex, formula.table)
    ref = _guarded(ref, written, defs, formula.table) if written is not None else \
        evaluate(ref, defs)
    return compare(rhs, ref, formula.table,
                   kind="reference", seed=seed, constraints=_constraints(formula, defs))


def _check_claim(st, check, formula, defs, seed):
    defs = with_statement(st, defs)
    claim = parse_statement(check.latex, formula.table)
    if claim.rel != "eq":
        raise ParseError("a claim must be an equation", check.latex, 0)
    return compare(*_sides(claim, defs, formula.table), formula.table, kind="claim", seed=seed,
                   constraints=_constraints(formula, defs))


def _check_gradient(st, check, formula, defs, seed):
    defs = with_statement(st, defs)
    # symnn's derivative is simplified only when it is what the check judges (no stated form):
    # the raw one is NaN where tanh saturates (6 of 68 points lost in the chain rule's variant)
    of, wrt, derived = gradient_parts(check, formula, defs, simplify=not check.latex)
    if wrt not in of.free_symbols:
        raise ParseError(f"the gradient check's function {check.of!r} does not read "
                         f"{check.wrt!r} (its definitions applied): its derivative is 0 "
                         "whatever the statement says, so nothing would be tested",
                         check.of, 0)
    if check.latex:
        stated, shown = evaluate(parse_expression(check.latex, formula.table), defs), ""
    else:  # symnn's own derivative, shown with the defined names folded back
        stated, shown = derived, f"derived d/d{wrt} = {sp.latex(fold(derived, defs))}; "
    result = check_gradient(of, wrt, stated, formula.table, seed=seed,
                            constraints=_constraints(formula, defs))
    result.detail = shown + result.detail
    return result


def _scalar(formula: Formula, name: str) -> sp.Symbol:
    decl = formula.table.get(name)
    if decl is None or decl.kind not in ("scalar", "constant"):
        raise ParseError(f"{name!r} must be a declared scalar", name, 0)
    return decl.sympy()


def _check_descent(st, check, formula, defs, seed):
    if st.rel != "assign":
        raise ParseError("a descent check needs an update rule (an arrow); the statement is "
                         "not one", formula.latex, 0)
    of = evaluate(parse_expression(check.of, formula.table), defs)
    return check_descent(of, _scalar(formula, check.wrt), evaluate(st.rhs, defs),
                         _scalar(formula, check.step), formula.table, seed=seed,
                         constraints=_constraints(formula, defs))


def _check_moment(st, check, formula, defs, seed):
    stated = evaluate(parse_expression(check.latex, formula.table), defs)
    return check_moment(evaluate(st.rhs, defs), stated, formula.table, check.kind, seed,
                        _constraints(formula, defs), lambda e: evaluate(e, defs))


def _check_windows(st, check, formula, defs, seed):
    def read(text: str) -> sp.Expr:
        return evaluate(parse_expression(text, formula.table), defs)

    ranges = {}
    for name, lo, hi in check.ranges:
        decl = formula.table.get(name)
        if decl is None:
            raise ParseError(f"{name!r} in ranges is not declared", name, 0)
        ranges[decl.sympy()] = (lo, hi)
    return check_windows(evaluate(st.rhs, defs), read(check.length), read(check.window),
                         read(check.stride), ranges, _constraints(formula, defs))


def _check_mdp(st, check, formula, defs, seed):
    if check.role not in ROLES:
        raise ParseError(f"unknown mdp role {check.role!r}; one of {', '.join(ROLES)}",
                         check.role, 0)
    sets = [d.pyname for d in formula.table.decls.values() if d.kind == "constant"]
    return check_mdp(check.role, st.lhs, evaluate(st.rhs, defs), {**formula.mdp, "sets": sets},
                     seed)


def _check_backward(st, check, formula, defs, seed):
    deriv = batch_derivation(formula)
    wrt = deriv.ctx.symbol(check.wrt)
    stated = deriv.ctx.read(parse_expression(check.latex, formula.table))
    return check_backward(deriv, wrt, check.latex, stated, seed)


def _check_cell(st, check, formula, defs, seed):
    tape = cell_tape(formula, st, defs=defs)
    base = formula.slug
    module = cell_module(tape, base, formula.title_en)
    run = check_cell_step if check.kind == "cell-backward" else check_bptt
    return run(tape, module, base, formula.table, seed)


def _check_kernels(formula: Formula, seed: int) -> list[CheckResult]:
    """The generated forward and backward kernels of a formula with a [program] table."""
    if formula.program is None:
        return []
    deriv = batch_derivation(formula)
    return check_kernels(deriv, kernel_module(deriv), seed=seed)


_CHECKERS = {"parse": _check_parse, "equality": _check_equality,
             "reference": _check_reference, "claim": _check_claim, "gradient": _check_gradient,
             "descent": _check_descent, "backward": _check_backward,
             "expectation": _check_moment, "variance": _check_moment, "windows": _check_windows,
             "mdp": _check_mdp, "cell-backward": _check_cell, "bptt": _check_cell,
             "property": property_check}
assert set(_CHECKERS) == set(CHECK_KINDS)


def run_checks(latex: str, formula: Formula, defs: Definitions, seed: int,
               checks: tuple | None = None, label_: str = "") -> list[CheckResult]:
    """Read ``latex`` and run ``checks`` (default: the formula's) on it; ``label_`` names a
    variant in each result's kind."""
    return check_statement(parse_statement(latex, formula.table), formula, defs, seed, checks,
                           label_)


def check_statement(st: Statement, formula: Formula, defs: Definitions, seed: int,
                    checks: tuple | None = None, label_: str = "", corrected: bool = False
                    ) -> list[CheckResult]:
    """Run ``checks`` (default: the formula's) on an already parsed statement."""
    results = [] if label_ else [_check_parse(st, None, formula, defs, seed)]
    for check in formula.checks if checks is None else checks:
        if check.kind != "parse":
            scope = scope_of(check, st, defs, formula.table)
            if scope.identical and corrected and check.kind == "reference":
                # an erratum's corrected form is written as the standard form: reading it as
                # exactly the reference is the verdict on it (a proof by reading)
                result = CheckResult(check.kind, True, "identical after reading: the corrected "
                                     "form reads as exactly the reference form (nothing else "
                                     "was tested)", "identical after reading", seed=seed)
                scope = Scope(True, "the corrected form is the reference form")
            elif scope.identical and not _guards_differ(st, check, formula):
                result = CheckResult(check.kind, False, "undecided: the two sides are identical "
                                     "after reading (the reading itself rewrote one into the "
                                     "other): nothing was tested", "undecided", seed=seed)
                scope = Scope(False, IDENTICAL)
            else:  # identical once read, but defined on other sets as written: that is tested
                result = _CHECKERS[check.kind](st, check, formula, defs, seed)
                if scope.identical:
                    scope = Scope(scope.decisive, scope.decides + " (identical after reading: "
                                  "where each side is defined as written was tested)")
            result.decides, result.decisive = scope.decides, scope.decisive and not label_
            if label_:
                result.kind = f"{result.kind} [{label_}]"
                result.decides = f"{scope.decides}, with the variant's definitions"
            results.append(result)
    return results


def _checks_and_domains(latex: str, formula: Formula, defs: Definitions, seed: int,
                        checks: tuple | None = None, label_: str = "", corrected: bool = False
                        ) -> list[CheckResult]:
    """The checks of one form of the statement, then the declared domains of the names its
    definitions (and the statement ``name = ...``) define: declarations are claims too."""
    st = parse_statement(latex, formula.table)
    out = check_statement(st, formula, defs, seed, checks, label_, corrected)
    form, head = statement_form(st, defs)
    own = head_name(head) if form == "definition" and not label_ else None
    for result in declared_domain_checks(formula, with_statement(st, defs),
                                         _constraints(formula, defs), seed, own):
        if label_:
            result.kind = f"{result.kind} [{label_}]"
        out.append(result)
    return out


def _variant_checks(formula: Formula, defs: Definitions, seed: int) -> list[CheckResult]:
    out: list[CheckResult] = []
    for name, vdefs, checks, constraints in definition_groups(formula)[1:]:
        scoped = dataclasses.replace(formula, constraints=constraints)
        out += _checks_and_domains(formula.latex, scoped, vdefs, seed, checks, name)
    return out


def verify_formula(formula: Formula, seed: int = 0) -> FormulaResult:
    """Run a formula's checks (and its corrected form's, for an erratum)."""
    base = dict(id=formula.id, title_en=formula.title_en, title_fr=formula.title_fr)
    try:
        defs = read_definitions(formula.definitions, formula.table)
        printed = _checks_and_domains(formula.latex, formula, defs, seed)
        printed += _variant_checks(formula, defs, seed)
        printed += _check_kernels(formula, seed)
        corrected = (_checks_and_domains(formula.corrected, formula,
                                         corrected_definitions(formula, defs), seed,
                                         corrected=True)
                     if formula.expect == "refuted" else [])
    except (ParseError, DeriveError, ValueError) as exc:
        return FormulaResult(**base, status="error", as_expected=False, error=str(exc))
    holds = all(c.ok for c in printed)
    if not holds and all(c.ok or c.verdict == "undecided" for c in printed):
        return FormulaResult(**base, status="undecided", as_expected=False, checks=printed,
                             corrected_checks=corrected)  # not verified, not refuted either
    decided = any(c.decisive for c in printed)
    if formula.expect == "refuted":
        # the file's checks on the corrected form: one whose reference *is* the corrected
        # form tests nothing there (said in its detail) and neither holds nor fails it
        tested = [c for c in corrected if c.decides != IDENTICAL]
        fixed = all(c.ok for c in tested) and any(c.decisive for c in tested)
        status = ("verified" if decided else "undecided") if holds else (
            "erratum" if fixed else "refuted")
        return FormulaResult(**base, status=status, as_expected=status == "erratum",
                             checks=printed, corrected_checks=corrected,
                             note=formula.erratum_note if status != "undecided" else NOT_DECIDED)
    if holds and all(c.kind == "parse" for c in printed):
        # read strictly, nothing semantic to check yet: never called verified
        return FormulaResult(**base, status="read", as_expected=True, checks=printed)
    if holds and not decided:
        return FormulaResult(**base, status="undecided", as_expected=False, checks=printed,
                             note=NOT_DECIDED)
    status = "verified" if holds else "refuted"
    return FormulaResult(**base, status=status, as_expected=holds, checks=printed)


#: why a file whose checks all pass is not verified: none of them decides its statement
NOT_DECIDED = ("no check decides the printed statement itself (each one decides a part of it: "
               "see 'decides'); an equation needs an equality check, a definition a reference, "
               "claim or property of the name it defines")
