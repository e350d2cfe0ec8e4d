"""Constructs the grammar reads wrong, built directly: cases, counts, norms, function
application and ``\\max_a``-style binders."""

from __future__ import annotations

import sympy as sp
from sympy.core.symbol import Str

from . import _grammar
from ._calculus import Calculus, picked
from ._identifiers import is_identifier_start, scan_identifier
from ._notation import (
    BINDERS,
    BUILTIN_FUNCTIONS,
    CASE_RELATIONS,
    INDEX_BINDERS,
    NAME_COMMANDS,
    NORM_ENTRYWISE,
    NORM_OPERATOR,
    Count,
    Norm,
)

__all__ = ["Constructs"]

#: Upright text commands: ``\\mathrm{e}`` is Euler's number whatever an italic e means.
_UPRIGHT = frozenset({r"\textrm", r"\text", r"\mathrm", r"\operatorname"})
#: A space written after an unbracketed argument ends it: ``\\sin x \\, y`` is sin(x) y.
_SPACES = frozenset({r"\,", r"\;", r"\:", r"\ ", r"\quad", r"\qquad"})


#: words before a case condition that are no part of it (``\textrm{if } x > 0``)
_CONNECTIVES = frozenset({"", "if", "si", "when", "where", "for", "pour", "and", "et", "quand",
                          "lorsque", "with", "avec", "où"})


