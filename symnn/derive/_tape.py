"""Reverse mode through one recurrent cell step: matrix products, stacking, gates.

A cell (the ``[cell]`` table: per-step inputs, the state carried to the next step, parameters)
is its statement and definitions cut into a *tape* of primitive nodes in dependency order. The
backward tape is made by the adjoint rules of :data:`ADJOINTS`, one row per kind of node:

- a sum passes its adjoint g to every term;
- a product of matrices and vectors A_1 ... A_k (vectors are columns, a batch of m is an
  (n, m) array) gives A_i the adjoint (A_1 ... A_{i-1})^T g (A_{i+1} ... A_k)^T; for W x this is
  W^T g for x and g x^T for W, which sums over the batch by itself;
- an elementwise product u * v gives u the adjoint g * v;
- ``[u, v]`` gives each part its own rows of g;
- an elementwise function y = f(u) gives g * f'(u), f' from SymPy written with y where it
  appears (sigma' = y (1 - y), tanh' = 1 - y^2).

A vector that holds no per-sample input (a bias) added to a batch gets its adjoint summed over
the batch (the columns). Nothing here evaluates input text; the expressions come from the
parser.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sympy as sp

from ..catalog import CellSpec
from ..read import Concat, hadamard, sigmoid, softplus

__all__ = ["CellSpec", "Line", "Tape", "BatchSum", "Block", "ADJOINTS", "ELEMENTWISE",
           "make_tape", "TapeError"]


class TapeError(ValueError):
    """A cell that reverse mode cannot go through faithfully (a node without adjoint rule)."""


class BatchSum(sp.Function):
    """The sum of a batch of columns: (n, m) -> (n, 1). The adjoint of a bias."""

    nargs = 1

    def _eval_is_commutative(self) -> bool | None:
        return self.args[0].is_commutative


class Block(sp.Function):
    """``Block(g, k, p_0, p_1, ...)``: the rows of g that the k-th stacked part came from."""

    def _eval_is_commutative(self) -> bool | None:
        return self.args[0].is_commutative


@dataclass(frozen=True)
class Line:
    """One assignment ``name = expr`` of a tape."""

    name: sp.Symbol
    expr: sp.Expr


@dataclass
class Tape:
    """A cell step: forward lines, backward lines, and the names that connect them."""

    inputs: tuple[sp.Symbol, ...]  # per-step inputs, then the carried inputs (carry order)
    parameters: tuple[sp.Symbol, ...]
    outputs: tuple[sp.Symbol, ...]  # the carried outputs
    forward: list[Line]
    backward: list[Line]
    saved: tuple[sp.Symbol, ...]  # forward values (and inputs) the backward reads
    upstream: tuple[sp.Symbol, ...]  # d_<output>
    grads: tuple[sp.Symbol, ...]  # d_<input> ..., d_<parameter> ...
    per_step: int = 1  # how many of ``inputs`` are per-step (the rest are carried)


def _elementwise_derivative(head: type, u: sp.Symbol, y: sp.Symbol) -> sp.Expr:
    """f'(u) for y = f(u), with commutative names (printed elementwise), y where it appears."""
    s, yc, uc = sp.Dummy("s"), sp.Symbol(y.name), sp.Symbol(u.name)
    d = sp.diff(head(s), s).xreplace({head(s): yc})
    return d.xreplace({s: uc})


#: Elementwise functions reverse mode goes through (their derivative comes from SymPy).
ELEMENTWISE = (sigmoid, softplus, sp.tanh, sp.exp, sp.log)


def _add(node: sp.Expr, i: int, g: sp.Expr, y: sp.Symbol) -> sp.Expr:
    return g


def _mul(node: sp.Expr, i: int, g: sp.Expr, y: sp.Symbol) -> sp.Expr:
    scalars = [a for a in node.args if a.is_commutative]
    if any(not a.is_Number for a in scalars):
        raise TapeError(f"{node}: a product with a scalar symbol has no cell adjoint here")
    coeff = sp.Mul(*scalars)
    chain = [a for a in node.args if not a.is_commutative]
    k = chain.index(node.args[i])  # a repeated factor would be a power: each factor is once
    left = [sp.transpose(a) for a in reversed(chain[:k])]
    right = [sp.transpose(a) for a in reversed(chain[k + 1:])]
    return coeff * sp.Mul(*left, g, *right)


