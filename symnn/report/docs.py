"""``symnn docs``: a page per formula in English and French, built from the proofs.

Each page: the statement as the cheatsheet prints it, what symnn read it as, the derivations,
the check table, the generated code and the plots. Two outputs from the same blocks: Markdown
with ``$$`` math (GitHub, MkDocs) and a static HTML site that works offline (MathML: the
printed LaTeX through latex2mathml, symnn's reading through SymPy's MathML printer; no CDN).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import sympy as sp
from sympy.printing.mathml import mathml

from ..catalog import Formula
from ..check import FormulaResult, verify_formula
from ..derive import DeriveError, batch_derivation, derivations
from ..read import ParseError, parse_statement
from . import _plots
from ._figures import error_text, margin_text
from ._sanitize import sanitize_html
from .codegen import Generated, generate
from .text import cell_text, moment_latex

__all__ = ["STRINGS", "Facts", "build_docs", "formula_facts", "formula_blocks", "to_markdown",
           "to_html", "FORMATS", "md_text"]

FORMATS = ("md", "html")
#: Every word a page shows, per language.
STRINGS = {
    "en": {"printed": "As printed", "read": "What symnn read", "derivations": "Derivations",
           "checks": "Checks", "code": "Generated code (NumPy)", "plots": "Plots",
           "status": "Status", "index": "symnn: the verified catalog", "formula": "Formula",
           "title": "Title", "kind": "check", "ok": "result", "method": "method",
           "points": "points", "error": "worst rel. error", "margin": "margin",
           "pass": "passed", "fail": "FAILED", "nocode": "No kernel", "corrected": "Corrected",
           "note": "Note", "other": "Français", "reading": "Reading", "source": "Source",
           "back": "All formulas", "none": "nothing to derive: no gradient check",
           "verified": "verified", "read_only": "read", "erratum": "erratum",
           "refuted": "refuted", "undecided": "undecided", "error_status": "error"},
    "fr": {"printed": "Tel qu'imprimé", "read": "Ce que symnn a lu", "derivations": "Dérivations",
           "checks": "Vérifications", "code": "Code généré (NumPy)", "plots": "Figures",
           "status": "Statut", "index": "symnn : le catalogue vérifié", "formula": "Formule",
           "title": "Titre", "kind": "vérification", "ok": "résultat", "method": "méthode",
           "points": "points", "error": "pire erreur rel.", "margin": "marge",
           "pass": "réussie", "fail": "ÉCHEC", "nocode": "Pas de noyau", "corrected": "Corrigée",
           "note": "Remarque", "other": "English", "reading": "Lecture", "source": "Source",
           "back": "Toutes les formules", "none": "rien à dériver : aucune vérification de "
           "gradient", "verified": "vérifiée", "read_only": "lue", "erratum": "erratum",
           "refuted": "réfutée", "undecided": "indécise", "error_status": "erreur"},
}
_STATUS = {"verified": "verified", "read": "read_only", "erratum": "erratum",
           "refuted": "refuted", "undecided": "undecided", "error": "error_status"}


@dataclass(frozen=True)
class Block:
    """One piece of a page: h1, h2, p (symnn's own text: **bold**, links), note (a label and
    file text, shown as plain text), tex (display math), sym (a SymPy statement), table,
    code (Python), text (preformatted), img, link."""

    kind: str
    value: object


def _title(formula: Formula, lang: str) -> str:
    return formula.title_fr if lang == "fr" else formula.title_en


def _reading(formula: Formula) -> tuple[str, sp.Basic, sp.Basic] | None:
    st = parse_statement(formula.latex, formula.table)
    return (st.rel or "", st.lhs, st.rhs) if st.lhs is not None else ("", None, st.rhs)


@dataclass(frozen=True)
class Facts:
    """What a page shows that does not depend on its language: worked out once per formula."""

    result: FormulaResult
    derived: list[str]  # LaTeX of each derivation
    code: Generated
    steps: str = ""  # a recurrent cell's forward and backward tapes, as text


def formula_facts(formula: Formula, seed: int = 0, result: FormulaResult | None = None
                  ) -> Facts:
    """The page's facts; ``result`` reuses a verification already made (``symnn verify``'s
    cache), else the formula is verified here."""
    result = verify_formula(formula, seed=seed) if result is None else result
    derived = [d.latex() for d in derivations(formula)]
    if formula.program is not None:
        deriv = batch_derivation(formula)
        ctx = deriv.ctx
        for w, expr in deriv.indexed.items():
            derived.append(rf"\frac{{\partial L}}{{\partial {sp.latex(w)}}} = "
                           + moment_latex(sp.factor(expr), formula, ctx.elem, ctx.size))
    steps = cell_text(formula).strip() if formula.cell is not None else ""
    return Facts(result, derived, generate(formula, seed=seed, result=result), steps)


def formula_blocks(formula: Formula, facts: Facts, lang: str,
                   images: list[str]) -> list[Block]:
    """The page of one formula, as blocks."""
    s, result = STRINGS[lang], facts.result
    out = [Block("h1", _title(formula, lang)),
           Block("status", (s["status"], s[_STATUS[result.status]], result.how)),
           Block("h2", s["printed"]), Block("tex", formula.latex)]
    if formula.corrected:
        out += [Block("p", f"{s['corrected']}:"), Block("tex", formula.corrected),
                *(Block("tex", d) for d in formula.corrected_definitions),
                Block("note", (s["note"], formula.erratum_note))]
    out += [Block("h2", s["read"]), Block("sym", _reading(formula))]
    if formula.reading:
        out.append(Block("note", (s["reading"], formula.reading.strip())))
    out.append(Block("h2", s["derivations"]))
    out += [Block("tex", t) for t in facts.derived]
    if facts.steps:
        out.append(Block("text", facts.steps))
    if not facts.derived and not facts.steps:
        out.append(Block("p", s["none"]))
    out.append(Block("h2", s["checks"]))
    rows = [[s["kind"], s["ok"], s["method"], s["points"], s["error"], s["margin"]]]
    for c in [*result.checks, *result.corrected_checks]:
        rows.append([c.kind, s["pass"] if c.ok else s["fail"], c.method or "-",
                     str(c.points or "-"),
                     error_text(c.max_rel_error), margin_text(c.margin, c.max_rel_error)])
    out.append(Block("table", rows))
    made = facts.code
    out.append(Block("h2", s["code"]))
    if made.functions:
        out.append(Block("code", "\n\n".join(made.functions)))
    for reason in made.skipped:
        out.append(Block("note", (s["nocode"], reason)))
    if images:
        out.append(Block("h2", s["plots"]))
        out += [Block("img", name) for name in images]
    if formula.source:
        out.append(Block("note", (s["source"], formula.source)))
    return out


#: LaTeX from a formula file inside $$ ... $$: nothing in it may end the math or open markup
#: (``$`` closes it; ``<`` and ``>`` would start raw HTML; a line break ends the block).
_MD_MATH = str.maketrans({"$": r"\$", "<": r"\lt ", ">": r"\gt ", "\n": " ", "\r": " "})


def _md_math(latex: str) -> str:
    """LaTeX as one line of Markdown math that stays math (MathJax reads \\lt and \\gt)."""
    return latex.translate(_MD_MATH)


def to_markdown(blocks: list[Block], image_dir: str) -> str:
    """GitHub / MkDocs Markdown with ``$$`` display math."""
    lines: list[str] = []
    for b in blocks:
        if b.kind == "h1":
            lines += [f"# {md_text(str(b.value))}", ""]
        elif b.kind == "h2":
            lines += [f"## {md_text(str(b.value))}", ""]
        elif b.kind == "p":
            lines += [str(b.value), ""]
        elif b.kind == "note":
            label, text = b.value
            lines += [f"{label}: {md_text(text)}", ""]
        elif b.kind == "status":
            label, word, how = b.value
            lines += [f"{label}: **{word}** ({md_text(how)})", ""]
        elif b.kind == "tex":
            lines += ["$$", _md_math(str(b.value)), "$$", ""]
        elif b.kind == "sym":
            lines += ["$$", _sym_latex(b.value), "$$", ""]
        elif b.kind == "table":
            head, *rows = b.value
            lines += ["| " + " | ".join(map(_md_cell, head)) + " |", "|" + "---|" * len(head)]
            lines += ["| " + " | ".join(map(_md_cell, r)) + " |" for r in rows] + [""]
        elif b.kind in ("code", "text"):
            lang = "python" if b.kind == "code" else "text"
            runs = [len(r) for r in re.findall(r"`+", str(b.value))]
            fence = "`" * max(3, 1 + max(runs, default=0))  # longer than any run inside
            lines += [f"{fence}{lang}", str(b.value).rstrip(), fence, ""]
        elif b.kind == "img":
            lines += [f"![{b.value}]({image_dir}/{b.value})", ""]
        elif b.kind == "link":
            text, href = b.value
            lines += [f"[{text}]({href})", ""]
    return "\n".join(lines)


#: Markdown punctuation that can start markup (CommonMark escapes any ASCII punctuation).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&~$:])")
_OWN_LINK = re.compile(r"\[[\w.-]+\]\([\w.-]+\.md\)")


def md_text(text: str) -> str:
    """File text as literal Markdown: on one line, every punctuation mark escaped (no heading,
    link, raw HTML, table cell break or math can start in it)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_cell(text: str) -> str:
    return text if _OWN_LINK.fullmatch(text) else md_text(text)


