"""Batch programs: a formula over a batch as straight-line steps, and its reverse mode.

Each step is ``elem`` (one value per sample, shape (m, d)), ``inv`` (one per feature, the same
for every sample) or ``sum`` (an inv value: the sum over the batch of a per-sample body). The
reverse pass asks SymPy only for the local derivative of one step with respect to one input;
the adjoint rules keep every step O(m d): an elementwise step that reads an inv value sends back
a *sum* over the batch, a sum step sends its adjoint back *broadcast*. No m x m object exists.

Passes on the new sums (where the algebra pays): the bodies are made linear (adjoints and
product steps inlined, constant factors pulled out, identical bodies shared), sums proved zero
from the forward statistics (sum_i (x_i - mu) = 0) are dropped, and per-sample steps are
written as (per-feature coefficient) x (per-sample part), the coefficients computed once per
feature. Local derivatives are written with the step's own value where it appears
(d (v + eps)^(-1/2) / dv = -rstd^3 / 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from ._moments import Moment, linear, per_sample, relations, split_terms

__all__ = ["Step", "Program", "forward_program", "backward_program", "inline", "KINDS"]

#: Step kinds: per sample, per feature, and a sum over the batch (per feature).
KINDS = ("elem", "inv", "sum")


@dataclass(frozen=True)
class Step:
    name: sp.Symbol
    kind: str
    expr: sp.Expr  # for a sum: the per-sample body


@dataclass
class Program:
    """Straight-line steps over per-sample inputs ``elem_inputs`` and per-feature ``inv_inputs``."""

    elem_inputs: tuple[sp.Symbol, ...]
    inv_inputs: tuple[sp.Symbol, ...]
    size: sp.Symbol
    steps: list[Step] = field(default_factory=list)
    outputs: tuple[sp.Symbol, ...] = ()
    dropped: list[sp.Expr] = field(default_factory=list)  # sums proved zero

    def elem(self) -> set[sp.Symbol]:
        return set(self.elem_inputs) | {s.name for s in self.steps if s.kind == "elem"}

    def step(self, name: sp.Symbol) -> Step:
        return next(s for s in self.steps if s.name == name)

    def reads(self) -> set[sp.Symbol]:
        """Names the program reads but does not compute."""
        made = {s.name for s in self.steps}
        used = set().union(*(s.expr.free_symbols for s in self.steps)) | set(self.outputs)
        return used - made - {self.size}


def _kind(expr: sp.Expr, elem: set[sp.Symbol]) -> str:
    return "elem" if per_sample(expr, elem) else "inv"


def forward_program(target: sp.Expr, defs: dict[sp.Symbol, sp.Expr], output: sp.Symbol,
                    elem_inputs: tuple[sp.Symbol, ...], inv_inputs: tuple[sp.Symbol, ...],
                    size: sp.Symbol) -> Program:
    """The program computing ``output = target`` (batch form), definitions as steps, each
    moment a sum step, common per-sample subexpressions shared (x - mu once)."""
    prog = Program(elem_inputs, inv_inputs, size)
    order: list[sp.Symbol] = []

    def visit(name: sp.Symbol) -> None:
        if name in order:
            return
        for dep in sorted(defs[name].free_symbols & set(defs), key=str):
            visit(dep)
        order.append(name)

    for dep in sorted(target.free_symbols & set(defs), key=str):
        visit(dep)
    exprs = [(name, defs[name]) for name in order] + [(output, target)]
    temps = sp.numbered_symbols("t")
    replaced, reduced = sp.cse([e for _, e in exprs], symbols=temps, optimizations="basic")
    pending = list(replaced)
    elem = set(elem_inputs)

    def emit(name: sp.Symbol, expr: sp.Expr) -> None:
        counter = len([s for s in prog.steps if s.kind == "sum"])
        for mom in sorted(expr.atoms(Moment), key=sp.count_ops):
            s = sp.Symbol(f"s{counter}")
            counter += 1
            prog.steps.append(Step(s, "sum", mom.args[0]))
            expr = expr.xreplace({mom: s})
        kind = _kind(expr, elem)
        if kind == "elem":  # per-feature powers and functions inside: steps of their own
            for sub in sorted(_inv_calls(expr, elem), key=sp.count_ops):
                r = sp.Symbol(f"r{len([s for s in prog.steps if s.name.name[0] == 'r'])}")
                prog.steps.append(Step(r, "inv", sub))
                expr = expr.xreplace({sub: r})
        if kind == "elem":
            elem.add(name)
        prog.steps.append(Step(name, kind, expr))

    done: set[sp.Symbol] = set(elem_inputs) | set(inv_inputs) | {size}
    for (name, _), expr in zip(exprs, reduced, strict=True):
        while pending:  # cse temporaries go in as soon as what they read exists
            ready = [p for p in pending if p[1].free_symbols <= done | {p[0]}]
            if not ready:
                break
            for t, e in ready:
                emit(t, e)
                done.add(t)
                pending.remove((t, e))
        emit(name, expr)
        done.add(name)
    prog.outputs = (output,)
    return prog


def _inv_calls(expr: sp.Expr, elem: set[sp.Symbol]) -> set[sp.Expr]:
    """Maximal per-feature powers (non-integer exponent) and function calls inside expr."""
    found: set[sp.Expr] = set()

    def walk(e: sp.Expr) -> None:
        if e.is_Atom:
            return
        calls = (isinstance(e, sp.Pow) and not e.exp.is_integer) or isinstance(e, sp.Function)
        if calls and not per_sample(e, elem):
            found.add(e)
            return
        for a in e.args:
            walk(a)

    walk(expr)
    return found


def _own_value(local: sp.Expr, steps: list[Step]) -> sp.Expr:
    """Write a local derivative with the forward values it contains: a step's expression by its
    name, and base**p by rstd**(p/q) when rstd = base**q."""
    for st in steps:
        if st.kind == "sum":
            continue
        e = st.expr
        if isinstance(e, sp.Pow) and not e.exp.is_integer:
            base, q = e.args
            local = local.replace(lambda t, b=base: isinstance(t, sp.Pow) and t.base == b,
                                  lambda t, n=st.name, q=q: n ** (t.exp / q))
        elif not e.is_Atom:
            local = local.xreplace({e: st.name})
    return local


def inline(expr: sp.Expr, steps: dict[sp.Symbol, sp.Expr], keep: set[sp.Symbol]) -> sp.Expr:
    """Substitute step expressions until only names in ``keep`` (and inputs) remain."""
    for _ in range(len(steps) + 1):
        names = {n: e for n, e in steps.items() if n in expr.free_symbols and n not in keep}
        if not names:
            return expr
        expr = expr.xreplace(names)
    return expr


def backward_program(fwd: Program, upstream: sp.Symbol, wrt: tuple[sp.Symbol, ...],
                     grad_names: dict[sp.Symbol, sp.Symbol]) -> Program:
    """Reverse mode over ``fwd`` for the adjoint ``upstream`` of its output: the gradient with
    respect to each of ``wrt`` (elem or inv inputs), named by ``grad_names``."""
    elem = fwd.elem() | {upstream}
    fwd_exprs = {s.name: s.expr for s in fwd.steps}
    sums = {s.name: s.expr for s in fwd.steps if s.kind == "sum"}
    inputs = set(fwd.elem_inputs) | set(fwd.inv_inputs)
    adj: dict[sp.Symbol, list[sp.Expr]] = {fwd.outputs[0]: [upstream]}
    bars: dict[sp.Symbol, sp.Expr] = {}  # adjoint name -> expression (kept for inlining)
    out = Program(fwd.elem_inputs + (upstream,), fwd.inv_inputs, fwd.size)

    for st in reversed(fwd.steps):
        if st.name not in adj:
            continue
        bar = sp.Symbol(f"bar_{st.name}")
        bars[bar] = sp.Add(*adj.pop(st.name))
        if st.kind == "elem":
            elem.add(bar)
        for u in sorted(st.expr.free_symbols & (set(fwd_exprs) | inputs), key=str):
            local = _own_value(sp.diff(st.expr, u), fwd.steps)
            c = bar * local
            if per_sample(c, elem) and u not in elem:
                c = Moment(c)  # an inv value read per sample: its adjoint sums over the batch
            adj.setdefault(u, []).append(c)
    for u in wrt:
        bars[grad_names[u]] = sp.Add(*adj.get(u, [sp.S.Zero]))

    # Canonical sums: adjoints and per-sample products inlined, factors out, zero sums dropped.
    products = {n: e for n, e in fwd_exprs.items()
                if n in elem and not isinstance(e, sp.Add) and n not in sums}
    raw_inputs = inline_all(fwd_exprs, elem)
    rules = relations([(n, Moment(raw_inputs(b))) for n, b in sums.items()], elem, fwd.size)
    stats = {n: raw_inputs(e) for n, e in fwd_exprs.items() if n not in elem and n not in sums}
    made: dict[sp.Expr, sp.Symbol] = {b: n for n, b in sums.items()}

    def reduction(mom: Moment) -> sp.Expr:
        body = inline(mom.args[0], {**bars, **products}, keep=set())
        total = sp.S.Zero
        for coeff, part in split_terms(body, elem):
            if part == 1:
                total += coeff * fwd.size
                continue
            zero = linear(Moment(raw_inputs(part)), elem, fwd.size).xreplace(rules)
            if sp.expand(zero.xreplace(stats).xreplace(stats)) == 0:
                out.dropped.append(Moment(part))
                continue
            if part not in made:
                made[part] = sp.Symbol(f"S{len(made) - len(sums)}")
                out.steps.append(Step(made[part], "sum", part))
            total += coeff * made[part]
        return total

    for bar, expr in bars.items():
        expr = expr.replace(lambda e: isinstance(e, Moment), reduction)
        bars[bar] = expr
        out.steps.append(Step(bar, _kind(expr, elem), expr))
    out.outputs = tuple(grad_names[u] for u in wrt)
    _prune(out)
    reads = out.reads()  # inputs, the upstream gradient and the forward values it needs
    out.elem_inputs = tuple(sorted(reads & elem, key=str))
    out.inv_inputs = tuple(sorted(reads - elem, key=str))
    return out


def inline_all(exprs: dict[sp.Symbol, sp.Expr], elem: set[sp.Symbol]):
    """A function writing an expression with the per-sample steps replaced by what they
    compute, down to the inputs (sums and per-feature steps kept as names)."""
    elem_steps = {n: e for n, e in exprs.items() if n in elem}

    def apply(expr: sp.Expr) -> sp.Expr:
        return inline(expr, elem_steps, keep=set())

    return apply


def _prune(prog: Program) -> None:
    """Drop steps no output needs; inline adjoints that are only a rename."""
    renames = {s.name: s.expr for s in prog.steps
               if s.expr.is_Symbol and s.kind != "sum" and s.name not in prog.outputs}
    steps = [Step(s.name, s.kind, inline(s.expr, renames, keep=set()))
             for s in prog.steps if s.name not in renames]
    needed = set(prog.outputs)
    kept = []
    for s in reversed(steps):
        if s.name in needed:
            kept.append(s)
            needed |= s.expr.free_symbols
    prog.steps = kept[::-1]


def hoist(prog: Program, keep: set[sp.Symbol] = frozenset()) -> Program:
    """Fewer passes over (m, d): per-sample steps used once are inlined into the per-sample step
    that uses them (unless in ``keep``: read by another program), then each per-sample step is
    written sum_k c_k * part_k with the per-feature coefficients c_k as steps of their own."""
    elem = prog.elem()
    uses: dict[sp.Symbol, int] = {}
    for s in prog.steps:
        for n in s.expr.free_symbols:
            uses[n] = uses.get(n, 0) + 1
    single = {s.name: s.expr for s in prog.steps if s.kind == "elem" and uses.get(s.name) == 1
              and s.name not in prog.outputs and s.name not in keep}
    steps: list[Step] = []
    coeffs = sp.numbered_symbols("c")
    for s in prog.steps:
        if s.name in single and any(s.name in t.expr.free_symbols and t.kind == "elem"
                                    for t in prog.steps):
            continue
        expr = inline(s.expr, single, keep=set()) if s.kind == "elem" else s.expr
        if s.kind == "elem":
            terms = []
            for c, part in split_terms(expr, elem):
                if not (c.is_Number or c.is_Symbol):
                    name = next(coeffs)
                    steps.append(Step(name, "inv", sp.factor(c)))
                    c = name
                terms.append(c * part)
            expr = sp.Add(*terms)
        steps.append(Step(s.name, s.kind, expr))
    return Program(prog.elem_inputs, prog.inv_inputs, prog.size, steps, prog.outputs,
                   prog.dropped)
