"""``symnn codegen``: a standalone module of verified kernels for the selected formulas.

Per formula (and per variant): the forward function (the statement's right side with its
definitions applied), and for every gradient check the function differentiated and its
derivative; for a formula with a ``[program]`` table the batch forward and backward. Every
docstring carries the cheatsheet's LaTeX, both titles and the verification behind the code.
Formulas with nothing a kernel can compute (expectations, max over a set, undefined
functions) are listed in the module's docstring with the reason. The output depends only on
the catalog, the backend and the seed: two runs give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..catalog import Formula, slug
from ..check import CheckResult, FormulaResult, check_gradient, verify_formula
from ..derive import (
    Definitions,
    batch_derivation,
    cell_tape,
    corrected_definitions,
    definition_groups,
    evaluate,
    gradient_parts,
    simplified,
    with_statement,
)
from ..emit import (
    BACKENDS,
    batch_functions,
    cell_functions,
    doc_text,
    expr_function,
    module_source,
    stabilize,
)
from ..read import parse_expression, parse_statement
from ._figures import error_text

__all__ = ["Generated", "generate", "codegen_source", "Unverified"]

#: Nodes no backend computes elementwise: a formula holding one gets no forward kernel.
_NOT_ELEMENTWISE = (sp.Indexed, sp.Sum, sp.Product, sp.Derivative,
                    sp.core.function.AppliedUndef)


@dataclass
class Generated:
    """The functions made for one formula, or why none could be."""

    formula: Formula
    functions: list[str]
    skipped: list[str]


def _verified(result: CheckResult | FormulaResult) -> str:
    if isinstance(result, FormulaResult):
        error = result.worst_error
        worst = f", worst relative error {error_text(error)}" if error is not None else ""
        return f"symnn verify: {result.status} ({result.how}{worst})"
    error = (f", worst relative error {error_text(result.max_rel_error)}"
             if result.max_rel_error is not None else "")
    state = "passed" if result.ok else "FAILED"
    return f"symnn check: {state}, {result.method}, {result.points} points{error}"


def _doc(formula: Formula, what: str, latex: str, verified: str) -> str:
    """A kernel's docstring; every piece of file text on one line, made safe by doc_text."""
    def line(text: str) -> str:
        return " ".join(doc_text(text).split())

    return (f"{line(formula.title_en)} / {line(formula.title_fr)}: {line(what)}.\n\n"
            f"    LaTeX: {line(latex)}\n"
            f"    Verified: {line(verified)} (seeded; formula file {line(formula.id)}).\n    ")


def _args(expr: sp.Expr) -> list[sp.Symbol]:
    return sorted(expr.free_symbols, key=lambda s: s.name)


def _elementwise(expr: sp.Expr, backend: str) -> str:
    """Why expr cannot be a kernel, or ""."""
    if expr.has(*_NOT_ELEMENTWISE) or expr.atoms(sp.core.function.AppliedUndef):
        return "it holds sums, indexed names, derivatives or undefined functions"
    if not expr.free_symbols:
        return "a constant: nothing to compute"
    try:
        BACKENDS[backend].printer().doprint(expr)
    except Exception as exc:
        return f"the {backend} printer cannot print it ({type(exc).__name__})"
    return ""


def _stable(defs: Definitions) -> Definitions:
    """The definitions with the stable rewrites applied (tanh for the exponential ratio, ...)."""
    return Definitions({k: stabilize(v) for k, v in defs.symbols.items()},
                       {f: (p, stabilize(b)) for f, (p, b) in defs.functions.items()},
                       defs.sources,
                       {x: (p, stabilize(b)) for x, (p, b) in defs.elements.items()})


