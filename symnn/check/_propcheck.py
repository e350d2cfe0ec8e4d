"""The ``property`` check of formula files: an inequality or range in ``latex`` (as in ``symnn
check 'LHS \\ge RHS'``), ``positive semidefinite`` for a declared matrix expression, or, with
no ``latex``, the declared domain of the symbol the statement defines (the RNN gate Gamma
declared in (0,1) is computed by sigma(...): every component must lie in (0,1)).

Scalars go through :func:`check_property` (sampled, simple and wide points, violations at 50+
digits). Matrices and vectors are drawn as the matrix comparison draws them (sizes 1..4,
values inside each domain); a float64 violation is re-evaluated with mpmath at 50 digits and
refutes only there (sigma(40) rounds to 1 in float64 but lies inside (0,1)).
"""

from __future__ import annotations

import operator
import re

import mpmath
import numpy as np
import sympy as sp

from ..derive import evaluate, with_statement
from ..read import Decl, ParseError, SymbolTable, parse_condition
from ._matcompare import drawn_values
from ._matrices import LADDER, TRIALS, as_number, at_precision, draw, evaluate_arrays
from ._property import check_property
from ._results import CheckResult

__all__ = ["property_check", "read_relations", "domain_relations", "check_matrix_property",
           "check_relations",
           "INTERVALS"]

#: declared domain -> (low, high, low open?, high open?)
INTERVALS = {"(0,1)": (0, 1, True, True), "[0,1]": (0, 1, False, False),
             "positive": (0, None, True, False), "nonnegative": (0, None, False, False),
             "negative": (None, 0, False, True), "{0,1}": (0, 1, False, False)}

#: a top-level comparison in a claim (outside braces): <, >, \le, \ge, \leq, \geq
_REL = re.compile(r"\\leq?(?![a-zA-Z])|\\geq?(?![a-zA-Z])|(?<!\\left)(?<!\\right)[<>]")
_ENV = re.compile(r"\\begin\{(\w+)\}.*?\\end\{\1\}", re.S)
_RANGE = re.compile(r"^(?P<x>.+?)\\in\s*(\\left)?(?P<o>[(\[])(?P<a>.+),(?P<b>.+?)"
                    r"(\\right)?(?P<c>[)\]])\s*$")
PSD = re.compile(r"^(?P<x>.+?)\s*(\\succeq\s*0|\\text\{\s*is\s+positive\s+semidefinite\s*\}|"
                 r"\s+positive\s+semidefinite)\s*$")


def read_relations(claim: str, table: SymbolTable) -> list[sp.Basic]:
    """The comparisons of an inequality or range claim (a chain a <= b <= c gives two), or []
    for an equation."""
    _environments_pair(claim)
    m = _RANGE.match(claim.strip())
    if m:
        x = m.group("x")
        lo = "<" if m.group("o") == "(" else "\\le"
        hi = "<" if m.group("c") == ")" else "\\le"
        texts = [f"{m.group('a')} {lo} {x}", f"{x} {hi} {m.group('b')}"]
    else:
        cuts, depth = [], 0
        envs = [m.span() for m in _ENV.finditer(claim)]
        for k, ch in enumerate(claim):
            depth += {"{": 1, "}": -1}.get(ch, 0)
            if depth == 0 and not any(a <= k < b for a, b in envs) and \
                    (r := _REL.match(claim, k)):
                cuts.append((k, r.end()))
        if not cuts:
            return []
        bounds = [0, *[c for cut in cuts for c in cut], len(claim)]
        parts = [claim[bounds[2 * i]:bounds[2 * i + 1]] for i in range(len(cuts) + 1)]
        ops = [claim[a:b] for a, b in cuts]
        texts = [f"{parts[i]} {ops[i]} {parts[i + 1]}" for i in range(len(ops))]
    return [parse_condition(t, table) for t in texts]


_ENV_MARK = re.compile(r"\\(begin|end)\s*\{\s*(\w+\*?)\s*\}")


