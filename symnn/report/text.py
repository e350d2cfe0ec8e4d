"""Results as a text table or as JSON (sorted keys, no timestamps: byte-identical reruns)."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import TextIO

import sympy as sp

from ..catalog import Formula
from ..check import CheckResult, FormulaResult, prove_backward
from ..derive import Moment, Program, Tape, batch_derivation, cell_tape
from ..read import parse_expression
from ._figures import error_text, json_ready, margin_text, stable_check

__all__ = ["formula_table", "row_figures", "results_json", "check_text", "claim_json",
           "backward_text", "moment_latex", "cell_text", "tape_lines"]

_MARK = {"verified": "verified", "read": "read", "erratum": "ERRATUM", "refuted": "REFUTED",
         "undecided": "UNDECIDED", "error": "ERROR"}


def _err(value: float | None) -> str:
    return error_text(value)


def _shown(r: FormulaResult) -> list[CheckResult]:
    """The checks a table row sums up: an erratum as expected by its corrected form's checks
    (the printed form's failure is expected and detailed below the table)."""
    if r.status == "erratum" and r.as_expected and r.corrected_checks:
        return r.corrected_checks
    return r.checks


def row_figures(r: FormulaResult) -> tuple[str, str]:
    """The worst relative error and the worst margin of a formula, machine independent."""
    checks = _shown(r)
    errs = [c.max_rel_error for c in checks if c.max_rel_error is not None]
    margins = [c for c in checks if c.margin is not None]
    worst = max(margins, key=lambda c: c.margin) if margins else None
    return (error_text(max(errs) if errs else None),
            "-" if worst is None else margin_text(worst.margin, worst.max_rel_error))


def results_json(results: list[FormulaResult]) -> str:
    """The ``--json`` document of ``symnn verify``."""
    doc = {"results": [{
        "id": r.id, "title": {"en": r.title_en, "fr": r.title_fr}, "status": r.status,
        "as_expected": r.as_expected, "error": r.error or None, "note": r.note or None,
        "checks": [stable_check(c.as_dict()) for c in r.checks],
        "corrected_checks": [stable_check(c.as_dict()) for c in r.corrected_checks],
    } for r in results]}
    return json.dumps(json_ready(doc), indent=2, sort_keys=True, ensure_ascii=False,
                      allow_nan=False)


def _counterexample(c: CheckResult) -> str:
    ce = c.counterexample or {}
    point = ce.get("case") or ", ".join(f"{k} = {v:.10g}"
                                        for k, v in sorted(ce.get("point", {}).items()))
    drawn = "".join(f"\n    {name} = {value}" for name, value in ce.get("values", {}).items())
    where = f"at {point}: " if point else "(no variable): "  # a claim about constants
    return (f"{where}left {ce.get('lhs', float('nan')):.10g}, right "
            f"{ce.get('rhs'):.10g}{drawn}")


#: the table fits this many columns: the title column gets what the others leave
WIDTH = 100


def _widths(rows: list[tuple[str, ...]]) -> list[int]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    rest = WIDTH - sum(widths) + widths[1] - 2 * (len(widths) - 1)
    widths[1] = max(min(widths[1], rest), 12)
    return widths


def _cut(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[:width - 1] + "~"


#: ANSI escape sequences (CSI ``ESC [ ... m``, OSC ``ESC ] ... BEL``, two-byte ``ESC x``), then
#: every other C0/C1 control character but newline and tab (carriage returns, bells).
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]?|\x9b[0-?]*[ -/]*[@-~]?"
                      r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?"
                      r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without control characters (file text must not drive the terminal)."""
    return _CONTROL.sub("", text)


class PrintableStream:
    """A text stream that drops control characters from everything written to it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(printable(text))

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def formula_table(results: list[FormulaResult]) -> str:
    """One row per formula, then the details of every formula that is not simply verified."""
    rows = [("id", "title", "status", "how", "worst rel. error", "margin")]
    for r in results:
        status = _MARK[r.status] + ("" if r.as_expected else " (unexpected)")
        rows.append((r.id, r.title_en, status, r.how, *row_figures(r)))
    widths = _widths(rows)
    lines = ["  ".join(_cut(cell, w).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
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
    return printable("\n".join(lines))


#: A detail that opens with its own verdict word ("refuted: the sides differ..."), which the
#: answer's first word already says.
_LEADING_VERDICT = re.compile(r"^(?:refuted|proved|undecided)\s*[:;]\s*", re.IGNORECASE)


def check_text(result: CheckResult) -> str:
    """The human answer of ``symnn check`` (the verdict word once, then why), then its
    warnings (names it had to guess)."""
    return "\n".join([_verdict_text(result), *(f"  warning: {w}" for w in result.warnings)])


def _verdict_text(result: CheckResult) -> str:
    result = dataclasses.replace(result, detail=_LEADING_VERDICT.sub("", result.detail))
    if result.ok:
        margin = ("" if result.margin is None else
                  f", margin {margin_text(result.margin, result.max_rel_error)} of the tolerance")
        word = "proved" if result.verdict == "proved" else "holds numerically"
        return (f"{word}: {result.detail}\n  numeric: {result.points} points, worst relative "
                f"error {_err(result.max_rel_error)}{margin} (seed {result.seed})")
    if result.verdict == "undecided":
        return f"UNDECIDED: {result.detail}"
    text = f"REFUTED: {result.detail}"
    if result.counterexample:
        text += f"\n  counterexample {_counterexample(result)}"
    return text


def claim_json(claim: str, result: CheckResult) -> str:
    return json.dumps(json_ready({"claim": claim, **stable_check(result.as_dict())}), indent=2,
                      sort_keys=True, allow_nan=False)


def _program_lines(prog: Program) -> list[str]:
    marks = {"elem": "per sample ", "inv": "per feature", "sum": "sum over i "}
    out = []
    for s in prog.steps:
        body = f"sum_i {s.expr}" if s.kind == "sum" else str(s.expr)
        out.append(f"    [{marks[s.kind]}] {s.name} = {body}")
    return out


def moment_latex(expr: sp.Expr, formula: Formula, elem: set[sp.Symbol], size: sp.Symbol) -> str:
    """Moment form in the formula's own notation: x -> x_i, a moment -> sum over j of x_j."""
    latex = {d.pyname: d.latex for d in formula.table.decls.values()}
    i, j = sp.Symbol("i", integer=True), sp.Symbol("j", integer=True)

    def at(e: sp.Expr, k: sp.Symbol) -> sp.Expr:
        return e.xreplace({x: sp.Indexed(sp.IndexedBase(sp.Symbol(latex.get(x.name, x.name))), k)
                           for x in elem})

    expr = expr.replace(lambda e: isinstance(e, Moment),
                        lambda e: sp.Sum(at(e.args[0], j), (j, 1, size)))
    names = {s: latex.get(s.name, s.name) for s in expr.free_symbols}
    return sp.latex(at(expr, i), symbol_names=names)


def backward_text(formula: Formula) -> str:
    """``symnn derive`` for a formula with a [program] table: the derivation steps of the
    backward pass for symbolic m, the proofs against the stated forms, the batch program."""
    deriv = batch_derivation(formula)
    ctx = deriv.ctx
    lines = ["", "Backward pass for any batch size m, of L = "
             f"{sp.latex(deriv.loss)} (the upstream gradient {ctx.upstream} = dL/dy)"]
    def tex(e: sp.Expr) -> str:
        return moment_latex(e, formula, ctx.elem, ctx.size)

    rules = ", ".join(f"{tex(k)} = {tex(sp.factor(v))}" for k, v in ctx.rules.items())
    for check in formula.checks:
        if check.kind != "backward":
            continue
        wrt = ctx.symbol(check.wrt)
        stated = ctx.read(parse_expression(check.latex, formula.table))
        proofs = prove_backward(deriv, wrt, stated)
        lines += [
            "", f"[d/d{wrt}]",
            f"  1. SymPy differentiates the indexed sum ({sp.count_ops(deriv.raw[wrt])} "
            "operations; Kronecker deltas inside nested sums):",
            f"     {sp.latex(deriv.raw[wrt])}",
            "  2. the deltas summed out, sums over the batch as moments, raw moments written "
            f"with the statistics ({rules}):",
            f"     {tex(sp.factor(deriv.indexed[wrt]))}",
            f"  3. the stated closed form: {check.latex}",
            "     " + "; ".join(f"{route}: {'proved (' + how + ')' if ok else 'NOT proved: ' + how}"
                               for route, (ok, how) in proofs.items())]
    lines += ["", "Batch program (every step O(m d): no m x m intermediate)", "  forward:",
              *_program_lines(deriv.forward), "  backward:", *_program_lines(deriv.backward)]
    if deriv.backward.dropped:
        dropped = ", ".join(str(d.args[0]) for d in deriv.backward.dropped)
        lines.append(f"  sums proved zero by the forward statistics and dropped: sum_i {dropped}")
    lines.append("  derived in " + ", ".join(f"{k} {v:.2f} s" for k, v in deriv.seconds.items()))
    return "\n".join(lines)


class _CellPrinter(sp.StrPrinter):
    """The cell's tapes as text: star for the elementwise product, [u, v], x^T, sum_batch."""

    def _print_hadamard(self, e: sp.Expr) -> str:
        return " * ".join(self.parenthesize(a, 50) for a in e.args)

    def _print_Concat(self, e: sp.Expr) -> str:
        return "[" + ", ".join(self._print(a) for a in e.args) + "]"

    def _print_transpose(self, e: sp.Expr) -> str:
        return f"{self.parenthesize(e.args[0], 1000, strict=True)}^T"

    def _print_BatchSum(self, e: sp.Expr) -> str:
        return f"sum_batch({self._print(e.args[0])})"

    def _print_Block(self, e: sp.Expr) -> str:
        g, k, *parts = e.args
        return f"rows of {self._print(g)} for {self._print(parts[int(k)])}"

    def _print_Mul(self, e: sp.Expr) -> str:
        if e.is_commutative:
            return super()._print_Mul(e)
        coeff = sp.Mul(*(a for a in e.args if a.is_commutative))
        chain = " ".join(self.parenthesize(a, 50) for a in e.args if not a.is_commutative)
        if coeff in (1, -1):
            return chain if coeff == 1 else f"-{chain}"
        return f"{self._print(coeff)} {chain}"


def tape_lines(tape: Tape) -> tuple[list[str], list[str]]:
    """The forward and backward tapes, one assignment per line."""
    printer = _CellPrinter()
    return ([f"{ln.name} = {printer.doprint(ln.expr)}" for ln in tape.forward],
            [f"{ln.name} = {printer.doprint(ln.expr)}" for ln in tape.backward])


def cell_text(formula: Formula) -> str:
    """``symnn derive`` for a formula with a [cell] table: one step's forward and backward
    tapes (reverse mode through the adjoint rules of symnn._tape) and how BPTT uses them."""
    tape = cell_tape(formula)
    forward, backward = tape_lines(tape)
    which = (f"the corrected form {formula.corrected}" if formula.expect == "refuted"
             else "the statement")
    ups = ", ".join(u.name for u in tape.upstream)
    carry = ", ".join(f"{o} -> {i}" for o, i in zip(tape.outputs, tape.inputs[tape.per_step:],
                                                      strict=True))
    return "\n".join([
        "", f"One step of the cell ({which}); vectors are columns, a batch of m is (n, m):",
        "  forward:", *(f"    {ln}" for ln in forward),
        f"  backward (from {ups}; reverse mode: W x gives W^T g and g x^T, [u, v] splits g by "
        "rows, u * v gives g * v, f(u) gives g * f'(u), a bias sums g over the batch):",
        *(f"    {ln}" for ln in backward),
        f"Through time: the state carried to the next step is {carry}; step t's backward gets "
        "the loss's gradient at step t plus what step t + 1 sends back, and each weight's "
        "gradient is the sum of the steps' contributions (checked for T = 1..5)."])
