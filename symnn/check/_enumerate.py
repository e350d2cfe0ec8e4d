"""Checks that count or sample instead of sampling a domain: expectations and variances over
declared random symbols (sympy.stats, then Monte Carlo of the lowered kernel), and counts of
sliding-window positions by brute force.
"""

from __future__ import annotations

import functools
import itertools
import re

import numpy as np
import sympy as sp
import sympy.stats as stats

from ..emit import to_numpy
from ..read import SymbolTable, parse_expression
from ._results import CheckResult
from .prove import try_prove

__all__ = ["DISTRIBUTIONS", "check_moment", "check_windows", "MC_SAMPLES", "MC_SIGMAS"]

#: A declared distribution: sympy.stats constructor and NumPy sampler, by name.
DISTRIBUTIONS = {
    "Bernoulli": (lambda name, q: stats.Bernoulli(name, q),
                  lambda rng, q, n: (rng.random(n) < q).astype(float)),
}
#: Monte Carlo: draws per point, and how many standard errors a mean may stray.
MC_SAMPLES = 200_000
MC_SIGMAS = 5.0
MC_POINTS = 6
#: up to this many Bernoulli masks, the kernel's moment is enumerated exactly (2^k outcomes)
EXACT_MASKS = 12


def _random_symbols(expr: sp.Expr, table: SymbolTable, value_of=None
                    ) -> dict[sp.Symbol, tuple[str, sp.Expr]]:
    """The random symbols of expr: (distribution, its parameter, definitions applied by
    ``value_of``: ``Bernoulli(r)`` with ``r = p^2`` defined is Bernoulli(p^2))."""
    out = {}
    for d in table.decls.values():
        if d.distribution and d.sympy() in expr.free_symbols:
            name, arg = re.match(r"^(\w+)\((.+)\)$", d.distribution).groups()
            param = parse_expression(arg, table)
            out[d.sympy()] = (name, value_of(param) if value_of else param)
    return out


def _admissible(constraints: tuple, point: dict) -> bool:
    """Whether every constraint holds at the point (exactly, by SymPy)."""
    values = {s: sp.Float(v) for s, v in point.items()}
    return all(bool(c.xreplace(values)) is True for c in constraints
               if not (c.free_symbols - set(values)))


def check_moment(expr: sp.Expr, stated: sp.Expr, table: SymbolTable, kind: str,
                 seed: int = 0, constraints: tuple = (), value_of=None) -> CheckResult:
    """E[expr] (kind "expectation") or Var[expr] ("variance") over the random symbols equals
    ``stated``: a sympy.stats proof, and Monte Carlo of the lowered expr at sampled points."""
    randoms = _random_symbols(expr, table, value_of)
    if not randoms:
        return CheckResult(kind, False, "no symbol of the expression has a distribution")
    rvs = {s: DISTRIBUTIONS[name][0](s.name, arg) for s, (name, arg) in randoms.items()}
    moment = sp.simplify((stats.E if kind == "expectation" else stats.variance)(
        expr.xreplace(rvs)))
    proved, how = try_prove(moment, stated)
    rng = np.random.default_rng(seed)
    params = set().union(*(arg.free_symbols for _, arg in randoms.values()))
    others = sorted((expr.free_symbols | params) - set(randoms), key=lambda s: s.name)
    decls = {d.pyname: d for d in table.decls.values()}
    kernel = to_numpy(expr, [*others, *randoms])
    target = to_numpy(stated, others)
    worst, counterexample, degenerate = 0.0, None, 0
    gaps = []  # (error / what is tolerated, point, kernel's moment, stated moment) per point
    exact = all(name == "Bernoulli" for name, _ in randoms.values()) and \
        len(randoms) <= EXACT_MASKS
    for _ in range(MC_POINTS):
        found = None
        for _attempt in range(100):  # rare outcomes (q N < 2000) make the error bars unreliable
            point = {s: float(decls[s.name].domain.sample(rng, 1)[0]) for s in others}
            if not _admissible(constraints, point):
                continue  # a point outside the file's constraints is no point of the claim
            qs = [float(arg.subs(point)) for _, arg in randoms.values()]
            found = point, qs
            if all(min(q, 1 - q) * MC_SAMPLES >= 2000 for q in qs):
                break
        if found is None:
            return CheckResult(kind, False, "undecided: no point of the parameters meets the "
                               "constraints in 100 draws: nothing was tested", "undecided",
                               seed=seed)
        point, qs = found
        want = float(target(*point.values()))
        if exact:  # every outcome of the masks, weighted by its probability
            got = _enumerated(kernel, list(point.values()), qs, kind)
            gaps.append((abs(got - want) / (1e-9 * max(1.0, abs(want))), point, got, want))
            continue
        draws = [DISTRIBUTIONS[name][1](rng, q, MC_SAMPLES)
                 for (name, _), q in zip(randoms.values(), qs, strict=True)]
        values = np.asarray(kernel(*point.values(), *draws), dtype=float)
        values = np.broadcast_to(values, (MC_SAMPLES,))
        if kind == "expectation":
            got, se = values.mean(), values.std() / np.sqrt(MC_SAMPLES)
        else:
            centred = values - values.mean()
            got = centred.var(ddof=1)
            n = MC_SAMPLES  # the exact variance of a sample variance (not the delta method,
            # which is 0 for a fair coin): (mu4 - sigma^4 (n - 3)/(n - 1)) / n
            se = np.sqrt(max(np.mean(centred ** 4) - got ** 2 * (n - 3) / (n - 1), 0.0) / n)
        if se == 0:  # every draw gave the same value: no error bar, no evidence either way
            degenerate += 1
            continue
        gaps.append((abs(got - want) / (MC_SIGMAS * se + 1e-12 * max(1.0, abs(want))), point,
                     got, want))
    for gap, point, got, want in gaps:
        if not np.isfinite(gap):  # the kernel or the moment undefined here: no evidence
            degenerate += 1
            continue
        worst = max(worst, gap)
        if gap > 1 and counterexample is None:
            counterexample = {"point": {s.name: v for s, v in point.items()},
                              "lhs": float(got), "rhs": want}
    ok = counterexample is None
    how_kernel = (f"exact enumeration of the kernel over the {2 ** len(randoms)} outcomes of "
                  f"the masks at {MC_POINTS} points" if exact else
                  f"Monte Carlo of the kernel: {MC_POINTS} points x {MC_SAMPLES} draws, within "
                  f"{MC_SIGMAS:g} standard errors")
    detail = (f"sympy.stats: {kind} = {moment}; "
              + ("proved equal to the stated form" if proved else f"not proved ({how})")
              + f"; {how_kernel}" + ("" if ok else " FAILED"))
    if degenerate:
        detail += (f"; {degenerate} point(s) undefined or with a zero standard error (every "
                   "draw equal) count as no evidence")
    if ok and not proved and degenerate == MC_POINTS:
        return CheckResult(kind, False, "undecided: not proved, and no point gave evidence "
                           f"(undefined, or a zero standard error); {detail}", "undecided", 0,
                           seed=seed)
    method = ("sympy.stats + " if proved else "") + ("enumeration" if exact else "Monte Carlo")
    return CheckResult(kind, ok, detail, method, MC_POINTS * (2 ** len(randoms) if exact
                                                              else MC_SAMPLES),
                       counterexample=counterexample, seed=seed, margin=worst)