def _hadamard(node: sp.Expr, i: int, g: sp.Expr, y: sp.Symbol) -> sp.Expr:
    return hadamard(g, *(a for j, a in enumerate(node.args) if j != i))


def _concat(node: sp.Expr, i: int, g: sp.Expr, y: sp.Symbol) -> sp.Expr:
    return Block(g, sp.Integer(i), *node.args)


def _transpose(node: sp.Expr, i: int, g: sp.Expr, y: sp.Symbol) -> sp.Expr:
    return sp.transpose(g)


def _function(node: sp.Expr, i: int, g: sp.Expr, y: sp.Symbol) -> sp.Expr:
    return hadamard(g, _elementwise_derivative(node.func, node.args[0], y))


#: The adjoint rules: node type -> (node, argument index, adjoint g of the node, node's value)
#: -> the contribution to that argument's adjoint.
ADJOINTS = {sp.Add: _add, sp.Mul: _mul, hadamard: _hadamard, Concat: _concat,
            sp.transpose: _transpose, **{f: _function for f in ELEMENTWISE}}


def _rule(node: sp.Expr, rules: dict):
    for head, rule in rules.items():
        if isinstance(node, head):
            return rule
    raise TapeError(f"{type(node).__name__} ({node}): no adjoint rule; the rules are for "
                    f"{', '.join(getattr(h, '__name__', str(h)) for h in rules)}")


def _order(outputs: list[sp.Symbol], defs: dict[sp.Symbol, sp.Expr]) -> list[sp.Symbol]:
    """The defined names the outputs need, each after what it reads."""
    done: list[sp.Symbol] = []

    def visit(s: sp.Symbol, path: tuple) -> None:
        if s in done or s not in defs:
            return
        if s in path:
            raise TapeError(f"{s} is defined through itself")
        for dep in sorted(defs[s].free_symbols, key=lambda d: d.name):
            visit(dep, (*path, s))
        done.append(s)

    for o in outputs:
        visit(o, ())
    return done


def _cut(name: sp.Symbol, expr: sp.Expr, counter: list[int]) -> list[Line]:
    """expr as primitive lines, the last one assigning ``name``."""
    lines: list[Line] = []

    def visit(e: sp.Expr, target: sp.Symbol | None) -> sp.Expr:
        if e.is_Atom:
            if target is not None:
                lines.append(Line(target, e))
            return e
        args = [visit(a, None) for a in e.args]
        if target is None:
            target = sp.Symbol(f"_t{counter[0]}", commutative=e.is_commutative)
            counter[0] += 1
        lines.append(Line(target, e.func(*args)))
        return target

    visit(expr, name)
    return lines


def _reads(lines: list[Line]) -> Counter:
    return Counter(s for ln in lines for s in ln.expr.free_symbols if isinstance(s, sp.Symbol))


def _inline(lines: list[Line], keep: set[str]) -> list[Line]:
    """Lines whose value is read once, and copies, written into their readers (unless kept)."""
    out = list(lines)
    changed = True
    while changed:
        changed = False
        reads = _reads(out)
        for k, ln in enumerate(out):
            copy = isinstance(ln.expr, sp.Symbol)  # a copy is written into every reader
            if ln.name.name in keep or (reads[ln.name] != 1 and not copy):
                continue
            for j in range(k + 1, len(out)):
                if ln.name in out[j].expr.free_symbols:
                    out[j] = Line(out[j].name, out[j].expr.xreplace({ln.name: ln.expr}))
            del out[k]
            changed = True
            break
    return out


def _is_matrix(ln_expr: sp.Expr, matrix: set[sp.Symbol]) -> bool:
    """A line's value is a matrix: a product whose first and last factors are, a sum or
    transpose of one."""
    if isinstance(ln_expr, sp.Symbol):
        return ln_expr in matrix
    if isinstance(ln_expr, sp.Mul):
        chain = [a for a in ln_expr.args if not a.is_commutative]
        return bool(chain) and chain[0] in matrix and chain[-1] in matrix
    if isinstance(ln_expr, sp.Add | sp.transpose):
        return any(a in matrix for a in ln_expr.args)
    return False