def _sym_latex(reading: tuple) -> str:
    rel, lhs, rhs = reading
    arrow = {"eq": "=", "assign": r"\leftarrow"}.get(rel, "=")
    return sp.latex(rhs) if lhs is None else f"{sp.latex(lhs)} {arrow} {sp.latex(rhs)}"


def _sym_mathml(reading: tuple) -> str:
    rel, lhs, rhs = reading
    arrow = {"eq": "=", "assign": "&#x2190;"}.get(rel, "=")
    body = mathml(rhs, printer="presentation")
    if lhs is not None:
        body = f"<mrow>{mathml(lhs, printer='presentation')}<mo>{arrow}</mo>{body}</mrow>"
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">{body}</math>'


def _tex_mathml(latex: str) -> str:
    from latex2mathml.converter import convert

    return convert(latex, display="block")


def _inline(text: str) -> str:
    """The little Markdown a page's text uses: **bold** and [text](page.md) links (to the
    page's HTML twin)."""
    out = html.escape(text)
    out = re.sub(r"\[([^\]]+)\]\(([\w.-]+)\.md\)", r'<a href="\2.html">\1</a>', out)
    parts = out.split("**")
    return "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))


_CSS = ("body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:.2rem .5rem}pre{background:#f6f6f6;padding:.8rem;overflow-x:auto}"
        "math[display=block]{margin:1rem 0;font-size:1.2em}img{max-width:100%}")


