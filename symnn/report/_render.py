"""What a formula block says in someone else's docs, shared by the Sphinx extension
(:mod:`symnn.sphinx`) and the MkDocs plugin (:mod:`symnn.mkdocs`).

A :class:`Block` is plain text and LaTeX, no markup: each integration turns it into its own
output (docutils nodes; escaped HTML). Everything in it may come from an untrusted formula file.
Verification goes through :func:`memoized`, one per-process cache keyed by the content hash of
what was verified, and for formula files through symnn's verification cache on disk (the one
``symnn verify`` fills; ``SYMNN_CACHE_DIR`` moves it), so a docs build reuses earlier runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..catalog import BudgetExceeded, CatalogError, Formula, load_formula
from ..check import CheckResult, FormulaResult, ResultCache, check_claim, verify_all
from ..derive import DeriveError, derivations
from ..read import ParseError
from ._figures import error_text
from .codegen import codegen_source

__all__ = ["Block", "formula_block", "claim_block", "memoized", "BACKENDS", "LANGS",
           "split_lines"]

BACKENDS = ("numpy", "jax", "torch")
LANGS = ("en", "fr")
#: Every word a block shows, per language.
WORDS = {
    "en": {"verified": "verified", "read": "read (nothing semantic checked yet)",
           "erratum": "erratum (wrong as printed; the corrected form is verified)",
           "refuted": "REFUTED", "error": "ERROR", "holds": "holds", "status": "symnn",
           "undecided": "UNDECIDED (not verified: see the checks)",
           "worst": "worst relative error", "points": "points", "note": "Note",
           "corrected": "Corrected form", "derivations": "Derived gradients",
           "code": "Generated code", "checks": "Checks", "passed": "passed", "failed": "FAILED",
           "claim": "claim", "unexpected": "not what the file expects"},
    "fr": {"verified": "vérifiée", "read": "lue (rien de sémantique n'est encore vérifié)",
           "erratum": "erratum (fausse telle qu'imprimée ; la forme corrigée est vérifiée)",
           "refuted": "RÉFUTÉE", "error": "ERREUR", "holds": "vraie", "status": "symnn",
           "undecided": "INDÉCISE (non vérifiée : voir les vérifications)",
           "worst": "pire erreur relative", "points": "points", "note": "Remarque",
           "corrected": "Forme corrigée", "derivations": "Gradients dérivés",
           "code": "Code généré", "checks": "Vérifications", "passed": "réussie",
           "failed": "ÉCHEC", "claim": "affirmation", "unexpected": "pas ce que le fichier "
           "attend"},
}

T = TypeVar("T")
_CACHE: dict[tuple, Any] = {}


def memoized(key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, once per process per ``key`` (whose first items are a kind and a content
    hash): the one place a disk cache would plug in."""
    if key not in _CACHE:
        _CACHE[key] = compute()
    return _CACHE[key]


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


@dataclass
class Block:
    """One rendered formula or claim, as text and LaTeX (never markup)."""

    id: str
    title: str
    summary: str  # the status line: status, method, worst error
    status: str  # verified, read, erratum, refuted, error, holds
    statement: str = ""  # LaTeX
    note: str = ""
    corrected: str = ""  # LaTeX
    checks: list[tuple[str, str, str, str]] = field(default_factory=list)  # kind, ok, how, detail
    derivations: list[tuple[str, str]] = field(default_factory=list)  # label, LaTeX
    code: str = ""
    code_backend: str = ""
    failure: str = ""  # why the docs build must fail ("" when all is as expected)
    words: dict[str, str] = field(default_factory=dict)


def _err(value: float | None) -> str:
    return error_text(value)


def counterexample_text(c: CheckResult) -> str:
    """``at z = 0.5: left 1, right 2`` (or the case an enumeration failed at)."""
    ce = c.counterexample or {}
    if ce.get("case"):
        return f"at {ce['case']}"
    point = ", ".join(f"{k} = {v:.6g}" for k, v in sorted(ce.get("point", {}).items()))
    return f"at {point}: left {ce.get('lhs', float('nan')):.10g}, right " \
           f"{ce.get('rhs', float('nan')):.10g}"


def _failing(checks: Sequence[CheckResult], label: str) -> list[str]:
    lines = []
    for c in checks:
        if not c.ok:
            line = f"{label}{c.kind}: {c.detail}"
            if c.counterexample:
                line += f"; counterexample {counterexample_text(c)}"
            lines.append(line)
    return lines


