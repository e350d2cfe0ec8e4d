"""One claim typed on the command line (``symnn check``), as the command line and the Sphinx
and MkDocs integrations check it.

The claim is read, its definitions applied and its sides compared in a forked child under the
time and memory budget, so that no input (a number too large to compute, a reading that does not
end) runs past it; an unreadable claim raises its ParseError, DeriveError or ValueError here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import numpy as np
import sympy as sp

from ..catalog import BUDGETS, run_isolated, too_large
from ..derive import DeriveError, evaluate, read_definitions
from ..read import (
    BUILTIN_FUNCTIONS,
    Decl,
    Domain,
    ParseError,
    SymbolTable,
    canonical_name,
    declare_element_definition,
    parse_condition,
    parse_domain,
    parse_statement,
    pyname_of,
)
from ._declared import domain_claim
from ._definedness import guard_of, guarded, written_guards
from ._derivclaim import check_derivative_claim, derivative_side
from ._propcheck import check_relations, read_relations
from ._results import CheckResult
from .verify import DEFAULT_POINTS, compare

__all__ = ["check_claim"]

#: '0 < p < 1': the domain (0, 1) (its own sampler and simple points), not two constraints
_UNIT_INTERVAL = re.compile(r"^0\s*<\s*(?P<name>.+?)\s*<\s*1$")

#: ``--assume`` forms: a pattern over the text and the domain it gives the name.
_ASSUME_FORMS = [  # 'n integer >= 0' is an integer domain, not "n integer" >= 0
    (re.compile(r"^(?P<name>\S+)\s+(?P<dom>integer.*)$"), lambda m: m.group("dom")),
    (re.compile(r"^(?P<name>\S+)\s+(?P<dom>real|positive|nonnegative|negative|nonzero)$"),
     lambda m: m.group("dom")),
    (_UNIT_INTERVAL, lambda m: "(0,1)"),
    (re.compile(r"^(?P<name>.+?)\s*(?P<op>>=|\\geq|\\ge)\s*0$"), lambda m: "nonnegative"),
    (re.compile(r"^(?P<name>.+?)\s*(?P<op>>)\s*0$"), lambda m: "positive"),
    (re.compile(r"^(?P<name>.+?)\s*(?P<op><)\s*0$"), lambda m: "negative"),
    (re.compile(r"^(?P<name>.+?)\s*(?P<op>!=|\\neq)\s*0$"), lambda m: "nonzero"),
    (re.compile(r"^(?P<name>.+?)\s*\\in\s*(?P<dom>.+)$"), lambda m: m.group("dom")),
]


#: a two-sided range 'a < x < b', 'a <= x <= b' (ASCII or \le): two joint conditions
_CHAIN = re.compile(r"^(?P<a>[^<>=]+?)\s*(?P<o1><=|<|\\leq?)\s*(?P<x>[^<>=]+?)\s*"
                    r"(?P<o2><=|<|\\leq?)\s*(?P<b>[^<>=]+)$")


def _sample_inside(text: str, table: SymbolTable) -> None:
    """'a < x < b' with numbers a < b: x is drawn inside [a, b] (uniformly, and near each end
    at 10^-1 to 10^-8 of the width) instead of from all reals and filtered; the two conditions
    stay joint constraints, so the ends are as written. A narrow interval is then decided."""
    m = _CHAIN.match(text.strip())
    if m is None or _UNIT_INTERVAL.match(text.strip()):
        return
    try:
        lo, hi, name = float(m["a"]), float(m["b"]), canonical_name(m["x"].strip())
    except (ValueError, ParseError):
        return
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi) or table.get(name) is not None:
        return

    def inside(rng: np.random.Generator, n: int) -> np.ndarray:
        pick, edge = rng.random(n), 10.0 ** -rng.uniform(1, 8, n)
        return np.where(pick < 0.6, rng.uniform(lo, hi, n),
                        np.where(pick < 0.8, lo + (hi - lo) * edge, hi - (hi - lo) * edge))

    table.declare(Decl(name, "scalar", Domain("real", {"real": True}, inside), pyname_of(name)))


def _chains(assume: Sequence[str]) -> list[str]:
    """'-1 < x < 1' as '-1 < x' and 'x < 1'; '0 < p < 1' stays the domain (0, 1)."""
    out = []
    for text in assume:
        m = _CHAIN.match(text.strip())
        if m and not _UNIT_INTERVAL.match(text.strip()):
            out += [f"{m['a']} {m['o1']} {m['x']}", f"{m['x']} {m['o2']} {m['b']}"]
        else:
            out.append(text)
    return out


#: 'z \in \mathbb{R}^n', 'W \in \mathbb{R}^{n \times m}': a vector or matrix of those sizes
_ARRAY = re.compile(r"^(?P<name>.+?)\s*\\in\s*\\mathbb\s*\{?R\}?\s*\^\s*(?:\{(?P<braced>[^}]*)\}|"
                    r"(?P<one>[A-Za-z0-9]))$")


def _array(m: re.Match, table: SymbolTable) -> None:
    """Declare the vector or matrix of an 'x \\in \\mathbb{R}^{n}' assumption (its sizes
    integers >= 1 unless declared)."""
    sizes = [x.strip() for x in (m["braced"] or m["one"]).split(r"\times")]
    if not 1 <= len(sizes) <= 2 or not all(sizes):
        raise ValueError(f"cannot use --assume {m.group(0)!r}: write x \\in \\mathbb{{R}}^n "
                         "or W \\in \\mathbb{R}^{n \\times m}")
    for size in sizes:
        if not size.isdigit() and table.get(canonical_name(size)) is None:
            table.declare(Decl(canonical_name(size), "scalar", parse_domain("integer >= 1"),
                               pyname_of(size)))
    name = canonical_name(m["name"])
    table.declare(Decl(name, "vector" if len(sizes) == 1 else "matrix", parse_domain("real"),
                       pyname_of(name), tuple(canonical_name(x) if not x.isdigit() else x
                                              for x in sizes)))


#: '\phi(z) = ...', 'G(a, b) = ...': a definition whose left side applies a name to distinct
#: variables defines a function of that name (any name, not only f, g, h, L)
_FUNCTION_HEAD = re.compile(r"^\s*(?P<name>\\?[A-Za-z]+(?:_\{?[A-Za-z0-9]+\}?)?)\s*"
                            r"\(\s*(?P<args>\\?[A-Za-z]+(?:\s*,\s*\\?[A-Za-z]+)*)\s*\)\s*=")


def _declare_function(text: str, table: SymbolTable) -> None:
    """Declare the function a --where definition's left side names, when it is undeclared."""
    m = _FUNCTION_HEAD.match(text)
    if m is None:
        return
    try:
        name = canonical_name(m["name"])
        args = tuple(canonical_name(a.strip()) for a in m["args"].split(","))
    except ParseError:
        return
    if len(set(args)) != len(args) or table.get(name) is not None or \
            m["name"] in BUILTIN_FUNCTIONS:  # \sigma(z) stays the sigmoid
        return
    table.declare(Decl(name, "function", parse_domain("real"), pyname_of(name), args=args))


