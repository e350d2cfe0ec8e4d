"""A Sphinx extension: ``extensions = ["symnn.sphinx"]`` checks the formulas of your docs.

``.. symnn-formula:: path/to/formula.toml`` (relative to the document; options ``:checks:``,
``:derivations:``, ``:code: numpy|jax|torch``, ``:lang: en|fr``) renders the printed statement as
Sphinx math (MathJax, KaTeX), the status with its method and worst error, an erratum's note and
corrected form, and optionally the checks, the derived gradients and the generated code.
``.. symnn-check:: LATEX`` (options ``:assume:`` and ``:where:``, one condition or definition a
line) checks a one-line claim as ``symnn check`` does.

A refuted formula or claim, and a file that cannot be read, is a Sphinx error at the
directive's file and line (``sphinx-build -W`` fails) and an error box on the page. Text from a
formula file only ever becomes docutils text, literal or math nodes, never raw HTML.
Config: ``symnn_seed`` (0), ``symnn_time_limit`` (seconds per formula, 120).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from symnn import __version__

from .report._render import BACKENDS, LANGS, Block, claim_block, formula_block, split_lines

__all__ = ["FormulaDirective", "CheckDirective", "block_nodes", "setup"]


def _math(latex: str, docname: str) -> nodes.math_block:
    """Sphinx's own display-math node (what ``.. math::`` makes)."""
    node = nodes.math_block(latex, latex, nowrap=False, number=None, label=None)
    node["docname"] = docname
    return node


def _para(*children: nodes.Node, classes: list[str] | None = None) -> nodes.paragraph:
    return nodes.paragraph("", "", *children, classes=classes or [])


def block_nodes(block: Block, docname: str) -> list[nodes.Node]:
    """The docutils nodes of a rendered block (text, math and literal nodes only)."""
    w = block.words
    box = nodes.container(classes=["symnn", f"symnn-{block.status}"])
    if block.title != block.statement:
        box += _para(nodes.strong(text=block.title), nodes.Text(f" ({block.id})"),
                     classes=["symnn-title"])
    if block.statement:
        box += _math(block.statement, docname)
    box += _para(nodes.Text(block.summary), classes=["symnn-status"])
    if block.note:
        box += _para(nodes.strong(text=f"{w['note']}: "), nodes.Text(block.note))
    if block.corrected:
        box += _para(nodes.strong(text=f"{w['corrected']}:"))
        box += _math(block.corrected, docname)
    if block.checks:
        box += _para(nodes.strong(text=f"{w['checks']}:"))
        items = nodes.bullet_list()
        for kind, ok, how, detail in block.checks:
            items += nodes.list_item("", _para(nodes.literal(text=kind),
                                               nodes.Text(f" {ok} ({how}): {detail}")))
        box += items
    if block.derivations:
        box += _para(nodes.strong(text=f"{w['derivations']}:"))
        for label, latex in block.derivations:
            if label:
                box += _para(nodes.emphasis(text=label))
            box += _math(latex, docname)
    if block.code:
        box += _para(nodes.strong(text=f"{w['code']} ({block.code_backend}):"))
        box += nodes.literal_block(block.code, block.code, language="python")
    if block.failure:
        box += nodes.error("", _para(nodes.Text(block.failure)))
    return [box]


class _Directive(SphinxDirective):
    def _config(self) -> tuple[int, float]:
        return int(self.config.symnn_seed), float(self.config.symnn_time_limit)

    def _emit(self, block: Block) -> list[nodes.Node]:
        out = block_nodes(block, self.env.docname)
        if block.failure:  # logged with the file and line; -W makes it fail the build
            self.reporter.error(block.failure, line=self.lineno)
        return out


class FormulaDirective(_Directive):
    """``.. symnn-formula:: path/to/formula.toml``"""

    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {
        "checks": directives.flag,
        "derivations": directives.flag,
        "code": lambda arg: directives.choice(arg, BACKENDS),
        "lang": lambda arg: directives.choice(arg, LANGS),
    }

    def run(self) -> list[nodes.Node]:
        _, path = self.env.relfn2path(self.arguments[0], self.env.docname)
        self.env.note_dependency(path)  # an edited formula file rebuilds the page
        seed, seconds = self._config()
        return self._emit(formula_block(
            path, lang=self.options.get("lang", "en"), checks="checks" in self.options,
            code=self.options.get("code", ""), derived="derivations" in self.options,
            seed=seed, seconds=seconds))


class CheckDirective(_Directive):
    r"""``.. symnn-check:: \frac{d}{dz}\sigma(z) = a(1-a)`` with ``:where: a = \sigma(z)``"""

    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {"assume": directives.unchanged, "where": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        seed, seconds = self._config()
        claim = " ".join(self.arguments[0].split())
        return self._emit(claim_block(
            claim, split_lines(self.options.get("assume")),
            split_lines(self.options.get("where")), seed=seed, seconds=seconds))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives and the config values."""
    app.add_config_value("symnn_seed", 0, "env", types=[int])
    app.add_config_value("symnn_time_limit", 120.0, "env", types=[int, float])
    app.add_directive("symnn-formula", FormulaDirective)
    app.add_directive("symnn-check", CheckDirective)
    # the directives only read files and make nodes: no shared env data, nothing at write time
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
