"""LaTeX -> SymPy through a strict notation layer.

Every identifier is resolved through the formula's symbol table and *masked* as a placeholder
before latex2sympy2_extended sees the string, so the grammar reads only arithmetic: no letter
soup, no lower-casing, no EulerGamma. Constructs the grammar gets wrong (function application,
derivatives, sums over indexed bodies, transposes, Hadamard products, cases, ``\\max_a``) are
built here directly and enter the string as placeholders too. After the grammar, strict checks
account for every placeholder and forbid atoms the source did not ask for.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import sympy as sp

from . import _grammar
from ._arrays import vector_notation
from ._constructs import Constructs
from ._identifiers import is_identifier_start, scan_identifier
from ._latex import ParseError
from ._names import Names
from ._notation import RELATIONS
from .symbols import Decl, SymbolTable, parse_domain, pyname_of

__all__ = ["Statement", "parse_statement", "parse_expression", "parse_condition", "ParseError",
           "declare_element_definition"]

#: Letters that index an element on the left of a ``symnn check --where`` definition.
_INDEX_LETTERS = frozenset("ijklnst")


@dataclass(frozen=True)
class Statement:
    """A parsed formula: ``lhs rel rhs`` (rel is "eq" or "assign") or a bare expression."""

    source: str
    rhs: sp.Expr
    lhs: sp.Expr | None = None
    rel: str | None = None
    #: (masked reading, masked text) of each side, for the cross-check
    masked: tuple[tuple[sp.Expr, str], ...] = field(default=(), repr=False, compare=False)
    names: frozenset[str] = field(default_factory=frozenset)
    #: letters written together (``dw``) that ``symnn check`` read as a product of names
    guessed: frozenset[str] = field(default_factory=frozenset)

    @property
    def crosscheck(self) -> str:
        """sympy's own parser on the same masked text: "agree", "disagree" or "n/a" (any side
        disagreeing; else any agreeing). Computed when asked: only the parse check of a
        formula's statement reads it, and sympy's parser is slow (cached per masked text)."""
        agree = [_grammar.cross_check(m, t) for m, t in self.masked]
        return "disagree" if "disagree" in agree else ("agree" if "agree" in agree else "n/a")


class _Reader(Constructs, Names):
    """A full reader: the walk, the constructs and the names."""


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
    return [vector_notation(_grammar.fill(e, reader.holes, reader.allowed, reader.src,
                                          reader.hole_pos), reader.table, reader.src)
            for e in exprs]


def _unbox(reader: _Reader) -> tuple[int, int]:
    """Token range inside a top-level \\boxed{...} (the cheatsheet boxes whole formulas)."""
    lo, hi = reader.skip_dropped(0), len(reader.toks)
    if lo < hi and reader.toks[lo].text == r"\boxed":
        glo, ghi, nxt = reader.group(lo + 1)
        if reader.skip_dropped(nxt) >= hi:
            return glo, ghi
    return lo, hi


T = TypeVar("T")


def _refusing_unbuildable(read: Callable[[str, SymbolTable], T]
                         ) -> Callable[[str, SymbolTable], T]:
    """``read``, with a reading SymPy refuses to build (Max of a matrix product, a comparison
    of matrices: a TypeError or ValueError that is not a ParseError) turned into a clear
    refusal, never an internal error."""
    @functools.wraps(read)
    def reading(src: str, table: SymbolTable) -> T:
        try:
            return read(src, table)
        except ParseError:
            raise
        except (TypeError, ValueError) as exc:
            raise ParseError(f"SymPy cannot build this reading ({exc}); a scalar function such "
                             "as \\max or a comparison is not read on a vector or matrix: "
                             "write it per element", src, 0) from None
    return reading


@_refusing_unbuildable
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
        return Statement(src, rhs, masked=((masked, text),), names=frozenset(reader.names),
                         guessed=frozenset(reader.guessed))
    k, kind = rel
    width = 2 if kind == "assign" and reader.toks[k].text == ":" else 1
    lhs_text, lhs_masked = reader.parse_text(lo, k)
    rhs_text, rhs_masked = reader.parse_text(k + width, hi)
    lhs, rhs = _finish(reader, lhs_masked, rhs_masked)
    return Statement(src, rhs, lhs, kind, ((lhs_masked, lhs_text), (rhs_masked, rhs_text)),
                     frozenset(reader.names), frozenset(reader.guessed))


def parse_expression(src: str, table: SymbolTable) -> sp.Expr:
    """Parse a LaTeX expression with no relation."""
    st = parse_statement(src, table)
    if st.rel is not None:
        raise ParseError("expected an expression, found a relation", src, 0)
    return st.rhs


@_refusing_unbuildable
def parse_condition(src: str, table: SymbolTable) -> sp.Basic:
    """Parse one comparison such as ``F \\le W + 2P`` (a constraint between symbols)."""
    if not src.strip():
        raise ParseError("empty input", src, 0)
    reader = _Reader(src, table)
    rel = reader.condition(0, len(reader.toks))
    if not isinstance(rel, sp.core.relational.Relational):
        raise ParseError("a constraint must be a comparison such as 'F \\le W + 2P'", src, 0)
    lhs, rhs = _finish(reader, rel.lhs, rel.rhs)
    return rel.func(lhs, rhs)


def declare_element_definition(src: str, table: SymbolTable) -> bool:
    """``p_i = ...``, ``A_{ij} = ...`` (``symnn check --where``): with p undeclared and i one of
    i j k l n s t, declare p a vector (A a matrix) and its index letters indices, so the
    definition defines every element and ``p_k``, ``R_{k-1}`` in the claim are elements.
    True if it declared something."""
    reader = _Reader(src, table)
    rel = _split_relation(reader, 0, len(reader.toks))
    if rel is None or not reader.toks or not is_identifier_start(reader.toks[0]):
        return False
    scanned = scan_identifier(reader.toks, 0, rel[0], reader.braces, src)
    if scanned.end != rel[0] or [d.kind for d in scanned.decorations] != ["_"] or \
            table.get(scanned.base) is not None or table.get(scanned.name()) is not None:
        return False
    sub = scanned.decorations[0]
    letters = [t.text for t in reader.toks[sub.lo:sub.hi] if t.text != ","]
    if not 1 <= len(letters) <= 2 or len(set(letters)) != len(letters) or any(
            x not in _INDEX_LETTERS or table.get(x) is not None for x in letters):
        return False
    for x in letters:
        table.declare(Decl(x, "index", parse_domain("integer >= 1"), pyname_of(x)))
    table.auto_declare(scanned.base, "vector" if len(letters) == 1 else "matrix")
    return True
