"""SymPy -> vectorized NumPy functions through ``lambdify``, with stable forms of symnn's nodes.

Before lowering, exact rewrites (a table: pattern -> stable form) replace the textbook forms
that overflow or cancel in float64: log(sigmoid(x)) -> -softplus(-x), log(1 - sigmoid(x)) ->
-softplus(x), log(1 + exp(x)) -> softplus(x), 1 - sigmoid(x) -> sigmoid(-x). The kernels accept
complex input, so the complex-step derivative runs through the same code.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import sympy as sp

from ..derive import BatchDerivation, Program, Tape
from ..read import check_pyname, sigmoid, softplus
from ._pack import gate_lines, gemm_groups, pack_source, packed_backward, packed_lines
from ._printers import (
    BACKENDS,
    expr_function,
    module_source,
    program_function,
    stable_sigmoid,
    stable_softplus,
)
from ._safe import doc_text
from ._special import SPECIAL, SpecialPrinter, product_over

__all__ = ["KERNELS", "STABLE_REWRITES", "stabilize", "to_numpy", "stable_sigmoid",
           "stable_softplus", "program_function", "module_source", "load_module",
           "batch_functions", "expr_function", "BACKENDS", "cell_functions", "cell_module"]


#: Implementations of symnn's own function nodes, by the name lambdify prints.
KERNELS: dict[str, Callable[..., np.ndarray]] = {
    "sigmoid": stable_sigmoid,
    "softplus": stable_softplus,
    "product_over": product_over,
    **SPECIAL,  # erf, erfc, gamma, lgamma, factorial, binomial: elementwise, real or complex
}


def _is_one_minus_sigmoid(e: sp.Basic) -> bool:
    return (isinstance(e, sp.Add) and len(e.args) == 2 and sp.S.One in e.args
            and any(isinstance(-t, sigmoid) for t in e.args))


def _sigmoid_arg(e: sp.Add) -> sp.Expr:
    return next((-t).args[0] for t in e.args if isinstance(-t, sigmoid))


def _is_log_one_plus_exp(e: sp.Basic) -> bool:
    inner = e.args[0] if isinstance(e, sp.log) else None
    return (isinstance(inner, sp.Add) and len(inner.args) == 2 and sp.S.One in inner.args
            and any(isinstance(t, sp.exp) for t in inner.args))


def _exp_arg(e: sp.Basic) -> sp.Expr | None:
    return e.args[0] if isinstance(e, sp.exp) else None


def _tanh_arg(e: sp.Add) -> sp.Expr:
    t = next(a for a in e.args if a != 1)
    return (t if isinstance(t, sp.tanh) else -t).args[0]


def _is_logistic(e: sp.Basic) -> bool:
    """1 / (1 + exp(u))."""
    return (isinstance(e, sp.Pow) and e.exp == -1 and isinstance(e.base, sp.Add)
            and len(e.base.args) == 2 and sp.S.One in e.base.args
            and any(isinstance(t, sp.exp) for t in e.base.args))


def _is_tanh_ratio(e: sp.Basic) -> bool:
    """(exp(u) - exp(-u)) / (exp(u) + exp(-u))."""
    if not (isinstance(e, sp.Mul) and len(e.args) == 2):
        return False
    num, den = sorted(e.args, key=lambda t: isinstance(t, sp.Pow) and t.exp == -1)
    if not (isinstance(den, sp.Pow) and den.exp == -1):
        return False
    ups = [_exp_arg(t) for t in sp.Add.make_args(den.base)]
    if len(ups) != 2 or None in ups:
        return False
    u = ups[0]
    return (sp.expand(ups[0] + ups[1]) == 0 and sp.expand(num - (sp.exp(u) - sp.exp(-u))) == 0) \
        or sp.expand(num - (sp.exp(-u) - sp.exp(u))) == 0


def _tanh_of(e: sp.Mul) -> sp.Expr:
    num, den = sorted(e.args, key=lambda t: isinstance(t, sp.Pow) and t.exp == -1)
    u = _exp_arg(sp.Add.make_args(den.base)[0])
    return sp.tanh(u) if sp.expand(num - (sp.exp(u) - sp.exp(-u))) == 0 else -sp.tanh(u)


def _log_one_plus_tanh(e: sp.Basic) -> int:
    """+1 for log(1 + tanh(x)), -1 for log(1 - tanh(x)), 0 otherwise."""
    inner = e.args[0] if isinstance(e, sp.log) else None
    if not (isinstance(inner, sp.Add) and len(inner.args) == 2 and sp.S.One in inner.args):
        return 0
    t = next(a for a in inner.args if a != 1)
    return 1 if isinstance(t, sp.tanh) else -1 if isinstance(-t, sp.tanh) else 0


#: Exact rewrites to stable forms: (name, matches, replacement), applied in order.
STABLE_REWRITES = (
    ("log(1 -+ tanh(x)) -> log(2) - softplus(+-2x)", _log_one_plus_tanh,
     lambda e: sp.log(2) - softplus(-2 * _log_one_plus_tanh(e) * sp.tanh(
         _tanh_arg(e.args[0])).args[0])),
    ("1/(1 + exp(-x)) -> sigmoid(x)", _is_logistic,
     lambda e: sigmoid(-next(t for t in e.base.args if isinstance(t, sp.exp)).args[0])),
    ("(exp(x) - exp(-x))/(exp(x) + exp(-x)) -> tanh(x)", _is_tanh_ratio, _tanh_of),
    ("log(sigmoid(x)) -> -softplus(-x)",
     lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sigmoid),
     lambda e: -softplus(-e.args[0].args[0])),
    ("log(1 - sigmoid(x)) -> -softplus(x)",
     lambda e: isinstance(e, sp.log) and _is_one_minus_sigmoid(e.args[0]),
     lambda e: -softplus(_sigmoid_arg(e.args[0]))),
    ("log(1 + exp(x)) -> softplus(x)", _is_log_one_plus_exp,
     lambda e: softplus(next(t for t in e.args[0].args if isinstance(t, sp.exp)).args[0])),
    ("1 - sigmoid(x) -> sigmoid(-x)", _is_one_minus_sigmoid,
     lambda e: sigmoid(-_sigmoid_arg(e))),
)


def stabilize(expr: sp.Expr) -> sp.Expr:
    """Apply the stable rewrites (each an identity) wherever they match."""
    for _, matches, replace in STABLE_REWRITES:
        expr = expr.replace(matches, replace)
    return expr


def to_numpy(expr: sp.Expr, symbols: list[sp.Symbol], stable: bool = True
             ) -> Callable[..., np.ndarray]:
    """A NumPy function of ``symbols`` (positional, broadcasting) computing ``expr``.

    Symbol names reach generated code, so each must be a safe identifier.
    """
    for s in symbols:
        check_pyname(s.name)
    if expr.has(sp.zoo, sp.nan):
        raise ValueError(f"cannot evaluate {expr}: it is undefined (complex infinity or nan)")
    undefined = expr.atoms(sp.core.function.AppliedUndef)
    if undefined:
        names = ", ".join(sorted(str(f.func) for f in undefined))
        raise ValueError(f"cannot evaluate undefined function(s) {names}: give a definition")
    bound = {v for e in expr.atoms(sp.Sum, sp.Product) for v in e.variables}
    return sp.lambdify(symbols, stabilize(expr) if stable else expr,
                       modules=[KERNELS, "numpy"],  # no common term holds a bound index
                       cse=lambda exprs: sp.cse(exprs, ignore=bound, list=False),
                       printer=SpecialPrinter({
                           "fully_qualified_modules": False, "inline": True,
                           "allow_unknown_functions": True,
                           "user_functions": {name: name for name in KERNELS}}))


def load_module(source: str, name: str = "symnn_kernels") -> ModuleType:
    """Import generated source (written to a private temporary file, imported by path)."""
    folder = Path(tempfile.mkdtemp(prefix="symnn-"))
    try:
        path = folder / f"{name}.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return module


def batch_functions(deriv: BatchDerivation, extra: dict[str, Program] | None = None,
                    backend: str = "numpy") -> list[str]:
    """Forward and backward NumPy functions of a batch derivation (``<id>_forward`` returns
    (y, saved); ``<id>_backward`` takes (dy, saved, ...)), and one function per ``extra``
    program (a stated closed form, by name)."""
    ctx, base = deriv.ctx, deriv.ctx.formula.slug
    title = ctx.formula.title_en
    per_feature = tuple(s.name for s in ctx.parameters + ctx.constants)
    per_sample = tuple(s.name for s in ctx.inputs)
    grads = ", ".join(o.name for o in deriv.backward.outputs)
    out = [program_function(deriv.forward, f"{base}_forward",
                            f"{title}: the forward pass; returns (y, saved).",
                            per_sample, per_feature, returns_saved=deriv.saved,
                            backend=backend),
           program_function(deriv.backward, f"{base}_backward",
                            f"{title}: the backward pass; returns ({grads}).",
                            (ctx.upstream.name,), per_feature, saved=deriv.saved,
                            backend=backend)]
    for name, prog in (extra or {}).items():
        out.append(program_function(prog, name, f"{title}: {name}, as stated.",
                                    (*per_sample, ctx.upstream.name), per_feature,
                                    backend=backend))
    return out


def _names(symbols: tuple[sp.Symbol, ...] | list[sp.Symbol]) -> list[str]:
    return [s.name for s in symbols]


def cell_functions(tape: Tape, base: str, title: str, backend: str = "numpy",
                   pack: bool = True) -> list[str]:
    """Four functions of one recurrent cell: ``<base>_forward`` (one step; returns the carried
    outputs and the saved values), ``<base>_backward`` (one step; the gradient of every input,
    carried state and parameter), ``<base>_sequence`` (the cell over T steps) and
    ``<base>_bptt`` (backpropagation through time: the per-step gradients, and the parameters'
    summed over the steps). Vectors are columns; a batch of m is an (n, m) array. With ``pack``
    the weights that share an operand are stacked (see ``_pack``): one product per operand and
    step forward, and backward one for the operand's adjoint and one for the weights'."""
    b = BACKENDS[backend]
    printer = b.printer()
    inputs, params = _names(tape.inputs), _names(tape.parameters)
    per_step, carried = inputs[: tape.per_step], inputs[tape.per_step:]
    outs, ups, grads = _names(tape.outputs), _names(tape.upstream), _names(tape.grads)
    saved = _names(tape.saved)
    for n in (base, *inputs, *params, *ups, *grads, *saved):
        check_pyname(n)
    arr = b.array

    def head(name: str, args: list[str], doc: str) -> list[str]:
        return [f"def {name}(", *[f"    {a}," for a in args], ") -> tuple:",
                f'    r"""{doc_text(doc)}"""']

    def tup(names: list[str]) -> str:
        return "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"

    forward = head(f"{base}_forward", [f"{a}: {arr}" for a in inputs + params],
                   f"{title}: one step; vectors are columns, a batch of m is an (n, m) array. "
                   f"Returns ({', '.join(outs)}, saved).")
    groups = gemm_groups(tape.forward, set(params)) if pack else {}
    step_fn = f"{base}_forward"
    packing: list[str] = []
    if groups:  # weights sharing an operand: stacked once, one product per operand and step
        packed, body = packed_lines(tape.forward, groups, printer.doprint, set(params))
        gates = gate_lines(tape.forward, groups, set(params))
        step_fn = f"_{base}_step"
        packing = [pack_source(base, params, groups, printer.doprint, gates[1] if gates else []),
                   head(step_fn, [f"{a}: {arr}" for a in inputs + packed + params],
                        f"{title}: one step with the packed weights of _pack_{base}.")
                   + body + [f"    return {', '.join(outs)}, {tup(saved)}"]]
        forward.append(f"    return {step_fn}({', '.join(inputs)}, *_pack_{base}("
                       f"{', '.join(params)}), {', '.join(params)})")
    else:
        forward += [f"    {ln.name.name} = {printer.doprint(ln.expr)}" for ln in tape.forward]
        forward.append(f"    return {', '.join(outs)}, {tup(saved)}")
    backward = head(f"{base}_backward",
                    [f"{u}: {arr}" for u in ups] + ["saved: tuple"]
                    + [f"{a}: {arr}" for a in params],
                    f"{title}: the backward of one step, from the gradients of the loss with "
                    f"respect to {', '.join(outs)} and the forward's saved values. Returns "
                    f"({', '.join(grads)}); a parameter's gradient is summed over the batch.")
    back_fn = f"{base}_backward"
    back_body = packed_backward(tape.backward, groups, printer.doprint) if groups else None
    if back_body is not None:  # gate adjoints stacked: one product per operand and step
        back_fn = f"_{base}_backward_step"
        packing.append(
            head(back_fn, [f"{u}: {arr}" for u in ups] + ["saved: tuple"]
                 + [f"{a}: {arr}" for a in packed + params],
                 f"{title}: the backward of one step with the packed weights of _pack_{base}.")
            + [f"    {', '.join(saved)}, = saved", *back_body,
               f"    return {', '.join(grads)}"])
        backward.append(f"    return {back_fn}({', '.join(ups)}, saved, *_pack_{base}("
                        f"{', '.join(params)}), {', '.join(params)})")
    else:
        backward.append(f"    {', '.join(saved)}, = saved")
        backward += [f"    {ln.name.name} = {printer.doprint(ln.expr)}"
                     for ln in tape.backward]
        backward.append(f"    return {', '.join(grads)}")
    n_step, n_carry = len(per_step), len(carried)
    sequence = head(f"{base}_sequence", [f"{a}: list" for a in per_step]
                    + [f"{a}: {arr}" for a in carried + params],
                    f"{title}: the cell over T steps; {', '.join(per_step)} hold one input per "
                    f"step, {', '.join(carried)} the initial state. Returns (outputs, saves): "
                    f"outputs[t] = {tup(outs)} after step t, saves[t] that step's saved values.")
    shared = f"    params = {tup(params)}"
    packs = ["    packed = _pack_" + base + "(*params)"] if groups else []
    sequence += [shared, *packs, f"    state = {tup(carried)}", "    outputs, saves = [], []",
                 f"    for step in zip({', '.join(per_step)}):",
                 f"        *out, saved = {step_fn}(*step, *state, "
                 + ("*packed, " if groups else "") + "*params)",
                 "        outputs.append(tuple(out))", "        saves.append(saved)",
                 "        state = tuple(out)", "    return outputs, saves"]
    bptt = head(f"{base}_bptt", [f"{u}: list" for u in ups] + ["saves: list"]
                + [f"{a}: {arr}" for a in params],
                f"{title}: backpropagation through time. {', '.join(ups)}[t] is the gradient "
                f"of the loss with respect to {', '.join(outs)} at step t (from the loss alone); "
                f"saves from {base}_sequence. Returns ([{', '.join(grads[:n_step])}] per step, "
                f"{', '.join(grads[n_step:n_step + n_carry])} of the initial state, then each "
                "parameter's gradient: the sum over the steps of each step's contribution).")
    bptt += [shared, *(packs if back_body is not None else []),
             f"    carried = {tup(['0.0'] * n_carry)}  # reaches step t from step t + 1",
             "    per_step, total = [None] * len(saves), None",
             "    for t in reversed(range(len(saves))):",
             f"        upstream = [u[t] + c for u, c in zip({tup(ups)}, carried, strict=True)]",
             f"        grads = {back_fn}(*upstream, saves[t], "
             + ("*packed, " if back_body is not None else "") + "*params)",
             f"        per_step[t] = grads[:{n_step}]",
             f"        carried = grads[{n_step}:{n_step + n_carry}]",
             f"        step = grads[{n_step + n_carry}:]",
             "        if total is None:  # a copy of the first, then each step added in place",
             "            total = [s + 0 for s in step]",
             "        else:",
             "            for i, s in enumerate(step):",
             "                total[i] += s",
             "    return [g[0] for g in per_step], *carried, *total" if n_step == 1 else
             "    return per_step, *carried, *total"]
    return ["\n".join(f) + "\n" for f in (*packing, forward, backward, sequence, bptt)]


_CELL_MODULES: dict[tuple[int, str], tuple[Tape, ModuleType]] = {}


def cell_module(tape: Tape, base: str, title: str) -> ModuleType:
    """The NumPy cell functions of ``tape`` imported as a module (cached per tape and name:
    two formulas with one tape name their functions apart)."""
    key = (id(tape), base)
    if key not in _CELL_MODULES or _CELL_MODULES[key][0] is not tape:
        source = module_source(cell_functions(tape, base, title), f"{title}: cell kernels.")
        _CELL_MODULES[key] = (tape, load_module(source, f"symnn_{base}"))
    return _CELL_MODULES[key][1]