def _environments_pair(text: str) -> None:
    """ParseError unless every \\begin{X} is closed by \\end{X} ( \\end{case} or \\end{matrix}
    closing cases is unreadable, not a relation cut in the middle of an environment)."""
    stack: list[tuple[str, int]] = []
    for m in _ENV_MARK.finditer(text):
        if m.group(1) == "begin":
            stack.append((m.group(2), m.start()))
        elif not stack or stack[-1][0] != m.group(2):
            opened = f"\\begin{{{stack[-1][0]}}}" if stack else "nothing"
            raise ParseError(f"\\end{{{m.group(2)}}} closes {opened}", text, m.start())
        else:
            stack.pop()
    if stack:
        raise ParseError(f"\\begin{{{stack[-1][0]}}} is never ended", text, stack[-1][1])


def domain_relations(value: sp.Expr, decl: Decl) -> list[sp.Basic] | None:
    """The relations saying value lies in decl's domain, or None for a domain with no bound."""
    if decl.domain.name not in INTERVALS:
        return None
    lo, hi, lo_open, hi_open = INTERVALS[decl.domain.name]
    out = []
    if lo is not None:
        out.append(sp.StrictGreaterThan(value, lo, evaluate=False) if lo_open
                   else sp.GreaterThan(value, lo, evaluate=False))
    if hi is not None:
        out.append(sp.StrictLessThan(value, hi, evaluate=False) if hi_open
                   else sp.LessThan(value, hi, evaluate=False))
    return out


def check_matrix_property(value: sp.Expr, what: str, table: SymbolTable, *, seed: int = 0,
                          interval: tuple | None = None, kind: str = "property"
                          ) -> CheckResult:
    """Every component of value inside ``interval`` (low, high, open flags), or value positive
    semidefinite (interval None), at TRIALS draws of sizes and values."""
    rng = np.random.default_rng(seed)
    decls = {d.pyname: d for d in table.decls.values()}
    syms = sorted(value.free_symbols, key=lambda s: s.name)
    checked = 0
    for _ in range(TRIALS):
        sizes, values = draw(syms, decls, rng)
        with np.errstate(all="ignore"):
            arr = np.atleast_1d(np.asarray(evaluate_arrays(value, values), dtype=float))
        bad = _psd_violations(arr) if interval is None else _outside(arr, interval)
        checked += arr.size
        if bad and (found := _persists(value, values, bad, interval)) is not None:
            i, off = found
            case = {"point": {k: float(v) for k, v in sizes.items()},
                    "lhs": float(arr.flat[i]) if interval else 0.0, "rhs": float("nan"),
                    "case": f"sizes {sizes}"}
            return CheckResult(kind, False, f"refuted: {what} fails at 50 to 6000 digits "
                               f"({off}) at sizes {sizes}", "numeric (matrices)", checked,
                               counterexample=case, seed=seed)
    return CheckResult(kind, True, f"numeric only: {what} at {TRIALS} draws of sizes (1..4) "
                       f"and values ({checked} components), violations re-evaluated at 50 "
                       "to 6000 digits",
                       "numeric only", checked, seed=seed)


#: precisions of the re-evaluation: sigma(3000) is 1 - 1e-1303, inside (0,1) only at 1300+ digits
_LADDER = (50, 320, 1200, 6000)


def _persists(value: sp.Expr, values: dict, bad: list[int], interval: tuple | None
              ) -> tuple[int, str] | None:
    """(component, how) of the first float64 violation (components ``bad``, or
    semidefiniteness) that persists at every precision of _LADDER, or None when each is put
    inside at some precision. The value is evaluated once per precision, for all of them."""
    candidates, off = list(bad), {}
    for digits in _LADDER:
        with mpmath.workdps(digits):
            exact = evaluate_arrays(value, at_precision(values), mp=True)
            if interval is None:
                off = {0: how} if (how := _mp_psd(exact)) is not None else {}
            else:
                off = {i: how for i in candidates
                       if (how := _mp_outside(exact, i, interval)) is not None}
        if not off:
            return None
        candidates = list(off)  # only what is still outside goes up the ladder
    return next(iter(off.items()))


