"""The grammar behind the notation layer: latex2sympy2_extended on masked text, then accounting.

The masked text holds only placeholders ``\\omicron_{n}``, numbers and arithmetic. This module
calls the grammar, maps its errors back to the source, substitutes the placeholders, rebuilds the
tree evaluated, and refuses any result that holds what the source did not ask for.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

import numpy as np
import sympy as sp

from ._antlr import two_stage
from ._latex import ParseError
from ._notation import Expectation

__all__ = ["read", "fill", "cross_check", "warm_up", "two_stage"]

_HOLE = re.compile(r"^omicron_\{?(\d+)\}?$")
#: Numeric powers with a larger exponent stay unevaluated (no 10^(10^10)-digit integers).
MAX_EVALUATED_EXPONENT = 64
#: n! is computed exactly up to this n (1000! has 2568 digits); past it it stays a factorial.
MAX_EVALUATED_FACTORIAL = 1000


@lru_cache(maxsize=1)
def _engine():
    import latex2sympy2_extended.latex2sympy2 as l2s
    from latex2sympy2_extended import latex2sympy
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig

    config = ConversionConfig(lowercase_symbols=False, interpret_simple_eq_as_assignment=False,
                              interpret_contains_as_eq=False, interpret_as_mixed_fractions=False)
    two_stage(l2s, "PSParser")
    return latex2sympy, config


@lru_cache(maxsize=1)
def _sympy_parser():
    import sympy.parsing.latex._parse_latex_antlr as antlr_reader
    from sympy.parsing.latex import parse_latex

    two_stage(antlr_reader, "LaTeXParser")
    return parse_latex


#: Masked texts of the usual shapes (sums, products, fractions, roots, powers, floors), read
#: once by warm_up: ANTLR's prediction caches (its DFA and the remembered full-context
#: predictions, ``_antlr``) then hold most of what reading a formula needs, in the parent
#: before it forks one child per formula, instead of being rebuilt in every child.
WARM_TEXTS = (
    r" \omicron_{0} ",
    r" \omicron_{0}  \omicron_{1} + \omicron_{2} - \omicron_{3} ( \omicron_{4} - 1) ",
    r"-( \omicron_{0} - \omicron_{1} )^{2}",
    r"\frac{ \omicron_{0} - \omicron_{1} }{\sqrt{ \omicron_{2} + \omicron_{3} }}+ \omicron_{4} ",
    r" \omicron_{0} ^{ \omicron_{1} }(1- \omicron_{0} )^{1- \omicron_{1} }",
    r"\frac{1}{1+ \omicron_{0} ^{- \omicron_{1} }}",
    r"\lfloor\frac{ \omicron_{0} +2 \omicron_{1} }{ \omicron_{2} }\rfloor+1",
    r" \omicron_{0} \times \omicron_{1} \cdot \omicron_{2} ",
)


def warm_up() -> None:
    """Load both grammars and fill their prediction caches with WARM_TEXTS, once, before
    forking children that each verify one formula."""
    _engine()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for text in ("x", *WARM_TEXTS):
            _canonical_grammar(text)
            _sympy_parser()(text, strict=True)


def _source_pos(pieces: list[tuple[str, int]], column: int) -> int:
    offset = 0
    best = pieces[0][1] if pieces else 0
    for text, pos in pieces:
        if offset > column:
            break
        best = pos
        offset += len(text)
    return best


@lru_cache(maxsize=4096)
def _canonical_grammar(text: str) -> object:
    """The grammar's reading of masked text; cached: masked text holds only placeholders and
    arithmetic, so equal text always reads the same (and the grammar is the slow part)."""
    latex2sympy, config = _engine()
    return latex2sympy(text, normalization_config=None, conversion_config=config)


_PLACEHOLDER = re.compile(r"\\omicron_\{(\d+)\}")


def _spelled(number: str) -> sp.Symbol:
    """A placeholder as the grammar names it: omicron_7, omicron_{12}."""
    return sp.Symbol(f"omicron_{number}" if len(number) == 1 else f"omicron_{{{number}}}")


def _grammar(text: str) -> object:
    """The grammar's reading of masked text, read once per shape: placeholders renumbered in
    order of appearance (``\\omicron_{7} + \\omicron_{3}`` reads as ``\\omicron_{0} +
    \\omicron_{1}``, the grammar treats every placeholder alike), then named back, unevaluated.
    An error is reported from the text as written (its columns point into it)."""
    order: dict[str, int] = {}
    canonical = _PLACEHOLDER.sub(
        lambda m: f"\\omicron_{{{order.setdefault(m.group(1), len(order))}}}", text)
    try:
        result = _canonical_grammar(canonical)
    except Exception:  # the grammar raises bare Exception and friends: say it as written
        return _canonical_grammar.__wrapped__(text)
    back = {sp.Symbol(name.format(new)): _spelled(old) for old, new in order.items()
            if str(new) != old for name in ("omicron_{}", "omicron_{{{}}}")}
    if not back:
        return result
    if not isinstance(result, sp.Basic):  # not a tree to rename: read the text as written
        return _canonical_grammar(text)
    with sp.evaluate(False):
        return result.xreplace(back)


def read(pieces: list[tuple[str, int]], src: str) -> sp.Expr:
    """Run the grammar on the joined masked pieces; errors point into ``src``."""
    text = "".join(p for p, _ in pieces)
    try:
        result = _grammar(text)
    except Exception as exc:  # the grammar raises bare Exception and friends
        lines = str(exc).splitlines()
        caret = lines[-1].find("^") if len(lines) >= 3 else -1
        pos = _source_pos(pieces, caret) if caret >= 0 else (pieces[0][1] if pieces else 0)
        first = lines[0] if lines else type(exc).__name__
        raise ParseError(f"cannot read this: {first[:160]}", src, pos) from None
    if not isinstance(result, sp.Expr):
        pos = pieces[0][1] if pieces else 0
        raise ParseError(f"expected an expression, the grammar produced a "
                         f"{type(result).__name__}", src, pos)
    return result


def _holes_in(expr: sp.Basic) -> set[int]:
    # atoms, not free symbols: a derivative's variable x_k is not free in it, but its k counts
    return {int(m.group(1)) for s in expr.atoms(sp.Symbol) if (m := _HOLE.match(s.name))}


def _rebuild(expr: sp.Basic) -> sp.Basic:
    """Re-create the tree with evaluation on (the grammar builds it unevaluated)."""
    if isinstance(expr, sp.Float):
        return sp.Rational(str(expr))
    if not expr.args or isinstance(expr, sp.Symbol | sp.Indexed):
        return expr
    args = [_rebuild(a) for a in expr.args]
    if isinstance(expr, sp.Pow) and all(a.is_Number for a in args) and (
            abs(args[1]) > MAX_EVALUATED_EXPONENT):
        return sp.Pow(*args, evaluate=False)  # 10^{10^{10}} stays a power, never a huge integer
    if isinstance(expr, sp.factorial) and args[0].is_Number and (
            abs(args[0]) > MAX_EVALUATED_FACTORIAL):
        return sp.factorial(args[0], evaluate=False)  # (10^{999}-1)! is never computed
    if isinstance(expr, sp.Derivative):
        return sp.Derivative(args[0], *expr.variable_count)
    return expr.func(*args)


_FORBIDDEN = {
    sp.EulerGamma: "EulerGamma", sp.I: "the imaginary unit", sp.pi: "pi", sp.E: "E",
    sp.zoo: "complex infinity", sp.nan: "nan",
}


def _hole_number(s: sp.Basic) -> int | None:
    m = re.match(r"^omicron_\{?(\d+)\}?$", s.name) if isinstance(s, sp.Symbol) else None
    return int(m.group(1)) if m else None


def _in_written_order(expr: sp.Expr, holes: dict[int, sp.Basic],
                      positions: dict[int, int], commutes: dict[int, bool]) -> sp.Expr:
    """expr with every product of matrices and vectors in the order it is written (the
    grammar's placeholders commute, so SymPy sorted them by name: W x could become x W, and
    (A B + C) D could become D (A B + C)). ``holes`` are the placeholders' values, themselves
    holding placeholders; a placeholder for a matrix or vector is replaced by its value, put in
    order the same way; a factor's position is where its first placeholder is written."""
    done: dict[int, tuple[sp.Basic, int | None]] = {}

    def walk(e: sp.Basic) -> tuple[sp.Basic, int | None]:
        n = _hole_number(e)
        if n is not None:
            if commutes.get(n, True) or not isinstance(holes.get(n), sp.Basic):
                return e, positions.get(n)
            if n not in done:
                done[n] = (walk(holes[n])[0], positions.get(n))
            return done[n]
        if not isinstance(e, sp.Basic) or not e.args:
            return e, None
        parts = [walk(x) for x in e.args]
        first = min((p for _, p in parts if p is not None), default=None)
        if isinstance(e, sp.Mul):
            scalars = [x for x, _ in parts if x.is_commutative]
            arrays = sorted(((p if p is not None else -1, k, x) for k, (x, p) in enumerate(parts)
                             if not x.is_commutative), key=lambda t: (t[0], t[1]))
            return sp.Mul(*scalars) * sp.Mul(*[x for _, _, x in arrays]), first
        if all(x is y for (x, _), y in zip(parts, e.args, strict=True)):
            return e, first
        return e.func(*[x for x, _ in parts]), first

    return walk(expr)[0]


