"""The backward pass of a formula over a batch (batch normalization): three derivations.

For L = sum_i dy_i y_i, with y_i the formula's right side and dy the upstream gradient:

* **indexed** (symbolic m): SymPy differentiates the sum over indexed symbols itself
  (``diff(Sum(dy[k] y_k, (k, 1, m)), x[p])``, Kronecker deltas inside nested sums); the deltas
  are summed out by :func:`~symnn.derive._moments.delta_sums` (``Sum.doit`` crashes on them
  in 1.14);
* **program** (symbolic m): reverse mode over the batch program (:mod:`symnn.derive._program`), the
  route the kernels come from;
* **concrete** (m = 2 ... 6): m scalar symbols per input, plain ``diff``; a different road
  to the same closed form, and slow (roughly m^3.7), so never the kernel's source.

The first two are compared with the stated closed form in moments (raw moments rewritten by
the forward statistics: sum_j x_j = m mu); the third with the closed form written out for
that m. The proofs themselves are in :mod:`symnn.check.prove`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import sympy as sp

from ..catalog import Formula
from ._moments import Moment, batch_form, delta_sums, linear, relations
from ._program import Program, backward_program, forward_program, hoist, inline

__all__ = ["BatchContext", "BatchDerivation", "batch_context", "derive_batch",
           "concrete_gradient", "CONCRETE_SIZES"]

#: Batch sizes of the concrete route (each m is a separate expansion and proof).
CONCRETE_SIZES = (2, 3, 4, 5, 6)


@dataclass
class BatchContext:
    """A formula read per sample: names, definitions and target in batch form."""

    formula: Formula
    size: sp.Symbol
    names: dict[str, sp.Symbol]  # vector name -> per-sample symbol
    inputs: tuple[sp.Symbol, ...]
    upstream: sp.Symbol
    parameters: tuple[sp.Symbol, ...]
    constants: tuple[sp.Symbol, ...]
    defs: dict[sp.Symbol, sp.Expr]  # batch form
    target: sp.Expr  # batch form
    indexed_target: sp.Expr  # with indexed sums, definitions applied
    index: sp.Symbol
    rules: dict[sp.Expr, sp.Expr] = field(default_factory=dict)

    @property
    def elem(self) -> set[sp.Symbol]:
        return set(self.names.values())

    def symbol(self, latex: str) -> sp.Symbol:
        decl = self.formula.table.get(latex)
        return self.names.get(decl.pyname) or decl.sympy()

    def read(self, expr: sp.Expr) -> sp.Expr:
        """A parsed expression in batch form."""
        indices = {d.sympy() for d in self.formula.table.decls.values() if d.kind == "index"}
        return batch_form(expr, indices, self.size, self.names)

    def raw(self, expr: sp.Expr) -> sp.Expr:
        """Definitions applied down to the inputs; moments canonical."""
        return linear(inline(expr, self.defs, keep=set()), self.elem, self.size)

    def canonical(self, expr: sp.Expr) -> sp.Expr:
        """Raw moments rewritten by the forward statistics (sum_j x_j -> m mu)."""
        return sp.expand(self.raw(expr).xreplace(self.rules))


def batch_context(formula: Formula, definitions: dict[sp.Basic, sp.Expr], rhs: sp.Expr,
                  expanded: sp.Expr) -> BatchContext:
    """``definitions``: the parsed definitions (name or x[i] -> expression); ``rhs``: the
    formula's right side; ``expanded``: the same with the definitions applied."""
    spec, table = formula.program, formula.table
    if spec is None:
        raise ValueError(f"{formula.id}: no [program] table")
    names = {d.pyname: sp.Symbol(d.pyname, **d.domain.assumptions)
             for d in table.decls.values() if d.kind == "vector" and not d.shape}
    index = table.get(spec.index).sympy()
    size = table.get(spec.size).sympy()
    ctx = BatchContext(formula, size, names, (), names[table.get(spec.upstream).pyname], (), (),
                       {}, sp.S.Zero, expanded, index)
    ctx.inputs = tuple(ctx.symbol(n) for n in spec.inputs)
    ctx.parameters = tuple(ctx.symbol(n) for n in spec.parameters)
    ctx.constants = tuple(ctx.symbol(n) for n in spec.constants)
    for key, body in definitions.items():
        name = names[str(key.base)] if isinstance(key, sp.Indexed) else key
        ctx.defs[name] = ctx.read(body)
    ctx.target = ctx.read(rhs)
    stats = [(n, inline(e, ctx.defs, keep=set())) for n, e in ctx.defs.items()
             if n not in ctx.elem and e.has(Moment)]
    ctx.rules = relations(stats, ctx.elem, size)
    return ctx


