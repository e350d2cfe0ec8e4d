"""Masking: each construct at a token becomes text for the grammar or a placeholder (a hole)
standing for a ready-made SymPy object; groups, powers, transposes and elementwise products.

:meth:`Masker.step` is the dispatch: it hands derivatives, sums and cases to
:mod:`._calculus` and :mod:`._constructs`, names to :mod:`._names`.
"""

from __future__ import annotations

import sympy as sp

from ._identifiers import is_identifier_start
from ._latex import find_close
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
from ._walk import Walker

__all__ = ["Masker"]


class Masker(Walker):
    """The walk proper: tokens to masked text, construct by construct."""

    def mask(self, lo: int, hi: int, out: list[tuple[str, int]]) -> None:
        if any(self.toks[k].text in HADAMARD_OPS for k in self._top_level(lo, hi)):
            self.mask_hadamard(lo, hi, out)
            return
        k = lo
        while k < hi:
            k = self.step(k, hi, out)

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
            if index.strip().isdigit() and int(index) % 2 == 1 and int(index) > 1:
                # an odd root is the real one, as TeX's reader means it: \sqrt[3]{-8} = -2
                # (SymPy's x^(1/3) is the principal complex root, undefined as a real x < 0)
                inner, n = self.parse(lo, end), int(index)
                out.append((self.hole(sp.sign(inner) * sp.Abs(inner) ** sp.Rational(1, n), k),
                            t.pos))
                return nxt
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
        if t.text == r"\arg":  # \arg\max_i x_i, \arg\min_j: the index of the extremum
            word = self.toks[self.skip_dropped(k + 1)].text if self.skip_dropped(k + 1) < hi \
                else ""
            if word not in (r"\max", r"\min"):
                raise self.error(r"\arg is read only as \arg\max_i or \arg\min_i", k)
            nxt = self.skip_dropped(k + 1) + 1
            if not self.is_char(self.skip_dropped(nxt), "_"):
                raise self.error(f"write the index under \\arg{word}: \\arg{word}_i x_i", k)
            return self.binder("arg" + word[1:], k, nxt, hi, out)
        if t.text in (r"\sum", r"\prod"):
            return self.big_operator(k, hi, out)
        if t.text == r"\nabla":
            return self.nabla(k, hi, out)
        if t.text == r"\begin":
            return self.cases(k, hi, out)
        if t.text == r"\|":
            return self.norm(k, hi, out)
        if t.kind == "char" and t.text == "|":
            return self.bars(k, hi, out)
        if t.text == r"\binom":
            return self.binom(k, hi, out)
        if t.text == r"\langle":
            return self.angle(k, hi, out)
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
        for special in (self.choose, self.positive_part):  # {n \choose k}, (x)_+
            after = special(lo, end, nxt, hi, k, out)
            if after is not None:
                return after
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