def generate(formula: Formula, backend: str = "numpy", seed: int = 0,
             result: FormulaResult | None = None) -> Generated:
    """The functions for one formula (verified with ``seed`` unless ``result`` is given)."""
    out = Generated(formula, [], [])
    result = result or verify_formula(formula, seed=seed)
    base = formula.slug
    if formula.program is not None:
        deriv = batch_derivation(formula)
        out.functions = [_with_doc(f, formula, result)
                         for f in batch_functions(deriv, backend=backend)]
        return out
    latex = formula.corrected if formula.expect == "refuted" else formula.latex
    if formula.cell is not None:
        out.functions += [_with_doc(f, formula, result, latex) for f in cell_functions(
            cell_tape(formula), base, formula.title_en, backend)]
    made: set[str] = set()
    for label, printed, checks, _ in definition_groups(formula):
        if label and not _variant_held(result, label):
            out.skipped.append(f"{base}__{slug(label)}: the variant {label!r} is not verified "
                               "(a check of it failed or was undecided)")
            continue
        printed = _stable(printed)
        # an erratum's kernel is its corrected form, with the corrected definitions
        defs = (_stable(corrected_definitions(formula)) if formula.expect == "refuted"
                and not label else printed)
        name = base + (f"__{slug(label)}" if label else "")
        st = parse_statement(latex, formula.table)
        forward = evaluate(st.rhs, defs)
        # a derivative written as a chain of factors: its simplified form is the kernel
        forward = stabilize(simplified(forward) if st.rhs.has(sp.Derivative) else forward)
        why = _elementwise(forward, backend)
        if why:
            out.skipped.append(f"{name}: {why}")
        else:
            what = "the right side" + (f", variant {label}" if label else "")
            columns = ("; vectors are columns, a batch of m is an (n, m) array, and products "
                       "are matrix products") if not forward.is_commutative else ""
            if formula.expect == "refuted":
                out.functions.append(_as_printed(formula, printed, name, what + columns,
                                                 backend))
                what += " in its corrected form (the printed form is refuted)"
            what += columns
            out.functions.append(expr_function(forward, _args(forward), name,
                                               _doc(formula, what, latex, _verified(result)),
                                               backend))
        for check in checks:
            if check.kind != "gradient":
                continue
            scoped = _stable(with_statement(st, defs))
            of, wrt, derived = gradient_parts(check, formula, scoped)
            stated = (evaluate(parse_expression(check.latex, formula.table), scoped)
                      if check.latex else derived)
            why = _elementwise(of, backend) or _elementwise(stated, backend)
            if why:
                out.skipped.append(f"{name}: d {check.of} / d {wrt.name}: {why}")
                continue
            # not a repeat of verify's check: this one judges the stabilized expression the
            # kernel is made of, which is what the docstring vouches for
            checked = check_gradient(of, wrt, stated, formula.table, seed=seed)
            if not checked.ok:
                out.skipped.append(f"{name}: d {check.of} / d {wrt.name}: its kernel is "
                                   f"{checked.verdict} ({checked.detail[:120]})")
                continue
            of_name = f"{name}__{slug(check.of.split('(')[0])}"
            args = _args(of)
            if of_name not in made:
                made.add(of_name)
                out.functions.append(expr_function(
                    stabilize(of), args, of_name,
                    _doc(formula, f"{check.of}, the function differentiated", check.of,
                         "its derivatives below are checked against it"), backend))
            grad = stabilize(stated)
            out.functions.append(expr_function(
                grad, sorted(set(args) | grad.free_symbols, key=lambda s: s.name),
                f"{of_name}__d_{wrt.name}",
                _doc(formula, f"d {check.of} / d {wrt.name}",
                     check.latex or sp.latex(derived), _verified(checked)), backend))
    return out


def _variant_held(result: FormulaResult, label: str) -> bool:
    """Every check of the variant ``label`` passed (an erratum's variants run on the printed
    definitions, which may fail)."""
    mine = [c for c in result.checks if c.kind.endswith(f" [{label}]")]
    return all(c.ok for c in mine)


