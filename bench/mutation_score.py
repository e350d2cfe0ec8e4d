"""Mutation score: how many wrong versions of the catalog's formulas and derived gradients the
checks refuse. Goal: at least 99 % of the non-equivalent mutants.

Mutants (symnn.check._mutate): flip a sign, drop a term or factor (an epsilon, a 1/m), a
constant off
by 1e-3 relative, an exponent off by one, two symbols swapped. A mutant equal to the original on
the declared domains (e.g. swapping symmetric symbols) is "equivalent": listed, not counted.
Targets: every checked statement, every gradient check, and every line of the RNN cells'
derived backward tapes (judged by the cell-backward check through regenerated kernels).

Run: python bench/mutation_score.py [--quick]   (--quick: first 6 mutants per target)
"""

from __future__ import annotations

import dataclasses
import sys
import time

import sympy as sp

from symnn.catalog import CatalogError, load_catalog
from symnn.check import check_gradient, check_statement, compare
from symnn.check._cellcheck import check_cell_step
from symnn.check._mutate import mutants
from symnn.derive import (
    cell_tape,
    corrected_definitions,
    evaluate,
    gradient_checks,
    read_definitions,
)
from symnn.derive._tape import Line
from symnn.emit import cell_functions, load_module, module_source
from symnn.read import parse_expression, parse_statement
from symnn.read._notation import hadamard


def _equivalent(mutant: sp.Expr, original: sp.Expr, formula, defs) -> bool:
    try:
        a, b = evaluate(mutant, defs), evaluate(original, defs)
        return compare(a, b, formula.table, points=32).ok
    except Exception:  # a mutant that cannot even be evaluated is not equivalent
        return False


def _statement_targets(formula):
    """(label, defs, statement) for the formula and each variant, when it has checks that pin
    its value (a `property` check pins only a range: sigma(Ux + Wa) stays in (0,1) whatever the
    argument, so a formula checked by properties alone is not a target)."""
    if not any(c.kind not in ("parse", "property") for c in formula.checks):
        return
    defs = read_definitions(formula.definitions, formula.table)
    latex = formula.corrected or formula.latex  # an erratum's corrected form is the true one
    yield "", corrected_definitions(formula, defs), parse_statement(latex, formula.table), \
        formula.checks
    for v in formula.variants:
        vdefs = read_definitions(v.definitions, formula.table, base=defs)
        scoped = dataclasses.replace(formula, constraints=formula.constraints + v.constraints)
        yield v.name, vdefs, parse_statement(latex, scoped.table), v.checks


def _gradient_targets(formula):
    """The gradient checks as the checker reads them (the statement g(z) = ... defines g:
    without it g stays undefined and every mutant would be 'caught' by an evaluation error)."""
    for label, defs, c, of, wrt, derived, constraints in gradient_checks(formula):
        stated = evaluate(parse_expression(c.latex, formula.table), defs) if c.latex else derived
        yield f"{label} d/d{wrt}", of, wrt, stated, constraints


def _judge_statement(formula, label, defs, st, checks, mutant) -> str:
    if _equivalent(mutant, st.rhs, formula, defs):
        return "equivalent"
    try:
        results = check_statement(dataclasses.replace(st, rhs=mutant), formula, defs, 0, checks,
                                  label or "mutant")
        return "survived" if all(r.ok for r in results) else "caught"
    except Exception:  # a mutant the checks cannot even run on is refused
        return "caught"


def _judge_gradient(formula, of, wrt, stated, joint, mutant) -> str:
    try:
        if compare(mutant, stated, formula.table, points=32, prove=False,
                   constraints=joint).ok:
            return "equivalent"
        return "survived" if check_gradient(of, wrt, mutant, formula.table,
                                            constraints=joint).ok else "caught"
    except ValueError:  # e.g. a mutant that divides by zero everywhere
        return "caught"


def _cell_targets(formula):
    """(label, tape, line index) for every line of a cell's backward tape."""
    if formula.cell is None:
        return
    tape = cell_tape(formula)
    for k, ln in enumerate(tape.backward):
        yield f"backward line {ln.name}", tape, k


def _commuted(expr: sp.Basic) -> sp.Basic:
    """expr with the factors of every elementwise product in one order."""
    if not expr.args:
        return expr
    args = [_commuted(a) for a in expr.args]
    if isinstance(expr, hadamard):
        args.sort(key=sp.srepr)
    return expr.func(*args)


def _judge_cell(formula, tape, k, mutant) -> str:
    if _commuted(mutant) == _commuted(tape.backward[k].expr):
        return "equivalent"  # u * v and v * u: the same elementwise product
    lines = list(tape.backward)
    lines[k] = Line(lines[k].name, mutant)
    bad = dataclasses.replace(tape, backward=lines)
    base = formula.id.replace("-", "_")
    try:
        module = load_module(module_source(cell_functions(bad, base, base), "mutant"),
                             f"mutant_{base}")
        return "survived" if check_cell_step(bad, module, base, formula.table).ok else "caught"
    except Exception:  # a mutant that cannot be printed or imported is refused
        return "caught"


def main(quick: bool = False) -> int:
    from symnn.read import parse_condition

    start = time.perf_counter()
    outcomes: dict[str, list[str]] = {"caught": [], "survived": [], "equivalent": []}
    limit = 6 if quick else None
    for formula in load_catalog():
        if isinstance(formula, CatalogError):
            continue
        for label, defs, st, checks in _statement_targets(formula):
            for what, mutant in list(mutants(st.rhs))[:limit]:
                verdict = _judge_statement(formula, label, defs, st, checks, mutant)
                outcomes[verdict].append(f"{formula.id} {label}: {what}")
        for label, of, wrt, stated, constraints in _gradient_targets(formula):
            joint = tuple(parse_condition(c, formula.table) for c in constraints)
            for what, mutant in list(mutants(stated))[:limit]:
                verdict = _judge_gradient(formula, of, wrt, stated, joint, mutant)
                outcomes[verdict].append(f"{formula.id} {label}: {what}")
        for label, tape, k in _cell_targets(formula):
            for what, mutant in list(mutants(tape.backward[k].expr))[:limit]:
                verdict = _judge_cell(formula, tape, k, mutant)
                outcomes[verdict].append(f"{formula.id} {label}: {what}")
    caught, survived = len(outcomes["caught"]), len(outcomes["survived"])
    total = caught + survived
    print(f"mutants: {total} non-equivalent ({len(outcomes['equivalent'])} equivalent, "
          "not counted)")
    print(f"refused: {caught} / {total} = {100 * caught / max(total, 1):.1f} %  (goal >= 99 %)")
    print(f"time: {time.perf_counter() - start:.0f} s")
    for s in outcomes["survived"]:
        print("  survivor:", s)
    for e in outcomes["equivalent"][:20]:
        print("  equivalent:", e)
    return 0 if total and caught / total >= 0.99 else 1


if __name__ == "__main__":
    sys.exit(main(quick="--quick" in sys.argv))
