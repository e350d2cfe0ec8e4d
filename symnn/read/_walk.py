"""The cursor over tokens: groups, brackets, top-level commas and terms, holes; the base of
the LaTeX reader.

Every construct is translated into *masked text* for the grammar: identifiers and the constructs
the grammar gets wrong become placeholders ``\\omicron_{n}`` standing for ready-made SymPy
objects (holes). :mod:`._mask` walks the tokens; :mod:`._calculus`, :mod:`._constructs` and
:mod:`._names` add the constructs and names.
"""

from __future__ import annotations

import sympy as sp

from . import _grammar
from ._latex import ParseError, Token, find_close, match_groups, tokenize
from ._notation import (
    DROPPED,
    RELATIONS,
)
from .symbols import SymbolTable

__all__ = ["Walker"]

class Walker:
    """One parse of one source string; placeholders (holes) are shared by its sub-parses."""

    def __init__(self, src: str, table: SymbolTable) -> None:
        self.src = src
        self.table = table
        self.toks = tokenize(src)
        self.braces = match_groups(self.toks, src)
        self.holes: dict[int, sp.Basic] = {}
        self._hole_of: dict[sp.Basic, int] = {}
        self.hole_pos: dict[int, int] = {}
        self.allowed: set[str] = set()  # atoms the source asked for: "E", "pi", "factorial"
        self.bound: dict[str, sp.Symbol] = {}  # index variables bound by an enclosing sum
        self.undeclared: dict[str, int] = {}
        self.names: set[str] = set()
        self.guessed: set[str] = set()  # letters written together, read as a product (check)
        self.diff_vars: list[sp.Basic] = []  # the variables of the derivative being read

    # -- errors and helpers -------------------------------------------------------------
    def error(self, message: str, k: int | None) -> ParseError:
        pos = len(self.src) if k is None or k >= len(self.toks) else self.toks[k].pos
        return ParseError(message, self.src, pos)

    def tok(self, k: int) -> Token | None:
        return self.toks[k] if k < len(self.toks) else None

    def is_char(self, k: int, chars: str) -> bool:
        t = self.tok(k)
        return t is not None and t.kind == "char" and t.text in chars

    def hole(self, obj: sp.Basic, k: int) -> str:
        # x_k twice is one x_k (d/dx_k); a vector or matrix gets a placeholder per occurrence,
        # whose position orders the products it is in (u^T v = u^T v: v is not before u^T)
        shared = isinstance(obj, sp.Symbol | sp.Indexed) and obj.is_commutative is not False
        if shared and obj in self._hole_of:
            return rf" \omicron_{{{self._hole_of[obj]}}} "
        n = len(self.holes)
        self.holes[n] = obj
        if shared:
            self._hole_of[obj] = n
        self.hole_pos[n] = self.toks[k].pos if k < len(self.toks) else len(self.src)
        return rf" \omicron_{{{n}}} "

    def skip_dropped(self, k: int) -> int:
        while k < len(self.toks) and self.toks[k].text in DROPPED:
            drop_delim = self.toks[k].text in (r"\left", r"\right", r"\middle")
            k += 1
            if drop_delim and self.is_char(k, ".|") and self.toks[k].text == ".":
                k += 1
        return k

    def group(self, k: int) -> tuple[int, int, int]:
        """(lo, hi, next) of the braced group or single token at k."""
        k = self.skip_dropped(k)
        if k >= len(self.toks):
            raise self.error("an argument is missing here", k)
        if self.is_char(k, "{"):
            return k + 1, self.braces[k], self.braces[k] + 1
        return k, k + 1, k + 1

    def paren(self, k: int, stop: int) -> tuple[int, int, int] | None:
        """(lo, hi, next) when a ( or [ group starts at k (after sizing commands), else None."""
        k = self.skip_dropped(k)
        if k < stop and self.is_char(k, "(["):
            close = find_close(self.toks, k, stop, self.src)
            return k + 1, close, close + 1
        return None

    def term_end(self, k: int, stop: int) -> int:
        """Index of the next top-level binary + or - (or stop): the extent of a sum's body."""
        inside, last = {"|": False, r"\|": False}, -2
        for j in self._top_level(k, stop):  # a + or - between bars |a - b| ends nothing
            bar = self.toks[j].text if self.toks[j].text in inside else None
            if bar is not None:
                if not (bar == "|" and last == j - 1):  # ||w|| opens and closes once
                    inside[bar] = not inside[bar]
                last = j if bar == "|" else last
            elif not any(inside.values()) and (self.is_char(j, "+-=") or
                                               self.toks[j].text in RELATIONS):
                return j
        return stop

    def split_commas(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """Token ranges of the top-level comma-separated parts of tokens[lo:hi]."""
        cuts = [j for j in self._top_level(lo, hi) if self.is_char(j, ",")]
        parts = list(zip([lo, *(c + 1 for c in cuts)], [*cuts, hi], strict=True))
        for a, b in parts:
            if a == b:
                raise self.error("an empty argument", a)
        return parts

    # -- the walk -----------------------------------------------------------------------
    def parse(self, lo: int, hi: int) -> sp.Expr:
        """Parse tokens[lo:hi] as one expression (placeholders still in place)."""
        return self.parse_text(lo, hi)[1]

    def parse_text(self, lo: int, hi: int) -> tuple[str, sp.Expr]:
        """The masked text of tokens[lo:hi] and the grammar's reading of it."""
        if lo >= hi:
            raise self.error("an expression is missing here", lo)
        pieces: list[tuple[str, int]] = []
        self.mask(lo, hi, pieces)
        return "".join(p for p, _ in pieces), _grammar.read(pieces, self.src)

    def _top_level(self, lo: int, hi: int) -> list[int]:
        """Token indices outside any group or script (the ``*`` of ``\\pi^*`` is a script)."""
        found, k = [], lo
        while k < hi:
            t = self.toks[k]
            if t.kind == "char" and t.text in "^_" and k + 1 < hi:
                k = self.group(k + 1)[2]
                continue
            if t.kind == "char" and t.text == "{":
                k = self.braces[k] + 1
                continue
            if t.kind == "char" and t.text in "([":
                k = find_close(self.toks, k, hi, self.src) + 1
                continue
            found.append(k)
            k += 1
        return found

    def mask(self, lo: int, hi: int, out: list[tuple[str, int]]) -> None:
        """Append the masked text of tokens[lo:hi] to out (see :class:`._mask.Masker`)."""
        raise NotImplementedError
