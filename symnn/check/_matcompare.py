"""Two sides over matrices and vectors compared at drawn sizes and values (the RNN cells,
vector claims): a float64 disagreement refutes only when it persists at every precision of
LADDER, a "holds" is confirmed at high precision on a draw, a counterexample carries the draw.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from ..read import Row, SymbolTable
from ._matrices import LADDER, TRIALS, as_number, at_precision, draw, evaluate_arrays
from ._results import CheckResult

__all__ = ["matrix_compare", "drawn_values"]


def _gaps(a: object, b: object, mp: bool = False) -> np.ndarray:
    """Componentwise |a - b| / max(1, |a|, |b|); 0 where both are undefined (not compared),
    inf where one only is (never within tolerance). Undefined: not a finite real (NaN or inf
    in float64; at high precision also a complex value, such as the log of a negative)."""
    if mp:
        fa, fb = (np.asarray(x, dtype=object).ravel() for x in (a, b))
        real = [(isinstance(x, mpmath.mpf) and mpmath.isfinite(x),
                 isinstance(y, mpmath.mpf) and mpmath.isfinite(y)) for x, y in zip(fa, fb,
                                                                                strict=True)]
        return np.array([float(abs(x - y) / max(1, abs(x), abs(y))) if rx and ry else
                         0.0 if not (rx or ry) else np.inf
                         for (x, y), (rx, ry) in zip(zip(fa, fb, strict=True), real,
                                                     strict=True)]).reshape(np.shape(a))
    fa, fb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(all="ignore"):
        gap = np.abs(fa - fb) / np.maximum(1.0, np.maximum(np.abs(fa), np.abs(fb)))
    both = ~np.isfinite(fa) & ~np.isfinite(fb)
    return np.where(both, 0.0, np.where(np.isfinite(gap), gap, np.inf))


def _high(lhs: sp.Expr, rhs: sp.Expr, values: dict, digits: int) -> np.ndarray | None:
    """The componentwise gaps at ``digits`` digits, or None when a side cannot be evaluated
    there (a value that is not a real number)."""
    with mpmath.workdps(digits):
        exact = at_precision(values)
        try:
            a, b = (as_number(evaluate_arrays(e, exact, mp=True)) for e in (lhs, rhs))
            return _gaps(a, b, mp=True)
        except (TypeError, ValueError, ZeroDivisionError):
            return None


def drawn_values(values: dict) -> dict[str, object]:
    """The draw, by name (nested lists for arrays, vectors as columns): the counterexample
    reproduces from it alone."""
    return {s.name: np.asarray(v).tolist() if np.ndim(v) else float(v)
            for s, v in sorted(values.items(), key=lambda sv: sv[0].name)}


def _at_ladder(lhs: sp.Expr, rhs: sp.Expr, values: dict) -> tuple[str, tuple | None]:
    """The sides at a draw up LADDER, each precision evaluated once: ("confirmed", None) when
    some precision agrees to its bound (terms near e^400 cancel at 320 digits, not at 50);
    ("differs", (component, gap)) when every precision differs beyond its bound by the same
    amount (relative 1e-6 between 320 and 1200 digits: a difference too small for float64
    that is no rounding); ("open", None) otherwise."""
    gaps = []
    for digits in LADDER:
        gap = _high(lhs, rhs, values, digits)
        if gap is not None and float(np.max(gap, initial=0.0)) <= 10.0 ** (10 - digits):
            return "confirmed", None
        gaps.append(gap)
    if any(g is None for g in gaps):
        return "open", None
    i = np.unravel_index(int(np.argmax(gaps[-1])), np.shape(gaps[-1]))
    top = [float(g[i]) for g in gaps]
    if all(t > 10.0 ** (10 - d) for t, d in zip(top, LADDER, strict=True)) and \
            np.isfinite(top[-1]) and abs(top[1] - top[2]) <= 1e-6 * top[2]:
        return "differs", (i, top[-1])
    return "open", None


def matrix_compare(lhs: sp.Expr, rhs: sp.Expr, table: SymbolTable, *, kind: str = "claim",
                   seed: int = 0) -> CheckResult:
    """lhs == rhs at TRIALS draws of sizes and values; a float64 disagreement refutes only if it
    persists at every precision of LADDER (cancellation is no counterexample), and a "holds" is
    confirmed at 50 digits on a draw; a counterexample names the sizes and the component."""
    rng = np.random.default_rng(seed)
    decls = {d.pyname: d for d in table.decls.values()}
    syms = sorted((s for s in lhs.free_symbols | rhs.free_symbols if isinstance(s, sp.Symbol)),
                  key=lambda s: s.name)  # elements x[i] are drawn with their vector x
    trials, tested = [], 0  # (largest gap, sizes, values, lhs, rhs) per draw; components
    # where both sides are defined
    least = max([int(i) for e in (lhs, rhs) for r in e.atoms(Row) for i in r.args[1:]
                 if i.is_Integer] + [int(i) for e in (lhs, rhs) for x in e.atoms(sp.Indexed)
                                     for i in x.indices if i.is_Integer] + [1])
    for _ in range(TRIALS):
        sizes, values = draw(syms, decls, rng, least)
        with np.errstate(all="ignore"):
            a, b = (as_number(evaluate_arrays(e, values)) for e in (lhs, rhs))
        if np.shape(a) != np.shape(b):
            raise ValueError(f"the sides have shapes {np.shape(a)} and {np.shape(b)} at sizes "
                             f"{sizes}")
        trials.append((float(np.max(_gaps(a, b))), sizes, values, a, b))
        tested += int(np.sum(np.isfinite(np.asarray(a, dtype=float))
                             & np.isfinite(np.asarray(b, dtype=float))))
    # largest float64 gap first: the first that persists at high precision refutes
    vanished = unjudged = 0
    for largest, sizes, values, a, b in sorted(trials, key=lambda t: -t[0]):
        if largest <= 1e-9:
            break
        high = [_high(lhs, rhs, values, d) for d in LADDER]
        if any(h is None for h in high):
            unjudged += 1
            continue
        if any(float(np.max(h)) <= 1e-9 for h in high):
            vanished += 1  # float64 cancellation: agrees at some precision
            continue
        i = np.unravel_index(int(np.argmax(high[-1])), np.shape(high[-1]))
        counterexample = {"point": {k: float(v) for k, v in sizes.items()},
                          "lhs": float(np.asarray(a, dtype=float)[i]),
                          "rhs": float(np.asarray(b, dtype=float)[i]),
                          "case": f"sizes {sizes}, component {tuple(map(int, i))}",
                          "values": drawn_values(values)}
        return CheckResult(kind, False, f"refuted: the sides differ by {largest:.3g} "
                           f"(tolerance 1e-09; confirmed at {LADDER[0]} to {LADDER[-1]} "
                           "digits)", "numeric (matrices)", TRIALS, max_rel_error=largest,
                           counterexample=counterexample, seed=seed, margin=largest / 1e-9)
    if not tested:
        return CheckResult(kind, False, f"undecided: both sides are undefined at every draw "
                           f"({TRIALS} draws): nothing was compared", "undecided", 0, seed=seed)
    first = next(t for t in trials if np.isfinite(np.asarray(t[3], dtype=float)).any())
    state, high = ("open", None) if unjudged else _at_ladder(lhs, rhs, first[2])
    if state == "differs":  # below float64's tolerance, the same at every precision
        sizes, i, gap = first[1], high[0], high[1]
        return CheckResult(kind, False, f"refuted: the sides differ by {gap:.3g} (below float64's "
                           f"tolerance; the same at {LADDER[0]}, {LADDER[1]} and {LADDER[-1]} "
                           "digits)", "numeric (matrices)", TRIALS, max_rel_error=gap,
                           counterexample={"point": {k: float(v) for k, v in sizes.items()},
                                           "lhs": float(np.asarray(first[3], dtype=float)[i]),
                                           "rhs": float(np.asarray(first[4], dtype=float)[i]),
                                           "case": f"sizes {sizes}, component "
                                                   f"{tuple(map(int, i))}",
                                           "values": drawn_values(first[2])}, seed=seed,
                           margin=gap / 1e-9)
    if state != "confirmed":
        return CheckResult(kind, False, f"undecided: equal in float64 at {TRIALS} draws, but "
                           f"not confirmed at {LADDER[0]} to {LADDER[-1]} digits", "undecided",
                           TRIALS, seed=seed)
    worst = max((t[0] for t in trials if t[0] <= 1e-9), default=0.0)
    note = (f"; {vanished} float64 disagreement(s) vanish at high precision (cancellation)"
            if vanished else "")
    return CheckResult(kind, True, f"{TRIALS} draws of sizes (1..4) and values; worst mixed "
                       f"error {worst:.1e}; confirmed at high precision on a draw{note}",
                       "numeric (matrices)", TRIALS, max_rel_error=worst, seed=seed,
                       margin=worst / 1e-9)