def _bar(s: sp.Symbol) -> sp.Symbol:
    """The adjoint's name: d_<name> (a temporary _tk gets _d_tk)."""
    name = f"_d{s.name}" if s.name.startswith("_") else f"d_{s.name}"
    return sp.Symbol(name, commutative=s.is_commutative)


def make_tape(outputs: list[tuple[sp.Symbol, sp.Expr | None]], defs: dict[sp.Symbol, sp.Expr],
              inputs: tuple[sp.Symbol, ...], carried: tuple[sp.Symbol, ...],
              parameters: tuple[sp.Symbol, ...], matrices: set[sp.Symbol],
              rules: dict | None = None, optional: set[sp.Symbol] | None = None) -> Tape:
    """The forward and backward tapes of one step. ``outputs`` are (name, expression) for
    the carried outputs (expression None for a name the definitions give); ``rules`` replaces
    :data:`ADJOINTS` (the tests plant wrong rules); ``optional`` parameters may go unread (they
    are then left out of the step's arguments)."""
    rules = ADJOINTS if rules is None else rules
    defined = {**defs, **{o: e for o, e in outputs if e is not None}}
    outs = [o for o, _ in outputs]
    leaves = (*inputs, *carried, *parameters)
    counter = [0]
    forward = [ln for s in _order(outs, defined) for ln in _cut(s, defined[s], counter)]
    made = {ln.name for ln in forward}
    free = {s for ln in forward for s in ln.expr.free_symbols} - made
    if free - set(leaves):
        names = ", ".join(sorted(s.name for s in free - set(leaves)))
        raise TapeError(f"{names}: neither defined nor an input, state or parameter of the cell")
    parameters = tuple(p for p in parameters if p in free or p not in (optional or set()))
    leaves = (*inputs, *carried, *parameters)
    unused = [p.name for p in leaves if p not in free]
    if unused:
        raise TapeError(f"{', '.join(unused)}: declared in [cell] but the step never reads it")
    batched = set(inputs) | set(carried)
    matrix = set(matrices)
    for ln in forward:
        if ln.expr.free_symbols & batched:
            batched.add(ln.name)
        if _is_matrix(ln.expr, matrix):
            matrix.add(ln.name)

    contributions: dict[sp.Symbol, list[sp.Expr]] = {s: [] for s in leaves}
    upstream = tuple(_bar(o) for o in outs)
    for o, u in zip(outs, upstream, strict=True):
        contributions.setdefault(o, []).append(u)
    backward: list[Line] = []
    for ln in reversed(forward):
        parts = contributions.get(ln.name, [])
        if not parts:
            continue
        g = _bar(ln.name)
        if parts != [g]:  # an output with no other reader keeps its upstream as it is
            backward.append(Line(g, sp.Add(*parts)))
        args = [ln.expr] if ln.expr.is_Atom else ln.expr.args
        rule = rules[sp.Add] if ln.expr.is_Atom else _rule(ln.expr, rules)
        for i, arg in enumerate(args):
            if not isinstance(arg, sp.Symbol):
                continue
            c = rule(ln.expr, i, g, ln.name)
            if ln.name in batched and arg not in batched and arg not in matrix:
                c = BatchSum(c)  # a bias added to a batch: its adjoint sums the columns
            contributions.setdefault(arg, []).append(c)
    grads = []
    for s in leaves:
        grads.append(_bar(s))
        backward.append(Line(grads[-1], sp.Add(*contributions[s])))
    read = {s.name for ln in backward for s in ln.expr.free_symbols}
    forward = _inline(forward, read | {o.name for o in outs})
    backward = _inline(backward, {g.name for g in grads} | {u.name for u in upstream})
    read = {s.name for ln in backward for s in ln.expr.free_symbols}
    saved = tuple(s for s in [*inputs, *carried, *(ln.name for ln in forward)]
                  if s.name in read)
    return Tape(tuple(inputs) + tuple(carried), tuple(parameters), tuple(outs), forward,
                backward, saved, upstream, tuple(grads), len(inputs))