def _mapping(holes: dict[int, sp.Basic]) -> dict[sp.Symbol, sp.Basic]:
    """Placeholder symbol (as the grammar spells it, with or without braces) -> object."""
    return {sp.Symbol(name.format(n)): obj for n, obj in holes.items()
            for name in ("omicron_{}", "omicron_{{{}}}")}


def fill(expr: sp.Expr, holes: dict[int, sp.Basic], allowed: set[str], src: str,
         positions: dict[int, int] | None = None) -> sp.Expr:
    """Substitute placeholders and apply the strict accounting; ParseError when it fails."""
    for s in expr.free_symbols:
        if not _HOLE.match(s.name):
            raise ParseError(f"the grammar produced a name symnn did not give it: {s.name!r}",
                             src, 0)
    mapping = _mapping(holes)
    if any(not a.is_commutative for o in holes.values() if isinstance(o, sp.Basic)
           for a in o.atoms(sp.Symbol)):  # matrices or vectors: products keep their order
        filled = dict(holes)  # what each placeholder finally stands for: does it commute?
        for _ in range(len(holes) + 1):
            filled = {n: o.xreplace(mapping) if isinstance(o, sp.Basic) else o
                      for n, o in filled.items()}
        commutes = {n: getattr(o, "is_commutative", True) is not False
                    for n, o in filled.items()}
        expr, holes = (_in_written_order(expr, holes, positions or {}, commutes),
                       {n: _in_written_order(o, holes, positions or {}, commutes)
                        if isinstance(o, sp.Basic) else o for n, o in holes.items()})
        mapping = _mapping(holes)
    out = expr
    for _ in range(len(holes) + 1):
        if not _holes_in(out):
            break
        out = out.xreplace(mapping)
    out = _rebuild(out)
    _account(out, allowed, src)
    return out


