"""Packed gate weights for the cell kernels: one matrix product per right operand and step.

A cell's forward multiplies several weights by the same vector (the LSTM: U_u a, U_f a, U_o a
and W_u x, W_f x, W_o x). Those weights are stacked once per call (``_pack_<base>``), the step
makes one product per operand and takes each gate's rows (``_block``). The public
``<base>_forward`` keeps its separate weight arguments and packs per call; ``<base>_sequence``
packs once for all its steps.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..read._notation import Concat

__all__ = ["gemm_groups", "packed_lines", "pack_source"]


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


def packed_lines(lines: list, groups: dict[sp.Symbol, list[sp.Symbol]],
                 doprint: Callable[[sp.Expr], str]) -> tuple[list[str], list[str]]:
    """(the names of the packed weights, the step's body lines using them)."""
    packed = {v: f"_W_{v.name}" for v in groups}
    body: list[str] = []
    done: set[sp.Symbol] = set()
    for ln in lines:
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
    return list(packed.values()), body


def pack_source(base: str, params: list[str], groups: dict[sp.Symbol, list[sp.Symbol]],
                doprint: Callable[[sp.Expr], str]) -> list[str]:
    """``_pack_<base>(params)``: the stacked weights, one per shared operand."""
    stacks = [doprint(Concat(*ws)) for ws in groups.values()]
    return [f"def _pack_{base}({', '.join(params)}):",
            '    r"""The weights that share a right operand, stacked (one product per step)."""',
            f"    return ({', '.join(stacks)}{',' if len(stacks) == 1 else ''})"]
