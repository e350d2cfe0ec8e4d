"""Packed gate weights for the cell kernels: one matrix product per right operand and step.

A cell's forward multiplies several weights by the same vector (the LSTM: U_u a, U_f a, U_o a
and W_u x, W_f x, W_o x). Those weights are stacked once per call (``_pack_<base>``), the step
makes one product per operand and takes each gate's rows (``_block``). Gates of one form,
f(W_k x + U_k a + b_k) for every k, are computed together: the stacked pre-activations
(with the stacked biases) go through f in one call. The backward stacks the gates' adjoints
once per step: one product by the packed weights' transpose gives an operand's adjoint, one
product by the operand's transpose all the group's weight gradients, one batch sum the gates'
bias gradients. The public ``<base>_forward`` and ``<base>_backward`` keep their separate weight
arguments and pack per call; ``<base>_sequence`` and ``<base>_bptt`` pack once for all steps.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..read._notation import Concat

__all__ = ["gate_lines", "gemm_groups", "packed_lines", "pack_source", "packed_backward"]


def _products(expr: sp.Expr, params: set[str]) -> list[sp.Mul]:
    """Matrix products weight @ vector (both names) in ``expr``, in a fixed order."""
    found = [m for m in sp.preorder_traversal(expr)
             if isinstance(m, sp.Mul) and not m.is_commutative and len(m.args) == 2
             and all(a.is_Symbol for a in m.args) and m.args[0].name in params]
    return list(dict.fromkeys(found))


def gemm_groups(lines: list, params: set[str]) -> dict[sp.Symbol, list[sp.Symbol]]:
    """Right operand -> the weights that multiply it, for operands shared by two or more."""
    groups: dict[sp.Symbol, list[sp.Symbol]] = {}
    for ln in lines:
        for m in _products(ln.expr, params):
            weights = groups.setdefault(m.args[1], [])
            if m.args[0] not in weights:
                weights.append(m.args[0])
    return {v: ws for v, ws in groups.items() if len(ws) > 1}


def gate_lines(lines: list, groups: dict[sp.Symbol, list[sp.Symbol]],
               params: set[str]) -> tuple[list[int], list[sp.Symbol]] | None:
    """The gates: lines ``f(W_k v + U_k u + ... + b_k)``, the k-th weight of every group and
    the same elementwise f, one line for each k; (their lines in k order, their biases b_k, or
    none if no gate has one). None if the lines do not have that form."""
    size = {len(ws) for ws in groups.values()}
    if len(size) != 1:
        return None
    found: dict[int, tuple[int, type, sp.Symbol | None]] = {}
    for i, ln in enumerate(lines):
        e = ln.expr
        if not (isinstance(e, sp.Function) and len(e.args) == 1 and isinstance(e.args[0], sp.Add)):
            continue
        ks, bias, other = set(), [], False
        for t in e.args[0].args:
            if (isinstance(t, sp.Mul) and len(t.args) == 2 and t.args[1] in groups
                    and t.args[0] in groups[t.args[1]]):
                ks.add((t.args[1], groups[t.args[1]].index(t.args[0])))
            elif t.is_Symbol and t.name in params:
                bias.append(t)
            else:
                other = True
        k = {k for _, k in ks}
        if other or len(ks) != len(groups) or len(k) != 1 or len(bias) > 1:
            continue
        if k.pop() in found or {v for v, _ in ks} != set(groups):
            return None
        found[next(iter(ks))[1]] = (i, e.func, bias[0] if bias else None)
    n = size.pop()
    if sorted(found) != list(range(n)) or len({f for _, f, _ in found.values()}) != 1:
        return None
    biases = [found[k][2] for k in range(n)]
    if any(b is None for b in biases) and not all(b is None for b in biases):
        return None
    return [found[k][0] for k in range(n)], [b for b in biases if b is not None]


def packed_lines(lines: list, groups: dict[sp.Symbol, list[sp.Symbol]],
                 doprint: Callable[[sp.Expr], str],
                 params: set[str] = frozenset()) -> tuple[list[str], list[str]]:
    """(the names of the packed weights, the step's body lines using them). Gates (see
    :func:`gate_lines`) are computed together: one elementwise call on the stacked
    pre-activations, each gate its rows."""
    packed = {v: f"_W_{v.name}" for v in groups}
    gates = gate_lines(lines, groups, params)
    names = list(packed.values()) + (["_b_gates"] if gates and gates[1] else [])
    body: list[str] = []
    done: set[sp.Symbol] = set()
    for i, ln in enumerate(lines):
        if gates and i in gates[0]:
            if i == min(gates[0]):
                z = [sp.Symbol(packed[v], commutative=False) * v for v in groups]
                z += [sp.Symbol("_b_gates", commutative=False)] if gates[1] else []
                body.append(f"    _gates = {doprint(ln.expr.func(sp.Add(*z)))}")
            rows = ", ".join(w.name for w in next(iter(groups.values())))
            body.append(f"    {ln.name.name} = _block(_gates, {gates[0].index(i)}, {rows})")
            continue
        swap = {}
        for m in _products(ln.expr, {w.name for ws in groups.values() for w in ws}):
            w, v = m.args
            if v not in groups or w not in groups[v]:
                continue
            if v not in done:
                body.append(f"    _mm_{v.name} = {packed[v]} @ {v.name}")
                done.add(v)
            k = groups[v].index(w)
            rows = f"_block(_mm_{v.name}, {k}, {', '.join(x.name for x in groups[v])})"
            swap[m] = sp.Symbol(f"_mm_{v.name}_{k}", commutative=False)
            body.append(f"    {swap[m].name} = {rows}")
        body.append(f"    {ln.name.name} = {doprint(ln.expr.xreplace(swap))}")
    return names, body


def pack_source(base: str, params: list[str], groups: dict[sp.Symbol, list[sp.Symbol]],
                doprint: Callable[[sp.Expr], str], biases: list[sp.Symbol] = ()) -> list[str]:
    """``_pack_<base>(params)``: the stacked weights, one per shared operand, then the gates'
    stacked biases if they have them."""
    stacks = [doprint(Concat(*ws)) for ws in groups.values()]
    stacks += [doprint(Concat(*biases))] if biases else []
    return [f"def _pack_{base}({', '.join(params)}):",
            '    r"""The weights that share a right operand, stacked (one product per step)."""',
            f"    return ({', '.join(stacks)}{',' if len(stacks) == 1 else ''})"]


def _gate_terms(lines: list, weights: set[sp.Symbol]) -> dict[sp.Symbol, tuple[int, sp.Expr]]:
    """weight W -> (the line, the term W^T g) for each W^T g (g a name) of the backward, when W
    is in one such term only (a weight read twice is not packed)."""
    found: dict[sp.Symbol, list[tuple[int, sp.Expr]]] = {}
    for i, ln in enumerate(lines):
        for term in sp.Add.make_args(ln.expr):
            if (isinstance(term, sp.Mul) and len(term.args) == 2
                    and isinstance(term.args[0], sp.transpose) and term.args[1].is_Symbol
                    and term.args[0].args[0] in weights):
                found.setdefault(term.args[0].args[0], []).append((i, term))
    return {w: ts[0] for w, ts in found.items() if len(ts) == 1}


def _weight_grad(ln, v: sp.Symbol, g: sp.Symbol) -> bool:
    """The line is d_W = g v^T."""
    e = ln.expr
    return (isinstance(e, sp.Mul) and len(e.args) == 2 and e.args[0] == g
            and isinstance(e.args[1], sp.transpose) and e.args[1].args[0] == v)


def packed_backward(lines: list, groups: dict[sp.Symbol, list[sp.Symbol]],
                    doprint: Callable[[sp.Expr], str]) -> list[str] | None:
    """The backward's body with each group's gate adjoints stacked once (``_dz<k>``): one
    product by the packed weights' transpose for the operand's adjoint, one product by the
    operand's transpose for the group's weight gradients (each weight's rows of it), one sum over
    the batch for the biases of the same gates. None if no group has the form."""
    terms = _gate_terms(lines, {w for ws in groups.values() for w in ws})
    stacks: dict[tuple[sp.Symbol, ...], sp.Symbol] = {}
    plan: dict[sp.Symbol, tuple[int, tuple[sp.Symbol, ...]]] = {}  # operand -> (line, gs)
    for v, ws in groups.items():
        if not all(w in terms for w in ws) or len({terms[w][0] for w in ws}) != 1:
            continue
        gs = tuple(terms[w][1].args[1] for w in ws)
        if len(set(gs)) == len(gs):
            plan[v] = (terms[ws[0]][0], gs)
            stacks.setdefault(gs, sp.Symbol(f"_dz{len(stacks)}", commutative=False))
    if not plan:
        return None
    by_name = {ln.name: i for i, ln in enumerate(lines)}
    # each stack right after its last gate adjoint is made (-1: all are inputs)
    made = {dz: max((by_name.get(g, -1) for g in gs), default=-1) for gs, dz in stacks.items()}
    grads: dict[int, str] = {}  # line -> its new source, for weight and bias gradients
    first: dict[int, list[str]] = {}  # line -> lines to put before it
    for v, (_, gs) in plan.items():
        ws, dz = groups[v], stacks[gs]
        rows = ", ".join(w.name for w in ws)
        at = [by_name.get(sp.Symbol(f"d_{w.name}", commutative=False)) for w in ws]
        if all(i is not None and i > made[dz] and _weight_grad(lines[i], v, g)
               for i, g in zip(at, gs, strict=True)):
            first.setdefault(min(at), []).append(
                f"    _dW_{v.name} = {doprint(dz * sp.transpose(v))}")
            for k, i in enumerate(at):
                grads[i] = f"_block(_dW_{v.name}, {k}, {rows})"
    for gs, dz in stacks.items():  # the biases of the stacked gates: one sum over the batch
        at = [next((i for i, ln in enumerate(lines) if type(ln.expr).__name__ == "BatchSum"
                    and ln.expr.args[0] == g), None) for g in gs]
        if all(i is not None and i > made[dz] for i in at):
            ws = groups[next(v for v, (_, p) in plan.items() if p == gs)]
            first.setdefault(min(at), []).append(
                f"    _db{dz.name} = {doprint(type(lines[at[0]].expr)(dz))}")
            for k, i in enumerate(at):
                grads[i] = f"_block(_db{dz.name}, {k}, {', '.join(w.name for w in ws)})"
    operand_lines: dict[int, sp.Expr] = {}
    for v, (i, gs) in plan.items():
        expr = operand_lines.get(i, lines[i].expr)
        packed = {terms[w][1] for w in groups[v]}
        kept = [t for t in sp.Add.make_args(expr) if t not in packed]
        pw = sp.Symbol(f"_W_{v.name}", commutative=False)
        operand_lines[i] = sp.Add(*kept, sp.transpose(pw) * stacks[gs])
    body = [f"    {dz.name} = {doprint(Concat(*gs))}" for gs, dz in stacks.items()
            if made[dz] < 0]
    for i, ln in enumerate(lines):
        body += first.get(i, [])
        text = grads.get(i) or doprint(operand_lines.get(i, ln.expr))
        body.append(f"    {ln.name.name} = {text}")
        body += [f"    {dz.name} = {doprint(Concat(*gs))}" for gs, dz in stacks.items()
                 if made[dz] == i]
    return body
