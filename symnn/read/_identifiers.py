"""Identifiers in LaTeX: a base (letter, Greek, accented or font form) and its decorations.

``w_j^{[i]}``, ``x^{< t >}``, ``\\hat{y}_i``, ``s'`` are scanned here into a base and a list of
decorations; :mod:`symnn.parse` decides, through the symbol table, which decorations belong to
the name and which are indices, powers or transposes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._latex import ParseError, Token, match_groups, tokenize
from ._notation import ACCENTS, FONTS, GREEK, NAME_COMMANDS

__all__ = ["Decoration", "Scanned", "scan_identifier", "is_identifier_start", "canonical_name",
           "tokens_text"]

_ORDER = {"_": 0, "'": 1, "^": 2}
#: A word written in a text command: a declared name such as ``\mathrm{TP}``.
_WORD = re.compile(r"^\\(?:textrm|text|mathrm|operatorname|textit|mathit)\{([A-Za-z ]*[A-Za-z])\}$")


@dataclass(frozen=True)
class Decoration:
    """A prime, a subscript or a superscript; ``lo``/``hi`` delimit its tokens (exclusive hi)."""

    kind: str  # "_", "^" or "'"
    text: str  # canonical text of the script, without braces
    lo: int
    hi: int

    @property
    def canonical(self) -> str:
        return "'" if self.kind == "'" else f"{self.kind}{{{self.text}}}"


@dataclass(frozen=True)
class Scanned:
    base: str
    decorations: tuple[Decoration, ...]
    start: int  # token index of the base
    base_end: int  # token index after the base
    end: int  # token index after the last decoration

    def name(self, decorations: tuple[Decoration, ...] | None = None) -> str:
        decos = self.decorations if decorations is None else decorations
        return self.base + "".join(d.canonical for d in sorted(decos, key=lambda d: _ORDER[d.kind]))


def tokens_text(tokens: list[Token], lo: int, hi: int) -> str:
    """Canonical text of tokens[lo:hi]: no spaces except between a command and a letter."""
    out: list[str] = []
    for k in range(lo, hi):
        t = tokens[k].text
        if out and out[-1][-1:].isalpha() and out[-1].startswith("\\") and t[:1].isalpha():
            out.append(" ")
        out.append(t)
    return "".join(out)


def is_identifier_start(tok: Token) -> bool:
    return (tok.kind == "letter" or tok.text in GREEK or tok.text in ACCENTS
            or tok.text in FONTS)


def _group(tokens: list[Token], k: int, braces: dict[int, int], src: str) -> tuple[int, int, int]:
    """The argument at token k: (lo, hi, next) for a braced group or a single token."""
    if k >= len(tokens):
        raise ParseError("expected an argument at the end of the input", src, len(src))
    if tokens[k].text == "{" and tokens[k].kind == "char":
        close = braces[k]
        return k + 1, close, close + 1
    if tokens[k].kind == "char" and tokens[k].text in "=,)]}&^_":
        raise ParseError("a script or argument is missing before this", src, tokens[k].pos)
    return k, k + 1, k + 1


def scan_identifier(tokens: list[Token], k: int, stop: int, braces: dict[int, int],
                    src: str) -> Scanned:
    """Scan the identifier starting at token k (which must satisfy is_identifier_start)."""
    tok = tokens[k]
    if tok.text in ACCENTS or tok.text in FONTS:
        lo, hi, nxt = _group(tokens, k + 1, braces, src)
        inner = tokens_text(tokens, lo, hi)
        if not inner:
            raise ParseError(f"{tok.text} needs an argument", src, tok.pos)
        base = f"{tok.text}{{{inner}}}"
    else:
        base, nxt = tok.text, k + 1
    base_end = nxt
    decos: list[Decoration] = []
    while nxt < stop:
        t = tokens[nxt]
        if t.kind == "char" and t.text == "'":
            decos.append(Decoration("'", "", nxt, nxt + 1))
            nxt += 1
        elif t.kind == "char" and t.text in "_^":
            if nxt + 1 >= stop:
                raise ParseError(f"'{t.text}' needs a script after it", src, t.pos)
            lo, hi, after = _group(tokens, nxt + 1, braces, src)
            if hi == lo + 1 and (tokens[lo].text in NAME_COMMANDS or tokens[lo].text in FONTS) \
                    and after < len(tokens) and tokens[after].text == "{":
                hi = after = braces[after] + 1  # P_\text{start} is P_{\text{start}}
            if lo == hi:
                raise ParseError(f"empty script after '{t.text}'", src, t.pos)
            decos.append(Decoration(t.text, tokens_text(tokens, lo, hi), lo, hi))
            nxt = after
        else:
            break
    return Scanned(base, tuple(decos), k, base_end, nxt)


def canonical_name(latex: str) -> str:
    """The canonical spelling of a declared name, so ``x_i`` and ``x_{i}`` are one key.

    A plain word (``ReLU``) is its own canonical name: it is how ``\\operatorname{ReLU}`` and
    ``\\textrm{ReLU}`` are looked up.
    """
    text = latex.strip()
    if text.isascii() and text.isalpha() and len(text) > 1:
        return text
    word = _WORD.match(text)
    if word:  # \mathrm{BP}, \textrm{bleu score}: looked up as the word's letters
        return word.group(1).replace(" ", "")
    tokens = tokenize(text)
    if not tokens or not is_identifier_start(tokens[0]):
        raise ParseError(f"{latex!r} is not an identifier", latex, 0)
    braces = match_groups(tokens, text)
    scanned = scan_identifier(tokens, 0, len(tokens), braces, text)
    if scanned.end != len(tokens):
        raise ParseError(f"{latex!r} is not a single identifier", latex, tokens[scanned.end].pos)
    return scanned.name()
