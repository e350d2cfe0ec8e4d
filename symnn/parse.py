"""LaTeX -> SymPy through a strict notation layer.

Every identifier is resolved through the formula's symbol table and *masked* as a placeholder
before latex2sympy2_extended sees the string, so the grammar reads only arithmetic: no letter
soup, no lower-casing, no EulerGamma. Constructs the grammar gets wrong (function application,
derivatives, sums over indexed bodies, transposes, Hadamard products, cases, ``\\max_a``) are
built here directly and enter the string as placeholders too. After the grammar, strict checks
account for every placeholder and forbid atoms the source did not ask for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy as sp

from . import _grammar
from ._identifiers import Scanned, canonical_name, is_identifier_start, scan_identifier
from ._latex import ParseError, Token, find_close, match_groups, tokenize
from ._notation import (
    BINDERS,
    BUILTIN_FUNCTIONS,
    CONSTANTS,
    DROPPED,
    FRAC_ALIASES,
    HADAMARD_OPS,
    NAME_COMMANDS,
    PASSTHROUGH,
    RELATIONS,
    TRANSPOSE_MARKS,
    Expectation,
    Norm,
    SetSum,
    hadamard,
)
from ._symbols import Decl, SymbolTable

__all__ = ["Statement", "parse_statement", "parse_expression", "ParseError"]

#: In auto mode (``symnn check``) these undeclared names followed by ``(`` are functions.
_CONVENTIONAL_FUNCTIONS = frozenset({"f", "g", "h", "L", "J", r"\ell", r"\mathcal{L}"})
_INDEX_SCRIPT = re.compile(r"^(\[.*\]|<.*>|\\langle.*\\rangle|\(.*[A-Za-z].*\)|\*|\\ast|')$")


@dataclass(frozen=True)
class Statement:
    """A parsed formula: ``lhs rel rhs`` (rel is "eq" or "assign") or a bare expression."""

    source: str
    rhs: sp.Expr
    lhs: sp.Expr | None = None
    rel: str | None = None
    crosscheck: str = "n/a"
    names: frozenset[str] = field(default_factory=frozenset)


class _Reader:
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
        while k < stop:
            t = self.toks[k]
            if t.kind == "char" and t.text == "{":
                k = self.braces[k] + 1
                continue
            if t.kind == "char" and t.text in "([":
                k = find_close(self.toks, k, stop, self.src) + 1
                continue
            if t.kind == "char" and t.text in "+-=" or t.text in RELATIONS:
                return k
            k += 1
        return stop

    def split_commas(self, lo: int, hi: int) -> list[tuple[int, int]]:
        parts, start, k = [], lo, lo
        while k < hi:
            t = self.toks[k]
            if t.kind == "char" and t.text == "{":
                k = self.braces[k] + 1
                continue
            if t.kind == "char" and t.text in "([":
                k = find_close(self.toks, k, hi, self.src) + 1
                continue
            if t.kind == "char" and t.text == ",":
                parts.append((start, k))
                start = k + 1
            k += 1
        parts.append((start, hi))
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
            nxt = self.skip_dropped(k + 1)
            if nxt < hi and (self.toks[nxt].text in FRAC_ALIASES or self.toks[nxt].kind == "digit"):
                emit((r" \cdot ", t.pos))  # 2\frac{a}{b} is a product, never a mixed fraction
            return k + 1
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

    # -- fractions and derivatives ------------------------------------------------------
    def differential(self, lo: int, hi: int) -> tuple[str, int] | None:
        """If tokens[lo:hi] start with d, \\partial or \\mathrm{d}: (kind, index after it)."""
        t = self.tok(lo)
        if t is None or lo >= hi:
            return None
        if t.text == r"\partial":
            return "partial", lo + 1
        if t.kind == "letter" and t.text == "d" and self.table.get("d") is None:
            return "d", lo + 1
        if t.text in NAME_COMMANDS and self.is_char(lo + 1, "{") and self.braces[lo + 1] == lo + 3 \
                and self.toks[lo + 2].text == "d":
            return "d", lo + 4
        return None

    def fraction(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        nlo, nhi, nxt = self.group(k + 1)
        dlo, dhi, nxt = self.group(nxt)
        num, den = self.differential(nlo, nhi), self.differential(dlo, dhi)
        if num is None or den is None:
            out.append((rf"\frac{{{self.sub_mask(nlo, nhi)}}}{{{self.sub_mask(dlo, dhi)}}}",
                        self.toks[k].pos))
            return nxt
        order, body = 1, num[1]
        sup = self.superscript(body, nhi)
        if sup is not None:
            if not sup[0].isdigit():
                raise self.error("the order of a derivative must be a number", body)
            order, body = int(sup[0]), sup[1]
        var_lo = den[1]
        if var_lo >= dhi or not is_identifier_start(self.toks[var_lo]):
            raise self.error("expected the variable of differentiation here", var_lo)
        scanned = scan_identifier(self.toks, var_lo, dhi, self.braces, self.src)
        decos = scanned.decorations
        if order > 1 and decos and decos[-1].kind == "^" and decos[-1].text == str(order):
            decos = decos[:-1]
        var = self.resolve_value(scanned, decos, var_lo)
        if scanned.end != dhi and scanned.decorations == decos:
            raise self.error("unexpected text after the variable of differentiation",
                             scanned.end)
        if not isinstance(var, sp.Symbol | sp.Indexed):
            raise self.error("one can differentiate only with respect to a variable", var_lo)
        if body < nhi:  # \frac{\partial L}{\partial w}
            target = self.parse(body, nhi)
        else:  # operator form \frac{d}{dz} (...): applies to the rest of the term
            end = self.term_end(nxt, hi)
            if end == nxt:
                raise self.error("this derivative operator applies to nothing", k)
            target, nxt = self.parse(nxt, end), end
        out.append((self.hole(sp.Derivative(target, (var, order)), k), self.toks[k].pos))
        return nxt

    def nabla(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        """``\\nabla_w F``: the gradient of the rest of the term with respect to w."""
        if not self.is_char(k + 1, "_"):
            raise self.error("write the variable of the gradient: \\nabla_w", k)
        lo, end, nxt = self.group(k + 2)
        scanned = scan_identifier(self.toks, lo, end, self.braces, self.src)
        var = self.resolve_value(scanned, scanned.decorations, lo)
        body_end = self.term_end(nxt, hi)
        if body_end == nxt:
            raise self.error("this gradient applies to nothing", k)
        out.append((self.hole(sp.Derivative(self.parse(nxt, body_end), var), k),
                    self.toks[k].pos))
        return body_end

    # -- sums, products, cases, norms ---------------------------------------------------
    def big_operator(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        """``\\sum_{i=1}^{m} body`` (body: the rest of the term); ``\\sum_{s \\in S}``."""
        op = self.toks[k].text
        nxt = self.skip_dropped(k + 1)
        if not self.is_char(nxt, "_"):
            raise self.error(f"{op} needs a subscript naming its index", k)
        lo, end, nxt = self.group(nxt + 1)
        upper = None
        sup = self.superscript(self.skip_dropped(nxt), hi)
        if sup is not None:
            upper, nxt = (sup[2], sup[3]), sup[1]
        eq = [j for j in range(lo, end) if self.toks[j].text in ("=", r"\in")]
        var_end = eq[0] if eq else end
        if var_end == lo or not is_identifier_start(self.toks[lo]):
            raise self.error("expected the summation index here", lo)
        name = scan_identifier(self.toks, lo, var_end, self.braces, self.src).name()
        decl = self.table.get(name)
        var = (decl.sympy() if decl is not None and decl.kind in ("index", "scalar")
               else sp.Symbol(_pyname_for_bound(name), integer=True))
        self.names.add(name)
        body_end = self.term_end(nxt, hi)
        saved = self.bound.get(name)
        self.bound[name] = var
        try:
            body = self.parse(nxt, body_end)
        finally:
            if saved is None:
                self.bound.pop(name)
            else:
                self.bound[name] = saved
        if eq and self.toks[eq[0]].text == r"\in":
            if op != r"\sum" or upper is not None:
                raise self.error("only \\sum ranges over a set", k)
            result = SetSum(body, var, self.parse(eq[0] + 1, end))
        else:
            if not eq or upper is None:
                raise self.error(f"{op} needs bounds such as _{{i=1}}^{{m}}", k)
            bounds = (var, self.parse(eq[0] + 1, end), self.parse(*upper))
            result = (sp.Sum if op == r"\sum" else sp.Product)(body, bounds)
        out.append((self.hole(result, k), self.toks[k].pos))
        return body_end

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
        _, _, after = self.group(close + 1)
        out.append((self.hole(sp.Piecewise(*pieces), k), self.toks[k].pos))
        return after

    def condition(self, lo: int, hi: int) -> sp.Basic:
        while lo < hi and self.toks[lo].text in (*NAME_COMMANDS, r"\quad", ",", r"\,"):
            if self.toks[lo].text in NAME_COMMANDS:
                _, inner_hi, nxt = self.group(lo + 1)
                word = "".join(x.text for x in self.toks[lo + 2:inner_hi]).lower()
                if word in ("otherwise", "else", "sinon"):
                    return sp.true
                lo = nxt
            else:
                lo += 1
        ops = {"<": sp.Lt, ">": sp.Gt, r"\le": sp.Le, r"\leq": sp.Le, r"\ge": sp.Ge,
               r"\geq": sp.Ge, r"\neq": sp.Ne, "=": sp.Eq}
        at = [j for j in self._top_level(lo, hi) if self.toks[j].text in ops]
        if len(at) != 1:
            raise self.error("a case condition must be one comparison or 'otherwise'", lo)
        j = at[0]
        return ops[self.toks[j].text](self.parse(lo, j), self.parse(j + 1, hi))

    def norm(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        close = next((j for j in range(k + 1, hi) if self.toks[j].text == r"\|"), None)
        if close is None:
            raise self.error("unbalanced \\|: it is never closed", k)
        inner, nxt, p = self.parse(k + 1, close), close + 1, sp.Integer(2)
        if self.is_char(nxt, "_"):
            lo, end, nxt = self.group(nxt + 1)
            p = self.parse(lo, end)
        out.append((self.hole(Norm(inner, p), k), self.toks[k].pos))
        return self.power(nxt, hi, out)

    # -- names ----------------------------------------------------------------------------
    def named(self, word: str, k: int, nxt: int, hi: int, out: list[tuple[str, int]]) -> int:
        """A name from \\textrm/\\operatorname or a function command such as \\log, \\max."""
        decl = self.table.get(word) if word.isalpha() else None
        if decl is None and self.is_char(self.skip_dropped(nxt), "_") and word in BINDERS:
            return self.binder(word, k, nxt, hi, out)
        if decl is None and word in BUILTIN_FUNCTIONS:
            func, arity = BUILTIN_FUNCTIONS[word]
            return self.apply(func, arity, word, k, nxt, hi, out)
        if decl is not None:
            self.names.add(word)
            if decl.kind == "function":
                return self.apply(decl.sympy(), (len(decl.args),), word, k, nxt, hi, out)
            out.append((self.hole(decl.sympy(), k), self.toks[k].pos))
            return self.power(nxt, hi, out)
        if word == "d":
            raise self.error("a differential d outside a derivative fraction", k)
        raise self.error(f"unknown name {word!r}: declare it in the symbol table", k)

    def binder(self, word: str, k: int, nxt: int, hi: int, out: list[tuple[str, int]],
               under: tuple[int, int] | None = None) -> int:
        """``\\max_{a \\in A} body``: body is the rest of the term."""
        if under is None:
            lo, end, nxt = self.group(self.skip_dropped(nxt) + 1)
        else:
            lo, end = under
        at = [j for j in range(lo, end) if self.toks[j].text == r"\in"]
        var_hi = at[0] if at else end
        scanned = scan_identifier(self.toks, lo, var_hi, self.braces, self.src)
        var = self.resolve_value(scanned, scanned.decorations, lo)
        body_end = self.term_end(nxt, hi)
        args = [self.parse(nxt, body_end), var]
        if at:
            args.append(self.parse(at[0] + 1, end))
        out.append((self.hole(BINDERS[word](*args), k), self.toks[k].pos))
        return body_end

    def apply(self, func: object, arity: tuple[int, ...], word: str, k: int, nxt: int, hi: int,
              out: list[tuple[str, int]]) -> int:
        """``f(a, b)`` with each argument parsed on its own; ``\\log a`` takes the next atom."""
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
            args = [_grammar.read(atom, self.src)]
        if len(args) not in arity:
            raise self.error(f"{word} takes {' or '.join(map(str, arity))} argument(s), "
                             f"got {len(args)}", k)
        out.append((self.hole(func(*args), k), self.toks[k].pos))
        return self.power(after, hi, out)

    def identifier(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        scanned = scan_identifier(self.toks, k, hi, self.braces, self.src)
        decl, used = self.longest_declared(scanned)
        after = self.skip_dropped(scanned.end)
        if decl is not None and decl.kind == "function":
            rest = [d for d in scanned.decorations if d not in used]
            if rest:
                raise self.error(f"unexpected script on function {decl.latex}", rest[0].lo)
            self.names.add(decl.latex)
            if self.paren(after, hi) is None:  # a function named alone stands for f(its args)
                args = [self._arg_symbol(a, k) for a in decl.args]
                out.append((self.hole(decl.sympy()(*args), k), self.toks[k].pos))
                return scanned.end
            return self.apply(decl.sympy(), (len(decl.args),), decl.latex, k, scanned.end, hi,
                              out)
        if decl is None and self.paren(after, hi) is not None:
            if scanned.base in BUILTIN_FUNCTIONS and not scanned.decorations:
                return self.named(scanned.base, k, scanned.end, hi, out)
            if self.table.auto and scanned.base in _CONVENTIONAL_FUNCTIONS and all(
                    d.kind == "_" for d in scanned.decorations):
                lo, end, _ = self.paren(after, hi)
                n, name = len(self.split_commas(lo, end)), scanned.name()
                made = self.table.declare(Decl(name, "function", _real_domain(),
                                               _pyname_for_bound(name),
                                               args=tuple(f"x{j}" for j in range(n))))
                return self.apply(made.sympy(), (n,), made.latex, k, scanned.end, hi, out)
        if decl is None and scanned.base in ("E", r"\mathbb{E}") and self.is_char(after, "[") \
                and not scanned.decorations:
            close = find_close(self.toks, after, hi, self.src)
            out.append((self.hole(Expectation(self.parse(after + 1, close)), k),
                        self.toks[k].pos))
            return self.power(close + 1, hi, out)
        powers = all(d.kind == "^" for d in scanned.decorations)
        if decl is None and scanned.base in CONSTANTS and powers and (
                scanned.base == r"\pi" or scanned.decorations):
            self.allowed.add(str(CONSTANTS[scanned.base]))
            out.append((self.hole(CONSTANTS[scanned.base], k), self.toks[k].pos))
            for d in scanned.decorations:
                out.append((f"^{{{self.sub_mask(d.lo, d.hi)}}}", self.toks[d.lo].pos))
            return scanned.end
        value, used = self.resolve(scanned, scanned.decorations, k, decl, used)
        rest = [d for d in scanned.decorations if d not in used and d.kind == "^"]
        if rest and rest[-1].text in TRANSPOSE_MARKS and (rest[-1] is scanned.decorations[-1]):
            value = sp.transpose(value)
            rest = rest[:-1]
        out.append((self.hole(value, k), self.toks[k].pos))
        for d in rest:
            out.append((f"^{{{self.sub_mask(d.lo, d.hi)}}}", self.toks[d.lo].pos))
        return scanned.end

    def longest_declared(self, s: Scanned):
        """The declaration matching the most leading decorations, and the decorations it used."""
        decos = s.decorations
        for n in range(len(decos), -1, -1):
            decl = self.table.get(s.name(decos[:n]))
            if decl is not None:
                return decl, decos[:n]
        return None, ()

    def resolve_value(self, s: Scanned, decos, k: int, decl: Decl | None = None,
                      used=()) -> sp.Basic:
        """The sympy value of an identifier that is not a function application."""
        return self.resolve(s, tuple(decos), k, decl, used)[0]

    def resolve(self, s: Scanned, decos: tuple, k: int, decl: Decl | None = None,
                used=()) -> tuple[sp.Basic, tuple]:
        """(value, decorations consumed): a declared name, an indexed element, or a bound index.

        Decorations not consumed are powers (or a transpose), handled by the caller.
        """
        if decl is None:
            decl, used = self.longest_declared(Scanned(s.base, decos, s.start, s.base_end, s.end))
        full = s.name(decos)
        if full in self.bound:
            self.names.add(full)
            return self.bound[full], decos
        index = next((d for d in decos if d not in used and self._index_script(d)), None)
        naming = tuple(d for d in decos if d.kind != "^" or _INDEX_SCRIPT.match(d.text))
        if decl is None and self.table.auto:
            if index is not None:
                decl, used = self.table.auto_declare(s.base, "vector"), ()
            else:
                decl, used = self.table.auto_declare(s.name(naming)), naming
        leftover = [d for d in naming if d not in used and d is not index]
        if decl is None or leftover or (index is not None and decl.kind != "vector"):
            self.undeclared.setdefault(s.name(naming), self.toks[k].pos)
            return sp.Symbol("undeclared"), decos
        self.names.add(decl.latex)
        if decl.kind == "function":
            raise self.error(f"{decl.latex} is a function; apply it to arguments", k)
        if index is not None:
            trim = 1 if index.kind == "^" else 0  # x^{(i)}: the index inside the parens
            element = sp.IndexedBase(decl.pyname, real=True)[
                self.parse(index.lo + trim, index.hi - trim)]
            return element, (*used, index)
        return decl.sympy(), tuple(used)

    def _index_script(self, d) -> bool:
        if d.kind == "_":
            return self._is_index(d)
        return d.kind == "^" and d.text.startswith("(") and d.text.endswith(")") and \
            self._is_index(d, 1)

    def _is_index(self, d, trim: int = 0) -> bool:
        """A script made of bound or declared index variables, digits and + -."""
        lo, hi = d.lo + trim, d.hi - trim
        names = [self.toks[j].text for j in range(lo, hi) if self.toks[j].kind == "letter"]
        ok = all(n in self.bound or (self.table.get(n) is not None
                                     and self.table.get(n).kind == "index") for n in names)
        return bool(names) and ok and all(
            self.toks[j].kind in ("letter", "digit") or self.toks[j].text in "+-"
            for j in range(lo, hi))

    def _arg_symbol(self, latex: str, k: int) -> sp.Basic:
        decl = self.table.get(latex)
        if decl is None:
            raise self.error(f"argument {latex!r} of a declared function is not declared", k)
        return decl.sympy()


def _real_domain():
    from ._symbols import DOMAINS

    return DOMAINS["real"]


def _pyname_for_bound(name: str) -> str:
    from ._symbols import pyname_of

    return pyname_of(name)


def _split_relation(reader: _Reader, lo: int, hi: int) -> tuple[int, str] | None:
    """The token index and kind of the single top-level relation, if any."""
    found = []
    for k in reader._top_level(lo, hi):
        t = reader.toks[k]
        if t.text in RELATIONS and t.kind != "char" or (t.kind == "char" and t.text == "="):
            if t.text == "=" and k > 0 and reader.toks[k - 1].text == ":":
                found.append((k - 1, "assign"))
            else:
                found.append((k, RELATIONS[t.text]))
    if len(found) > 1:
        raise reader.error("more than one relation at the top level", found[1][0])
    return found[0] if found else None


def _finish(reader: _Reader, *exprs: sp.Expr) -> list[sp.Expr]:
    _grammar.check_all_holes_used(list(exprs), reader.holes, reader.hole_pos, reader.src)
    if reader.undeclared:
        name, pos = min(reader.undeclared.items(), key=lambda item: item[1])
        names = ", ".join(sorted(reader.undeclared))
        raise ParseError(f"undeclared name(s): {names}", reader.src, pos,
                         tuple(sorted(reader.undeclared)))
    return [_grammar.fill(e, reader.holes, reader.allowed, reader.src) for e in exprs]


def _unbox(reader: _Reader) -> tuple[int, int]:
    """Token range inside a top-level \\boxed{...} (the cheatsheet boxes whole formulas)."""
    lo, hi = reader.skip_dropped(0), len(reader.toks)
    if lo < hi and reader.toks[lo].text == r"\boxed":
        glo, ghi, nxt = reader.group(lo + 1)
        if reader.skip_dropped(nxt) >= hi:
            return glo, ghi
    return lo, hi


def parse_statement(src: str, table: SymbolTable) -> Statement:
    """Parse ``lhs = rhs``, ``lhs \\leftarrow rhs`` or a bare expression, strictly."""
    if not src.strip():
        raise ParseError("empty input", src, 0)
    reader = _Reader(src, table)
    lo, hi = _unbox(reader)
    rel = _split_relation(reader, lo, hi)
    if rel is None:
        text, masked = reader.parse_text(lo, hi)
        (rhs,) = _finish(reader, masked)
        return Statement(src, rhs, crosscheck=_grammar.cross_check(masked, text),
                         names=frozenset(reader.names))
    k, kind = rel
    width = 2 if kind == "assign" and reader.toks[k].text == ":" else 1
    lhs_text, lhs_masked = reader.parse_text(lo, k)
    rhs_text, rhs_masked = reader.parse_text(k + width, hi)
    lhs, rhs = _finish(reader, lhs_masked, rhs_masked)
    agree = [_grammar.cross_check(m, t) for m, t in ((lhs_masked, lhs_text),
                                                    (rhs_masked, rhs_text))]
    crosscheck = "disagree" if "disagree" in agree else ("agree" if "agree" in agree else "n/a")
    return Statement(src, rhs, lhs, kind, crosscheck, frozenset(reader.names))


def parse_expression(src: str, table: SymbolTable) -> sp.Expr:
    """Parse a LaTeX expression with no relation."""
    st = parse_statement(src, table)
    if st.rel is not None:
        raise ParseError("expected an expression, found a relation", src, 0)
    return st.rhs


def declared_name(latex: str) -> str:
    """Canonical key of a declared name (re-exported for the catalog)."""
    return canonical_name(latex)
