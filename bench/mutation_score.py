"""Mutation score: how many wrong versions of the catalog's formulas and derived gradients the
checks refuse. Goal: at least 99 % of the non-equivalent mutants.

Mutants (symnn._mutate): flip a sign, drop a term or factor (an epsilon, a 1/m), a constant off
by 1e-3 relative, an exponent off by one, two symbols swapped. A mutant equal to the original on
the declared domains (e.g. swapping symmetric symbols) is "equivalent": listed, not counted.

Run: python bench/mutation_score.py [--quick]   (--quick: first 6 mutants per target)
"""

from __future__ import annotations

import dataclasses
import sys
import time

import sympy as sp

from symnn._mutate import mutants
from symnn.catalog import CatalogError, load_catalog
from symnn.check import check_gradient, check_statement, compare
from symnn.derive import evaluate, read_definitions, simplified
from symnn.parse import parse_expression, parse_statement


def _equivalent(mutant: sp.Expr, original: sp.Expr, formula, defs) -> bool:
    try:
        a, b = evaluate(mutant, defs), evaluate(original, defs)
        return compare(a, b, formula.table, points=32).ok
    except Exception:  # a mutant that cannot even be evaluated is not equivalent
        return False


def _statement_targets(formula):
    """(label, defs, statement) for the formula and each variant, when it has semantic checks."""
    if not any(c.kind != "parse" for c in formula.checks):
        return
    defs = read_definitions(formula.definitions, formula.table)
    latex = formula.corrected or formula.latex  # an erratum's corrected form is the true one
    yield "", defs, parse_statement(latex, formula.table), formula.checks
    for v in formula.variants:
        vdefs = read_definitions(v.definitions, formula.table, base=defs)
        scoped = dataclasses.replace(formula, constraints=formula.constraints + v.constraints)
        yield v.name, vdefs, parse_statement(latex, scoped.table), v.checks


def _gradient_targets(formula):
    base = read_definitions(formula.definitions, formula.table)
    groups = [("", base, formula.checks, formula.constraints)] + [
        (v.name, read_definitions(v.definitions, formula.table, base=base), v.checks,
         formula.constraints + v.constraints) for v in formula.variants]
    for label, defs, checks, constraints in groups:
        for c in checks:
            if c.kind != "gradient":
                continue
            wrt = formula.table.get(c.wrt).sympy()
            of = evaluate(parse_expression(c.of, formula.table), defs)
            stated = (evaluate(parse_expression(c.latex, formula.table), defs) if c.latex
                      else simplified(sp.diff(of, wrt)))
            yield f"{label} d/d{wrt}", of, wrt, stated, constraints


def main(quick: bool = False) -> int:
    from symnn.parse import parse_condition

    start = time.perf_counter()
    caught = survived = equivalent = 0
    survivors, equivalents = [], []
    for formula in load_catalog():
        if isinstance(formula, CatalogError):
            continue
        for label, defs, st, checks in _statement_targets(formula):
            target = st.rhs
            for k, (what, mutant) in enumerate(mutants(target)):
                if quick and k >= 6:
                    break
                if _equivalent(mutant, target, formula, defs):
                    equivalent += 1
                    equivalents.append(f"{formula.id} {label}: {what}")
                    continue
                try:
                    results = check_statement(dataclasses.replace(st, rhs=mutant), formula,
                                              defs, 0, checks, label or "mutant")
                    ok = all(r.ok for r in results)
                except Exception:  # a mutant the checks cannot even run on is refused
                    ok = False
                if ok:
                    survived += 1
                    survivors.append(f"{formula.id} {label}: {what}")
                else:
                    caught += 1
        for label, of, wrt, stated, constraints in _gradient_targets(formula):
            joint = tuple(parse_condition(c, formula.table) for c in constraints)
            for k, (what, mutant) in enumerate(mutants(stated)):
                if quick and k >= 6:
                    break
                try:
                    same = compare(mutant, stated, formula.table, points=32, prove=False,
                                   constraints=joint).ok
                except ValueError:  # e.g. a mutant that divides by zero everywhere
                    same = False
                if same:
                    equivalent += 1
                    equivalents.append(f"{formula.id} {label}: {what}")
                    continue
                try:
                    ok = check_gradient(of, wrt, mutant, formula.table, constraints=joint).ok
                except ValueError:
                    ok = False
                if ok:
                    survived += 1
                    survivors.append(f"{formula.id} {label}: {what}")
                else:
                    caught += 1
    total = caught + survived
    print(f"mutants: {total} non-equivalent ({equivalent} equivalent, not counted)")
    print(f"refused: {caught} / {total} = {100 * caught / max(total, 1):.1f} %  (goal >= 99 %)")
    print(f"time: {time.perf_counter() - start:.0f} s")
    for s in survivors:
        print("  survivor:", s)
    for e in equivalents[:20]:
        print("  equivalent:", e)
    return 0 if total and caught / total >= 0.99 else 1


if __name__ == "__main__":
    sys.exit(main(quick="--quick" in sys.argv))