_NOT_VALUES = (sp.core.relational.Relational, sp.logic.boolalg.BooleanFunction,
               sp.logic.boolalg.BooleanAtom, sp.Set, sp.Tuple)
#: Nodes whose arguments may legitimately hold tuples (limits) or conditions.
_STRUCTURED = (sp.Derivative, sp.Subs, sp.Sum, sp.Product, sp.Piecewise, sp.Indexed, Expectation)


def _account(node: sp.Basic, allowed: set[str], src: str, structured: bool = False) -> None:
    """Refuse atoms and node types that the source did not ask for."""
    if isinstance(node, _NOT_VALUES) and not structured:
        raise ParseError(f"the result holds a {type(node).__name__}, not a value", src, 0)
    if isinstance(node, sp.log) and len(node.args) != 1:
        raise ParseError("a two-argument log appeared without \\log_b in the source", src, 0)
    if isinstance(node, sp.factorial) and "factorial" not in allowed:
        raise ParseError("a factorial appeared without '!' in the source", src, 0)
    for atom, label in _FORBIDDEN.items():
        if node == atom and str(atom) not in allowed:
            raise ParseError(f"{label} appeared though the source did not ask for it", src, 0)
    inner = isinstance(node, _STRUCTURED) or (structured and isinstance(node, _NOT_VALUES))
    for arg in node.args:
        _account(arg, allowed, src, inner)