def _enumerated(kernel, point: list[float], qs: list[float], kind: str) -> float:
    """E or Var of the kernel over every outcome of independent Bernoulli(q) masks."""
    outcomes = np.array(list(itertools.product((0.0, 1.0), repeat=len(qs))))
    q = np.array(qs)
    weights = np.prod(np.where(outcomes == 1.0, q, 1 - q), axis=1)
    values = np.broadcast_to(np.asarray(kernel(*point, *outcomes.T), dtype=float),
                             (len(outcomes),))
    mean = float(np.sum(weights * values))
    return mean if kind == "expectation" else float(np.sum(weights * (values - mean) ** 2))


@functools.lru_cache(maxsize=65536)
def _windows(length: int, window: int, stride: int) -> tuple[int, int]:
    """Positions of the window by counting, and by numpy's sliding_window_view (memoized:
    the 58,400 points of the catalog's check hold 13,140 distinct triples)."""
    counted = len(range(0, length - window + 1, stride))
    view = np.lib.stride_tricks.sliding_window_view(np.zeros(length), window)[::stride]
    return counted, view.shape[0]


def check_windows(rhs: sp.Expr, length: sp.Expr, window: sp.Expr, stride: sp.Expr,
                  ranges: dict[sp.Symbol, tuple[int, int]], constraints: tuple = ()
                  ) -> CheckResult:
    """rhs equals the number of window positions at every integer point of ``ranges`` with
    window <= length (and the formula's constraints); says where it holds when it does not
    hold everywhere. No admissible point is undecided, never a pass."""
    syms = list(ranges)
    f = to_numpy(rhs, syms)
    admissible = to_numpy(sp.And(*constraints), syms) if constraints else None
    sizes = to_numpy(sp.Tuple(length, window, stride), syms)
    total = 0
    counterexample, misses, uneven = None, set(), set()  # uneven: stride does not divide
    for point in itertools.product(*[range(lo, hi + 1) for lo, hi in ranges.values()]):
        n, w, s = (int(v) for v in sizes(*point))
        if w > n or s < 1 or (admissible is not None and not bool(admissible(*point))):
            continue
        counted, viewed = _windows(n, w, s)
        if counted != viewed:
            raise AssertionError(f"brute force disagrees with sliding_window_view at {point}")
        total += 1
        if (n - w) % s:
            uneven.add(point)
        value = float(f(*point))
        if abs(value - counted) >= 1e-9:
            misses.add(point)
            if counterexample is None:
                counterexample = {"point": dict(zip((s_.name for s_ in syms), map(float, point),
                                                    strict=True)),
                                  "lhs": value, "rhs": float(counted)}
    where = ", ".join(f"{s} in [{lo}, {hi}]" for s, (lo, hi) in ranges.items())
    if total == 0:
        return CheckResult("windows", False, f"undecided: no admissible point ({where}, window "
                           "<= length, stride >= 1 and the constraints): nothing was checked",
                           "undecided", 0)
    detail = (f"holds at {total - len(misses)} of {total} points ({where}, window <= length), "
              "counted by brute force and by numpy's sliding_window_view")
    if misses:
        pattern = (f"exactly where the stride {sp.latex(stride)} does not divide "
                   f"{sp.latex(length - window)} (the quotient is not an integer)"
                   if misses == uneven else f"first at {min(misses)}")
        detail += f"; wrong at {len(misses)}: {pattern}"
    return CheckResult("windows", not misses, detail, "enumeration", total,
                       max_abs_error=None, counterexample=counterexample,
                       margin=len(misses) / max(total, 1))