def _summary(result: FormulaResult, w: dict[str, str]) -> str:
    text = f"{w['status']}: {w[result.status]}"
    if result.status == "error":
        return text
    text += f" ({result.how}, {w['worst']} {_err(result.worst_error)})"
    return text if result.as_expected else f"{text}: {w['unexpected']}"


def _row(c: CheckResult, w: dict[str, str]) -> tuple[str, str, str, str]:
    return (c.kind, w["passed"] if c.ok else w["failed"], c.method or "-", c.detail)


def _verified(formula: Formula, seed: int, seconds: float) -> FormulaResult:
    """The formula's result from symnn's verification cache (the one ``symnn verify`` fills),
    else verified in a child process under the budget and cached."""
    return verify_all([formula], seed, seconds=seconds, workers=1, cache=ResultCache())[0]


def formula_block(path: str | Path, *, lang: str = "en", checks: bool = False,
                  code: str = "", derived: bool = False, seed: int = 0,
                  seconds: float = 120.0) -> Block:
    """Verify the formula file at ``path`` (memoized by content) and say what it gives."""
    w = WORDS[lang]
    try:
        formula = load_formula(path)  # regular files only, size-capped (catalog)
        data = Path(path).read_bytes()
    except OSError as exc:
        return _unreadable(str(path), f"{path}: cannot read the formula file ({exc})", w)
    except CatalogError as exc:
        return _unreadable(str(path), f"{path}: not a formula file: {exc}", w)
    digest = _digest(data)
    result: FormulaResult = memoized(("formula", digest, seed, seconds),
                                     lambda: _verified(formula, seed, seconds))
    block = Block(formula.id, formula.title_fr if lang == "fr" else formula.title_en,
                  _summary(result, w), result.status, formula.latex, formula.erratum_note,
                  formula.corrected if formula.expect == "refuted" else "", words=w)
    if checks:
        block.checks = [_row(c, w) for c in result.checks]
        block.checks += [_row(c, w) for c in result.corrected_checks]
    try:
        if derived and result.status != "error":
            block.derivations = [(d.label, d.latex()) for d in memoized(
                ("derivations", digest), lambda: derivations(formula))]
        if code and result.status in ("verified", "erratum"):  # never a refuted kernel
            block.code = memoized(("code", digest, code, seed),
                                  lambda: codegen_source([formula], code, seed,
                                                         results={formula.id: result}))
            block.code_backend = code
    except (ParseError, DeriveError, ValueError) as exc:
        block.failure = f"{path}: formula {formula.id}: {exc}"
    if result.error:
        block.failure = f"{path}: formula {formula.id} could not be verified: {result.error}"
    elif not result.as_expected:
        lines = _failing(result.checks, "") + _failing(result.corrected_checks, "corrected: ")
        block.failure = (f"{path}: formula {formula.id} is {result.status} "
                         f"({w['unexpected']}): " + "; ".join(lines or [result.note]))
    return block


def _unreadable(path: str, message: str, w: dict[str, str]) -> Block:
    return Block(path, path, f"{w['status']}: {w['error']}", "error", failure=message, words=w)


def claim_block(claim: str, assume: Sequence[str] = (), where: Sequence[str] = (), *,
                seed: int = 0, seconds: float = 120.0, source: str = "") -> Block:
    """Check one claim (as ``symnn check`` does; memoized by its text) and say what it gives."""
    w = WORDS["en"]
    key = ("claim", _digest(claim, *assume, "\0where", *where), seed, seconds)
    where_text = f"{source}: " if source else ""
    try:
        result: CheckResult = memoized(key, lambda: check_claim(
            claim, assume, where, seed=seed, seconds=seconds))
    except (ParseError, DeriveError, ValueError, BudgetExceeded) as exc:
        return Block(w["claim"], claim, f"{w['status']}: {w['error']}", "error", claim,
                     failure=f"{where_text}cannot check the claim `{claim}`: {exc}", words=w)
    summary = (f"{w['status']}: {w['holds'] if result.ok else w['refuted']} "
               f"({result.method}, {result.points} {w['points']}, {w['worst']} "
               f"{_err(result.max_rel_error)})")
    block = Block(w["claim"], claim, summary, "holds" if result.ok else "refuted", claim,
                  words=w)
    if not result.ok:
        block.failure = (f"{where_text}claim `{claim}` is refuted: "
                         + "; ".join(_failing([result], "")))
    return block


def split_lines(text: str | None) -> list[str]:
    """Non-empty stripped lines of an option or a block (``assume:``/``where:`` lists)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
