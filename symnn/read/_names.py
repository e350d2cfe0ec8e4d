"""Names: identifiers resolved through the symbol table, indexed elements, function calls."""

from __future__ import annotations

import itertools
import re

import sympy as sp

from ._identifiers import Scanned, scan_identifier, tokens_text
from ._latex import find_close
from ._mask import Masker
from ._notation import BUILTIN_FUNCTIONS, CONSTANTS, TRANSPOSE_MARKS, Expectation, Row
from .symbols import DOMAINS, Decl, parse_domain, pyname_of

__all__ = ["Names"]

#: In auto mode (``symnn check``) these undeclared names followed by ``(`` are functions.
_CONVENTIONAL_FUNCTIONS = frozenset({"f", "g", "h", "L", "J", r"\ell", r"\mathcal{L}"})
#: A function name (\\sigma) written both applied and as a plain name in what ``check`` reads.
_BOTH_WAYS = ("{name} is used both as a function, {name}(x), and as a name, {name} x: write "
              "{name}(x) everywhere for the function, or declare the name (--assume "
              "'{name} real'), which is then never the function")
#: Superscripts that make a name, never a power: [l], <t>, (i), *, '.
#: Bracketed superscripts that hold indices of a declared vector or matrix: x^{(i)}, e^{<t,t'>}.
_BRACKETED = re.compile(r"^(\(.*\)|<.*>|\\langle.*\\rangle)$")
#: What to write when an element has the wrong number of indices.
_WRITE = {"vector": "write one index ({n}_i, {n}^{{(t)}}), or declare the decorated name as "
                    "its own vector (e.g. 'a^{{[l]}}')",
          "matrix": "write two ({n}_{{ij}}, {n}_{{i,j}}, {n}^{{<t,t'>}}, {n}_j^{{(t)}} for "
                    "element (t, j)), or declare the decorated name as its own vector"}
_INDEX_SCRIPT = re.compile(r"^(\[.*\]|<.*>|\\langle.*\\rangle|\(.*[A-Za-z].*\)|\*|\\ast|')$")


def _prime_order(decorations) -> int:
    """n for the n primes of f', f'', f^{\\prime} (0 if the scripts are not all primes)."""
    order = 0
    for d in decorations:
        if d.kind == "'":
            order += 1
        elif d.kind == "^" and d.text.replace(r"\prime", "") == "" and d.text:
            order += d.text.count(r"\prime")
        else:
            return 0
    return order


def _derivative_at(func, param: sp.Symbol, order: int, known: bool = False):
    """x -> the order-th derivative of func at x (computed now for a known function)."""
    def at(x: sp.Expr) -> sp.Expr:
        if known:
            return sp.diff(func(param), param, order).xreplace({param: x})
        d = sp.Derivative(func(param), (param, order))
        return d if x == param else sp.Subs(d, param, x)
    return at


def _inside(d) -> tuple[int, int]:
    """The token span of an index script: inside the brackets of a superscript."""
    trim = 1 if d.kind == "^" and _BRACKETED.match(d.text) else 0
    return d.lo + trim, d.hi - trim


def _subsets(decos: tuple, n: int) -> list[tuple]:
    """The n-element subsets of decos in written order, the leading prefix first."""
    return sorted(itertools.combinations(decos, n),
                  key=lambda c: [decos.index(d) for d in c])


