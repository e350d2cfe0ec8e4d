"""Symbolic proofs: lhs - rhs simplified to 0 under the simplify budget, by cases at a kink,
and the three proofs of a batch backward pass. A failed proof means *not proved*, never
*refuted*."""

from __future__ import annotations

import sympy as sp

from ..catalog import BUDGETS, BudgetExceeded, time_limit
from ..derive import CONCRETE_SIZES, PROOF_BUDGET_OPS, BatchDerivation, concrete_gradient
from ..read import PROOF_FORMS

__all__ = ["proof_form", "try_prove", "prove_equal", "prove_same", "prove_backward",
           "kink_disagreement"]


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
        except (TypeError, ValueError, NotImplementedError, RecursionError, OverflowError):
            continue
    return False, "simplify did not reach 0"


def _by_cases(unit: tuple[sp.Symbol, ...]):
    """A proof by cases on the sign of the one variable a kink depends on (ReLU' = 1 for z > 0,
    0 for z < 0); the kink itself is excluded, and said so. Symbols in (0, 1) are written
    1/(1 + q) with q > 0, so that epsilon - 1 < 0 is known."""
    def attempt(diff: sp.Expr) -> sp.Expr:
        kinks = diff.atoms(sp.Heaviside, sp.DiracDelta, sp.Max, sp.Min, sp.Abs, sp.Piecewise)
        variables = set().union(*(k.free_symbols for k in kinks)) - set(unit) if kinks else set()
        if len(variables) != 1:
            return diff
        (v,) = variables
        body = diff.xreplace({u: 1 / (1 + sp.Dummy(positive=True)) for u in unit})
        p = sp.Dummy("p", positive=True)
        cases = [sp.simplify(sp.piecewise_fold(body.xreplace({v: s}))) for s in (p, -p)]
        if not all(c == 0 for c in cases):
            return diff
        at_kink = _at_kink(body, v)
        if at_kink == 0:
            attempt.how = f"by cases {v} > 0, {v} < 0 and {v} = 0"
            return sp.S.Zero
        if _definite(at_kink):  # the sides differ at the excluded point: not proved
            return diff
        attempt.how = f"by cases {v} > 0 and {v} < 0 (the kink {v} = 0 excluded)"
        return sp.S.Zero

    attempt.how = ""
    return attempt


def _at_kink(expr: sp.Expr, v: sp.Symbol) -> sp.Expr:
    """expr at v = 0 exactly; nan where it is undefined there, or set by a convention (a
    derivative at its kink: Heaviside(0), DiracDelta)."""
    if expr.has(sp.Heaviside, sp.DiracDelta, sp.Derivative):
        return sp.nan
    try:
        return sp.simplify(sp.piecewise_fold(expr.subs(v, 0)))
    except (TypeError, ValueError, NotImplementedError, RecursionError, OverflowError):
        return sp.nan


def _definite(value: sp.Expr) -> bool:
    """A finite real number."""
    return bool(value.is_number and value.is_finite and value.is_extended_real)


def kink_disagreement(lhs: sp.Expr, rhs: sp.Expr) -> tuple[sp.Symbol, sp.Expr, sp.Expr] | None:
    """(v, lhs, rhs) at v = 0 when both sides depend on one kink variable v only through
    the claim, are definite numbers there and differ: the point a proof by cases leaves out
    (1 for x != 0, 0 otherwise, = 1 is false at x = 0)."""
    both = sp.Tuple(lhs, rhs)
    kinks = both.atoms(sp.Heaviside, sp.Max, sp.Min, sp.Abs, sp.Piecewise, sp.sign)
    variables = set().union(*(k.free_symbols for k in kinks)) if kinks else set()
    if len(variables) != 1:
        return None
    (v,) = variables
    a, b = (_at_kink(proof_form(e), v) for e in (lhs, rhs))
    if not (_definite(a) and _definite(b)) or sp.simplify(a - b) == 0:
        return None
    return v, a, b


def prove_equal(a: sp.Expr, b: sp.Expr) -> bool:
    """True when a - b simplifies to 0; False means *not proved*, never *refuted*."""
    return try_prove(a, b)[0]


def _simplify(e: sp.Expr) -> sp.Expr:
    return sp.simplify(e.rewrite(sp.exp))


def _piecewise_simplify(e: sp.Expr) -> sp.Expr:
    return sp.simplify(sp.piecewise_fold(e.rewrite(sp.Piecewise)))


def prove_same(a: sp.Expr, b: sp.Expr, thorough: bool = True) -> tuple[bool, str]:
    """a == b by cancel, then (``thorough``) simplify, under the simplify budget."""
    diff = a - b
    attempts = (("cancel", sp.cancel), ("simplify", sp.simplify))[:2 if thorough else 1]
    try:
        with time_limit(BUDGETS["simplify_seconds"], "simplify"):
            for how, attempt in attempts:
                if attempt(diff) == 0:
                    return True, how
    except BudgetExceeded as exc:
        return False, str(exc)
    return False, "the difference does not simplify to 0"


def prove_backward(deriv: BatchDerivation, wrt: sp.Symbol, stated: sp.Expr,
                   thorough: bool = True) -> dict[str, tuple[bool, str]]:
    """Each route against the stated form: "indexed" and "program" (symbolic m), "m = n"."""
    ctx = deriv.ctx
    canonical = ctx.canonical(stated)
    out = {"indexed": prove_same(deriv.indexed[wrt], canonical, thorough),
           "program": prove_same(deriv.program[wrt], canonical, thorough)}
    for n in CONCRETE_SIZES:
        out[f"m = {n}"] = prove_same(*concrete_gradient(ctx, wrt, n, stated), thorough)
    return out