def to_html(blocks: list[Block], title: str, lang: str, image_dir: str,
            nav: list[tuple[str, str]]) -> str:
    """A standalone HTML page (MathML math, inline CSS, nothing fetched)."""
    parts = [" · ".join(f'<a href="{html.escape(h)}">{html.escape(t)}</a>' for t, h in nav)]
    for b in blocks:
        if b.kind in ("h1", "h2"):
            parts.append(f"<{b.kind}>{html.escape(str(b.value))}</{b.kind}>")
        elif b.kind == "p":
            parts.append(f"<p>{_inline(str(b.value))}</p>")
        elif b.kind == "note":
            label, text = b.value
            parts.append(f"<p>{html.escape(label)}: {html.escape(text)}</p>")
        elif b.kind == "status":
            label, word, how = map(html.escape, b.value)
            parts.append(f"<p>{label}: <strong>{word}</strong> ({how})</p>")
        elif b.kind == "tex":
            parts.append(_tex_mathml(str(b.value)))
        elif b.kind == "sym":
            parts.append(_sym_mathml(b.value))
        elif b.kind == "table":
            head, *rows = b.value
            cells = "".join(f"<th>{html.escape(c)}</th>" for c in head)
            body = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>"
                           for r in rows)
            parts.append(f"<table><tr>{cells}</tr>{body}</table>")
        elif b.kind in ("code", "text"):
            parts.append(f"<pre><code>{html.escape(str(b.value))}</code></pre>")
        elif b.kind == "img":
            parts.append(f'<p><img src="{image_dir}/{b.value}" alt="{b.value}"></p>')
        elif b.kind == "link":
            text, href = b.value
            parts.append(f'<p><a href="{html.escape(href)}">{html.escape(text)}</a></p>')
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>\n"
            + sanitize_html("\n".join(parts)) + "\n</body></html>\n")