def _read_where(where: tuple[str, ...], table: SymbolTable):
    """The --where definitions; ``p_i = ...`` defines every element of p (see
    :func:`declare_element_definition`); a definition of p_i through p_{i+1} is refused."""
    elements = [text for text in where if declare_element_definition(text, table)]
    for text in where:
        _declare_function(text, table)
    try:
        return read_definitions(where, table)
    except DeriveError as exc:
        if elements and "cycle" in str(exc):
            raise DeriveError(f"{elements[0]!r} defines an element through other elements of "
                              "the same name (a recursion, read nowhere): give them other "
                              "names, or define the element in closed form") from None
        raise


def _plain_defined(defs, table: SymbolTable) -> list[Decl]:
    """The names --assume narrowed and --where defines, as narrowed; each is declared a plain
    real again in ``table`` (a reading must not use an assumption the definition may break:
    ``\\sqrt{y^2}`` with y > 0 and y = -x^2 - 1 is not y)."""
    defined = {k.name for k in defs.symbols if isinstance(k, sp.Symbol)}
    out = [d for d in table.decls.values()
           if d.pyname in defined and d.domain.assumptions != {"real": True}]
    for d in out:
        table.declare(Decl(d.latex, d.kind, parse_domain("real"), d.pyname, d.shape, d.args))
    return out


def _assume(text: str, table: SymbolTable, narrowed: set[str] | None = None
            ) -> sp.Basic | None:
    """Narrow one name's domain; any other comparison, or a second condition on a name already
    narrowed (in ``narrowed``), becomes a joint constraint."""
    narrowed = set() if narrowed is None else narrowed
    array = _ARRAY.match(text.strip())
    if array:
        _array(array, table)
        return None
    for pattern, domain_of in _ASSUME_FORMS:
        m = pattern.match(text.strip())
        if m:
            try:
                name = canonical_name(m.group("name"))
            except ParseError:
                break
            if name in narrowed:
                break
            narrowed.add(name)
            domain = parse_domain(domain_of(m))
            table.declare(Decl(name, "scalar", domain, pyname_of(name)))
            return None
    if re.search(r"\binteger\b", text):  # never a product i*n*t*e*g*e*r
        raise ValueError(f"cannot use --assume {text!r}: a name is made integer once, before "
                         "any other condition on it ('n integer >= 1', then 'n \\le m')")
    try:  # ASCII comparisons as people type them on a command line
        return parse_condition(text.replace(">=", r"\ge ").replace("<=", r"\le "), table)
    except ParseError as exc:
        raise ValueError(f"cannot read --assume {text!r}; write e.g. 'x > 0', 'x >= 0', "
                         "'0 < p < 1', 'n integer >= 1', 'y \\in {0,1}', 'F \\le W + 2P' "
                         f"({exc.message})") from None


