"""What each check of a formula file decides about the printed statement.

A file's "verified" is a verdict on its printed statement, so every check must say which part
of it it decides, and at least one must decide the statement itself:

* the statement's **form**: a *definition* (``g(z) = ...``, ``\\Gamma = ...``, ``p_i = ...``:
  the left side is a name the definitions do not already give), an *update* (``w \\leftarrow
  ...``), or an *equation* between two expressions (``\\frac{d}{dz}\\sigma(z) = ...``);
* a check **decides the statement** (``decisive``) when its verdict is one on the statement
  as printed: an equality of an equation's sides, a claim with the statement's own two sides,
  a reference form or a property of what a definition defines, ...;
* a check **supports** it when it decides a part (a claim about a name the statement uses, a
  variant, the kernels, a declared domain);
* a check that decides nothing about the statement (a claim sharing no defined name with it,
  a reference for an equation's right side alone, a gradient of a function that does not read
  its variable, a claim that holds whatever the definitions say) is an error in the file.

The table ``RULES`` gives, per check kind and form, what it decides.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..derive import Definitions, DeriveError
from ..read import ParseError, Statement, parse_expression, parse_statement
from ._propcheck import PSD, read_relations
from .prove import try_prove

__all__ = ["IDENTICAL", "RULES", "Scope", "head_name", "scope_of", "statement_form"]

#: (check kind, statement form) -> what the check decides; "statement" marks it decisive,
#: "error: ..." refuses the file. Forms: definition, update, equation.
RULES: dict[tuple[str, str], str] = {
    ("equality", "equation"): "statement: both sides, definitions applied",
    ("equality", "definition"): "error: an equality check compares two sides, but the "
                                "statement defines {head}: its left side means nothing of its "
                                "own (use a reference, claim or property check)",
    ("reference", "definition"): "statement: the definition's right side against a standard "
                                 "form",
    ("reference", "update"): "statement: the update's right side against a standard form",
    ("reference", "equation"): "error: a reference check compares the right side with a "
                               "standard form, which decides a definition or an update; this "
                               "statement is an equation and its left side would go untested "
                               "(use an equality check)",
    ("equality", "update"): "error: an equality check needs an equation; the statement is an "
                            "update rule (use a reference check)",
    ("descent", "update"): "statement: the update decreases the function",
    ("descent", "*"): "error: a descent check needs an update rule (an arrow); the statement "
                      "is not one",
    ("backward", "update"): "statement: the gradient of the update over a batch",
    ("backward", "definition"): "statement: the gradient of the definition over a batch",
    ("expectation", "definition"): "statement: the expectation of the right side",
    ("variance", "definition"): "statement: the variance of the right side",
    ("expectation", "equation"): "part: the expectation of the right side",
    ("variance", "equation"): "part: the variance of the right side",
    ("windows", "definition"): "statement: the right side counts the windows",
    ("windows", "equation"): "part: the right side counts the windows",
    ("cell-backward", "*"): "part: the generated kernels of the cell step",
    ("bptt", "*"): "part: the generated kernels through time",
    ("mdp", "*"): "statement: the statement run on random MDPs",
}


IDENTICAL = "identical after reading: nothing was tested"


@dataclass(frozen=True)
class Scope:
    """What a check decides: ``decisive`` when it is a verdict on the printed statement."""

    decisive: bool
    decides: str
    #: the two sides compared are the same expression once read: only where each side is
    #: defined as written is left to test (nothing, when their written guards agree)
    identical: bool = False


def _head(lhs: sp.Basic | None) -> sp.Basic | None:
    """The name a left side defines: a symbol, f of distinct symbols, an element p_i."""
    if isinstance(lhs, sp.Symbol):
        return lhs
    if isinstance(lhs, sp.core.function.AppliedUndef) and all(
            isinstance(a, sp.Symbol) for a in lhs.args) and len(set(lhs.args)) == len(lhs.args):
        return lhs.func
    if isinstance(lhs, sp.Indexed):
        return lhs.base
    return None


def _defined(head: sp.Basic, defs: Definitions) -> bool:
    return head in defs.symbols or head in defs.functions or head in defs.elements


def statement_form(st: Statement, defs: Definitions) -> tuple[str, sp.Basic | None]:
    """("update" | "definition" | "equation" | "expression", the defined head or None)."""
    if st.rel == "assign":
        return "update", _head(st.lhs)
    if st.rel != "eq" or st.lhs is None:
        return "expression", None
    head = _head(st.lhs)
    if head is not None and not _defined(head, defs):
        return "definition", head
    return "equation", None


def head_name(x: sp.Basic | None) -> str | None:
    """The Python name of a defined head (a symbol, a function, a base), or None."""
    return None if x is None else _name(x)


def _name(x: sp.Basic) -> str:
    if isinstance(x, sp.IndexedBase):
        return str(x.label)
    return getattr(x, "name", None) or getattr(x, "__name__", None) or str(x)


def _names(expr: sp.Basic) -> set[str]:
    """Every name an expression mentions: symbols, functions, bases of elements."""
    out = {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    out |= {str(i.base.label) for i in expr.atoms(sp.Indexed)}
    out |= {f.func.__name__ for f in expr.atoms(sp.core.function.AppliedUndef)}
    return out


def _defined_names(defs: Definitions) -> dict[str, sp.Expr]:
    """name -> the body of its definition, for every name ``defs`` gives."""
    out: dict[str, sp.Expr] = {}
    for k, v in defs.symbols.items():
        out[_name(k.base if isinstance(k, sp.Indexed) else k)] = v
    for f, (_, body) in defs.functions.items():
        out[f.__name__] = body
    for b, (_, body) in defs.elements.items():
        out[str(b.label)] = body
    return out


def _reach(st: Statement, defs: Definitions) -> set[str]:
    """The defined names the statement depends on, through the definitions."""
    bodies = _defined_names(defs)
    todo = [n for n in _names(sp.Tuple(*(x for x in (st.lhs, st.rhs) if x is not None)))
            if n in bodies]
    seen: set[str] = set()
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            todo += [m for m in _names(bodies[n]) if m in bodies]
    return seen


def _related(expr: sp.Basic, st: Statement, head: sp.Basic | None, defs: Definitions) -> bool:
    """Whether expr is about the statement: it names what the statement defines, a name the
    statement writes or depends on through the definitions, or holds one of its sides. (A
    claim that only shares a free variable and holds whatever the definitions say is caught
    by :func:`_whatever`; on an equation such claims are never decisive anyway.)"""
    names = _names(expr)
    if head is not None and _name(head) in names:
        return True
    written = _names(sp.Tuple(*(x for x in (st.lhs, st.rhs) if x is not None)))
    if names & (_reach(st, defs) | written):
        return True
    sides = [x for x in (st.lhs, st.rhs) if x is not None and not x.is_Atom]
    return any(expr.has(x) for x in sides)


def _whatever(lhs: sp.Expr, rhs: sp.Expr) -> bool:
    """A claim that SymPy proves with no definition applied holds whatever they say."""
    if lhs.has(sp.Derivative) or rhs.has(sp.Derivative):
        return False  # a derivative of an undefined name is no proof of anything
    try:
        return try_prove(lhs, rhs)[0]
    except (TypeError, ValueError, RecursionError, NotImplementedError):
        return False


def _rule(kind: str, form: str, head: sp.Basic | None, source: str) -> Scope:
    text = RULES.get((kind, form)) or RULES.get((kind, "*"))
    if text is None:
        raise ParseError(f"a {kind} check does not decide a statement of this form ({form})",
                         source, 0)
    if text.startswith("error: "):
        raise ParseError(text[7:].format(head=head), source, 0)
    what, _, detail = text.partition(": ")
    return Scope(what == "statement", detail)


def _claim_scope(check, st: Statement, form: str, head, defs: Definitions, table) -> Scope:
    claim = parse_statement(check.latex, table)
    if claim.rel != "eq":
        return Scope(False, "")  # the claim's own error is said where it is run
    if claim.lhs == claim.rhs:
        return Scope(False, IDENTICAL, identical=True)
    if {claim.lhs, claim.rhs} == {st.lhs, st.rhs}:
        return Scope(True, "the statement itself")
    if not _related(sp.Tuple(claim.lhs, claim.rhs), st, head, defs):
        raise ParseError("this claim shares no defined name and no side with the printed "
                         "statement: it decides nothing about it (write it about the names "
                         "the statement defines or uses)", check.latex, 0)
    if _whatever(claim.lhs, claim.rhs):
        raise ParseError("this claim holds whatever the definitions say (SymPy proves it with "
                         "none applied): it decides nothing about the printed statement",
                         check.latex, 0)
    if form == "definition" and _name(head) in _names(sp.Tuple(claim.lhs, claim.rhs)):
        return Scope(True, f"a property of {_name(head)}, as the statement defines it")
    return Scope(False, "a claim about names the statement uses")


def _gradient_scope(check, st: Statement, form: str, head, defs: Definitions, table) -> Scope:
    of = parse_expression(check.of, table)
    if not _related(of, st, head, defs) and of not in (st.lhs, st.rhs):
        raise ParseError(f"the gradient check's function {check.of!r} shares no defined name "
                         "and no side with the printed statement: it decides nothing about it",
                         check.of, 0)
    if form in ("definition", "update") and (of == st.rhs or (
            head is not None and _name(head) in _names(of))):
        return Scope(True, f"the derivative of {check.of} in {check.wrt}")
    wrt = table.get(check.wrt)
    if form == "equation" and isinstance(st.lhs, sp.Derivative) and st.lhs.expr == of and \
            wrt is not None and tuple(st.lhs.variables) == (wrt.sympy(),) and \
            check.latex and parse_expression(check.latex, table) == st.rhs:
        return Scope(True, "the statement: the stated derivative against a numerical one")
    return Scope(False, f"the derivative of {check.of} in {check.wrt}")


def _property_scope(check, st: Statement, form: str, head, defs: Definitions, table) -> Scope:
    if not check.latex:
        if form != "definition":
            raise ParseError("a property check without latex checks the declared domain of "
                             "the name the statement defines; this statement defines none",
                             st.source, 0)
        return Scope(True, f"the declared domain of {_name(head)}")
    psd = PSD.match(check.latex.strip())
    subject = sp.Tuple(parse_expression(psd.group("x"), table)) if psd else sp.Tuple(
        *(a for r in read_relations(check.latex, table) for a in getattr(r, "args", ())))
    names = _names(subject)
    if head is not None and _name(head) in names and form == "definition":
        return Scope(True, f"a property of {_name(head)}, as the statement defines it")
    if names & (_reach(st, defs) | ({_name(head)} if head is not None else set())) or \
            _related(subject, st, head, defs):
        return Scope(False, "a property of names the statement uses")
    raise ParseError("this property names nothing the printed statement defines or uses: it "
                     "decides nothing about it", check.latex, 0)


_SPECIAL = {"claim": _claim_scope, "gradient": _gradient_scope, "property": _property_scope}


def scope_of(check, st: Statement, defs: Definitions, table) -> Scope:
    """What ``check`` decides about ``st`` (its definitions ``defs``, the statement's own not
    included); ParseError (an error in the file) when it decides nothing about it."""
    form, head = statement_form(st, defs)
    if check.kind == "parse":
        return Scope(False, "the reading")
    if check.kind in _SPECIAL:
        try:
            return _SPECIAL[check.kind](check, st, form, head, defs, table)
        except DeriveError as exc:
            raise ParseError(str(exc), st.source, 0) from None
    scope = _rule(check.kind, form, head, st.source)
    if (check.kind == "reference" and parse_expression(check.latex, table) == st.rhs) or (
            check.kind == "equality" and st.lhs == st.rhs):
        return Scope(scope.decisive, scope.decides, identical=True)
    return scope