def _outside(arr: np.ndarray, interval: tuple) -> list[int]:
    lo, hi, lo_open, hi_open = interval
    flat = arr.ravel()
    bad = ~np.isfinite(flat)
    if lo is not None:
        bad |= (flat <= lo) if lo_open else (flat < lo)
    if hi is not None:
        bad |= (flat >= hi) if hi_open else (flat > hi)
    return [int(i) for i in np.flatnonzero(bad)]


def _mp_outside(exact: object, i: int, interval: tuple) -> str | None:
    lo, hi, lo_open, hi_open = interval
    v = np.asarray(exact, dtype=object).ravel()[i]
    if not isinstance(v, mpmath.mpf):
        return f"component {i} is {v}, not a real number"
    # only beyond the precision's bound: a tie at every precision (sigma(10^6) and 1) is no
    # counterexample, an open end or not
    bound = mpmath.mpf(10) ** (10 - mpmath.mp.dps) * max(1, abs(v))
    low_bad = lo is not None and v < lo - bound
    high_bad = hi is not None and v > hi + bound
    return f"component {i} = {mpmath.nstr(v, 12)}" if low_bad or high_bad else None


def _psd_violations(arr: np.ndarray) -> list[int]:
    arr = np.atleast_2d(arr)  # W^T W of a one-column W is 1 x 1, evaluated as a number
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"positive semidefinite needs a square matrix, not shape {arr.shape}")
    sym = (arr + arr.T) / 2
    low = float(np.linalg.eigvalsh(sym).min())
    return [0] if low < -1e-9 * max(1.0, float(np.abs(sym).max())) else []


def _mp_psd(exact: object) -> str | None:
    m = mpmath.matrix(np.atleast_2d(np.asarray(exact, dtype=object)).tolist())
    low = min(mpmath.eigsy((m + m.T) / 2)[0])
    bound = mpmath.mpf(10) ** (10 - mpmath.mp.dps)
    return f"eigenvalue {mpmath.nstr(low, 12)}" if low < -bound else None


#: inequalities between numbers made of vectors and matrices (norms, u^T v)
_ORDER = {sp.StrictLessThan: operator.lt, sp.LessThan: operator.le,
          sp.StrictGreaterThan: operator.gt, sp.GreaterThan: operator.ge}


def check_relations(rels: list[sp.Basic], table: SymbolTable, *, seed: int = 0,
                    points: int = 64, constraints: tuple = ()) -> CheckResult:
    """An inequality claim: over scalars by :func:`check_property`; over vectors and matrices
    (the triangle inequality on norms) at TRIALS draws of sizes and values, a violation
    refuting only when it persists at every precision of LADDER."""
    arrays = any(not s.is_commutative for r in rels if isinstance(r, sp.Basic)
                 for s in r.free_symbols)
    if not arrays:
        return check_property(rels, table, seed=seed, points=points, constraints=constraints)
    if constraints:
        raise ValueError("joint conditions with vectors or matrices are not checked")
    rng = np.random.default_rng(seed)
    decls = {d.pyname: d for d in table.decls.values()}
    syms = sorted({s for r in rels for s in r.free_symbols if isinstance(s, sp.Symbol)},
                  key=lambda s: s.name)
    tested = 0
    for _ in range(TRIALS):
        sizes, values = draw(syms, decls, rng)
        for rel in rels:
            order = _ORDER.get(type(rel))
            if order is None:
                raise ValueError(f"{type(rel).__name__} of vectors or matrices is not checked")
            with np.errstate(all="ignore"):
                a, b = (as_number(evaluate_arrays(side, values)) for side in rel.args)
            if np.ndim(a) or np.ndim(b):
                raise ValueError("an inequality between vectors or matrices: compare numbers "
                                 "made of them (norms, u^T v)")
            if not (np.isfinite(a) and np.isfinite(b)):
                continue
            tested += 1
            if not order(float(a), float(b)) and _violated(rel, order, values):
                return CheckResult("property", False, f"refuted: {rel} fails at {LADDER[0]} to "
                                   f"{LADDER[-1]} digits at sizes {sizes}", "numeric (matrices)",
                                   tested, counterexample={
                                       "point": {k: float(v) for k, v in sizes.items()},
                                       "lhs": float(a), "rhs": float(b), "case": f"sizes {sizes}",
                                       "values": drawn_values(values)}, seed=seed)
    if not tested:
        return CheckResult("property", False, "undecided: no draw where both sides are defined",
                           "undecided", 0, seed=seed)
    return CheckResult("property", True, f"numeric only: {len(rels)} relation(s) at {TRIALS} "
                       "draws of sizes (1..4) and values, violations re-evaluated at "
                       f"{LADDER[0]} to {LADDER[-1]} digits", "numeric only", tested, seed=seed)