def check_claim(claim: str, assume: Sequence[str] = (), where: Sequence[str] = (), *,
                seed: int = 0, points: int = DEFAULT_POINTS,
                seconds: float = BUDGETS["formula_seconds"], gradient: bool = False
                ) -> CheckResult:
    """Check one equation, inequality or range in LaTeX (``symnn check``): free symbols are
    real scalars unless an ``assume`` narrows them; ``where`` defines names. Reading and
    checking run in a child process under ``seconds``. Raises ParseError, DeriveError or
    ValueError for an unreadable claim, InternalError for a bug of symnn and BudgetExceeded
    past the budget."""
    return run_isolated(_check_claim_here, claim, tuple(assume), tuple(where), seed, points,
                        gradient, seconds=seconds, what="the check",
                        passthrough=(ParseError, DeriveError, ValueError))


def _check_claim_here(claim: str, assume: Sequence[str], where: Sequence[str], seed: int,
                      points: int, gradient: bool) -> CheckResult:
    table = SymbolTable(auto=True)
    narrowed: set[str] = set()
    for text in assume:
        _sample_inside(text, table)
    joint = [c for a in _chains(assume) if (c := _assume(a, table, narrowed)) is not None]
    latest = {d.pyname: d.sympy() for d in table.decls.values()}  # a name narrowed after it
    joint = [c.xreplace({s: latest.get(s.name, s) for s in c.free_symbols}) for c in joint]
    defs = _read_where(tuple(where), table)
    narrowed_defined = _plain_defined(defs, table)  # --assume on a --where name: a claim
    if narrowed_defined:
        defs = _read_where(tuple(where), table)
        latest = {d.pyname: d.sympy() for d in table.decls.values()}
        joint = [c.xreplace({s: latest.get(s.name, s) for s in c.free_symbols}) for c in joint]
    joint = [evaluate(c, defs) for c in joint]  # a condition on a defined name is on its value
    for decl in narrowed_defined:
        value = evaluate(table.decls[decl.latex].sympy(), defs)
        held = domain_claim(value, decl, table, tuple(joint), seed, "assumption")
        if not held.ok:
            return dataclasses.replace(held, detail=(
                f"the assumption that {decl.latex} is {decl.domain.name} is a claim about its "
                f"--where definition, and it is not shown: {held.detail}"))
    own_e = "e" in narrowed or any(getattr(k, "name", "") == "e" for k in defs.symbols)

    def side(expr: sp.Expr, written: sp.Basic | None) -> sp.Expr:
        """A side with its definitions, a bare e as Euler's number unless --assume or --where
        names it, undefined where the side as written is (guards of the unevaluated reading)."""
        out = evaluate(expr, defs)
        if written is not None:
            out = guarded(out, evaluate(guard_of(written), defs))
        return out if own_e else out.xreplace({s: sp.E for s in out.free_symbols
                                               if s.name == "e"})

    relations = read_relations(claim, table)
    if relations:
        raw = written_guards(lambda: read_relations(claim, table)) or [None] * len(relations)
        rels = [r if isinstance(r, sp.logic.boolalg.BooleanAtom) else
                r.func(side(r.lhs, getattr(w, "lhs", None)), side(r.rhs, getattr(w, "rhs", None)))
                for r, w in zip(relations, raw, strict=True)]
        return check_relations(rels, table, seed=seed, points=points, constraints=tuple(joint))
    read = parse_statement(claim, table)
    if read.rel != "eq":
        raise ParseError("a claim must be an equation 'left = right'", claim, 0)
    raw = written_guards(lambda: parse_statement(claim, table))  # where each side is defined
    lhs, rhs = side(read.lhs, raw and raw.lhs), side(read.rhs, raw and raw.rhs)
    huge = too_large(lhs, rhs, *joint)  # said at once, not after a fork and a timeout
    if huge:
        raise ValueError(huge)
    parts = derivative_side(read.lhs, read.rhs)
    if gradient and parts is None:
        raise ValueError("--gradient needs a derivative side (\\frac{d}{dx}, \\partial, \\nabla_x)")

    equality = None if gradient else compare(lhs, rhs, table, seed=seed, points=points,
                                             constraints=tuple(joint))
    result = equality if parts is None else check_derivative_claim(
        parts, equality, defs, table, seed=seed, points=points, constraints=tuple(joint))
    warnings = tuple(f"read `{w}` as {' '.join(w)} (a product); if it is one name, declare it: "
                     f"--assume '{w} real'" for w in sorted(read.guessed))
    return dataclasses.replace(result, warnings=warnings) if warnings else result