@dataclass
class BatchDerivation:
    """The derived backward: programs, the indexed result, timings (seconds by route)."""

    ctx: BatchContext
    forward: Program
    backward: Program
    indexed: dict[sp.Symbol, sp.Expr]  # wrt -> canonical moment form (indexed route)
    program: dict[sp.Symbol, sp.Expr]  # wrt -> canonical moment form (program route)
    raw: dict[sp.Symbol, sp.Expr]  # SymPy's own derivative of the indexed sum (with deltas)
    loss: sp.Expr  # sum_k dy_k y_k, indexed
    seconds: dict[str, float]

    @property
    def saved(self) -> tuple[str, ...]:
        """Forward values the backward reads (the forward returns them)."""
        made = {s.name for s in self.forward.steps}
        return tuple(sorted(n.name for n in self.backward.reads() & made))



def _indexed(ctx: BatchContext, wrt: sp.Symbol) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    k, p = sp.Symbol("k", integer=True, positive=True), sp.Symbol("p", integer=True,
                                                                  positive=True)
    fresh = ctx.indexed_target.replace(
        lambda e: isinstance(e, sp.Sum),
        lambda e: e.xreplace({v: sp.Dummy(v.name, integer=True) for v, *_ in e.limits}))
    up = sp.IndexedBase(ctx.upstream.name)
    loss = sp.Sum(up[k] * fresh.xreplace({ctx.index: k}), (k, 1, ctx.size))
    bases = {str(b): b for b in fresh.atoms(sp.IndexedBase)}
    var = bases.get(wrt.name, sp.IndexedBase(wrt.name))[p] if wrt in ctx.elem else wrt
    raw = sp.diff(loss, var)
    return delta_sums(raw, p, ctx.size, ctx.names).xreplace(ctx.rules), raw, loss


def derive_batch(ctx: BatchContext) -> BatchDerivation:
    """Both symbolic-m routes for every input and parameter, with timings."""
    formula = ctx.formula
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    output = sp.Symbol(formula.program.output)
    fwd = forward_program(ctx.target, ctx.defs, output, ctx.inputs,
                          ctx.parameters + ctx.constants, ctx.size)
    wrt = ctx.inputs + ctx.parameters
    bwd = backward_program(fwd, ctx.upstream, wrt, {w: sp.Symbol(f"grad_{w.name}") for w in wrt})
    seconds["program"] = time.perf_counter() - start
    steps = {s.name: Moment(s.expr) if s.kind == "sum" else s.expr
             for s in [*fwd.steps, *bwd.steps]}
    program = {w: ctx.canonical(inline(sp.Symbol(f"grad_{w.name}"), steps, keep=set()))
               for w in wrt}
    start = time.perf_counter()
    indexed, raw, loss = {}, {}, sp.S.Zero
    for w in wrt:
        indexed[w], raw[w], loss = _indexed(ctx, w)
        indexed[w] = sp.expand(indexed[w])
    seconds["indexed"] = time.perf_counter() - start
    saved = {s.name for s in bwd.steps} | set(bwd.reads())
    return BatchDerivation(ctx, hoist(fwd, keep=saved), hoist(bwd), indexed, program, raw, loss,
                           seconds)


def concrete_gradient(ctx: BatchContext, wrt: sp.Symbol, n: int, stated: sp.Expr
                      ) -> tuple[sp.Expr, sp.Expr]:
    """For m = n: (d/d wrt of sum_k dy_k y_k by plain diff at sample 1, the stated form at
    sample 1), both over n scalar symbols per input."""
    samples = {e: [sp.Symbol(f"{e.name}_{k + 1}", real=True) for k in range(n)]
               for e in ctx.elem}

    done: dict[tuple[sp.Expr, int], sp.Expr] = {}

    def at(expr: sp.Expr, k: int) -> sp.Expr:  # kept: a moment's body recurs at every sample
        if (expr, k) not in done:
            inner = expr.replace(lambda t: isinstance(t, Moment),
                                 lambda t: sp.Add(*[at(t.args[0], j) for j in range(n)]))
            done[expr, k] = inner.xreplace({e: s[k] for e, s in samples.items()}).xreplace(
                {ctx.size: n})
        return done[expr, k]

    target = inline(ctx.target, ctx.defs, keep=set())
    loss = sp.Add(*[samples[ctx.upstream][k] * at(target, k) for k in range(n)])
    var = samples[wrt][0] if wrt in ctx.elem else wrt
    return sp.diff(loss, var), at(inline(stated, ctx.defs, keep=set()), 0)
