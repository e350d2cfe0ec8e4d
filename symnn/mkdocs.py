"""An MkDocs plugin: ``plugins: [symnn]`` in mkdocs.yml checks the formulas of your docs.

A fenced block ``symnn`` holds a formula-file path (relative to the page), then optional
``checks: true``, ``derivations: true``, ``code: numpy|jax|torch`` and ``lang: en|fr`` lines; a
fenced block ``symnn-check`` holds a claim in LaTeX, then optional ``assume: ...`` and
``where: ...`` lines (one condition or definition each). Each becomes the same block as the
Sphinx extension's: the statement as ``\\[...\\]`` math in an ``arithmatex`` div (what
pymdownx.arithmatex with ``generic: true`` emits, for MathJax or KaTeX), the status with its
method and worst error, an erratum's note and corrected form.

A refuted formula or claim, or a file that cannot be read, is a warning naming the page, the
formula's id and the counterexample (``mkdocs build --strict`` fails) and an error box on the
page. Everything emitted is HTML-escaped; LaTeX appears only inside the math delimiters.
Options: ``seed`` (0), ``time_limit`` (seconds per formula, 120).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from .report._render import BACKENDS, LANGS, Block, claim_block, formula_block

__all__ = ["SymnnPlugin", "SymnnConfig", "block_html", "FENCE"]

log = get_plugin_logger(__name__)

#: A fenced ```symnn or ```symnn-check block at any indentation.
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*symnn(?P<check>-check)?"
                   r"[ \t]*\n(?P<body>.*?)\n?^(?P=indent)(?P=fence)[ \t]*$",
                   re.MULTILINE | re.DOTALL)
_OPTION = re.compile(r"^(?P<key>assume|where|checks|derivations|code|lang)\s*:\s*(?P<value>.*)$")
_TRUE = {"true", "yes", "1", "on"}


class SymnnConfig(base.Config):
    seed = c.Type(int, default=0)
    time_limit = c.Type((int, float), default=120.0)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _math(latex: str) -> str:
    return f'<div class="arithmatex">\\[{_e(latex)}\\]</div>'


def block_html(block: Block) -> str:
    """The block as HTML; every piece of text in it escaped."""
    w = block.words
    out = [f'<div class="symnn symnn-{_e(block.status)}">']
    if block.title != block.statement:
        out.append(f'<p class="symnn-title"><strong>{_e(block.title)}</strong> '
                   f'({_e(block.id)})</p>')
    if block.statement:
        out.append(_math(block.statement))
    out.append(f'<p class="symnn-status">{_e(block.summary)}</p>')
    if block.note:
        out.append(f"<p><strong>{_e(w['note'])}:</strong> {_e(block.note)}</p>")
    if block.corrected:
        out += [f"<p><strong>{_e(w['corrected'])}:</strong></p>", _math(block.corrected)]
    if block.checks:
        out += [f"<p><strong>{_e(w['checks'])}:</strong></p>", "<ul>"]
        out += [f"<li><code>{_e(kind)}</code> {_e(ok)} ({_e(how)}): {_e(detail)}</li>"
                for kind, ok, how, detail in block.checks]
        out.append("</ul>")
    if block.derivations:
        out.append(f"<p><strong>{_e(w['derivations'])}:</strong></p>")
        for label, latex in block.derivations:
            out += ([f"<p><em>{_e(label)}</em></p>"] if label else []) + [_math(latex)]
    if block.code:
        out.append(f"<p><strong>{_e(w['code'])} ({_e(block.code_backend)}):</strong></p>")
        out.append(f'<pre><code class="language-python">{_e(block.code)}</code></pre>')
    if block.failure:
        out.append('<div class="admonition failure"><p class="admonition-title">symnn</p>'
                   f"<p>{_e(block.failure)}</p></div>")
    out.append("</div>")
    return "\n".join(out)


def _options(lines: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The lines that are not options, and the option lines' values by key."""
    rest: list[str] = []
    options: dict[str, list[str]] = {}
    for line in (ln.strip() for ln in lines):
        m = _OPTION.match(line)
        if m:
            options.setdefault(m.group("key"), []).append(m.group("value").strip())
        elif line:
            rest.append(line)
    return rest, options


class SymnnPlugin(BasePlugin[SymnnConfig]):
    """Replaces each ``symnn`` / ``symnn-check`` fence by its checked block."""

    def __init__(self) -> None:
        self._html: dict[str, str] = {}  # placeholder -> block HTML, filled per page

    def _block(self, m: re.Match, page: Page) -> Block:
        here = Path(page.file.abs_src_path or ".").parent
        rest, opts = _options(m.group("body").splitlines())
        seed, seconds = self.config.seed, float(self.config.time_limit)
        source = page.file.src_uri
        if m.group("check"):
            return claim_block(" ".join(rest), opts.get("assume", []), opts.get("where", []),
                               seed=seed, seconds=seconds, source=source)
        path = rest[0] if rest else ""
        lang = (opts.get("lang") or ["en"])[-1]
        code = (opts.get("code") or [""])[-1]
        bad = ([f"lang: {lang} (one of {', '.join(LANGS)})"] if lang not in LANGS else []) + (
            [f"code: {code} (one of {', '.join(BACKENDS)})"] if code and code not in BACKENDS
            else [])
        if not path or len(rest) > 1 or bad:
            text = f"{source}: a symnn block holds one formula-file path and options " \
                   f"(read {rest!r}{'; bad option ' + ', '.join(bad) if bad else ''})"
            return Block(path or "symnn", path or "symnn", "symnn: ERROR", "error",
                         failure=text, words={})
        return formula_block(here / path, lang=lang, code=code, seed=seed, seconds=seconds,
                             checks=(opts.get("checks") or [""])[-1].lower() in _TRUE,
                             derived=(opts.get("derivations") or [""])[-1].lower() in _TRUE)

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        """Replace each fence by a placeholder paragraph; warn about what does not hold."""
        def replace(m: re.Match) -> str:
            block = self._block(m, page)
            if block.failure:
                log.warning(block.failure)
            key = f"symnn-block-{len(self._html)}-{id(self):x}"
            self._html[key] = block_html(block)
            return f"\n\n{m.group('indent')}{key}\n\n"

        return FENCE.sub(replace, markdown)

    def on_page_content(self, html_: str, /, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        """Put each block's HTML where its placeholder paragraph landed."""
        def put(m: re.Match) -> str:
            return self._html.pop(m.group(1), m.group(0))

        return re.sub(r"<p>(symnn-block-\d+-[0-9a-f]+)</p>", put, html_)

    def on_config(self, config: MkDocsConfig) -> Any:
        self._html.clear()
        return config