def _as_printed(formula: Formula, defs: Definitions, name: str, what: str, backend: str) -> str:
    """The refuted printed form, under its own name, for comparison."""
    printed = stabilize(evaluate(parse_statement(formula.latex, formula.table).rhs, defs))
    note = f"{what} AS PRINTED (refuted: {formula.erratum_note})"
    return expr_function(printed, _args(printed), f"{name}__as_printed",
                         _doc(formula, note, formula.latex, "refuted by symnn verify"), backend)


def _with_doc(source: str, formula: Formula, result: FormulaResult,
                    latex: str = "") -> str:
    head, _, rest = source.partition('r"""')
    doc, _, tail = rest.partition('"""')
    what = doc.rstrip(".").split(": ", 1)[-1]
    return (head + 'r"""' + _doc(formula, what, latex or formula.latex, _verified(result))
            + '"""' + tail)


class Unverified(ValueError):
    """A formula refuted or in error was asked for without ``include_refuted``."""


#: the statuses whose kernels a check vouched for: verified, and an erratum (its corrected
#: form verified); refuted, undecided, read only and error get no kernel
_VOUCHED = ("verified", "erratum")


def _raising(formula: Formula, result: FormulaResult) -> Generated:
    """One function that raises: the kernel of a formula symnn refuted or could not verify."""
    name = formula.slug
    why = f"{formula.id} is {result.status} by symnn verify ({result.how})"
    src = (f"def {name}(*args, **kwargs):\n    r\"\"\"{doc_text(' '.join(why.split()))}\"\"\"\n"
           f"    raise ValueError({why!r})\n")
    return Generated(formula, [src], [])


def codegen_source(formulas: list[Formula], backend: str = "numpy", seed: int = 0,
                   include_refuted: bool = False,
                   results: dict[str, FormulaResult] | None = None) -> str:
    """The module's source for ``formulas`` (sorted by id). A formula refuted or in error is
    refused (:class:`Unverified`), or with ``include_refuted`` a function that raises.
    ``results`` (by id) reuse verifications already made instead of verifying again."""
    from .. import __version__  # the package imports this module first

    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; one of {', '.join(BACKENDS)}")
    ordered = sorted(formulas, key=lambda f: f.id)
    known = results or {}
    results = [known.get(f.id) or verify_formula(f, seed=seed) for f in ordered]
    # a formula read only (no semantic check) gets no kernel; it is listed, not refused,
    # unless nothing else is left
    unread = [f"{f.id}: read only, no check vouches for a kernel" for f, r in
              zip(ordered, results, strict=True) if r.status == "read"]
    if unread and len(unread) < len(ordered):
        pairs = [(f, r) for f, r in zip(ordered, results, strict=True) if r.status != "read"]
        ordered, results = [f for f, _ in pairs], [r for _, r in pairs]
    else:
        unread = []
    refused = [f"{f.id} ({r.status})" for f, r in zip(ordered, results, strict=True)
               if r.status not in _VOUCHED]
    if refused and not include_refuted:
        raise Unverified(f"not generated: {', '.join(refused)}; symnn codegen writes only "
                         "kernels a check vouched for (verified formulas, the corrected form "
                         "of an erratum); --include-refuted writes functions that raise")
    made = [_raising(f, r) if r.status not in _VOUCHED else generate(f, backend, seed, r)
            for f, r in zip(ordered, results, strict=True)]
    skipped = unread + [s for g in made for s in g.skipped]
    doc = (f"Kernels generated by symnn {__version__} ({backend}) from "
           f"{len(made)} formula file(s); do not edit: regenerate with `symnn codegen`.\n\n"
           "Every function's docstring gives the formula it computes and how symnn verified it."
           "\nBatch kernels take the statistics over `axes` ((0,) for (m, d); (0, 2, 3) for"
           " (m, c, h, w)).\n")
    if skipped:
        doc += "\nNot generated:\n" + "".join(f"- {s}\n" for s in skipped)
    return module_source([f for g in made for f in g.functions], doc, backend)
