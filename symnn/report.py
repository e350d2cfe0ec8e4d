"""Results as a text table or as JSON (sorted keys, no timestamps: byte-identical reruns)."""

from __future__ import annotations

import json

from .check import CheckResult, FormulaResult

__all__ = ["formula_table", "results_json", "check_text", "claim_json"]

_MARK = {"verified": "verified", "read": "read", "erratum": "ERRATUM", "refuted": "REFUTED",
         "error": "ERROR"}


def _err(value: float | None) -> str:
    return "-" if value is None else f"{value:.1e}"


def results_json(results: list[FormulaResult]) -> str:
    """The ``--json`` document of ``symnn verify``."""
    doc = {"results": [{
        "id": r.id, "title": {"en": r.title_en, "fr": r.title_fr}, "status": r.status,
        "as_expected": r.as_expected, "error": r.error or None, "note": r.note or None,
        "checks": [c.as_dict() for c in r.checks],
        "corrected_checks": [c.as_dict() for c in r.corrected_checks],
    } for r in results]}
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)


def _counterexample(c: CheckResult) -> str:
    ce = c.counterexample or {}
    point = ce.get("case") or ", ".join(f"{k} = {v:.6g}"
                                        for k, v in sorted(ce.get("point", {}).items()))
    return f"at {point}: left {ce.get('lhs', float('nan')):.10g}, right {ce.get('rhs'):.10g}"


def formula_table(results: list[FormulaResult]) -> str:
    """One row per formula, then the details of every formula that is not simply verified."""
    rows = [("id", "title", "status", "how", "worst rel. error", "margin")]
    for r in results:
        status = _MARK[r.status] + ("" if r.as_expected else " (unexpected)")
        margin = "-" if r.worst_margin is None else f"{r.worst_margin:.2g}"
        rows.append((r.id, r.title_en, status, r.how, _err(r.worst_error), margin))
    widths = [min(max(len(row[i]) for row in rows), 44) for i in range(6)]
    lines = ["  ".join(cell[:w].ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for r in results:
        if r.status in ("verified", "read") and r.as_expected:
            continue
        lines.append("")
        lines.append(f"{r.id}: {r.status}" + ("" if r.as_expected else " (not what the file "
                                               "expects)"))
        if r.error:
            lines.extend("  " + line for line in r.error.splitlines())
        if r.note:
            lines.append(f"  note: {r.note.strip()}")
        for label, checks in (("as printed", r.checks), ("corrected", r.corrected_checks)):
            for c in checks:
                if not c.ok or label == "corrected":
                    lines.append(f"  {label}: {c.kind}: {c.detail}")
                    if c.counterexample:
                        lines.append(f"    counterexample {_counterexample(c)}")
    counts = {s: sum(r.status == s for r in results) for s in _MARK}
    lines.append("")
    lines.append(", ".join(f"{n} {s}" for s, n in counts.items()) +
                 f"; {sum(not r.as_expected for r in results)} not as expected")
    return "\n".join(lines)


def check_text(result: CheckResult) -> str:
    """The human answer of ``symnn check``."""
    if result.ok:
        margin = "" if result.margin is None else f", margin {result.margin:.2g} of the tolerance"
        return (f"holds: {result.detail}\n  numeric: {result.points} points, worst relative "
                f"error {_err(result.max_rel_error)}{margin} (seed {result.seed})")
    text = f"REFUTED: {result.detail}"
    if result.counterexample:
        text += f"\n  counterexample {_counterexample(result)}"
    return text


def claim_json(claim: str, result: CheckResult) -> str:
    return json.dumps({"claim": claim, **result.as_dict()}, indent=2, sort_keys=True)