def _images(formula: Formula, folder: Path, lang: str) -> list[str]:
    made = [_plots.activation_plot(formula, folder / f"{formula.id}-{lang}-activation.png",
                                   lang),
            _plots.step_error_plot(formula, folder / f"{formula.id}-{lang}-step-error.png",
                                   lang)]
    made += [_plots.holds_map(formula, spec, folder / f"{formula.id}-{lang}-holds-{n}.png", lang)
             for n, spec in enumerate(formula.plots)]
    return [m for m in made if m]


def _facts_or_error(formula: Formula, seed: int, result: FormulaResult | None
                    ) -> Facts | Exception:
    """The page's facts, or the reading or derivation error that keeps it from having them."""
    try:
        return formula_facts(formula, seed, result)
    except (ParseError, DeriveError, ValueError, TypeError, ArithmeticError) as exc:
        return exc


def build_docs(out: Path, formulas: list[Formula], seed: int = 0,
               formats: tuple[str, ...] = FORMATS,
               results: dict[str, FormulaResult] | None = None) -> list[Path]:
    """Write ``out/{en,fr}/{id}.{md,html}``, ``out/{en,fr}/index.*``, ``out/img/*.png`` and
    ``out/index.html``; return the files written. ``results`` (by formula id) are reused
    instead of verifying again; a page whose text is unchanged is not rewritten."""
    formulas = sorted(formulas, key=lambda f: f.id)
    results = results or {}
    facts = {f.id: _facts_or_error(f, seed, results.get(f.id)) for f in formulas}
    written: list[Path] = []

    def write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not (path.is_file() and path.read_text(encoding="utf-8") == text):
            path.write_text(text, encoding="utf-8")
        written.append(path)

    (out / "img").mkdir(parents=True, exist_ok=True)
    for lang in STRINGS:
        s, other = STRINGS[lang], "fr" if lang == "en" else "en"
        rows = [[s["formula"], s["title"], s["status"]]]
        for f in formulas:
            fact = facts[f.id]
            if isinstance(fact, Exception):  # this page says why; the others are built
                blocks = [Block("h1", _title(f, lang)), Block("status", (
                    s["status"], s[_STATUS["error"]], f"{type(fact).__name__}: {fact}")),
                    Block("h2", s["printed"]), Block("tex", f.latex)]
            else:
                images = _images(f, out / "img", lang)
                written += [out / "img" / i for i in images]
                blocks = formula_blocks(f, fact, lang, images)
            nav = [(s["back"], "index.html"), (s["other"], f"../{other}/{f.id}.html")]
            if "md" in formats:
                write(out / lang / f"{f.id}.md", to_markdown(
                    [Block("link", (s["back"], "index.md")), *blocks], "../img"))
            if "html" in formats:
                write(out / lang / f"{f.id}.html", to_html(blocks, _title(f, lang), lang,
                                                           "../img", nav))
            status = "error" if isinstance(fact, Exception) else fact.result.status
            rows.append([f"[{f.id}]({f.id}.md)", _title(f, lang), s[_STATUS[status]]])
        index = [Block("h1", s["index"]), Block("table", rows)]
        if "md" in formats:
            write(out / lang / "index.md", to_markdown(index, "../img"))
        if "html" in formats:
            write(out / lang / "index.html", to_html(
                index, s["index"], lang, "../img", [(s["other"], f"../{other}/index.html")]))
    if "html" in formats:
        write(out / "index.html", to_html(
            [Block("h1", "symnn"), Block("link", ("English", "en/index.html")),
             Block("link", ("Français", "fr/index.html"))], "symnn", "en", "img", []))
    return written