#: a name (with a subscript or primes) right before an opening bracket: written as a call
_CALLED = re.compile(r"(?P<name>\\?[A-Za-z]+(?:_\{[^{}]*\}|_[A-Za-z0-9])?'*)\s*\(")


def check_all_holes_used(exprs: list[sp.Expr], holes: dict[int, sp.Basic],
                         hole_pos: dict[int, int], src: str) -> None:
    """Every placeholder made from the source must reach the result: nothing is dropped."""
    seen: set[int] = set()
    todo = [n for e in exprs for n in _holes_in(e)]
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        todo.extend(_holes_in(holes[n]))
    missing = sorted(set(holes) - seen)
    if missing:
        pos = hole_pos[missing[0]]
        call = _CALLED.match(src, pos)
        if call:  # H(x) with H undeclared: the grammar made H a function and dropped the name
            base = call["name"].rstrip("'")  # y'(x): define y, its derivative follows
            raise ParseError(f"{call['name']}(...) applies a name that is not a declared "
                             f"function: declare it (a formula file's function, or --where "
                             f"'{base}(x) = ...'), or write a product with \\cdot", src, pos)
        raise ParseError("part of the input was dropped by the grammar", src, pos)


def _numeric_tower(expr: sp.Expr) -> bool:
    """A power of numbers too large to evaluate, even as a float (10^{10^{10}})."""
    return any(not p.exp.free_symbols and (not p.exp.is_Number
                                           or abs(p.exp) > MAX_EVALUATED_EXPONENT)
               for p in expr.atoms(sp.Pow) if not p.base.free_symbols)


def _floats(expr: sp.Expr) -> sp.Expr:
    return expr.xreplace({n: sp.Float(n) for n in expr.atoms(sp.Number) if not n.is_Float})


@lru_cache(maxsize=4096)
def cross_check(masked: sp.Expr, text: str) -> str:
    """Read the same masked text with sympy's own parser; "agree", "disagree" or "n/a".
    Cached: the answer depends only on the masked text and its reading."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            other = _sympy_parser()(text, strict=True)
    except Exception:  # sympy's parser cannot read every construct; then there is no vote
        return "n/a"
    if not isinstance(other, sp.Expr) or other.atoms(sp.core.function.AppliedUndef):
        return "n/a"
    rename = {}
    for s in other.free_symbols:
        m = _HOLE.match(s.name)
        if m:
            rename[s] = sp.Symbol(f"omicron_{m.group(1)}")
        elif s.name == "e":
            rename[s] = sp.E
        else:
            return "n/a"
    other = other.xreplace(rename)
    mine = masked.xreplace({s: sp.Symbol(f"omicron_{m.group(1)}") for s in masked.free_symbols
                            if (m := _HOLE.match(s.name))})
    if _numeric_tower(mine) or _numeric_tower(other):
        return "n/a"
    symbols = sorted(mine.free_symbols | other.free_symbols, key=lambda s: s.name)
    values = np.random.default_rng(0).uniform(0.5, 1.5, (len(symbols), 3))
    try:  # floats only: an integer power tower must overflow, not be computed exactly
        with np.errstate(all="ignore"):  # e^{10^5} overflows: then there is no vote
            a, b = (sp.lambdify(symbols, _floats(e), "numpy")(*values) for e in (mine, other))
    except (ArithmeticError, ValueError, TypeError):
        return "n/a"
    with np.errstate(all="ignore"):
        a, b = np.broadcast_to(a, (3,)), np.broadcast_to(b, (3,))
        both = np.isfinite(a) & np.isfinite(b)
        if not both.any():
            return "n/a"
        gap = np.abs(a - b)[both] / np.maximum(1.0, np.maximum(np.abs(a), np.abs(b))[both])
    if gap.max() > 1e-9:
        return "disagree"
    return "agree"