def _violated(rel: sp.Basic, order, values: dict) -> bool:
    """Whether a float64 violation persists at every precision of LADDER."""
    for digits in LADDER:
        with mpmath.workdps(digits):
            a, b = (as_number(evaluate_arrays(side, at_precision(values), True))
                    for side in rel.args)
            if not (isinstance(a, mpmath.mpf) and isinstance(b, mpmath.mpf)) or order(a, b):
                return False
    return True


def formula_property(st, latex: str | None, table: SymbolTable, value_of, *, seed: int = 0,
                     constraints: tuple = (), declared: SymbolTable | None = None
                     ) -> CheckResult:
    """The property check of a formula file (see the module's docstring); ``value_of`` applies
    the formula's definitions to an expression."""
    if latex:
        if (m := PSD.match(latex.strip())):
            from ..read import parse_expression
            value = value_of(parse_expression(m.group("x"), table))
            return check_matrix_property(value, "positive semidefinite", table, seed=seed)
        rels = read_relations(latex, table)
        if not rels:
            raise ParseError("a property is an inequality, a range '\\in [a, b]' or "
                             "'... positive semidefinite'", latex, 0)
        rels = [r if isinstance(r, sp.logic.boolalg.BooleanAtom) else
                _relation(r.func, value_of(r.lhs), value_of(r.rhs)) for r in rels]
        return check_relations(rels, table, seed=seed, constraints=constraints)
    if st.rel != "eq" or not isinstance(st.lhs, sp.Symbol):
        raise ParseError("a property check without latex needs a statement 'name = ...'",
                         st.source, 0)
    decl = next((d for d in (declared or table).decls.values() if d.pyname == st.lhs.name),
                None)
    if decl is None or decl.domain.name not in INTERVALS:
        raise ParseError(f"{st.lhs} has no bounded domain to check", st.source, 0)
    value = value_of(st.rhs)
    what = f"{decl.latex} in {decl.domain.name}"
    if not value.is_commutative or decl.kind in ("vector", "matrix"):
        if decl.domain.integer:  # {0,1} is not the interval [0,1]
            return CheckResult("property", False, f"undecided: the domain {decl.domain.name} of "
                               "a vector or matrix is not checked", "undecided", seed=seed)
        return check_matrix_property(value, what, table, seed=seed,
                                     interval=INTERVALS[decl.domain.name])
    return check_property(domain_relations(value, decl), table, seed=seed,
                          constraints=constraints)


def _relation(func, lhs: sp.Expr, rhs: sp.Expr) -> sp.Basic:
    """lhs func rhs, decided at once where SymPy can; unevaluated for numbers made of vectors
    and matrices (u^T v / (||u|| ||v||) <= 1), which the array check evaluates."""
    if lhs.is_commutative and rhs.is_commutative and not any(
            not s.is_commutative for s in (lhs - rhs).free_symbols):
        return func(lhs, rhs)
    return func(lhs, rhs, evaluate=False)


def property_check(st, check, formula, defs, seed: int) -> CheckResult:
    """The ``property`` check of a formula file, with its definitions and constraints."""
    defs = with_statement(st, defs)
    constraints = tuple(evaluate(parse_condition(c, formula.table), defs)
                        for c in formula.constraints)
    return formula_property(st, check.latex, formula.table, lambda e: evaluate(e, defs),
                            seed=seed, constraints=constraints, declared=formula.symbols)