class Constructs(Calculus):
    """Cases, counts, norms, named functions, binders and function calls."""

    def cases(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        lo, end, nxt = self.group(k + 1)
        if "".join(x.text for x in self.toks[lo:end]) != "cases":
            raise self.error("only \\begin{cases} is supported", k)
        close = next((j for j in range(nxt, hi) if self.toks[j].text == r"\end"), None)
        if close is None:
            raise self.error("\\begin{cases} is never ended", k)
        rows, start = [], nxt
        for j in range(nxt, close + 1):
            if j == close or self.toks[j].text == r"\\":
                if j > start:
                    rows.append((start, j))
                start = j + 1
        pieces = []
        for a, b in rows:
            amp = next((j for j in range(a, b) if self.toks[j].text == "&"), None)
            if amp is None:
                raise self.error("each case needs 'value & condition'", a)
            pieces.append((self.parse(a, amp), self.condition(amp + 1, b)))
        lo2, end2, after = self.group(close + 1)
        if "".join(x.text for x in self.toks[lo2:end2]) != "cases":  # \end{case}, \end{matrix}
            raise self.error("\\begin{cases} is closed by \\end{"
                             + "".join(x.text for x in self.toks[lo2:end2]) + "}", close)
        out.append((self.hole(sp.Piecewise(*pieces, evaluate=False), k), self.toks[k].pos))
        return after

    def condition(self, lo: int, hi: int) -> sp.Basic:
        while lo < hi and self.toks[lo].text in (*NAME_COMMANDS, r"\quad", ",", r"\,"):
            if self.toks[lo].text in NAME_COMMANDS:
                _, inner_hi, nxt = self.group(lo + 1)
                word = "".join(x.text for x in self.toks[lo + 2:inner_hi]).lower()
                if word.strip(" ~.,;:") in ("otherwise", "else", "sinon"):  # otherwise,
                    return sp.true
                if word.strip(" ~.,;:") not in _CONNECTIVES:
                    break  # a name in words (\textrm{similarity} \le 1), read as a name
                lo = nxt
            else:
                lo += 1
        while hi > lo and self.toks[hi - 1].text in (",", ".", ";", r"\,", r"\quad"):
            hi -= 1  # the punctuation that ends a case row: x \le -3,
        at = [j for j in self._top_level(lo, hi) if self.toks[j].text in CASE_RELATIONS]
        if len(at) != 1:
            raise self.error("a case condition must be one comparison or 'otherwise'", lo)
        j = at[0]
        return CASE_RELATIONS[self.toks[j].text](self.parse(lo, j), self.parse(j + 1, hi),
                                                 evaluate=False)

    def count(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        """``\\#\\textrm{times took action }a\\textrm{ in state }s``: a count in words, with
        the names it mentions resolved (the rest of the term)."""
        end, words, names, j = self.term_end(k + 1, hi), [], [], k + 1
        while j < end:
            t = self.toks[j]
            if t.text in NAME_COMMANDS:
                lo, gend, j = self.group(j + 1)
                words.append(self.src[self.toks[lo].pos:self.toks[gend - 1].end]
                             if gend > lo else "")
            elif is_identifier_start(t):
                scanned = scan_identifier(self.toks, j, end, self.braces, self.src)
                names.append(self.resolve_value(scanned, scanned.decorations, j))
                words.append(self.src[t.pos:self.toks[scanned.end - 1].end])
                j = scanned.end
            else:
                raise self.error("a count \\# holds text and names only", j)
        label = " ".join(" ".join(words).split())
        if not label:
            raise self.error("\\# needs a description", k)
        out.append((self.hole(Count(Str(label), *names), k), self.toks[k].pos))
        return end

    def norm(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        close = next((j for j in range(k + 1, hi) if self.toks[j].text == r"\|"), None)
        if close is None:
            raise self.error("unbalanced \\|: it is never closed", k)
        inner = self.parse(k + 1, close)
        norm, nxt = self.norm_order(inner, close + 1)
        out.append((self.hole(norm, k), self.toks[k].pos))
        return self.power(nxt, hi, out)

    def norm_order(self, inner: sp.Expr, nxt: int) -> tuple[sp.Expr, int]:
        """The norm of ``inner`` as its subscript after the closing bars says (none: the
        2-norm of a vector; ``_F``: the 2-norm of the entries; ``_p``: the p-norm of a vector,
        the operator p-norm of a matrix), and the token after it."""
        if not self.is_char(nxt, "_"):
            return Norm(inner, sp.Integer(2)), nxt
        lo, end, after = self.group(nxt + 1)
        words = "".join(t.text for t in self.toks[lo:end] if t.text not in NAME_COMMANDS)
        if words.strip("{}") == "F":
            return Norm(inner, sp.Integer(2), NORM_ENTRYWISE), after
        return Norm(inner, self.parse(lo, end), NORM_OPERATOR), after

    def bars(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        """``|x|`` (absolute value; the norm of a declared vector) and ``||w||`` (a norm), so
        that a power may follow: ``\\left|x\\right|^2``."""
        double = self.is_char(self.skip_dropped(k + 1), "|")
        start = self.skip_dropped(k + 1) + 1 if double else k + 1
        close = next((j for j in self._top_level(start, hi) if self.is_char(j, "|")), None)
        if close is None or (double and not self.is_char(self.skip_dropped(close + 1), "|")):
            raise self.error("unbalanced '|': write |x| for an absolute value, \\|x\\| for a "
                             "norm", k)
        end = self.dropped_before(close)
        inner = self.parse(start, end)
        nxt = self.skip_dropped(close + 1) + 1 if double else close + 1
        value: sp.Expr = sp.Abs(inner)
        if double:  # ||w||_1 as \|w\|_1
            value, nxt = self.norm_order(inner, nxt)
        out.append((self.hole(value, k), self.toks[k].pos))
        return self.power(nxt, hi, out)

    def dropped_before(self, j: int) -> int:
        """The end of a range that stops at j, without a sizing command (\\right) before j."""
        while j > 0 and self.toks[j - 1].text in (r"\right", r"\big", r"\Big", r"\bigg",
                                                   r"\Bigg", r"\bigr", r"\Bigr", r"\biggr"):
            j -= 1
        return j

    def binom(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        """``\\binom{n}{k}``: the binomial coefficient."""
        nlo, nhi, nxt = self.group(k + 1)
        klo, khi, nxt = self.group(nxt)
        out.append((self.hole(sp.binomial(self.parse(nlo, nhi), self.parse(klo, khi)), k),
                    self.toks[k].pos))
        return self.power(nxt, hi, out)

    def choose(self, lo: int, end: int, nxt: int, hi: int, k: int,
               out: list[tuple[str, int]]) -> int | None:
        """``{n \\choose k}``: the binomial coefficient; None when the group holds no \\choose."""
        cut = [j for j in self._top_level(lo, end) if self.toks[j].text == r"\choose"]
        if not cut:
            return None
        if len(cut) > 1:
            raise self.error(r"one \choose per group: write \binom{n}{k}", cut[1])
        out.append((self.hole(sp.binomial(self.parse(lo, cut[0]), self.parse(cut[0] + 1, end)),
                              k), self.toks[k].pos))
        return self.power(nxt, hi, out)

    def positive_part(self, lo: int, end: int, nxt: int, hi: int, k: int,
                      out: list[tuple[str, int]]) -> int | None:
        """``(x)_+``, ``[x]_+``, ``\\left(x\\right)_{+}``: max(0, x); None without ``_+``."""
        if not self.is_char(nxt, "_"):
            return None
        slo, send, after = self.group(nxt + 1)
        if [t.text for t in self.toks[slo:send]] != ["+"]:
            raise self.error("a subscript on a bracketed group: only (x)_+ (the positive part) "
                             "is read", nxt)
        out.append((self.hole(sp.Max(0, self.parse(lo, end)), k), self.toks[k].pos))
        return self.power(after, hi, out)

    def filled(self, e: sp.Basic) -> sp.Basic:
        """e with every placeholder replaced by what it stands for (a vector stays a vector)."""
        mapping = _grammar._mapping(self.holes)
        for _ in range(len(self.holes) + 1):
            e, before = e.xreplace(mapping), e
            if e == before:
                break
        return e

    def angle(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        """``\\langle u, v \\rangle``: the inner product u^T v of two vectors (u v of scalars)."""
        depth, close = 0, None
        for j in range(k + 1, hi):
            text = self.toks[j].text
            depth += text == r"\langle"
            if text == r"\rangle":
                if depth == 0:
                    close = j
                    break
                depth -= 1
        if close is None:
            raise self.error(r"\langle is never closed by \rangle", k)
        parts = self.split_commas(k + 1, self.dropped_before(close))
        if len(parts) != 2:
            raise self.error(r"\langle u, v \rangle takes two arguments", k)
        u, v = (self.parse(a, b) for a, b in parts)
        if self.filled(u).is_commutative != self.filled(v).is_commutative:
            raise self.error(r"\langle u, v \rangle of a vector and a scalar: both must be "
                             "vectors (the dot product) or both scalars", k)
        if not self.filled(u).is_commutative:  # its own placeholder, so the order is kept
            u = sp.transpose(u, evaluate=False)
        pos = self.toks[k].pos
        out += [("(", pos), (self.hole(u, parts[0][0]), pos), (r" \cdot ", pos),
                (self.hole(v, parts[1][0]), pos), (")", pos)]
        return self.power(close + 1, hi, out)

    # -- names ----------------------------------------------------------------------------
    def named(self, word: str, k: int, nxt: int, hi: int, out: list[tuple[str, int]]) -> int:
        """A name from \\textrm/\\operatorname or a function command such as \\log, \\max."""
        decl = self.table.get(word) if word.isalpha() else None
        if decl is None and self.is_char(self.skip_dropped(nxt), "_") and word in BINDERS:
            return self.binder(word, k, nxt, hi, out)
        if decl is None and word in (r"\log", "log") and self.is_char(self.skip_dropped(nxt), "_"):
            lo, end, nxt = self.group(self.skip_dropped(nxt) + 1)  # \log_2 x: base 2
            base = self.parse(lo, end)
            return self.apply(lambda x: sp.log(x) / sp.log(base), (1,), word, k, nxt, hi, out)
        if decl is None and word == "softmax":
            return self.softmax(k, nxt, hi, out)
        if decl is None and word in BUILTIN_FUNCTIONS:
            func, arity = BUILTIN_FUNCTIONS[word]
            return self.apply(func, arity, word, k, nxt, hi, out)
        if word == "e" and (decl is None or self.toks[k].text in _UPRIGHT):
            # \mathrm{e}: Euler's number, even when an italic e is a declared name
            self.allowed.add(str(sp.E))
            out.append((self.hole(sp.E, k), self.toks[k].pos))
            return self.power(nxt, hi, out)
        if decl is not None:
            self.names.add(word)
            if decl.kind == "function":
                return self.apply(decl.sympy(), (len(decl.args),), word, k, nxt, hi, out)
            out.append((self.hole(decl.sympy(), k), self.toks[k].pos))
            return self.power(nxt, hi, out)
        if word == "d":
            raise self.error("a differential d outside a derivative fraction", k)
        raise self.error(f"unknown name {word!r}: declare it in the symbol table", k)

    def softmax(self, k: int, nxt: int, hi: int, out: list[tuple[str, int]]) -> int:
        """``\\operatorname{softmax}(z)_i`` of a declared vector z with a size: e^{z_i} over
        the sum of e^{z_k}; anything else is refused with the element form to write."""
        group = self.paren(nxt, hi)
        write = r"write the element, \frac{e^{z_i}}{\sum_j e^{z_j}} (z a declared vector)"
        if group is None:
            raise self.error(f"softmax needs its argument in brackets; {write}", k)
        lo, end, after = group
        decl = None
        if is_identifier_start(self.toks[lo]):
            scanned = scan_identifier(self.toks, lo, end, self.braces, self.src)
            decl = self.table.get(scanned.name()) if scanned.end == end else None
        if decl is not None and not (decl.kind == "vector" and decl.shape):
            decl = None
        sub = self.skip_dropped(after)
        if decl is None or not self.is_char(sub, "_"):
            raise self.error("softmax(z) is read only as an element, softmax(z)_i, of a declared "
                             f"vector z with a size; {write}", k)
        ilo, iend, after = self.group(sub + 1)
        i, j = self.parse(ilo, iend), sp.Dummy("j", integer=True)
        size = decl.shape[0]
        size = sp.Integer(size) if str(size).isdigit() else self._size_symbol(str(size), k)
        if i.is_Integer and (i < 1 or size.is_Integer and i > size):  # softmax(z)_0
            raise self.error(f"index {i} is outside 1..{size} of {decl.latex}", sub)
        self.names.add(decl.latex)
        x = sp.IndexedBase(decl.pyname, real=True)
        value = sp.exp(x[i]) / sp.Sum(sp.exp(x[j]), (j, 1, size))
        out.append((self.hole(value, k), self.toks[k].pos))
        return self.power(after, hi, out)

    def binder(self, word: str, k: int, nxt: int, hi: int, out: list[tuple[str, int]],
               under: tuple[int, int] | None = None) -> int:
        """``\\max_{a \\in A} body``: body is the rest of the term."""
        if under is None:
            lo, end, nxt = self.group(self.skip_dropped(nxt) + 1)
        else:
            lo, end = under
        at = [j for j in range(lo, end) if self.toks[j].text == r"\in"]
        if not at and word in INDEX_BINDERS:
            done = self.index_binder(word, k, lo, end, nxt, hi, out)
            if done is not None:
                return done
        if BINDERS[word] is None:
            raise self.error(f"{word} over a set is not read: write -\\max_{{a \\in A}} (-...), "
                             f"or {word}_i over the elements of a declared vector "
                             f"({word}_i x_i, {word}_{{1 \\le i \\le n}} x_i)", k)
        var_hi = at[0] if at else end
        scanned = scan_identifier(self.toks, lo, var_hi, self.braces, self.src)
        var = self.resolve_value(scanned, scanned.decorations, lo)
        body_end = self.term_end(nxt, hi)
        args = [self.parse(nxt, body_end), var]
        if at:
            args.append(self.parse(at[0] + 1, end))
        out.append((self.hole(BINDERS[word](*args), k), self.toks[k].pos))
        return body_end

    def index_binder(self, word: str, k: int, lo: int, end: int, nxt: int, hi: int,
                     out: list[tuple[str, int]]) -> int | None:
        """``\\max_i x_i`` (i over the declared size its elements pick) or ``\\max_{1 \\le i
        \\le n}``; None when the subscript binds no index (``\\max_a Q(s, a)``: a set max)."""
        les = [j for j in self._top_level(lo, end) if self.toks[j].text in (r"\le", r"\leq")]
        if len(les) not in (0, 2):
            raise self.error(f"write the range under {word} as {word}_{{1 \\le i \\le n}}", lo)
        a, b = (les[0] + 1, les[1]) if les else (lo, end)
        scanned = scan_identifier(self.toks, a, b, self.braces, self.src)
        if scanned.end != b:
            raise self.error(f"expected one index name under {word}", a)
        decl = self.table.get(scanned.name())
        if not les and decl is not None and decl.kind != "index":
            return None
        var = self.index_variable(scanned.name())
        body_end = self.term_end(nxt, hi)
        if body_end == nxt:
            raise self.error(f"{word}_{scanned.name()} applies to nothing", k)
        body = self.parse_bound({scanned.name(): var}, nxt, body_end)
        if les:
            low, high = self.parse(lo, les[0]), self.parse(les[1] + 1, end)
        elif any(var in indices for _, indices in picked(self.unmasked(body))):
            low, high = sp.Integer(1), self.implied_bound(word, [var], body, k)
        else:
            return None
        out.append((self.hole(INDEX_BINDERS[word](body, var, low, high, evaluate=False), k),
                    self.toks[k].pos))
        return body_end

    def apply(self, func: object, arity: tuple[int, ...], word: str, k: int, nxt: int, hi: int,
              out: list[tuple[str, int]]) -> int:
        """``f(a, b)`` with each argument parsed on its own; ``\\log a`` takes the next atom;
        ``\\tanh^2(x)`` is ``(\\tanh x)^2``."""
        power, nxt = self.function_power(word, k, nxt, hi)
        group = self.paren(nxt, hi)
        if group is not None:
            lo, end, after = group
            args = [self.parse(a, b) for a, b in self.split_commas(lo, end)]
        else:
            start = self.skip_dropped(nxt)
            if start >= hi:
                raise self.error(f"{word} needs an argument", k)
            atom: list[tuple[str, int]] = []
            after = self.step(start, hi, atom)
            if self.toks[start].kind == "digit" or is_identifier_start(self.toks[start]):
                first = after
                after = self._juxtaposed(after, hi, atom)  # \sin 2x, \sin xy, \log \pi x
                if after != first and self.toks[first - 1].text == ")":
                    self._ambiguous_call(word, k, start, first, after)
                if after == first and self.toks[first - 1].text == ")" and after < hi and \
                        self.toks[after].text in ("(", "[", r"\left", r"\big", r"\Big"):
                    # \log f(x)(1 - f(x)): the bracket is part of the argument or not
                    close = self.paren(after, hi)
                    end = close[2] if close is not None else after + 1
                    self._ambiguous_call(word, k, start, first, end)
            args = [_grammar.read(atom, self.src)]
        if len(args) not in arity:
            raise self.error(f"{word} takes {' or '.join(map(str, arity))} argument(s), "
                             f"got {len(args)}", k)
        value = func(*args)
        out.append((self.hole(value if power is None else value ** power, k),
                    self.toks[k].pos))
        return self.power(after, hi, out)

    def _ambiguous_call(self, word: str, k: int, start: int, first: int, after: int) -> None:
        """``\\log p(x) q(x)``: the call p(x) and the names after it are one argument or
        not; refused with both readings."""
        a = self.src[self.toks[start].pos:self.toks[first - 1].end]
        b = self.src[self.toks[first].pos:self.toks[after - 1].end]
        raise self.error(f"{word} {a} {b} is ambiguous: write {word}({a} {b}) or "
                         f"{word}({a}) {b}", k)

    def _juxtaposed(self, k: int, hi: int, atom: list[tuple[str, int]]) -> int:
        """Names written right after a number or a name in an unbracketed argument (\\cos
        2\\theta is cos(2 theta), \\sin xy is sin(xy), never sin(x) y); another function's
        name or an operator ends the argument."""
        while True:
            j = self.skip_dropped(k)
            t = self.tok(j)
            if j >= hi or t is None or not is_identifier_start(t) or t.text in BUILTIN_FUNCTIONS \
                    or t.text in NAME_COMMANDS \
                    or any(x.text in _SPACES for x in self.toks[k:j]):  # \sin x \, y
                return k
            atom.append((r" \cdot ", t.pos))
            k = self.step(j, hi, atom)

    def function_power(self, word: str, k: int, nxt: int, hi: int) -> tuple[sp.Expr | None, int]:
        """The power n of ``\\sin^n x`` (a positive integer) and where the argument starts."""
        sup = self.superscript(self.skip_dropped(nxt), hi)
        if sup is None:
            return None, nxt
        _, after, lo, end = sup
        power = self.parse(lo, end)
        if power == -1:
            raise self.error(f"{word}^{{-1}} is ambiguous: write \\frac{{1}}{{{word}(x)}} for "
                             f"the reciprocal, or the inverse function by its name (\\arcsin, "
                             f"\\operatorname{{logit}}, ...)", k)
        if not (power.is_Integer and power > 0):
            raise self.error(f"a power written on {word} must be a positive integer "
                             f"(\\sin^2 x); write ({word}(x))^{{...}} otherwise", k)
        return power, after

