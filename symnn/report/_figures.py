"""Figures that do not depend on the machine's last bits.

An error at rounding level (relative error below ``ROUNDING``) comes from how this CPU and this
NumPy build round exp, log and sums: it differs between machines in its digits, so it is printed
as the power of ten above it, a bound (``< 1e-15``), and so is the margin computed from it.
Larger figures are printed to one significant digit; a margin far beyond the tolerance (a
refutation) as ``> 1e3``. ``--json`` applies the same rule to numbers (a bound is its power of
ten), so pages, tables and JSON are the same bytes on any x86-64 or ARM machine.
"""

from __future__ import annotations

import math

__all__ = ["ROUNDING", "FAR", "bound", "error_text", "margin_text", "rounded", "stable_check"]

#: relative errors at or below this are rounding noise (about 4.5e9 ulps of float64 is far
#: above it; 1e-6 covers rounding amplified by ill-conditioned points, e.g. variance 1e8)
ROUNDING = 1e-6
#: margins at or beyond this are printed as a bound: the check failed by orders of magnitude
FAR = 1e3


def bound(value: float) -> float:
    """The power of ten strictly above ``value`` (> 0), as a float: 3.7e-16 -> 1e-15."""
    return 10.0 ** (math.floor(math.log10(value)) + 1)


def _decade(value: float) -> str:
    return f"< {bound(value):.0e}".replace("e+00", "").replace("e-0", "e-").replace("e+0", "e")


def rounded(value: float) -> float:
    """``value`` to one significant digit (0.62 -> 0.6, 4.4e-05 -> 4e-05)."""
    return float(f"{value:.0e}") if value else 0.0


def _sig1(value: float) -> str:
    return "0" if value == 0 else f"{value:.1g}"


def error_text(rel: float | None) -> str:
    """A relative error for a page or a table."""
    if rel is None:
        return "-"
    if rel == 0:
        return "0"
    return _decade(rel) if rel < ROUNDING else _sig1(rel)


def margin_text(margin: float | None, rel: float | None) -> str:
    """A margin (worst error / tolerance); at rounding level (``rel`` < ROUNDING) a bound."""
    if margin is None:
        return "-"
    if margin == 0:
        return "0"
    if margin >= FAR:
        return "> 1e3"
    if rel is not None and rel < ROUNDING or margin < 1e-2:
        return _decade(margin)
    return _sig1(margin)


def _number(value: float | None, rounding: bool) -> float | None:
    if value is None or value == 0 or not math.isfinite(value):
        return value
    return math.copysign(bound(abs(value)) if rounding else rounded(abs(value)), value)


def _counterexample(ce: dict | None) -> dict | None:
    if not ce:
        return ce
    out = dict(ce)
    for key in ("lhs", "rhs"):
        if isinstance(out.get(key), float) and math.isfinite(out[key]) and out[key]:
            out[key] = float(f"{out[key]:.10g}")
    return out


def json_ready(obj):
    """``obj`` with every non-finite float as the string "inf", "-inf" or "nan": JSON has no
    Infinity or NaN (a float64 overflow in a counterexample is still reported)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, dict):
        return {k: json_ready(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_ready(v) for v in obj]
    return obj


def stable_check(d: dict) -> dict:
    """A check's ``as_dict()`` with machine-independent figures: errors and margins to one
    significant digit, or (at rounding level) the power of ten above them."""
    rel = d.get("max_rel_error")
    noise = rel is not None and rel < ROUNDING
    margin = d.get("margin")
    return {**d, "max_rel_error": _number(rel, noise),
            "max_abs_error": _number(d.get("max_abs_error"), noise),
            "margin": _number(margin, noise or (margin is not None and margin < 1e-2)),
            "counterexample": _counterexample(d.get("counterexample"))}
