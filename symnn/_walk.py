"""The walk over tokens: masking, groups, powers; the base of the LaTeX reader.

Every construct is translated into *masked text* for the grammar: identifiers and the constructs
the grammar gets wrong become placeholders ``\\omicron_{n}`` standing for ready-made SymPy
objects (holes). Subclasses add the constructs (:mod:`._constructs`) and names (:mod:`._names`).
"""

from __future__ import annotations

import sympy as sp

from . import _grammar
from ._identifiers import is_identifier_start
from ._latex import ParseError, Token, find_close, match_groups, tokenize
from ._notation import (
    BINDERS,
    BUILTIN_FUNCTIONS,
    DROPPED,
    ELLIPSES,
    FRAC_ALIASES,
    HADAMARD_OPS,
    NAME_COMMANDS,
    PASSTHROUGH,
    RELATIONS,
    TRANSPOSE_MARKS,
    Concat,
    Etc,
    hadamard,
)
from ._symbols import SymbolTable

__all__ = ["Walker"]

class Walker:
    """One parse of one source string; placeholders (holes) are shared by its sub-parses."""

    def __init__(self, src: str, table: SymbolTable) -> None:
        self.src = src
        self.table = table
        self.toks = tokenize(src)
        self.braces = match_groups(self.toks, src)
        self.holes: dict[int, sp.Basic] = {}
        self.hole_pos: dict[int, int] = {}
        self.allowed: set[str] = set()  # atoms the source asked for: "E", "pi", "factorial"
        self.bound: dict[str, sp.Symbol] = {}  # index variables bound by an enclosing sum
        self.undeclared: dict[str, int] = {}
        self.names: set[str] = set()

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
        n = len(self.holes)
        self.holes[n] = obj
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
        return next((j for j in self._top_level(k, stop)
                     if self.is_char(j, "+-=") or self.toks[j].text in RELATIONS), stop)

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

    def mask(self, lo: int, hi: int, out: list[tuple[str, int]]) -> None:
        if any(self.toks[k].text in HADAMARD_OPS for k in self._top_level(lo, hi)):
            self.mask_hadamard(lo, hi, out)
            return
        k = lo
        while k < hi:
            k = self.step(k, hi, out)

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

    def mask_hadamard(self, lo: int, hi: int, out: list[tuple[str, int]]) -> None:
        """Terms containing a top-level elementwise product become hadamard(...) holes."""
        start = lo
        for k in [*self._top_level(lo, hi), hi]:
            at_sign = k < hi and self.is_char(k, "+-") and k > lo
            if k == hi or at_sign:
                factors, f0 = [], start
                for j in self._top_level(start, k):
                    if self.toks[j].text in HADAMARD_OPS:
                        factors.append((f0, j))
                        f0 = j + 1
                factors.append((f0, k))
                if len(factors) > 1:
                    out.append((self.hole(hadamard(*[self.parse(a, b) for a, b in factors],
                                                   evaluate=False),
                                          start), self.toks[start].pos))
                else:
                    k2 = start
                    while k2 < k:
                        k2 = self.step(k2, k, out)
                if at_sign:
                    out.append((self.toks[k].text, self.toks[k].pos))
                start = k + 1

    def step(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        """Translate the construct at token k; return the index after it."""
        t = self.toks[k]
        emit = out.append
        if t.text in DROPPED:
            return self.skip_dropped(k)
        if t.text == r"\boxed" or (t.kind == "char" and t.text == "{"):
            lo, end, nxt = self.group(k + 1) if t.text == r"\boxed" else self.group(k)
            return self.grouped(lo, end, nxt, hi, k, out)
        if t.kind == "char" and t.text in "([":
            close = find_close(self.toks, k, hi, self.src)
            parts = self.split_commas(k + 1, close) if t.text == "[" else []
            if len(parts) > 1:  # [u, v]: stacked vectors, as in W_c[a, x]
                stacked = Concat(*[self.parse(a, b) for a, b in parts])
                out.append((self.hole(stacked, k), t.pos))
                return self.power(close + 1, hi, out)
            return self.grouped(k + 1, close, close + 1, hi, k, out)
        if t.text in FRAC_ALIASES:
            return self.fraction(k, hi, out)
        if t.text == r"\sqrt":
            nxt, index = k + 1, ""
            if self.is_char(nxt, "["):
                close = find_close(self.toks, nxt, hi, self.src)
                index, nxt = self.sub_mask(nxt + 1, close), close + 1
            lo, end, nxt = self.group(nxt)
            emit((rf"\sqrt[{index}]{{{self.sub_mask(lo, end)}}}" if index else
                  rf"\sqrt{{{self.sub_mask(lo, end)}}}", t.pos))
            return nxt
        if t.text == r"\underset":  # \underset{a \in A}{\textrm{argmax}} body
            lo, end, nxt = self.group(k + 1)
            nlo, nend, nxt = self.group(nxt)
            word = "".join(x.text for x in self.toks[nlo:nend] if x.kind != "cmd" and
                           x.text not in "{}")
            if word not in BINDERS:
                raise self.error(f"\\underset works with {', '.join(sorted(BINDERS))}", k)
            return self.binder(word, k, nxt, hi, out, (lo, end))
        if t.text in (r"\sum", r"\prod"):
            return self.big_operator(k, hi, out)
        if t.text == r"\nabla":
            return self.nabla(k, hi, out)
        if t.text == r"\begin":
            return self.cases(k, hi, out)
        if t.text == r"\|":
            return self.norm(k, hi, out)
        if t.text in NAME_COMMANDS:
            lo, end, nxt = self.group(k + 1)
            word = "".join(x.text for x in self.toks[lo:end])
            return self.named(word, k, nxt, hi, out)
        if is_identifier_start(t):  # before builtins: \sigma_B is a name, \sigma(z) a call
            return self.identifier(k, hi, out)
        if t.text in BUILTIN_FUNCTIONS:
            return self.named(t.text, k, k + 1, hi, out)
        if t.kind == "digit":
            emit((t.text, t.pos))
            after = self.power(k + 1, hi, out)
            nxt = self.skip_dropped(after)
            if nxt < hi and (self.toks[nxt].text in FRAC_ALIASES or self.toks[nxt].kind == "digit"):
                emit((r" \cdot ", t.pos))  # 2\frac{a}{b} is a product, never a mixed fraction
            return after
        if t.text in ELLIPSES or self.is_ellipsis(k):
            out.append((self.hole(Etc(), k), t.pos))
            return k + (3 if t.text == "." else 1)
        if t.text == r"\#":
            return self.count(k, hi, out)
        if t.kind == "char" and t.text in "+-/|!":
            if t.text == "!":
                self.allowed.add("factorial")
            emit((t.text, t.pos))
            return k + 1
        if t.text in PASSTHROUGH:
            emit((PASSTHROUGH[t.text], t.pos))
            return k + 1
        if t.kind == "char" and t.text in ")]}":
            raise self.error(f"unbalanced '{t.text}': nothing opens it", k)
        if t.kind == "char" and t.text in "^_":
            raise self.error(f"'{t.text}' must follow a name or a group", k)
        if t.text == r"\partial":
            raise self.error(r"\partial outside a derivative fraction", k)
        if t.text in RELATIONS or (t.kind == "char" and t.text in "=<>"):
            raise self.error(f"unexpected relation {t.text!r} inside an expression", k)
        raise self.error(f"unknown command or character {t.text!r}", k)

    def is_ellipsis(self, k: int) -> bool:
        return all(self.is_char(j, ".") for j in (k, k + 1, k + 2))

    def sub_mask(self, lo: int, hi: int) -> str:
        pieces: list[tuple[str, int]] = []
        self.mask(lo, hi, pieces)
        return "".join(p for p, _ in pieces)

    def grouped(self, lo: int, end: int, nxt: int, hi: int, k: int,
                out: list[tuple[str, int]]) -> int:
        """A bracketed group, then an optional transpose or power on it."""
        if lo == end:
            raise self.error("an empty group", k)
        sup = self.superscript(nxt, hi)
        if sup is not None and sup[0] in TRANSPOSE_MARKS:
            out.append((self.hole(sp.transpose(self.parse(lo, end), evaluate=False), k),
                        self.toks[k].pos))
            return sup[1]
        out.append(("(", self.toks[k].pos))
        self.mask(lo, end, out)
        out.append((")", self.toks[end - 1].pos))
        return self.power(nxt, hi, out)

    def superscript(self, k: int, hi: int) -> tuple[str, int, int, int] | None:
        """(canonical text, next, lo, hi) of a superscript at k, or None."""
        if k < hi and self.is_char(k, "^"):
            lo, end, nxt = self.group(k + 1)
            return "".join(x.text for x in self.toks[lo:end]), nxt, lo, end
        return None

    def power(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        """An ordinary power after an atom: ``^{...}`` read as an expression."""
        sup = self.superscript(k, hi)
        if sup is None:
            return k
        text, nxt, lo, end = sup
        if text in TRANSPOSE_MARKS:
            raise self.error("a transpose needs a name or a bracketed group before it", k)
        out.append((f"^{{{self.sub_mask(lo, end)}}}", self.toks[k].pos))
        return nxt