class Names(Masker):
    """Identifier resolution: the longest declared name wins; the rest are indices or powers."""

    def identifier(self, k: int, hi: int, out: list[tuple[str, int]]) -> int:
        run = self._letter_run(k, hi)
        for n in range(len(run), 1, -1):  # dw declared as one name (--assume 'dw > 0')
            decl = self.table.get("".join(self.toks[j].text for j in run[:n]))
            if decl is not None and decl.kind != "function" and not self.is_char(
                    run[n - 1] + 1, "_^'"):
                self.names.add(decl.latex)
                out.append((self.hole(decl.sympy(), k), self.toks[k].pos))
                return self.power(run[n - 1] + 1, hi, out)
        if len(run) > 1 and self.table.auto and "".join(
                self.toks[j].text for j in run) not in BUILTIN_FUNCTIONS:
            self.guessed.add("".join(self.toks[j].text for j in run))
        scanned = scan_identifier(self.toks, k, hi, self.braces, self.src)
        decl, used = self.longest_declared(scanned)
        after = self.skip_dropped(scanned.end)
        if decl is not None and decl.kind == "function":
            rest = [d for d in scanned.decorations if d not in used]
            order = _prime_order(rest)
            if order and len(decl.args) == 1 and self.paren(after, hi) is not None:
                known = self.table.get(decl.args[0])  # f'(x): d^n f / dp^n at p = x
                param = known.sympy() if known is not None else sp.Dummy(decl.args[0])
                return self.apply(_derivative_at(decl.sympy(), param, order), (1,),
                                  decl.latex, k, scanned.end, hi, out)
            if rest:
                raise self.error(f"unexpected script on function {decl.latex}; a derivative is "
                                 f"written f'(x) (one argument) or with \\frac{{\\partial}}"
                                 f"{{\\partial x}}", rest[0].lo)
            self.names.add(decl.latex)
            if self.paren(after, hi) is None:  # a function named alone stands for f(its args)
                args = [self._arg_symbol(a, k, decl) for a in decl.args]
                out.append((self.hole(decl.sympy()(*args), k), self.toks[k].pos))
                return scanned.end
            return self.apply(decl.sympy(), (len(decl.args),), decl.latex, k, scanned.end, hi,
                              out)
        if decl is not None and decl.latex in self.table.auto_names and not \
                scanned.decorations and scanned.base in BUILTIN_FUNCTIONS and \
                self.paren(after, hi) is not None:
            raise self.error(_BOTH_WAYS.format(name=scanned.base), k)
        if decl is None and self.paren(after, hi) is not None:
            if scanned.base in BUILTIN_FUNCTIONS and not scanned.decorations:
                self.table.applied.add(scanned.base)
                return self.named(scanned.base, k, scanned.end, hi, out)
            order = _prime_order(scanned.decorations)
            func, arity = BUILTIN_FUNCTIONS.get(scanned.base, (None, ()))
            if order and arity == (1,):  # \sigma'(z): the derivative of a known function
                dummy = sp.Dummy("p")
                return self.apply(_derivative_at(func, dummy, order, known=True), (1,),
                                  scanned.base, k, scanned.end, hi, out)
            if scanned.base in BUILTIN_FUNCTIONS and [d.kind for d in scanned.decorations] == ["^"]:
                return self.named(scanned.base, k, scanned.base_end, hi, out)  # \sigma^2(z)
            if self.table.auto and scanned.base in _CONVENTIONAL_FUNCTIONS and all(
                    d.kind == "_" for d in scanned.decorations):
                lo, end, _ = self.paren(after, hi)
                parts, name = self.split_commas(lo, end), scanned.name()
                words = [tokens_text(self.toks, a, b) for a, b in parts]  # f(a, b): a and b
                plain = all(len(w) == 1 and w.isalpha() for w in words) and \
                    len(set(words)) == len(words)
                made = self.table.declare(Decl(name, "function", DOMAINS["real"],
                                               pyname_of(name), args=tuple(
                                                   words if plain else
                                                   (f"x{j}" for j in range(len(parts))))))
                n = len(parts)
                return self.apply(made.sympy(), (n,), made.latex, k, scanned.end, hi, out)
        if decl is None and scanned.base in ("E", r"\mathbb{E}") and self.is_char(after, "[") \
                and not scanned.decorations:
            close = find_close(self.toks, after, hi, self.src)
            out.append((self.hole(self.expectation(after + 1, close), k), self.toks[k].pos))
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

    def _letter_run(self, k: int, hi: int) -> list[int]:
        """The letters written together from token k (``dw``), if k starts such a run."""
        def joined(j: int) -> bool:
            return j > 0 and self.toks[j].kind == "letter" and \
                self.toks[j - 1].kind == "letter" and self.toks[j].pos == self.toks[j - 1].pos + 1
        if self.toks[k].kind != "letter" or joined(k):
            return []
        run = [k]
        while run[-1] + 1 < hi and joined(run[-1] + 1):
            run.append(run[-1] + 1)
        return run

    def expectation(self, lo: int, hi: int) -> sp.Basic:
        """``E[body]`` or ``E[body | a = b, c]``: the last top-level bar followed by conditions."""
        bars = [j for j in self._top_level(lo, hi) if self.is_char(j, "|")]
        if not bars or not any(self.toks[j].text in ("=", ",") for j in range(bars[-1], hi)):
            return Expectation(self.parse(lo, hi))
        conditions = []
        for a, b in self.split_commas(bars[-1] + 1, hi):
            eq = [j for j in self._top_level(a, b) if self.is_char(j, "=")]
            conditions.append(sp.Eq(self.parse(a, eq[0]), self.parse(eq[0] + 1, b),
                                    evaluate=False) if eq else self.parse(a, b))
        return Expectation(self.parse(lo, bars[-1]), sp.Tuple(*conditions))

    def longest_declared(self, s: Scanned):
        """The declaration matching the most decorations (leading ones first), and the
        decorations it used: ``o_j^{(t)}`` with ``o^{(t)}`` declared uses the superscript."""
        decos = s.decorations
        for n in range(len(decos), -1, -1):
            for subset in _subsets(decos, n):
                decl = self.table.get(s.name(subset))
                if decl is not None:
                    return decl, subset
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
        if s.name(()) in self.bound and decos and all(
                d.kind == "^" and not _INDEX_SCRIPT.match(d.text) for d in decos):
            self.names.add(s.name(()))
            return self.bound[s.name(())], ()  # j^2 of a bound index j: a power
        array = decl is not None and decl.kind in ("vector", "matrix")
        if array and self.table.auto:  # check: p_k, R_{k-1} of a vector p, R: k is an index
            self._auto_indices([d for d in decos if d not in used and d.kind == "_"])
        scripts = [d for d in decos if d not in used and self._index_script(d, array)]
        index = scripts[0] if scripts else None
        if decl is not None and decl.kind == "matrix" and index is not None:
            scripts += [d for d in decos if d not in used and d not in scripts
                        and self._bare_index(d)]  # a_i^l of a matrix a: element (l, i)
        naming = tuple(d for d in decos if d.kind != "^" or _INDEX_SCRIPT.match(d.text))
        if decl is None and self.table.auto:
            if not naming and s.base in self.table.applied:
                raise self.error(_BOTH_WAYS.format(name=s.base), k)
            if index is not None:
                decl, used = self.table.auto_declare(s.base, "vector"), ()
            else:
                decl, used = self.table.auto_declare(s.name(naming)), naming
        leftover = [d for d in naming if d not in used and d not in scripts]
        if decl is None or leftover or (index is not None and decl.kind not in ("vector",
                                                                                "matrix")):
            self.undeclared.setdefault(s.name(naming), self.toks[k].pos)
            return sp.Symbol("undeclared"), decos
        self.names.add(decl.latex)
        if decl.kind == "function":
            raise self.error(f"{decl.latex} is a function; apply it to arguments", k)
        if index is not None:
            scripts = sorted(scripts[:2], key=lambda d: d.kind != "^")  # the ^ index first
            indices = self.element_indices(decl, [_inside(d) for d in scripts])
            if decl.kind == "matrix" and len(indices) == 1:  # x_n of a matrix x: row n
                return Row(decl.sympy(), indices[0]), (*used, *scripts)
            return sp.IndexedBase(decl.pyname, real=True)[indices], (*used, *scripts)
        return decl.sympy(), tuple(used)

    def _index_script(self, d, array: bool = False) -> bool:
        if d.kind == "_":
            return self._is_index(d, 0, array)
        return d.kind == "^" and _BRACKETED.match(d.text) is not None and \
            self._is_index(d, 1, array)

    def _auto_indices(self, subscripts) -> None:
        """In ``symnn check``, the undeclared lowercase letters of a subscript on a vector
        (``p_k``, ``R_{k-1}``, ``A_{i,j}``) become indices."""
        for d in subscripts:
            toks = self.toks[d.lo:d.hi]
            if all(t.kind in ("letter", "digit") or t.text in "+-,'" for t in toks):
                for name in self._index_names(d.lo, d.hi):
                    if name not in self.bound and self.table.get(name) is None and \
                            name[0].islower():
                        self.table.declare(Decl(name, "index", parse_domain("integer >= 1"),
                                                pyname_of(name)))

    def _bare_index(self, d) -> bool:
        """A superscript of one index letter (``^l``), bound or declared as an index."""
        return d.kind == "^" and d.hi == d.lo + 1 and self._is_index(d)

    def _is_index(self, d, trim: int = 0, array: bool = False) -> bool:
        """A script made of bound or declared index variables, digits and + -; for a declared
        vector or matrix also numbers (x_2, W_{12}), primes (G_{kk'}) and commas (W_{i,j})."""
        lo, hi = d.lo + trim, d.hi - trim
        names = self._index_names(lo, hi)
        ok = all(n in self.bound or (self.table.get(n) is not None
                                     and self.table.get(n).kind == "index") for n in names)
        extra = ",'" if array else ""
        return (bool(names) or array) and lo < hi and ok and all(
            self.toks[j].kind in ("letter", "digit") or self.toks[j].text in "+-" + extra
            for j in range(lo, hi))

    def _index_names(self, lo: int, hi: int) -> list[str]:
        """The index letters of a script, each with its primes: ``kk'`` -> k, k'."""
        names: list[str] = []
        for j in range(lo, hi):
            t = self.toks[j]
            if t.kind == "letter":
                names.append(t.text)
            elif t.text == "'" and names and j > lo and self.toks[j - 1].text in (
                    names[-1][-1], "'"):
                names[-1] += "'"
        return names

    def element_indices(self, decl: Decl, spans: list[tuple[int, int]]) -> tuple[sp.Expr, ...]:
        """The indices of an element of a declared vector or matrix: ``W_{i,j}`` (commas),
        ``W_{ij}`` / ``W_{12}`` (one letter or digit each), ``x_{i+1}`` (a vector's one),
        ``\\alpha^{<t,t'>}``, and ``y_j^{(t)}`` (two scripts, the superscript's first)."""
        want = 2 if decl.kind == "matrix" else 1
        lo, parts = spans[0][0], []
        for a, b in spans:  # x_{ij}: two indices (never the product i j); x_{12}: twelve
            whole = self.split_commas(a, b)
            letters = len(whole) == 1 and all(self.toks[j].kind in ("letter", "digit") or
                                              self.toks[j].text == "'" for j in range(a, b))
            digits = all(self.toks[j].kind == "digit" for j in range(a, b))
            split = (letters and not digits) or (len(whole) == 1 and len(spans) == 1 and want > 1)
            parts += self._letters(decl, a, b) if split else whole
        if len(parts) != want and not (want == 2 and len(parts) == 1 and len(spans) == 1):
            raise self.error(f"{decl.latex} is a {decl.kind}: it takes {want} ind"
                             f"{'ex' if want == 1 else 'ices'}, got {len(parts)}; "
                             f"{_WRITE[decl.kind].format(n=decl.latex)}", lo)
        indices = tuple(p if isinstance(p, sp.Integer) else self.parse(*p) for p in parts)
        for i, size in zip(indices, decl.shape, strict=False):
            if i.is_Integer and (int(i) < 1 or str(size).isdigit() and int(i) > int(size)):
                raise self.error(f"index {i} is outside 1..{size} of {decl.latex} (elements "
                                 f"are numbered from 1 as printed)", lo)
        return indices

    def _letters(self, decl: Decl, lo: int, hi: int) -> list:
        """``W_{ij}``, ``W_{12}``, ``G_{kk'}``: one letter (with its primes) or digit each."""
        parts: list = []
        j = lo
        while j < hi:
            if self.toks[j].text in "+-":
                raise self.error(f"write the indices of {decl.latex} with a comma, e.g. "
                                 f"{decl.latex}_{{i-1,j}}", j)
            if self.toks[j].kind == "digit":  # W_{12}: one digit per index
                parts += [sp.Integer(c) for c in self.toks[j].text]
                j += 1
                continue
            end = j + 1
            while end < hi and self.toks[end].text == "'":
                end += 1
            parts.append((j, end))
            j = end
        return parts

    def _arg_symbol(self, latex: str, k: int, func: Decl) -> sp.Basic:
        """An argument of a function named alone (``\\partial f`` stands for f(x, y))."""
        decl = self.table.get(latex)
        if decl is None:
            shown = ", ".join(str(v) for v in self.diff_vars) if len(
                self.diff_vars) == len(func.args) else ", ".join(func.args)
            raise self.error(f"{func.latex} alone: write it applied to its {len(func.args)} "
                             f"argument(s), e.g. {func.latex}({shown})", k)
        return decl.sympy()
